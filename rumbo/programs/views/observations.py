"""The review's observations: the program's list by area (filtered by state and area), and
the writes the activity page's forms send — a new observation, an answer, «atendida».

Access: ``rumbo.programs.access`` (``can_observe``: Planeación; ``can_answer_observation``:
the Enlace of the activity's area). A form with bad input re-renders the activity page with
its errors (400); a write the program's state forbids is a 409 page (``Conflict``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from rumbo.audit.services import Actor
from rumbo.core.errors import Refused, form_add_errors
from rumbo.institutions.access import institution_for_user
from rumbo.institutions.models import Institution
from rumbo.institutions.pages import institution_context
from rumbo.programs import services
from rumbo.programs.access import access_activity, can_answer_observation, can_observe
from rumbo.programs.forms.observations import AnswerForm, ObservationForm, answer_prefix
from rumbo.programs.models import ActivityObservation, ObservationState, ProgramState
from rumbo.programs.selectors import (
    node_map,
    observation_get,
    observation_list,
    observations_by_area,
    program_or_404,
)

from .activity.base import ActivityData, activity_url, explain_denial, load_activity
from .activity.detail import detail_page

STATE_FILTERS = {"abierta": "Abiertas", "atendida": "Atendidas"}


@login_required
@require_http_methods(["GET", "HEAD"])
def program_observations(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Every observation of the program, grouped by the activity's responsible area;
    ``?estado=abierta|atendida`` and ``?area=CODE`` filter (anything else: all)."""
    institution = institution_for_user(request.user, code)
    program = program_or_404(institution=institution, year=year)
    state = request.GET.get("estado", "")
    state = state if state in STATE_FILTERS else ""
    area_code = request.GET.get("area", "").strip()[:20]
    nodes = node_map(program=program)
    everything = list(observation_list(program=program))
    groups = observations_by_area(
        [o for o in everything if not state or o.state == state], nodes, area_code=area_code
    )
    areas = [g.area for g in observations_by_area(everything, nodes) if g.area is not None]
    return render(
        request,
        "web/program_observations.html",
        institution_context(
            request,
            institution,
            "program",
            program=program,
            groups=groups,
            state=state,
            state_filters=STATE_FILTERS,
            area_code=area_code,
            areas=areas,
            total=len(everything),
            open_total=sum(1 for o in everything if o.state == ObservationState.ABIERTA),
            shown=sum(len(g.observations) for g in groups),
            in_review=program.state == ProgramState.REVISION,
        ),
    )


def _observation(institution: Institution, year: int, pk: int) -> ActivityObservation:
    program = program_or_404(institution=institution, year=year)
    observation = observation_get(program=program, pk=pk)
    if observation is None:
        raise Http404("No existe esa observación en el programa.")
    return observation


def _back(data: ActivityData, observation: ActivityObservation) -> HttpResponse:
    return HttpResponseRedirect(f"{activity_url(data)}#observacion-{observation.pk}")


@login_required
@require_POST
@explain_denial
def observation_create(
    request: HttpRequest, institution: Institution, year: int, key: str
) -> HttpResponse:
    data = load_activity(institution, year, key)
    access_activity(request.user, data.activity, for_write=False, nodes=data.nodes)
    if not can_observe(request.user, data.program):
        raise Refused("Solo Planeación escribe observaciones de revisión.", data=data)
    form = ObservationForm(request.POST)
    if form.is_valid():
        try:
            observation = services.observation_create(
                actor=Actor.for_user(request.user),
                activity=data.activity,
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, f"Se guardó la observación a {data.activity.key}.")
            return _back(data, observation)
    return detail_page(request, data, observation_form=form, status=400)


@login_required
@require_POST
@explain_denial
def observation_answer(
    request: HttpRequest, institution: Institution, year: int, pk: int
) -> HttpResponse:
    observation = _observation(institution, year, pk)
    data = load_activity(institution, year, observation.activity.key)
    if not can_answer_observation(request.user, data.activity, nodes=data.nodes):
        raise Refused(
            "Solo el enlace del área responsable de la actividad responde sus observaciones.",
            data=data,
        )
    form = AnswerForm(request.POST, prefix=answer_prefix(pk))
    if form.is_valid():
        try:
            services.observation_answer(
                actor=Actor.for_user(request.user),
                observation=observation,
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request, f"Se guardó tu respuesta a la observación de {data.activity.key}."
            )
            return _back(data, observation)
    return detail_page(request, data, answer_form=form, answer_for=pk, status=400)


@login_required
@require_POST
@explain_denial
def observation_resolve(
    request: HttpRequest, institution: Institution, year: int, pk: int
) -> HttpResponse:
    observation = _observation(institution, year, pk)
    data = load_activity(institution, year, observation.activity.key)
    if not can_observe(request.user, data.program):
        raise Refused("Solo Planeación marca las observaciones como atendidas.", data=data)
    services.observation_resolve(actor=Actor.for_user(request.user), observation=observation)
    messages.success(request, f"La observación de {data.activity.key} quedó atendida.")
    return _back(data, observation)

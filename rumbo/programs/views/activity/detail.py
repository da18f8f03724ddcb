"""The activity's detail page: its data and calendar here; the review's observations with
their forms; its open findings, progress month by month and history from the apps that own
them (``rumbo.programs.pages``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from rumbo.institutions.access import Capability, can
from rumbo.institutions.models import Institution
from rumbo.programs.access import (
    access_activity,
    can_answer_observation,
    can_observe,
    can_write_activity,
)
from rumbo.programs.forms.observations import AnswerForm, ObservationForm, answer_prefix
from rumbo.programs.models import ObservationState, ProgramState
from rumbo.programs.pages import activity_content
from rumbo.programs.selectors import observation_thread

from .base import ActivityData, explain_denial, load_activity, page


def detail_page(
    request: HttpRequest,
    data: ActivityData,
    *,
    observation_form: ObservationForm | None = None,
    answer_form: AnswerForm | None = None,
    answer_for: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page, with the observation forms the user may use (a bound one, with its errors,
    when a write was refused as bad input)."""
    program = data.program
    content = activity_content(
        institution=data.institution, program=program, activity=data.activity
    )
    observations = observation_thread(activity=data.activity)
    review_open = not program.targets_frozen  # answers and resolutions stop at approval
    may_observe = can_observe(request.user, program)
    may_answer = review_open and can_answer_observation(
        request.user, data.activity, nodes=data.nodes
    )
    answer_forms = {}
    if may_answer:
        for o in observations:
            if o.state == ObservationState.ABIERTA:
                answer_forms[o.pk] = (
                    answer_form
                    if answer_for == o.pk and answer_form is not None
                    else AnswerForm(prefix=answer_prefix(o.pk), initial={"text": o.answer})
                )
    thread = [(o, answer_forms.get(o.pk)) for o in observations]
    response = page(
        request,
        data,
        "web/activity_detail.html",
        status=data.row.calendar_status,
        months_total=data.row.months_total,
        missing_months=sum(1 for m in data.months if m is None),
        **content,
        can_write=can_write_activity(request.user, data.activity, nodes=data.nodes),
        can_structure=can(request.user, data.institution, Capability.EDIT_PROGRAM),
        observations=thread,
        in_review=program.state == ProgramState.REVISION,
        may_observe=may_observe,
        may_resolve=may_observe and review_open,
        observation_form=(
            observation_form
            if observation_form is not None
            else ObservationForm()
            if may_observe and program.state == ProgramState.REVISION
            else None
        ),
    )
    response.status_code = status
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
@explain_denial
def activity_detail(
    request: HttpRequest, institution: Institution, year: int, key: str
) -> HttpResponse:
    data = load_activity(institution, year, key)
    access_activity(request.user, data.activity, for_write=False, nodes=data.nodes)
    return detail_page(request, data)

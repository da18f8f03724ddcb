"""Editing an activity's fields, creating an activity under a node, deleting one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from rumbo.audit.services import Actor
from rumbo.core.errors import Refused, form_add_errors
from rumbo.core.forms import form_stale
from rumbo.core.versions import StaleVersion
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.pages import institution_context
from rumbo.institutions.selectors import area_choices
from rumbo.programs import services
from rumbo.programs.access import (
    can_create_activities,
    can_create_activity_in,
    require_editing_open,
)
from rumbo.programs.catalog import unit_choices
from rumbo.programs.forms.activity import ActivityCreateForm, ActivityDeleteForm, ActivityForm
from rumbo.programs.models import AnnualProgram, ProgramNode, node_area, node_area_id
from rumbo.programs.selectors import node_list, program_get
from rumbo.strategy.models import LineOfAction
from rumbo.strategy.selectors import line_of_action_list

from .base import (
    ActivityData,
    activity_url,
    adjustment_redirect,
    check_structure,
    check_writable,
    explain_denial,
    load_activity,
    page,
)


def _areas(request: HttpRequest, institution: Institution) -> QuerySet[Area] | None:
    """The areas to choose from, or None when the user may not reassign activities."""
    if not services.activity_area_reassignable(user=request.user, institution=institution):
        return None
    return area_choices(institution=institution)


def _lines(program: AnnualProgram) -> list[LineOfAction]:
    return list(
        line_of_action_list(institution=program.institution, year=program.year).select_related(
            "objective", "program"
        )
    )


def _frozen(form: ActivityForm, data: ActivityData) -> ActivityForm:
    """On an approved program the description and the unit are shown, not edited: they
    change through an adjustment request."""
    if data.program.targets_frozen:
        for name in ("description", "unit"):
            form.fields[name].disabled = True
            form.fields[name].help_text = (
                "Programa aprobado: se cambia con una solicitud de adecuación (tipo «cambio "
                "de unidad o descripción»)."
            )
    return form


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@explain_denial
def activity_edit(
    request: HttpRequest, institution: Institution, year: int, key: str
) -> HttpResponse:
    data = load_activity(institution, year, key)
    check_writable(request, data)
    inherited = node_area(data.nodes.get(data.activity.node_id), data.nodes)
    kwargs: dict[str, Any] = {
        "units": unit_choices(institution=institution),
        "areas": _areas(request, institution),
        "lines": _lines(data.program),
        "inherited_area": inherited,
    }
    activity = data.activity
    initial = {
        "description": activity.description,
        "unit": activity.unit_id,
        "area": activity.area_id,
        "lines_of_action": data.row.line_codes,
        "version": activity.version,
    }
    if request.method != "POST":
        form = _frozen(ActivityForm(initial=initial, **kwargs), data)
        return page(request, data, "web/activity_edit.html", form=form)
    form = _frozen(ActivityForm(request.POST, initial=initial, **kwargs), data)
    if form.is_valid():
        cd = form.cleaned_data
        changes: dict[str, Any] = {
            "description": cd["description"],
            "unit": cd["unit"],
            "lines_of_action": cd["lines_of_action"],
        }
        if "area" in form.fields:
            changes["area"] = cd["area"]
        try:
            result = services.activity_update(
                actor=Actor.for_user(request.user),
                activity=activity,
                reason=cd["reason"],
                version=cd["version"],
                **changes,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        except StaleVersion as exc:  # someone saved in between: show what, answer 409
            form_stale(form, exc)
            response = page(request, data, "web/activity_edit.html", form=form)
            response.status_code = 409
            return response
        except PermissionDenied as exc:  # the area, for a user who is not Planeación
            raise Refused(str(exc), data=data, by_area=False) from exc
        else:
            if result.changed:
                messages.success(request, f"Se guardaron los cambios de {activity.key}.")
            else:
                messages.info(request, "No había cambios que guardar.")
            return HttpResponseRedirect(activity_url(data))
    return page(request, data, "web/activity_edit.html", form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@explain_denial
def activity_delete(
    request: HttpRequest, institution: Institution, year: int, key: str
) -> HttpResponse:
    data = load_activity(institution, year, key)
    check_structure(request, institution, data)
    if data.program.targets_frozen:
        query = f"actividad={data.activity.key}&tipo=baja"
        return adjustment_redirect(request, data.program, query, "la baja de una actividad")
    form = ActivityDeleteForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.activity_delete(
            actor=Actor.for_user(request.user),
            activity=data.activity,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"Se eliminó la actividad {key}.")
        return HttpResponseRedirect(reverse("web:program", args=[institution.code, year]))
    return page(request, data, "web/activity_delete.html", form=form)


def _creatable_leaves(
    request: HttpRequest, program: AnnualProgram, nodes: list[ProgramNode]
) -> list[tuple[ProgramNode, str]]:
    """The leaves (nodes without nodes below) an activity may hang from, for this user:
    all for Planeación; for an Enlace, those of its own area (``can_create_activity_in``)."""
    by_id = {n.pk: n for n in nodes}
    parents = {n.parent_id for n in nodes if n.parent_id is not None}
    return [
        (n, f"{program.level_name(n.depth)} {n.key} · {n.name[:80]}")
        for n in sorted(nodes, key=lambda n: n.key)
        if n.pk not in parents
        and can_create_activity_in(request.user, program, node_area_id(n, by_id))
    ]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@explain_denial
def activity_create(request: HttpRequest, institution: Institution, year: int) -> HttpResponse:
    """A new activity: Planeación under any node; an Enlace proposes one of its own area
    while the program is en formulación (``rumbo.programs.access``)."""
    program = program_get(institution=institution, year=year)
    if program is None:
        raise Http404("No hay programa anual para ese ejercicio.")
    program.institution = institution
    if not can_create_activities(request.user, program):
        raise Refused(
            "Solo Planeación o el enlace de un área pueden agregar actividades al programa.",
            data=None,
            by_area=False,
        )
    if program.targets_frozen:
        return adjustment_redirect(request, program, "alta=1", "el alta de una actividad")
    require_editing_open(request.user, program)  # en revisión: Planeación only (409)
    nodes = node_list(program=program)
    leaves = _creatable_leaves(request, program, nodes)
    kwargs: dict[str, Any] = {
        "units": unit_choices(institution=institution),
        "areas": _areas(request, institution),
        "lines": _lines(program),
        "nodes": leaves,
    }
    context = institution_context(
        request,
        institution,
        "program",
        program=program,
        level_name=program.activity_level_name,
        has_leaves=bool(leaves),
        proposing=kwargs["areas"] is None,
    )
    if request.method != "POST":
        form = ActivityCreateForm(initial={"node": request.GET.get("nivel")}, **kwargs)
        return render(request, "web/activity_create.html", {**context, "form": form})
    form = ActivityCreateForm(request.POST, **kwargs)
    if form.is_valid():
        cd = form.cleaned_data
        node = next(n for n in nodes if n.pk == cd["node"])
        try:
            activity = services.activity_create(
                actor=Actor.for_user(request.user),
                program=program,
                node=node,
                key=cd["key"],
                description=cd["description"],
                unit=cd["unit"],
                area=cd.get("area"),
                annual_target=cd["annual_target"],
                lines_of_action=cd["lines_of_action"],
                reason=cd["reason"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        except PermissionDenied as exc:  # an area not the Enlace's own
            raise Refused(str(exc), data=None, by_area=False) from exc
        else:
            messages.success(request, f"Se creó la actividad {activity.key}.")
            return HttpResponseRedirect(
                reverse("web:activity", args=[institution.code, year, activity.key])
            )
    return render(request, "web/activity_create.html", {**context, "form": form})

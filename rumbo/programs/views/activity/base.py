"""What every activity page shares: the activity as pages show it, refusals, rendering."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from rumbo.core.errors import Refused
from rumbo.institutions.access import Capability, institution_for_user, require
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.pages import institution_context, refusal_page
from rumbo.programs.access import access_activity, require_editing_open
from rumbo.programs.models import Activity, AnnualProgram, ProgramNode
from rumbo.programs.selectors import ActivityRow, activity_detail

# --- reading one activity ------------------------------------------------------------------


@dataclass
class PathStep:
    level_name: str
    node: ProgramNode


@dataclass
class ActivityData:
    """Everything the activity pages show: the selector's ``ActivityDetail`` with the level
    names of the path and of the activity (``AnnualProgram.level_name``) added."""

    institution: Institution
    program: AnnualProgram
    activity: Activity
    nodes: dict[int, ProgramNode]
    path: list[PathStep]
    level_name: str
    area: Area | None
    row: ActivityRow

    @property
    def months(self) -> list[Decimal | None]:
        return self.row.months


def load_activity(institution: Institution, year: int, key: str) -> ActivityData:
    """The activity with its months, beneficiaries, alignment and path (5 queries), or 404."""
    detail = activity_detail(institution=institution, year=year, key=key)
    if detail is None:
        raise Http404("No existe esa actividad en el programa.")
    program = detail.program
    return ActivityData(
        institution=detail.institution,
        program=program,
        activity=detail.activity,
        nodes=detail.nodes,
        path=[PathStep(level_name=program.level_name(n.depth), node=n) for n in detail.path],
        level_name=program.activity_level_name,
        area=detail.area,
        row=detail.row,
    )


# --- permission answers ---------------------------------------------------------------------


def explain_denial(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn ``Refused`` into a 403 page that says why and who may do it."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, year: int, **kwargs: Any) -> HttpResponse:
        institution = institution_for_user(request.user, code)  # 404 / 403 for outsiders
        try:
            return view(request, institution, year, **kwargs)
        except Refused as denied:
            data = denied.context.get("data")
            return refusal_page(
                request,
                institution,
                "web/activity_denied.html",
                denied,
                program=data.program if data else None,
                year=year,
            )

    return wrapper


def check_writable(request: HttpRequest, data: ActivityData) -> None:
    """403 (``Refused``) unless the user may write the activity; 409 (``ProgramInReview``)
    if the program's state does not let this user edit now (en revisión: Planeación only)."""
    try:
        access_activity(request.user, data.activity, for_write=True, nodes=data.nodes)
    except PermissionDenied as exc:
        raise Refused(str(exc), data=data, by_area=True) from exc
    require_editing_open(request.user, data.program)


def check_structure(
    request: HttpRequest, institution: Institution, data: ActivityData | None
) -> None:
    try:
        require(request.user, institution, Capability.EDIT_PROGRAM)
    except PermissionDenied as exc:
        raise Refused(str(exc), data=data, by_area=False) from exc


# --- answers ----------------------------------------------------------------------------------


def activity_url(data: ActivityData, name: str = "activity") -> str:
    return reverse(
        f"web:{name}", args=[data.institution.code, data.program.year, data.activity.key]
    )


def page(request: HttpRequest, data: ActivityData, template: str, **extra: Any) -> HttpResponse:
    return render(
        request,
        template,
        institution_context(
            request,
            data.institution,
            "program",
            data=data,
            program=data.program,
            activity=data.activity,
            **extra,
        ),
    )


def adjustment_redirect(
    request: HttpRequest, program: AnnualProgram, query: str, what: str
) -> HttpResponse:
    """An approved program's targets change only through an adjustment request: send the
    person to the request form (prefilled by ``query``) and say why."""
    messages.info(
        request,
        f"El programa {program.year} está aprobado (versión {program.version}): {what} se "
        "cambia con una solicitud de adecuación programática, que decide otra persona.",
    )
    url = reverse("web:adjustment_create", args=[program.institution.code, program.year])
    return HttpResponseRedirect(f"{url}?{query}")

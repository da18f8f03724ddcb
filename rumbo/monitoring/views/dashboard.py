"""Monitoring dashboards: the whole program, one area, one subprogram.

Any member of the institution may view them (reading progress is open to every role, as
reading the program is); an Enlace sees every area, like on the program page. The
figures come from one selector (``rumbo.monitoring.dashboard``); the tables and the
charts' JSON are both built here from the same ``Dashboard`` object, so a chart can never
show a number its table does not.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from rumbo.core.numbers import to_json_number
from rumbo.core.periods import MONTH_LABELS
from rumbo.core.text import whole_number
from rumbo.institutions.access import Capability, institution_for_user
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.pages import institution_context
from rumbo.institutions.selectors import area_by_code
from rumbo.programs.models import AnnualProgram, ProgramNode
from rumbo.programs.selectors import node_get, program_or_404

from ..dashboard import Dashboard, dashboard_month, program_dashboard
from ..simulated import progress_simulated_note


def _program(request: HttpRequest, code: str, year: int) -> tuple[Institution, AnnualProgram]:
    institution = institution_for_user(request.user, code, Capability.VIEW)
    return institution, program_or_404(institution=institution, year=year)


def _month(request: HttpRequest) -> tuple[int | None, bool]:
    """The ``mes`` asked for (1–12), or None for the default; and whether it was invalid."""
    raw = request.GET.get("mes", "").strip()
    if not raw:
        return None, False
    month = whole_number(raw)
    if month is not None and 1 <= month <= 12:
        return month, False
    return None, True


def chart_data(dashboard: Dashboard) -> dict[str, object]:
    """What the charts draw: exactly the values the tables print (same object, same fields)."""
    months = dashboard.months
    rows = dashboard.physical_financial_rows
    return {
        "physical_financial": {
            "labels": [r.key for r in rows],
            "physical": [to_json_number(r.physical_percent) for r in rows],
            "financial": [to_json_number(r.financial_percent) for r in rows],
        },
        "months": MONTH_LABELS,
        "expected_share": [to_json_number(m.expected_share) for m in months],
        "achieved_share": [to_json_number(m.achieved_share) for m in months],
        "projected_share": [to_json_number(m.projected_share) for m in months],
        "average_compliance": [to_json_number(m.average_compliance) for m in months],
        "on_track": [to_json_number(m.on_track) for m in months],
        "lights": {
            "keys": [light.value for light, _, _ in dashboard.lights],
            "labels": [light.label for light, _, _ in dashboard.lights],
            "counts": [count for _, count, _ in dashboard.lights],
        },
    }


def _drill_url(
    institution: Institution,
    program: AnnualProgram,
    dashboard: Dashboard,
    area: Area | None,
    node: ProgramNode | None,
) -> str:
    """The list of the activities behind a count (the drill-down), as a query to extend."""
    url = reverse("web:progress_activities", args=[institution.code, program.year])
    url += f"?mes={max(dashboard.month, 1)}"
    if area is not None:
        url += f"&area={area.code}"
    if node is not None:
        url += f"&nodo={node.pk}"
    return url


def _render(
    request: HttpRequest,
    institution: Institution,
    program: AnnualProgram,
    *,
    area: Area | None = None,
    node: ProgramNode | None = None,
) -> HttpResponse:
    month, invalid = _month(request)
    default = dashboard_month(program=program)
    dashboard = program_dashboard(
        program=program, month=month if month is not None else default, area=area, node=node
    )
    context = institution_context(
        request,
        institution,
        "program",
        program=program,
        dashboard=dashboard,
        chart=chart_data(dashboard),
        scope_area=area,
        scope_node=node,
        month_choices=list(enumerate(MONTH_LABELS, start=1)),
        default_month=default,
        invalid_month=invalid,
        drill_url=_drill_url(institution, program, dashboard, area, node),
        simulated_note=progress_simulated_note(program),
    )
    return render(request, "web/dashboard.html", context)


@login_required
def dashboard(request: HttpRequest, code: str, year: int) -> HttpResponse:
    institution, program = _program(request, code, year)
    return _render(request, institution, program)


@login_required
def dashboard_area(request: HttpRequest, code: str, year: int, area: str) -> HttpResponse:
    institution, program = _program(request, code, year)
    found = area_by_code(institution=institution, code=area)
    if found is None:
        raise Http404("No existe esa área en la institución.")
    return _render(request, institution, program, area=found)


@login_required
def dashboard_node(request: HttpRequest, code: str, year: int, node_id: int) -> HttpResponse:
    institution, program = _program(request, code, year)
    node = node_get(program=program, node_id=node_id)
    if node is None:
        raise Http404("No existe ese nivel en el programa.")
    return _render(request, institution, program, node=node)

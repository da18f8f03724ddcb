"""Reads the API needs beyond the apps' selectors: filtered activity lists, findings, pages.

Each returns querysets with their joins and prefetches in place, so a page costs the same
number of queries whatever its size.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from rumbo.core.text import normalize
from rumbo.imports.models import QualityFinding
from rumbo.imports.selectors import FindingFilters, finding_list
from rumbo.institutions.models import Institution
from rumbo.programs.models import (
    Activity,
    AnnualProgram,
    Beneficiary,
    MonthlyTarget,
    ProgramNode,
    node_area,
)

# --- activities -----------------------------------------------------------------------------


def _activities(program: AnnualProgram) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(program=program)
        .select_related("program", "unit", "area")
        .prefetch_related(
            Prefetch("monthly_targets", queryset=MonthlyTarget.objects.order_by("month")),
            Prefetch("beneficiaries", queryset=Beneficiary.objects.order_by("order")),
            "lines_of_action",
        )
    )


def activity_list(
    *,
    program: AnnualProgram,
    nodes: dict[int, ProgramNode],
    area: str = "",
    unit: str = "",
    line: str = "",
    q: str = "",
) -> QuerySet[Activity]:
    """The program's activities by key; filters: responsible area code, unit, line, text."""
    qs = _activities(program)
    if area.strip():
        code = area.strip()
        inheriting = [
            pk for pk, n in nodes.items() if (a := node_area(n, nodes)) and a.code == code
        ]
        qs = qs.filter(Q(area__code=code) | Q(area__isnull=True, node_id__in=inheriting))
    if unit.strip():
        qs = qs.filter(unit__normalized=normalize(unit))
    if line.strip():
        through = Activity.lines_of_action.through.objects.filter(lineofaction__code=line.strip())
        qs = qs.filter(pk__in=through.values("activity_id"))
    if q.strip():
        text = q.strip()
        qs = qs.filter(Q(key__startswith=text) | Q(description__icontains=text))
    return qs.order_by("key", "pk")


def activity_get(*, program: AnnualProgram, key: str) -> Activity | None:
    return _activities(program).filter(key=key).first()


# --- findings -------------------------------------------------------------------------------


def finding_page_list(
    *, institution: Institution, filters: FindingFilters
) -> QuerySet[QualityFinding]:
    """``finding_list`` plus the reviewer, which the API shows."""
    return finding_list(institution=institution, filters=filters).select_related("resolved_by")


def finding_get(*, institution: Institution, pk: int) -> QualityFinding | None:
    return (
        finding_page_list(institution=institution, filters=FindingFilters()).filter(pk=pk).first()
    )

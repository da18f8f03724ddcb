"""Progress of approved months only: per month, per area, per activity."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from rumbo.core.semaforo import Bands, Grade, grade
from rumbo.institutions.access import activity_area_id
from rumbo.institutions.models import Area
from rumbo.monitoring.bands import bands_for_activities
from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry
from rumbo.monitoring.selectors import MONTHS, cumulative_to, policy_for, program_nodes
from rumbo.programs.models import Activity, MonthlyTarget
from rumbo.programs.selectors import MONTH_LABELS

from .publications import PublicProgram

# --------------------------------------------------------------------------------------
# Progress of approved months


@dataclass(frozen=True)
class ProgressMonth:
    month: int
    label: str
    areas: list[Area]  # whose capture of the month is approved
    programmed: Decimal | None
    achieved: Decimal | None
    cumulative_programmed: Decimal | None
    cumulative_achieved: Decimal | None
    grade: Grade  # on the cumulative figures

    @property
    def published(self) -> bool:
        return bool(self.areas)


@dataclass(frozen=True)
class ProgressArea:
    area: Area
    months: list[int]  # approved months
    cumulative_programmed: Decimal | None  # to its last approved month
    cumulative_achieved: Decimal | None
    grade: Grade


@dataclass(frozen=True)
class ProgressRow:
    """One activity in one approved month of its area (the progress dataset)."""

    activity: Activity
    area: Area
    month: int
    programmed: Decimal | None
    achieved: Decimal | None
    cumulative_programmed: Decimal | None
    cumulative_achieved: Decimal | None
    grade: Grade


@dataclass
class PublicProgress:
    public: PublicProgram
    bands: Bands
    months: list[ProgressMonth]
    areas: list[ProgressArea]
    rows: list[ProgressRow] = field(default_factory=list)

    @property
    def published_months(self) -> list[ProgressMonth]:
        return [m for m in self.months if m.published]

    @property
    def last(self) -> ProgressMonth | None:
        published = self.published_months
        return published[-1] if published else None


def _masked(
    values: dict[int, Decimal], months: set[int], *, zero_when_missing: bool
) -> dict[int, Decimal]:
    out = {m: v for m, v in values.items() if m in months}
    if zero_when_missing:  # an approved month without an entry achieved nothing
        for m in months:
            out.setdefault(m, Decimal(0))
    return out


def public_progress(public: PublicProgram) -> PublicProgress:
    """Programmed vs achieved of the approved months (nine queries whatever the size)."""
    program = public.program
    nodes = program_nodes([program.pk])
    areas = {a.pk: a for a in Area.objects.filter(institution_id=program.institution_id)}
    activities = list(
        Activity.objects.filter(program=program)
        .select_related("unit")
        .only("pk", "program_id", "node_id", "area_id", "key", "description", "unit__name")
        .order_by("order", "key")
    )
    approved: dict[int, set[int]] = defaultdict(set)  # area id → approved months
    for report_area, month in PeriodReport.objects.filter(
        program=program, state=PeriodState.APPROVED
    ).values_list("area_id", "month"):
        approved[report_area].add(month)
    targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for activity_id, month, quantity in MonthlyTarget.objects.filter(
        activity__program=program
    ).values_list("activity_id", "month", "quantity"):
        targets[activity_id][month] = quantity
    achieved: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for activity_id, month, value in ProgressEntry.objects.filter(
        activity__program=program
    ).values_list("activity_id", "month", "achieved"):
        achieved[activity_id][month] = value
    activity_bands = bands_for_activities(activities)
    bands = policy_for(public.institution).bands

    month_programmed: dict[int, Decimal] = defaultdict(Decimal)
    month_achieved: dict[int, Decimal] = defaultdict(Decimal)
    area_programmed: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    area_achieved: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    rows: list[ProgressRow] = []
    for activity in activities:
        found = activity_area_id(activity, nodes)
        if found is None or not approved.get(found):
            continue
        area_id = found
        months = approved[area_id]
        prog = _masked(targets[activity.pk], months, zero_when_missing=False)
        done = _masked(achieved[activity.pk], months, zero_when_missing=True)
        for m, v in prog.items():
            month_programmed[m] += v
            area_programmed[area_id][m] += v
        for m, v in done.items():
            month_achieved[m] += v
            area_achieved[area_id][m] += v
        for m in sorted(months):
            cum = cumulative_to(m, prog, done)
            rows.append(
                ProgressRow(
                    activity=activity,
                    area=areas[area_id],
                    month=m,
                    programmed=prog.get(m),
                    achieved=done.get(m),
                    cumulative_programmed=cum.programmed,
                    cumulative_achieved=cum.achieved,
                    grade=grade(
                        programmed=cum.programmed,
                        achieved=cum.achieved,
                        bands=activity_bands[activity.pk],
                    ),
                )
            )

    month_list: list[ProgressMonth] = []
    for m in MONTHS:
        cum = cumulative_to(m, month_programmed, month_achieved)
        month_areas = sorted(
            (areas[a] for a, ms in approved.items() if m in ms and a in areas),
            key=lambda a: a.name,
        )
        month_list.append(
            ProgressMonth(
                month=m,
                label=MONTH_LABELS[m - 1],
                areas=month_areas,
                programmed=month_programmed.get(m) if month_areas else None,
                achieved=month_achieved.get(m) if month_areas else None,
                cumulative_programmed=cum.programmed,
                cumulative_achieved=cum.achieved if month_areas else None,
                grade=grade(
                    programmed=cum.programmed,
                    achieved=cum.achieved if month_areas else None,
                    bands=bands,
                ),
            )
        )
    area_list: list[ProgressArea] = []
    for area_id, months in approved.items():
        if area_id not in areas:
            continue
        last = max(months)
        cum = cumulative_to(last, area_programmed[area_id], area_achieved[area_id])
        area_list.append(
            ProgressArea(
                area=areas[area_id],
                months=sorted(months),
                cumulative_programmed=cum.programmed,
                cumulative_achieved=cum.achieved,
                grade=grade(programmed=cum.programmed, achieved=cum.achieved, bands=bands),
            )
        )
    area_list.sort(key=lambda a: a.area.name)
    return PublicProgress(public=public, bands=bands, months=month_list, areas=area_list, rows=rows)

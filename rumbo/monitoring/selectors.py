"""Reads of monthly progress: per activity by month, and per area × month for the capture grid.

Every figure (cumulative programmed and achieved, ratio, semáforo, state) is defined in
``rumbo.monitoring.figures``; these selectors only load what the grid and the API need.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, QuerySet

from rumbo.core.periods import MONTHS
from rumbo.core.semaforo import DEFAULT_BANDS, Bands, Grade, grade
from rumbo.institutions.models import Area, Institution
from rumbo.programs.models import (
    Activity,
    AnnualProgram,
    MonthlyTarget,
    ProgramNode,
    activity_area_id,
    node_area_id,
)

from .bands import bands_for_activities
from .figures import FigureState, achieved_to, activity_figure, capture_grade, programmed_to
from .models import (
    ActivityBands,
    Evidence,
    MonitoringPolicy,
    PeriodMessage,
    PeriodReport,
    PeriodState,
    PeriodSubmission,
    ProgressEntry,
    WindowExtension,
)


def policy_for(institution: Institution) -> MonitoringPolicy:
    """The institution's policy, or an unsaved one with the default values (one query)."""
    policy = MonitoringPolicy.objects.filter(institution=institution).first()
    return policy or MonitoringPolicy(institution=institution)


def policies_for(institution_ids: Iterable[int]) -> dict[int, MonitoringPolicy]:
    """Institution id → policy (defaults where none is stored), in one query."""
    ids = set(institution_ids)
    stored = {p.institution_id: p for p in MonitoringPolicy.objects.filter(institution_id__in=ids)}
    return {i: stored.get(i) or MonitoringPolicy(institution_id=i) for i in ids}


def program_nodes(program_ids: Iterable[int]) -> dict[int, ProgramNode]:
    """Node id → node of those programs (for ``activity_area_id`` without queries)."""
    return {n.pk: n for n in ProgramNode.objects.filter(program_id__in=set(program_ids))}


@dataclass(frozen=True)
class MonthProgress:
    month: int
    programmed: Decimal | None  # None: unknown month
    achieved: Decimal | None  # None: not reported
    cumulative_programmed: Decimal | None
    cumulative_achieved: Decimal | None
    month_grade: Grade
    cumulative_grade: Grade  # the semáforo that counts (and that asks for a justification)
    state: PeriodState | None  # of the area's capture that month; None: never captured
    figure_state: FigureState  # oficial / preliminar / pendiente (figures.figure_state)
    version: int | None  # of the entry; None: no entry yet (send None to create it)
    comment: str
    justification: str

    @property
    def ratio(self) -> Decimal | None:
        return self.cumulative_grade.ratio


def _targets(activity_ids: list[int], max_month: int = 12) -> dict[int, dict[int, Decimal]]:
    out: dict[int, dict[int, Decimal]] = {i: {} for i in activity_ids}
    rows = MonthlyTarget.objects.filter(
        activity_id__in=activity_ids, month__lte=max_month
    ).values_list("activity_id", "month", "quantity")
    for activity_id, month, quantity in rows:
        out[activity_id][month] = quantity
    return out


def _entries(activity_ids: list[int], max_month: int = 12) -> dict[int, dict[int, ProgressEntry]]:
    out: dict[int, dict[int, ProgressEntry]] = {i: {} for i in activity_ids}
    for entry in ProgressEntry.objects.filter(activity_id__in=activity_ids, month__lte=max_month):
        out[entry.activity_id][entry.month] = entry
    return out


def activity_progress(*, activity: Activity, bands: Bands | None = None) -> list[MonthProgress]:
    """Twelve months of one activity (``figures``), in a constant number of queries."""
    if bands is None:
        bands = bands_for_activities([activity]).get(activity.pk, DEFAULT_BANDS)
    targets = _targets([activity.pk])[activity.pk]
    entries = _entries([activity.pk])[activity.pk]
    achieved = {m: e.achieved for m, e in entries.items()}
    area_id = activity.area_id
    if area_id is None:
        area_id = activity_area_id(activity, program_nodes([activity.program_id]))
    captures: dict[int, str] = {}
    if area_id is not None:
        captures = dict(
            PeriodReport.objects.filter(
                program_id=activity.program_id, area_id=area_id
            ).values_list("month", "state")
        )
    out = []
    for month in MONTHS:
        figure = activity_figure(
            month=month, targets=targets, achieved=achieved, captures=captures, bands=bands
        )
        entry = entries.get(month)
        out.append(
            MonthProgress(
                month=month,
                programmed=figure.programmed_month,
                achieved=entry.achieved if entry else None,
                cumulative_programmed=figure.programmed_to_date,
                cumulative_achieved=figure.achieved_to_date,
                month_grade=figure.month_grade,
                cumulative_grade=figure.grade,
                state=PeriodState(captures[month]) if month in captures else None,
                figure_state=figure.state,
                version=entry.version if entry else None,
                comment=entry.comment if entry else "",
                justification=entry.justification if entry else "",
            )
        )
    return out


@dataclass(frozen=True)
class GridRow:
    activity: Activity
    bands: Bands
    programmed: Decimal | None
    cumulative_programmed: Decimal | None
    achieved: Decimal | None
    cumulative_achieved: Decimal | None
    month_grade: Grade
    cumulative_grade: Grade
    entry: ProgressEntry | None
    achieved_before: Decimal  # achieved to the month before (what the page adds the typed value to)

    @property
    def version(self) -> int | None:
        return self.entry.version if self.entry else None


@dataclass(frozen=True)
class AreaMonthGrid:
    program: AnnualProgram
    area: Area
    month: int
    period: PeriodReport | None  # None: nothing captured yet (state borrador)
    rows: list[GridRow]

    @property
    def state(self) -> PeriodState:
        return PeriodState(self.period.state) if self.period else PeriodState.DRAFT

    @property
    def locked(self) -> bool:
        return bool(self.period and self.period.locked)


def area_activities(*, program: AnnualProgram, area: Area) -> list[Activity]:
    """The program's activities whose responsible area is ``area`` (two queries)."""
    nodes = program_nodes([program.pk])
    activities = Activity.objects.filter(program=program).select_related("unit").order_by("order")
    return [a for a in activities if activity_area_id(a, nodes) == area.pk]


def area_month_grid(*, program: AnnualProgram, area: Area, month: int) -> AreaMonthGrid:
    """The capture grid of an area for a month, in seven queries whatever its size."""
    activities = area_activities(program=program, area=area)
    ids = [a.pk for a in activities]
    targets = _targets(ids, month)
    entries = _entries(ids, month)
    bands = bands_for_activities(activities)
    period = PeriodReport.objects.filter(program=program, area=area, month=month).first()
    rows = []
    for activity in activities:
        achieved = {m: e.achieved for m, e in entries[activity.pk].items()}
        b = bands[activity.pk]
        # The grid is the capture of the month itself: its cumulative grade is the one
        # that asks for a justification (figures.capture_grade); the earlier months'
        # achieved (figures.achieved_to) is what the live preview adds the typed value to.
        programmed = targets[activity.pk].get(month)
        rows.append(
            GridRow(
                activity=activity,
                bands=b,
                programmed=programmed,
                cumulative_programmed=programmed_to(month, targets[activity.pk]),
                achieved=achieved.get(month),
                cumulative_achieved=achieved_to(month, achieved) if month in achieved else None,
                month_grade=grade(programmed=programmed, achieved=achieved.get(month), bands=b),
                cumulative_grade=capture_grade(month, targets[activity.pk], achieved, b),
                entry=entries[activity.pk].get(month),
                achieved_before=achieved_to(month - 1, achieved),
            )
        )
    return AreaMonthGrid(program=program, area=area, month=month, period=period, rows=rows)


def period_reports(
    *, program: AnnualProgram, area_ids: Iterable[int]
) -> dict[tuple[int, int], PeriodReport]:
    """(area id, month) → the capture of those areas in the program, where there is one
    (one query): the capture index."""
    return {
        (r.area_id, r.month): r
        for r in PeriodReport.objects.filter(program=program, area__in=list(area_ids))
    }


def activity_lean_get(*, program: AnnualProgram, key: str) -> Activity | None:
    """The activity with its program and own area, without targets or alignment (1 query)."""
    return (
        Activity.objects.filter(program=program, key=key).select_related("program", "area").first()
    )


def progress_entry_get(*, activity: Activity, month: int) -> ProgressEntry | None:
    return ProgressEntry.objects.filter(activity=activity, month=month).first()


# --- the review's conversation and sends --------------------------------------------------


def period_messages(*, period: PeriodReport) -> list[PeriodMessage]:
    """The thread of an area's month, oldest first (one query)."""
    return list(
        PeriodMessage.objects.filter(period=period)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def latest_submissions(*, period: PeriodReport) -> list[PeriodSubmission]:
    """The last two sends of an area's month, the newest first (one query)."""
    return list(PeriodSubmission.objects.filter(period=period).order_by("-number")[:2])


def evidence_counts(entry_ids: Iterable[int]) -> dict[int, int]:
    """Entry id → how many evidence files it has (one query; none: absent)."""
    rows = (
        Evidence.objects.filter(entry_id__in=list(entry_ids))
        .order_by()
        .values("entry_id")
        .annotate(n=Count("pk"))
    )
    return {row["entry_id"]: row["n"] for row in rows}


# --- evidence -------------------------------------------------------------------------------


def evidence_by_entry(entry_ids: Iterable[int]) -> dict[int, list[Evidence]]:
    """Entry id → its evidence files, oldest first (one query; an entry without any has
    an empty list)."""
    ids = list(entry_ids)
    out: dict[int, list[Evidence]] = {i: [] for i in ids}
    if ids:
        for evidence in Evidence.objects.filter(entry_id__in=ids).order_by("uploaded_at", "pk"):
            out[evidence.entry_id].append(evidence)
    return out


def evidence_of_entry(*, entry: ProgressEntry, pk: int) -> Evidence | None:
    return Evidence.objects.filter(entry=entry, pk=pk).first()


def evidence_in_institution(*, institution: Institution, pk: int) -> Evidence | None:
    """An evidence file of one of the institution's activities, with what its access check
    reads (the activity, its program and node up to the parent: one query)."""
    return (
        Evidence.objects.select_related("entry__activity__program", "entry__activity__node__parent")
        .filter(pk=pk, entry__activity__program__institution=institution)
        .first()
    )


# --- Planeación's monitoring settings -------------------------------------------------------


def window_extension_list(*, institution: Institution) -> QuerySet[WindowExtension]:
    """The institution's capture-window extensions, the latest month first, with the area."""
    return (
        WindowExtension.objects.filter(institution=institution)
        .select_related("area")
        .order_by("-year", "-month", "-created_at", "-id")
    )


def activity_in_institution(*, institution: Institution, year: int, key: str) -> Activity | None:
    """The activity ``key`` of the institution's program of ``year`` (one query)."""
    return (
        Activity.objects.select_related("program", "program__institution")
        .filter(program__institution=institution, program__year=year, key=key)
        .first()
    )


def activity_bands_get(*, activity: Activity) -> ActivityBands | None:
    """The activity's own bands, if it has them."""
    return ActivityBands.objects.filter(activity=activity).first()


# --- across institutions («Mis pendientes») -------------------------------------------------


def programmed_area_months(program_ids: Iterable[int]) -> set[tuple[int, int, int]]:
    """(program id, area id, month) where an activity of that area (its own, else its
    node's) has a positive programmed quantity that month (two queries, whatever the
    number of activities: the distinct combinations come from SQL)."""
    ids = set(program_ids)
    nodes = program_nodes(ids)
    rows = (
        MonthlyTarget.objects.filter(activity__program_id__in=ids, quantity__gt=0)
        .order_by()
        .values_list("activity__program_id", "activity__area_id", "activity__node_id", "month")
        .distinct()
    )
    out: set[tuple[int, int, int]] = set()
    for program_id, own_area_id, node_id, month in rows:
        area_id = (
            own_area_id if own_area_id is not None else node_area_id(nodes.get(node_id), nodes)
        )
        if area_id is not None:
            out.add((program_id, area_id, month))
    return out


def captures_of(program_ids: Iterable[int]) -> dict[tuple[int, int, int], PeriodReport]:
    """(program id, area id, month) → the capture of every area's month of those programs
    (one query), with who decided it last."""
    return {
        (r.program_id, r.area_id, r.month): r
        for r in PeriodReport.objects.filter(program_id__in=set(program_ids)).select_related(
            "decided_by"
        )
    }


def sent_captures(institution_ids: Iterable[int]) -> list[PeriodReport]:
    """The captures of those institutions sent and waiting for review, oldest first (one
    query), with their program, institution, area and sender."""
    return list(
        PeriodReport.objects.filter(
            program__institution_id__in=set(institution_ids), state=PeriodState.SUBMITTED
        )
        .select_related("program__institution", "area", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def approved_captures_since(institution_ids: Iterable[int], since: datetime) -> list[PeriodReport]:
    """The captures of those institutions approved after ``since`` (and still approved),
    newest first (one query)."""
    return list(
        PeriodReport.objects.filter(
            program__institution_id__in=set(institution_ids),
            state=PeriodState.APPROVED,
            decided_at__gt=since,
        )
        .select_related("program__institution", "area", "decided_by")
        .order_by("-decided_at", "-pk")
    )


def last_approved_month(program: AnnualProgram) -> int | None:
    """The last month of ``program`` with an approved capture (any area's); ``None`` when
    none is approved. The budget import calls it the last closed month
    (``rumbo.budget.closing``)."""
    return (
        PeriodReport.objects.filter(program=program, state=PeriodState.APPROVED)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )

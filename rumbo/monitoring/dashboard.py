"""The monitoring dashboard of a program (whole institution, one area or one subprogram).

Every figure is aggregated in SQL (sums and counts grouped by month, or by activity) in a
constant number of queries whatever the size of the program; Python only folds the
per-activity rows into areas and subprograms and grades each activity once with
``rumbo.core.semaforo.grade`` — never a loop over entries or monthly targets.

Definitions (shown on the page):
- Programmed: the sum of the known monthly targets; the annual programmed is their sum
  over the twelve months. Achieved: the sum of the progress entries.
- Cumulative % of the year at month m: achieved up to m / annual programmed.
- Semáforo distribution: each activity graded on its cumulative figures up to the
  dashboard month, with its own bands (the rule of ``selectors.cumulative_to``: grey when
  nothing is programmed to date or the month itself was not reported).
- Projection: linear extrapolation of the cumulative achieved at the average monthly pace
  so far (achieved to date / months elapsed × 12).
- Completeness (per area): activity-months with a positive target up to the dashboard
  month that have an entry / all such activity-months.
- Timeliness (per area): captures sent on or before the closing day of their window
  (``windows.window_dates``; an extension does not make a capture on time) / captures sent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import cast

from django.db.models import Count, F, FilteredRelation, Max, Q, Sum
from django.utils import timezone

from rumbo.core.semaforo import Light, grade
from rumbo.institutions.access import activity_area_id
from rumbo.institutions.models import Area
from rumbo.programs.models import Activity, AnnualProgram, MonthlyTarget, ProgramNode

from .bands import bands_for_activities
from .models import PeriodReport, PeriodState, ProgressEntry
from .selectors import MONTHS, cumulative_to, policy_for, program_nodes
from .windows import window_dates

ZERO = Decimal(0)
HUNDRED = Decimal(100)
LIGHTS = [Light.GREEN, Light.YELLOW, Light.RED, Light.GREY]
PROJECTION_METHOD = (
    "Extrapolación lineal: lo alcanzado al mes del tablero, dividido entre los meses"
    " transcurridos, se proyecta al mismo ritmo hasta diciembre."
)


def default_month(*, year: int, today: date | None = None) -> int:
    """The last month of ``year`` whose capture window has opened (0: none yet)."""
    today = today or timezone.localdate()
    if today.year > year:
        return 12
    if today.year < year:
        return 0
    return today.month - 1


def dashboard_month(*, program: AnnualProgram, today: date | None = None) -> int:
    """The month a dashboard opens on: the last opened window, but never past the last month
    anything was reported (a year viewed after it ended would otherwise open on an
    empty December). One query."""
    opened = default_month(year=program.year, today=today)
    reported = ProgressEntry.objects.filter(activity__program=program).aggregate(last=Max("month"))[
        "last"
    ]
    return min(opened, reported) if reported else opened


def percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part / whole in percent with one decimal; None when it cannot be computed."""
    if part is None or not whole:
        return None
    return (part / whole * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _q(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MonthFigures:
    month: int
    programmed: Decimal
    achieved: Decimal | None  # None after the dashboard month
    cumulative_programmed: Decimal
    cumulative_achieved: Decimal | None
    cumulative_percent: Decimal | None  # of the annual programmed; None after the month
    projected_percent: Decimal | None  # from the dashboard month on


@dataclass(frozen=True)
class LightCount:
    light: Light
    count: int
    percent: Decimal | None  # of the activities in scope


@dataclass(frozen=True)
class Projection:
    pace: Decimal | None  # achieved per month so far
    year_end: Decimal | None  # projected achieved at December
    year_end_percent: Decimal | None  # of the annual programmed
    method: str = PROJECTION_METHOD


@dataclass
class AreaFigures:
    area_id: int | None
    code: str
    name: str
    activities: int = 0
    programmed_to_date: Decimal = ZERO
    achieved_to_date: Decimal = ZERO
    expected: int = 0  # activity-months with a positive target up to the month
    reported: int = 0  # of those, with an entry
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    returned: int = 0

    @property
    def percent(self) -> Decimal | None:
        return percent(self.achieved_to_date, self.programmed_to_date)

    @property
    def completeness(self) -> Decimal | None:
        return percent(Decimal(self.reported), Decimal(self.expected))

    @property
    def timeliness(self) -> Decimal | None:
        return percent(Decimal(self.on_time), Decimal(self.submitted))


@dataclass(frozen=True)
class CaptureIssue:
    """A late or returned monthly capture of an area."""

    area_code: str
    area_name: str
    month: int
    state: PeriodState
    submitted_on: date | None
    closes: date
    late: bool
    returned: bool
    comment: str


@dataclass
class Dashboard:
    program: AnnualProgram
    month: int  # figures are up to this month (0: no window has opened)
    months: list[MonthFigures]
    annual_programmed: Decimal
    programmed_to_date: Decimal
    achieved_to_date: Decimal
    year_percent: Decimal | None  # achieved to date / annual programmed
    to_date_percent: Decimal | None  # achieved to date / programmed to date
    lights: list[LightCount]
    activities: int
    projection: Projection
    areas: list[AreaFigures]
    captures: list[CaptureIssue]
    subprograms: list[tuple[ProgramNode, Decimal, Decimal, Decimal | None]] = field(
        default_factory=list
    )


@dataclass(frozen=True)
class _ActivityRef:
    pk: int
    program_id: int


def _subtree(nodes: dict[int, ProgramNode], root_id: int) -> set[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for n in nodes.values():
        children[n.parent_id].append(n.pk)
    out, stack = set(), [root_id]
    while stack:
        current = stack.pop()
        out.add(current)
        stack.extend(children[current])
    return out


def _root(nodes: dict[int, ProgramNode], node_id: int) -> int:
    node = nodes[node_id]
    while node.parent_id is not None:
        node = nodes[node.parent_id]
    return node.pk


def program_dashboard(
    *,
    program: AnnualProgram,
    month: int | None = None,
    area: Area | None = None,
    node: ProgramNode | None = None,
    today: date | None = None,
) -> Dashboard:
    """The dashboard of ``program`` up to ``month`` (default: the last opened window), for
    one ``area``, one ``node`` (its subtree) or the whole program.

    Ten queries whatever the size (nine when the scope has no activity at all)."""
    today = today or timezone.localdate()
    if month is None:
        month = dashboard_month(program=program, today=today)
    nodes = program_nodes([program.pk])

    @cache
    def area_of(node_id: int, own_area_id: int | None) -> int | None:
        # The one rule (own area, else the nearest node up the tree with one), once per pair.
        return activity_area_id(Activity(node_id=node_id, area_id=own_area_id), nodes)

    @cache
    def root_of(node_id: int) -> int:
        return _root(nodes, node_id)

    # Which activities: a Q on the activity (or, with "activity__", on a row of one), so
    # that every query stays one statement.
    def scope(prefix: str = "") -> Q:
        q = Q(**{f"{prefix}program": program})
        if node is not None:
            q &= Q(**{f"{prefix}node_id__in": _subtree(nodes, node.pk)})
        if area is not None:
            inherited = [pk for pk in nodes if area_of(pk, None) == area.pk]
            q &= Q(**{f"{prefix}area": area}) | Q(
                **{f"{prefix}area__isnull": True, f"{prefix}node_id__in": inherited}
            )
        return q

    programmed_by_month: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for m, total in (
        MonthlyTarget.objects.filter(scope("activity__"))
        .values("month")
        .annotate(total=Sum("quantity"))
        .order_by()
        .values_list("month", "total")
    ):
        programmed_by_month[m] = total or ZERO
    achieved_by_month: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for m, total in (
        ProgressEntry.objects.filter(scope("activity__"), month__lte=month)
        .values("month")
        .annotate(total=Sum("achieved"))
        .order_by()
        .values_list("month", "total")
    ):
        achieved_by_month[m] = total or ZERO
    rows = list(
        Activity.objects.filter(scope())
        .values("pk", "node_id", "area_id")
        .annotate(
            to_date=Sum("monthly_targets__quantity", filter=Q(monthly_targets__month__lte=month)),
            expected=Count(
                "monthly_targets",
                filter=Q(monthly_targets__month__lte=month, monthly_targets__quantity__gt=0),
            ),
        )
        .order_by()
    )
    # Each entry joined to its month's target (at most one: unique per activity and month).
    target = FilteredRelation(
        "activity__monthly_targets", condition=Q(activity__monthly_targets__month=F("month"))
    )
    achieved_per_activity = {
        row["activity_id"]: row
        for row in ProgressEntry.objects.filter(scope("activity__"), month__lte=month)
        .annotate(target=target)
        .values("activity_id")
        .annotate(
            total=Sum("achieved"),
            this_month=Count("pk", filter=Q(month=month)),
            reported=Count("pk", filter=Q(target__quantity__gt=0)),
        )
        .order_by()
    }
    area_rows = {
        a["pk"]: a
        for a in Area.objects.filter(institution_id=program.institution_id).values(
            "pk", "code", "name"
        )
    }

    def area_figures(area_id: int | None) -> AreaFigures:
        if area_id not in by_area:
            row = area_rows.get(area_id) if area_id is not None else None
            by_area[area_id] = AreaFigures(
                area_id=area_id,
                code=row["code"] if row else "",
                name=row["name"] if row else "Sin área responsable",
            )
        return by_area[area_id]

    # Per activity (aggregated rows, not entries): its area's figures, its subprogram's,
    # and its semáforo on the cumulative figures, with its own bands.
    by_area: dict[int | None, AreaFigures] = {}
    by_root: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    # bands_for_activities reads only pk and program_id: light references spare building
    # thousands of model instances (the page's main cost on a 3,000-activity program).
    refs = [_ActivityRef(r["pk"], program.pk) for r in rows]
    bands = bands_for_activities(cast("list[Activity]", refs))
    counts = dict.fromkeys(LIGHTS, 0)
    for r in rows:
        got = achieved_per_activity.get(r["pk"])
        programmed, achieved = r["to_date"] or ZERO, got["total"] if got else ZERO
        figures = area_figures(area_of(r["node_id"], r["area_id"]))
        figures.activities += 1
        figures.programmed_to_date += programmed
        figures.achieved_to_date += achieved
        figures.expected += r["expected"]
        figures.reported += got["reported"] if got else 0
        subprogram = by_root[root_of(r["node_id"])]
        subprogram[0] += programmed
        subprogram[1] += achieved
        # Collapsed monthly maps: cumulative_to keeps its own rule for what counts.
        cum = cumulative_to(
            max(month, 1),
            {} if r["to_date"] is None else {1: programmed},  # None: no month known
            {month: achieved} if got and got["this_month"] and month else {},
        )
        light = grade(programmed=cum.programmed, achieved=cum.achieved, bands=bands[r["pk"]]).light
        counts[light] += 1
    activities = len(rows)
    lights = [
        LightCount(light, counts[light], percent(Decimal(counts[light]), Decimal(activities)))
        for light in LIGHTS
    ]

    # Captures: late (sent after the closing day) and returned, per area in scope.
    close_day = policy_for(program.institution).close_day
    captures: list[CaptureIssue] = []
    reports = PeriodReport.objects.filter(program=program, month__lte=month).values(
        "area_id", "month", "state", "submitted_at", "comment"
    )
    if area is not None:
        reports = reports.filter(area=area)
    for report in reports.order_by("month", "area__code"):
        if node is not None and report["area_id"] not in by_area:
            continue
        figures = area_figures(report["area_id"])
        _, closes = window_dates(year=program.year, month=report["month"], close_day=close_day)
        sent = report["submitted_at"]
        sent_on = timezone.localdate(sent) if sent else None
        late = sent_on is not None and sent_on > closes
        returned = report["state"] == PeriodState.RETURNED
        if sent_on is not None:
            figures.submitted += 1
            figures.on_time += 0 if late else 1
        figures.late += int(late)
        figures.returned += int(returned)
        if late or returned:
            captures.append(
                CaptureIssue(
                    area_code=figures.code,
                    area_name=figures.name,
                    month=report["month"],
                    state=PeriodState(report["state"]),
                    submitted_on=sent_on,
                    closes=closes,
                    late=late,
                    returned=returned,
                    comment=report["comment"] if returned else "",
                )
            )

    annual = sum(programmed_by_month.values(), ZERO)
    cum_prog, cum_ach = ZERO, ZERO
    months = []
    to_date_achieved = sum((achieved_by_month[m] for m in range(1, month + 1)), ZERO)
    pace = to_date_achieved / month if month else None
    for m in MONTHS:
        cum_prog += programmed_by_month[m]
        reached = m <= month
        if reached:
            cum_ach += achieved_by_month[m]
        projected = None
        if pace is not None and m >= month:
            projected = percent(to_date_achieved + pace * (m - month), annual)
        months.append(
            MonthFigures(
                month=m,
                programmed=programmed_by_month[m],
                achieved=achieved_by_month[m] if reached else None,
                cumulative_programmed=cum_prog,
                cumulative_achieved=cum_ach if reached else None,
                cumulative_percent=percent(cum_ach, annual) if reached else None,
                projected_percent=projected,
            )
        )
    to_date_programmed = months[month - 1].cumulative_programmed if month else ZERO
    year_end = _q(pace * 12) if pace is not None else None
    projection = Projection(
        pace=_q(pace) if pace is not None else None,
        year_end=year_end,
        year_end_percent=percent(year_end, annual),
    )
    subprograms = []
    if node is None:
        roots = sorted(
            (n for n in nodes.values() if n.parent_id is None), key=lambda n: (n.order, n.key)
        )
        for root in roots:
            if root.pk in by_root:
                prog, ach = by_root[root.pk]
                subprograms.append((root, prog, ach, percent(ach, prog)))
    return Dashboard(
        program=program,
        month=month,
        months=months,
        annual_programmed=annual,
        programmed_to_date=to_date_programmed,
        achieved_to_date=to_date_achieved,
        year_percent=percent(to_date_achieved, annual),
        to_date_percent=percent(to_date_achieved, to_date_programmed),
        lights=lights,
        activities=activities,
        projection=projection,
        areas=sorted(by_area.values(), key=lambda a: (a.area_id is None, a.code)),
        captures=captures,
        subprograms=subprograms,
    )

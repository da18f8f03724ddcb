"""The monitoring dashboard of a program (whole institution, one area or one subprogram).

Every figure is aggregated in SQL (sums and counts grouped by month and by the
(node, own area) pair of the activities, or by activity) in a constant number of queries
whatever the size of the program; Python only folds those groups into areas and grades
each activity once with ``rumbo.core.semaforo.grade``.

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

from django.db.models import Count, Exists, OuterRef, Q, Sum
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
        month = default_month(year=program.year, today=today)
    nodes = program_nodes([program.pk])

    def area_of(node_id: int, own_area_id: int | None) -> int | None:
        # The one rule (own area, else the nearest node up the tree with one).
        return activity_area_id(Activity(node_id=node_id, area_id=own_area_id), nodes)

    # Which activities: a Q on the activity, so that every query stays one statement.
    scope = Q(program=program)
    if node is not None:
        scope &= Q(node_id__in=_subtree(nodes, node.pk))
    if area is not None:
        inherited = [pk for pk in nodes if area_of(pk, None) == area.pk]
        scope &= Q(area=area) | Q(area__isnull=True, node_id__in=inherited)
    in_scope = Activity.objects.filter(scope).values("pk")

    has_entry = Exists(
        ProgressEntry.objects.filter(activity_id=OuterRef("activity_id"), month=OuterRef("month"))
    )
    target_groups = (
        MonthlyTarget.objects.filter(activity_id__in=in_scope)
        .annotate(has_entry=has_entry)
        .values("activity__node_id", "activity__area_id", "month")
        .annotate(
            total=Sum("quantity"),
            expected=Count("pk", filter=Q(quantity__gt=0)),
            reported=Count("pk", filter=Q(quantity__gt=0, has_entry=True)),
        )
        .order_by()
    )
    entry_groups = (
        ProgressEntry.objects.filter(activity_id__in=in_scope, month__lte=month)
        .values("activity__node_id", "activity__area_id", "month")
        .annotate(total=Sum("achieved"))
        .order_by()
    )
    per_activity = (
        Activity.objects.filter(scope)
        .values("pk", "node_id", "area_id")
        .annotate(
            to_date=Sum("monthly_targets__quantity", filter=Q(monthly_targets__month__lte=month)),
            known=Count("monthly_targets", filter=Q(monthly_targets__month__lte=month)),
        )
        .order_by()
    )
    achieved_per_activity = {
        row["activity_id"]: row
        for row in ProgressEntry.objects.filter(activity_id__in=in_scope, month__lte=month)
        .values("activity_id")
        .annotate(total=Sum("achieved"), this_month=Count("pk", filter=Q(month=month)))
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

    by_area: dict[int | None, AreaFigures] = {}
    programmed_by_month: dict[int, Decimal] = defaultdict(lambda: ZERO)
    achieved_by_month: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_root: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for g in target_groups:
        m, total = g["month"], g["total"] or ZERO
        programmed_by_month[m] += total
        if m <= month:
            figures = area_figures(area_of(g["activity__node_id"], g["activity__area_id"]))
            figures.programmed_to_date += total
            figures.expected += g["expected"]
            figures.reported += g["reported"]
            by_root[_root(nodes, g["activity__node_id"])][0] += total
    for g in entry_groups:
        total = g["total"] or ZERO
        achieved_by_month[g["month"]] += total
        area_figures(
            area_of(g["activity__node_id"], g["activity__area_id"])
        ).achieved_to_date += total
        by_root[_root(nodes, g["activity__node_id"])][1] += total

    # Semáforo per activity, on its cumulative figures (constant queries: aggregated rows).
    rows = list(per_activity)
    bands = bands_for_activities([Activity(pk=r["pk"], program_id=program.pk) for r in rows])
    counts = dict.fromkeys(LIGHTS, 0)
    for r in rows:
        area_figures(area_of(r["node_id"], r["area_id"])).activities += 1
        got = achieved_per_activity.get(r["pk"])
        # Collapsed monthly maps: cumulative_to keeps its own rule for what counts.
        cum = cumulative_to(
            max(month, 1),
            {1: r["to_date"] or ZERO} if r["known"] else {},
            {month: got["total"]} if got and got["this_month"] and month else {},
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

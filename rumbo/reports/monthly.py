"""Informe mensual de avance programático: the data, built once, rendered three ways.

Per activity (in the order of the program tree): unit, annual target, programmed in the
month and cumulative to it, achieved in the month and cumulative, % of the cumulative,
the semáforo (``rumbo.core.semaforo.grade`` with ``rumbo.monitoring.bands``; cumulative
figures by ``rumbo.monitoring.selectors.cumulative_to``) and the justification captured
for the month. Per area and overall: totals and how many activities have each light.

Official or preliminary (docs/reports.md): an area's figures for month M are *official*
only when its capture of M is approved and so is its capture of every earlier month in
which it reported progress; otherwise every figure of that area is *preliminary*. Totals
keep both apart: the official total, the preliminary total and their sum, each labelled.

A constant number of queries whatever the size of the program (pinned in the tests).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from rumbo.core.semaforo import DEFAULT_BANDS, Light, NoGrade, grade, ratio
from rumbo.institutions.access import activity_area_id
from rumbo.institutions.models import Area
from rumbo.monitoring.bands import bands_for_activities
from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry
from rumbo.monitoring.selectors import cumulative_to
from rumbo.programs.models import Activity, AnnualProgram, MonthlyTarget, ProgramNode
from rumbo.programs.selectors import MONTH_NAMES, node_list

from .common import (
    NOT_CAPTURED,
    STATE_LABELS,
    ReportHeader,
    area_get,
    check_month,
    header,
    institution_get,
    program_for,
)

ZERO = Decimal(0)
LIGHTS = (Light.GREEN, Light.YELLOW, Light.RED, Light.GREY)
NO_AREA = "(sin área)"


@dataclass
class LightCounts:
    counts: dict[Light, int] = field(default_factory=lambda: dict.fromkeys(LIGHTS, 0))

    def add(self, light: Light) -> None:
        self.counts[light] += 1

    def merge(self, other: LightCounts) -> None:
        for light, n in other.counts.items():
            self.counts[light] += n

    @property
    def items(self) -> list[tuple[Light, int]]:
        return [(light, self.counts[light]) for light in LIGHTS]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class ActivityLine:
    key: str
    description: str
    unit: str
    area_code: str
    annual_target: Decimal | None
    programmed: Decimal | None  # in the month; None: month unknown
    programmed_cumulative: Decimal | None
    achieved: Decimal | None  # in the month; None: not reported
    achieved_cumulative: Decimal | None
    percent: Decimal | None  # cumulative achieved / cumulative programmed
    light: Light
    no_grade: NoGrade | None
    justification: str
    official: bool

    @property
    def light_label(self) -> str:
        if self.no_grade is not None:
            return f"{self.light.label} ({self.no_grade.value})"
        return self.light.label


@dataclass(frozen=True)
class Line:
    """A row of the table: a node of the tree (a group heading) or an activity."""

    depth: int
    node: ProgramNode | None = None
    level_name: str = ""
    activity: ActivityLine | None = None


@dataclass
class Totals:
    programmed: Decimal = ZERO
    achieved: Decimal = ZERO
    activities: int = 0

    @property
    def percent(self) -> Decimal | None:
        """Achieved / programmed in percent, as the semáforo computes it."""
        return ratio(self.programmed, self.achieved)

    def add(self, line: ActivityLine) -> None:
        self.programmed += line.programmed_cumulative or ZERO
        self.achieved += line.achieved_cumulative or ZERO
        self.activities += 1

    def merge(self, other: Totals) -> None:
        self.programmed += other.programmed
        self.achieved += other.achieved
        self.activities += other.activities


@dataclass
class AreaSummary:
    area_id: int | None
    code: str
    name: str
    state: str  # aprobado / enviado / devuelto / borrador / sin captura (month M)
    official: bool
    totals: Totals = field(default_factory=Totals)
    lights: LightCounts = field(default_factory=LightCounts)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def status_label(self) -> str:
        return "Oficial" if self.official else "Preliminar"


@dataclass(frozen=True)
class MonthBar:
    month: int
    label: str
    programmed: Decimal
    achieved: Decimal | None  # None: nothing reported that month


@dataclass
class MonthlyReport:
    header: ReportHeader
    program: AnnualProgram
    month: int
    area: Area | None
    lines: list[Line]
    areas: list[AreaSummary]
    official: Totals
    preliminary: Totals
    lights: LightCounts
    chart: list[MonthBar]

    @property
    def month_name(self) -> str:
        return MONTH_NAMES[self.month - 1]

    @property
    def total(self) -> Totals:
        out = Totals()
        out.merge(self.official)
        out.merge(self.preliminary)
        return out

    @property
    def has_preliminary(self) -> bool:
        return any(not a.official for a in self.areas)

    @property
    def activities(self) -> list[ActivityLine]:
        return [ln.activity for ln in self.lines if ln.activity is not None]


def _tree_order(
    nodes: list[ProgramNode], by_node: dict[int, list[ActivityLine]], program: AnnualProgram
) -> list[Line]:
    """Nodes depth-first in their order, each followed by its activities; nodes with no
    activity in their subtree are left out (an area's report shows only its branches)."""
    children: dict[int | None, list[ProgramNode]] = defaultdict(list)
    for n in sorted(nodes, key=lambda n: (n.order, n.key)):
        children[n.parent_id].append(n)

    def walk(node: ProgramNode) -> list[Line]:
        inner: list[Line] = [
            Line(depth=node.depth + 1, activity=a) for a in by_node.get(node.pk, [])
        ]
        for child in children.get(node.pk, []):
            inner += walk(child)
        if not inner:
            return []
        level = program.level_name(node.depth)
        return [Line(depth=node.depth, node=node, level_name=level), *inner]

    out: list[Line] = []
    for root in children.get(None, []):
        out += walk(root)
    return out


def monthly_report(
    *, institution: str, year: int, month: int, area: str | None = None
) -> MonthlyReport:
    """The monthly report of ``institution``'s annual program ``year`` up to ``month``,
    institution-wide or for one area (``area``: its siglas)."""
    inst = institution_get(institution)
    month = check_month(month)
    program = program_for(inst, year)
    scope_area = area_get(inst, area)
    nodes = node_list(program=program)
    node_by_id = {n.pk: n for n in nodes}
    activities = list(
        Activity.objects.filter(program=program).select_related("unit").order_by("order", "key")
    )
    area_of = {a.pk: activity_area_id(a, node_by_id) for a in activities}
    if scope_area is not None:
        activities = [a for a in activities if area_of[a.pk] == scope_area.pk]
    ids = {a.pk for a in activities}

    targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for activity_id, m, quantity in MonthlyTarget.objects.filter(
        activity__program=program, month__lte=month
    ).values_list("activity_id", "month", "quantity"):
        if activity_id in ids:
            targets[activity_id][m] = quantity
    achieved: dict[int, dict[int, Decimal]] = defaultdict(dict)
    justifications: dict[int, str] = {}
    months_reported: dict[int | None, set[int]] = defaultdict(set)
    for activity_id, m, value, justification in ProgressEntry.objects.filter(
        activity__program=program, month__lte=month
    ).values_list("activity_id", "month", "achieved", "justification"):
        if activity_id not in ids:
            continue
        achieved[activity_id][m] = value
        months_reported[area_of[activity_id]].add(m)
        if m == month:
            justifications[activity_id] = justification
    states: dict[tuple[int, int], str] = {
        (area_id, m): state
        for area_id, m, state in PeriodReport.objects.filter(
            program=program, month__lte=month
        ).values_list("area_id", "month", "state")
    }
    bands = bands_for_activities(activities)
    area_ids = {area_of[a.pk] for a in activities} - {None}
    areas = {a.pk: a for a in Area.objects.filter(pk__in=area_ids)}

    summaries: dict[int | None, AreaSummary] = {}

    def summary_for(area_id: int | None) -> AreaSummary:
        if area_id not in summaries:
            state = NOT_CAPTURED if area_id is None else states.get((area_id, month), NOT_CAPTURED)
            earlier = sorted(months_reported.get(area_id, set()) | {month})
            official = area_id is not None and all(
                states.get((area_id, m)) == PeriodState.APPROVED for m in earlier
            )
            a = areas.get(area_id) if area_id is not None else None
            summaries[area_id] = AreaSummary(
                area_id=area_id,
                code=a.code if a else NO_AREA,
                name=a.name if a else NO_AREA,
                state=state,
                official=official,
            )
        return summaries[area_id]

    by_node: dict[int, list[ActivityLine]] = defaultdict(list)
    chart_programmed = [ZERO] * month
    chart_achieved: list[Decimal | None] = [None] * month
    for activity in activities:
        summary = summary_for(area_of[activity.pk])
        t, done = targets.get(activity.pk, {}), achieved.get(activity.pk, {})
        cum = cumulative_to(month, t, done)
        g = grade(
            programmed=cum.programmed,
            achieved=cum.achieved,
            bands=bands.get(activity.pk, DEFAULT_BANDS),
        )
        line = ActivityLine(
            key=activity.key,
            description=activity.description,
            unit=activity.unit.name if activity.unit else "",
            area_code=summary.code,
            annual_target=activity.annual_target,
            programmed=t.get(month),
            programmed_cumulative=cum.programmed,
            achieved=done.get(month),
            achieved_cumulative=cum.achieved,
            percent=g.ratio,
            light=g.light,
            no_grade=g.reason,
            justification=justifications.get(activity.pk, ""),
            official=summary.official,
        )
        by_node[activity.node_id].append(line)
        summary.totals.add(line)
        summary.lights.add(g.light)
        for m, q in t.items():
            chart_programmed[m - 1] += q
        for m, q in done.items():
            chart_achieved[m - 1] = (chart_achieved[m - 1] or ZERO) + q

    area_list = sorted(summaries.values(), key=lambda s: (s.area_id is None, s.code))
    official, preliminary, lights = Totals(), Totals(), LightCounts()
    for s in area_list:
        (official if s.official else preliminary).merge(s.totals)
        lights.merge(s.lights)
    period = (
        f"Ejercicio {year} · {MONTH_NAMES[month - 1]} (acumulado enero–{MONTH_NAMES[month - 1]})"
    )
    if scope_area is not None:
        period += f" · Área: {scope_area.name} ({scope_area.code})"
    return MonthlyReport(
        header=header(
            institution=inst, title="Informe mensual de avance programático", period=period
        ),
        program=program,
        month=month,
        area=scope_area,
        lines=_tree_order(nodes, by_node, program),
        areas=area_list,
        official=official,
        preliminary=preliminary,
        lights=lights,
        chart=[
            MonthBar(
                month=m,
                label=MONTH_NAMES[m - 1][:3].capitalize(),
                programmed=chart_programmed[m - 1],
                achieved=chart_achieved[m - 1],
            )
            for m in range(1, month + 1)
        ],
    )

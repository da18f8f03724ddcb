"""Informe mensual de avance programático: the data, built once, rendered four ways
(page, XLSX, PDF, JSON).

Every figure comes from ``rumbo.monitoring.figures`` (docs/figures.md): per activity the
programmed and achieved in the month and to date, the percent, the semáforo and the state
of the figure (oficial, preliminar, pendiente); per area and overall the unit-free
summary (activities per light and per state, share on track, average compliance with
over-achievement capped). Quantities are never added across units of measure.

A constant number of queries whatever the size of the program (pinned in the tests).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rumbo.budget.figures import budget_figures
from rumbo.core.numbers import to_json_number
from rumbo.core.periods import MONTH_LABELS, MONTH_NAMES
from rumbo.core.semaforo import Light, NoGrade
from rumbo.institutions.models import Area
from rumbo.monitoring.figures import (
    AVERAGE_METHOD,
    LIGHTS,
    FigureState,
    Summary,
    figure_state,
    program_figures,
    programmed_series,
)
from rumbo.monitoring.models import ProgressEntry
from rumbo.monitoring.physical_financial import PhysicalFinancial, physical_financial
from rumbo.programs.models import Activity, AnnualProgram, ProgramNode
from rumbo.programs.versions import baseline_months

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
NO_AREA = "(sin área)"


@dataclass(frozen=True)
class ActivityLine:
    key: str
    description: str
    unit: str
    area_code: str
    annual_target: Decimal | None
    programmed: Decimal | None  # in the month; None: month unknown
    programmed_cumulative: Decimal | None
    achieved: Decimal | None  # in the month; None: pending
    achieved_cumulative: Decimal | None  # None: pending
    percent: Decimal | None  # cumulative achieved / cumulative programmed
    light: Light
    no_grade: NoGrade | None
    justification: str
    state: FigureState
    # The approved baseline's (version 1) where an adjustment changed them; else None.
    original_annual_target: Decimal | None = None
    original_programmed_cumulative: Decimal | None = None

    @property
    def adjusted(self) -> bool:
        """Its targets in force differ from the approved baseline's."""
        return (
            self.original_annual_target is not None
            or self.original_programmed_cumulative is not None
        )

    @property
    def official(self) -> bool:
        return self.state is FigureState.OFFICIAL

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
class AreaSummary:
    area_id: int | None
    code: str
    name: str
    capture: str  # the state of the capture of month M: aprobado … sin captura
    state: FigureState  # of the area's figures at M
    summary: Summary

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.capture]

    @property
    def status_label(self) -> str:
        return self.state.label

    @property
    def official(self) -> bool:
        return self.state is FigureState.OFFICIAL


@dataclass(frozen=True)
class MonthBar:
    """The unit-free summary at one month (the report's chart)."""

    month: int
    label: str
    average_compliance: Decimal | None
    on_track: Decimal | None


@dataclass
class MonthlyReport:
    header: ReportHeader
    program: AnnualProgram
    month: int
    area: Area | None
    lines: list[Line]
    areas: list[AreaSummary]
    totals: Summary
    by_state: dict[FigureState, Summary]
    chart: list[MonthBar]
    method: str = AVERAGE_METHOD
    # The section «Avance físico-financiero»: institution-wide reports of a program with a
    # budget only (the budget is by node, not by area).
    physical_financial: PhysicalFinancial | None = None

    @property
    def month_name(self) -> str:
        return MONTH_NAMES[self.month - 1]

    @property
    def has_preliminary(self) -> bool:
        return any(not a.official for a in self.areas)

    @property
    def has_adjusted(self) -> bool:
        """Some activity's targets in force differ from the approved baseline's."""
        return any(a.adjusted for a in self.activities)

    @property
    def state_totals(self) -> list[tuple[FigureState, Summary]]:
        return [(state, self.by_state[state]) for state in FigureState]

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


def _originals(
    baseline: tuple[Decimal | None, dict[int, Decimal]] | None,
    annual: Decimal | None,
    month: int,
    figure: Any,
) -> dict[str, Decimal | None]:
    """The baseline's annual target and programmed to date, each only where it differs
    from the target in force (an approved adjustment changed it)."""
    if baseline is None:
        return {}
    original_annual, months = baseline
    original_to_date = programmed_series(months)[month]
    out: dict[str, Decimal | None] = {}
    if original_annual != annual:
        out["original_annual_target"] = original_annual
    if original_to_date != figure.programmed_to_date:
        out["original_programmed_cumulative"] = original_to_date
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
    figures = program_figures(program=program, month=month, area=scope_area)
    # The entries of the program's activities (a subquery on the entry's own column) in no
    # particular order: Meta.ordering would join the program and institution to sort.
    justifications = dict(
        ProgressEntry.objects.filter(
            activity_id__in=Activity.objects.filter(program=program).values("pk"), month=month
        )
        .exclude(justification="")
        .order_by()
        .values_list("activity_id", "justification")
    )

    baseline = baseline_months(program)
    by_node: dict[int, list[ActivityLine]] = defaultdict(list)
    by_area: dict[int | None, Summary] = defaultdict(Summary)
    by_state: dict[FigureState, Summary] = {state: Summary() for state in FigureState}
    for row in figures.rows:
        f = row.figure
        area_obj = figures.areas.get(row.area_id) if row.area_id is not None else None
        line = ActivityLine(
            key=row.activity.key,
            description=row.activity.description,
            unit=row.unit,
            area_code=area_obj.code if area_obj else NO_AREA,
            annual_target=row.activity.annual_target,
            programmed=f.programmed_month,
            programmed_cumulative=f.programmed_to_date,
            achieved=f.achieved_month,
            achieved_cumulative=f.achieved_to_date,
            percent=f.percent,
            light=f.light,
            no_grade=f.grade.reason,
            justification=justifications.get(row.activity.pk, ""),
            state=f.state,
            **_originals(baseline.get(row.activity.key), row.activity.annual_target, month, f),
        )
        by_node[row.activity.node_id].append(line)
        by_area[row.area_id].add(f, row.unit)
        by_state[f.state].add(f, row.unit)

    areas = []
    for area_id, summary in by_area.items():
        a = figures.areas.get(area_id) if area_id is not None else None
        captures = figures.captures.get(area_id, {}) if area_id is not None else {}
        areas.append(
            AreaSummary(
                area_id=area_id,
                code=a.code if a else NO_AREA,
                name=a.name if a else NO_AREA,
                capture=captures.get(month, NOT_CAPTURED),
                state=figure_state(month, captures),
                summary=summary,
            )
        )
    areas.sort(key=lambda s: (s.area_id is None, s.code))
    totals = Summary()
    for s in areas:
        totals.merge(s.summary)
    chart = []
    earlier = figures.month_summaries(month - 1)  # every month before, in one pass
    for m in range(1, month + 1):
        at = earlier[m] if m != month else totals
        chart.append(
            MonthBar(
                month=m,
                label=MONTH_LABELS[m - 1],
                average_compliance=at.average_compliance,
                on_track=at.on_track,
            )
        )
    period = (
        f"Ejercicio {year} · {MONTH_NAMES[month - 1]} (acumulado enero–{MONTH_NAMES[month - 1]})"
    )
    if scope_area is not None:
        period += f" · Área: {scope_area.name} ({scope_area.code})"
    physical_financial_section = None
    if scope_area is None:
        budget = budget_figures(program, nodes=figures.nodes)
        if budget.has_budget:
            physical_financial_section = physical_financial(
                program=program, month=month, figures=figures, budget=budget
            )
    return MonthlyReport(
        header=header(
            institution=inst,
            title="Informe mensual de avance programático",
            period=period,
            program=program,
        ),
        program=program,
        month=month,
        area=scope_area,
        lines=_tree_order(list(figures.nodes.values()), by_node, program),
        areas=areas,
        totals=totals,
        by_state=by_state,
        chart=chart,
        physical_financial=physical_financial_section,
    )


def _lights_json(summary: Summary) -> dict[str, int]:
    return {light.value: summary.lights[light] for light in LIGHTS}


def monthly_report_json(report: MonthlyReport) -> dict[str, Any]:
    """The report's data as JSON (a public contract, see docs/figures.md): the same figures
    as its page, XLSX and PDF; numbers as JSON numbers or null."""
    inst = report.header.institution
    return {
        "institution": inst.code,
        "year": report.program.year,
        "month": report.month,
        "area": report.area.code if report.area else None,
        "version": report.program.version,
        "activities": [
            {
                "key": a.key,
                "area": a.area_code if a.area_code != NO_AREA else None,
                "unit": a.unit or None,
                "programmed_month": to_json_number(a.programmed),
                "programmed_to_date": to_json_number(a.programmed_cumulative),
                "achieved_month": to_json_number(a.achieved),
                "achieved_to_date": to_json_number(a.achieved_cumulative),
                "percent": to_json_number(a.percent),
                "light": a.light.value,
                "state": a.state.value,
                "annual_target": to_json_number(a.annual_target),
                "original_annual_target": to_json_number(a.original_annual_target),
                "original_programmed_to_date": to_json_number(a.original_programmed_cumulative),
            }
            for a in report.activities
        ],
        "areas": [
            {
                "code": s.code if s.area_id is not None else None,
                "activities": s.summary.activities,
                "lights": _lights_json(s.summary),
                "average_compliance": to_json_number(s.summary.average_compliance),
                "on_track": to_json_number(s.summary.on_track),
                "state": s.state.value,
                "capture": s.capture,
            }
            for s in report.areas
        ],
        "totals": {
            "activities": report.totals.activities,
            "lights": _lights_json(report.totals),
            "average_compliance": to_json_number(report.totals.average_compliance),
            "on_track": to_json_number(report.totals.on_track),
            "projected_compliance": to_json_number(report.totals.projected_compliance),
            "states": {state.value: report.totals.states[state] for state in FigureState},
        },
        "method": report.method,
    }

"""The monitoring dashboard of a program (whole institution, one area or one subprogram).

Every figure comes from ``rumbo.monitoring.figures`` (docs/figures.md): the dashboard only
groups the activities' figures (by area, by subprogram, by month) and never adds
quantities measured in different units. Shown on the page:
- Summary at the dashboard month: activities per light and per state (oficial,
  preliminar, pendiente), the share on track and the average compliance (capped at 100 %).
- Per month: the calendar's pace (programmed to date as a share of each activity's year,
  averaged), what was achieved as a share of the year (averaged, capped), the average
  compliance and the share on track; from the dashboard month on, the projection by the
  calendar (``ProgramFigures.ahead``), over the activities whose figures
  are known at the dashboard month.
- Completeness (per area): activity-months with a positive target up to the dashboard
  month that have an entry / all such activity-months.
- Timeliness (per area): captures sent on or before the closing day of their window
  (``windows.window_dates``; an extension does not make a capture on time) / captures sent.
- Physical against financial (``physical_financial``), the program's and a node's
  dashboards only (the budget is by node, not by area), when the program has a budget: per
  subprograma (per child node on a node's dashboard) and in total.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from rumbo.budget.figures import budget_figures
from rumbo.core.periods import MONTHS
from rumbo.core.semaforo import Light
from rumbo.institutions.models import Area
from rumbo.programs.models import AnnualProgram, ProgramNode

from .figures import (
    AVERAGE_METHOD,
    LIGHTS,
    PROJECTION_METHOD,
    FigureState,
    ProgramFigures,
    Summary,
    program_figures,
    share,
)
from .models import PeriodReport, PeriodState, ProgressEntry
from .physical_financial import PhysicalFinancial, Row, physical_financial
from .selectors import policy_for
from .windows import sent_on_time, window_dates


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


@dataclass(frozen=True)
class MonthFigures:
    month: int
    expected_share: Decimal | None  # programmed to date, % of the year (mean)
    achieved_share: Decimal | None  # None after the dashboard month
    average_compliance: Decimal | None
    on_track: Decimal | None
    projected_share: Decimal | None  # from the dashboard month on


@dataclass
class AreaFigures:
    area_id: int | None
    code: str
    name: str
    summary: Summary = field(default_factory=Summary)
    expected: int = 0  # activity-months with a positive target up to the month
    reported: int = 0  # of those, with an entry
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    returned: int = 0

    @property
    def activities(self) -> int:
        return self.summary.activities

    @property
    def completeness(self) -> Decimal | None:
        return share(self.reported, self.expected)

    @property
    def timeliness(self) -> Decimal | None:
        return share(self.on_time, self.submitted)


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
    summary: Summary
    areas: list[AreaFigures]
    captures: list[CaptureIssue]
    subprograms: list[tuple[ProgramNode, Summary]] = field(default_factory=list)
    simulated_calendars: int = 0  # activities whose months a simulated cronograma gave
    # Physical against financial at the month (None: an area's dashboard, no budget, or no
    # month opened yet) and the node whose children the panel lists (None: the top nodes).
    physical_financial: PhysicalFinancial | None = None
    physical_financial_parent: ProgramNode | None = None
    average_method: str = AVERAGE_METHOD
    projection_method: str = PROJECTION_METHOD

    @property
    def activities(self) -> int:
        return self.summary.activities

    @property
    def lights(self) -> list[tuple[Light, int, Decimal | None]]:
        return [
            (light, self.summary.lights[light], self.summary.light_share(light)) for light in LIGHTS
        ]

    @property
    def states(self) -> list[tuple[FigureState, int]]:
        return [(state, self.summary.states[state]) for state in FigureState]

    @property
    def physical_financial_rows(self) -> list[Row]:
        """The panel's lines: the top nodes (or the node's children) in their order."""
        if self.physical_financial is None:
            return []
        parent = self.physical_financial_parent
        return self.physical_financial.children(parent.pk if parent is not None else None)


def program_dashboard(
    *,
    program: AnnualProgram,
    month: int | None = None,
    area: Area | None = None,
    node: ProgramNode | None = None,
    today: date | None = None,
) -> Dashboard:
    """The dashboard of ``program`` up to ``month`` (default: the last opened window), for
    one ``area``, one ``node`` (its subtree) or the whole program, in a constant number of
    queries whatever the size."""
    today = today or timezone.localdate()
    if month is None:
        month = dashboard_month(program=program, today=today)
    data = program_figures(program=program, month=max(month, 1), area=area, node=node)
    by_area, by_root = _group(data, month)
    # The whole set is its areas together (before the capture issues add areas that
    # have no activity in scope).
    summary = Summary()
    for figures_of_area in by_area.values():
        summary.merge(figures_of_area.summary)
    captures = _capture_issues(program, month, area, node, by_area, data.areas)
    subprograms = []
    if node is None:
        roots = sorted(
            (n for n in data.nodes.values() if n.parent_id is None), key=lambda n: (n.order, n.key)
        )
        subprograms = [(root, by_root[root.pk]) for root in roots if root.pk in by_root]
    pf = None
    if area is None and month:
        budget = budget_figures(program, nodes=data.nodes)
        if budget.has_budget:
            pf = physical_financial(
                program=program, month=month, node=node, figures=data, budget=budget
            )
    return Dashboard(
        program=program,
        month=month,
        months=_month_figures(data, month, summary),
        summary=summary,
        areas=sorted(by_area.values(), key=lambda a: (a.area_id is None, a.code)),
        captures=captures,
        subprograms=subprograms,
        simulated_calendars=sum(r.activity.calendar_simulated for r in data.rows),
        physical_financial=pf,
        physical_financial_parent=node,
    )


def _group(
    data: ProgramFigures, month: int
) -> tuple[dict[int | None, AreaFigures], dict[int, Summary]]:
    """The activities' figures at ``month`` summarised per area (with completeness) and per
    subprogram. Each activity is added once, to the summary of its area and subprogram
    together, which then joins both (sums of Decimals: exact in any order)."""
    by_area: dict[int | None, AreaFigures] = {}
    by_pair: dict[tuple[int | None, int], Summary] = defaultdict(Summary)
    for r in data.rows:
        figures_of_area = _area_figures(by_area, data.areas, r.area_id)
        if month:
            by_pair[r.area_id, data.root_of(r.activity.node_id)].add(r.figure, r.unit)
        else:  # before any window opens nothing is graded: every figure is pending
            figures_of_area.summary.add_pending()
        expected, reported = data.reporting(r.activity, month)
        figures_of_area.expected += expected
        figures_of_area.reported += reported
    by_root: dict[int, Summary] = defaultdict(Summary)
    for (area_id, root_id), pair in by_pair.items():
        by_area[area_id].summary.merge(pair)
        by_root[root_id].merge(pair)
    return by_area, dict(by_root)


def _area_figures(
    by_area: dict[int | None, AreaFigures], areas: dict[int, Area], area_id: int | None
) -> AreaFigures:
    """The figures of ``area_id`` in ``by_area``, started on first use."""
    if area_id not in by_area:
        found = areas.get(area_id) if area_id is not None else None
        by_area[area_id] = AreaFigures(
            area_id=area_id,
            code=found.code if found else "",
            name=found.name if found else "Sin área responsable",
        )
    return by_area[area_id]


def _capture_issues(
    program: AnnualProgram,
    month: int,
    area: Area | None,
    node: ProgramNode | None,
    by_area: dict[int | None, AreaFigures],
    areas: dict[int, Area],
) -> list[CaptureIssue]:
    """Late (sent after the closing day) and returned captures of the areas in scope; counts
    each area's submitted, on-time, late and returned captures on the way (one query)."""
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
        figures_of_area = _area_figures(by_area, areas, report["area_id"])
        _, closes = window_dates(year=program.year, month=report["month"], close_day=close_day)
        sent = report["submitted_at"]
        sent_on = timezone.localdate(sent) if sent else None
        late = sent_on is not None and not sent_on_time(sent_on=sent_on, closes=closes)
        returned = report["state"] == PeriodState.RETURNED
        if sent_on is not None:
            figures_of_area.submitted += 1
            figures_of_area.on_time += 0 if late else 1
        figures_of_area.late += int(late)
        figures_of_area.returned += int(returned)
        if late or returned:
            captures.append(
                CaptureIssue(
                    area_code=figures_of_area.code,
                    area_name=figures_of_area.name,
                    month=report["month"],
                    state=PeriodState(report["state"]),
                    submitted_on=sent_on,
                    closes=closes,
                    late=late,
                    returned=returned,
                    comment=report["comment"] if returned else "",
                )
            )
    return captures


def _month_figures(data: ProgramFigures, month: int, summary: Summary) -> list[MonthFigures]:
    """Up to the dashboard month, each month's own figures (one pass over the activities'
    months: ``ProgramFigures.month_summaries``); after it, the calendar's pace and the
    projection of the activities known at the dashboard month (``ProgramFigures.ahead``)."""
    earlier = data.month_summaries(month - 1) if month > 1 else []
    ahead = data.ahead(data.rows, month, known_only=bool(month), projected=bool(month))
    months = []
    for m in MONTHS:
        if m <= month:
            at = summary if m == month else earlier[m]
            months.append(
                MonthFigures(
                    month=m,
                    expected_share=at.expected_year_share,
                    achieved_share=at.achieved_year_share,
                    average_compliance=at.average_compliance,
                    on_track=at.on_track,
                    projected_share=at.achieved_year_share if m == month else None,
                )
            )
            continue
        expected, projected = ahead[m]
        months.append(
            MonthFigures(
                month=m,
                expected_share=expected,
                achieved_share=None,
                average_compliance=None,
                on_track=None,
                projected_share=projected,
            )
        )
    return months

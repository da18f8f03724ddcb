"""Every progress figure of an activity, and every aggregate of activities: one definition.

This module is the only place that sums a cumulative, computes a compliance ratio (through
``rumbo.core.semaforo``), rounds a percentage (``rumbo.core.semaforo.round_percent``) or
decides whether a figure is official. The capture grid, the dashboards, the four reports
(page, XLSX, PDF, JSON), the open-data pages, datasets and API, the transparency formats
and the JSON API all read it. ``docs/figures.md`` states the definitions in Spanish and
English with worked examples; the tests recompute them with plain SQL.

For an activity and a month M (1–12):

- **programmed in M**: the month's target; ``None`` when the calendar does not know M.
- **programmed to date**: the sum of the known targets of months 1..M (``None`` when no
  month up to M is known).
- **state**: *pendiente* when the capture of M of the activity's area does not exist yet;
  *oficial* when the area's captures of every month 1..M exist and are approved;
  *preliminar* otherwise (a draft, sent, returned or reopened capture in 1..M, or a month
  in 1..M never captured).
- **achieved in M**: the entry of M; 0 when the area captured M and the activity has no
  entry; ``None`` when pending.
- **achieved to date**: the sum of every entry of months 1..M (a month without an entry
  adds 0 and never erases the months before it); ``None`` when pending — a month not yet
  captured is shown as pending, never as 0.
- **percent** and **light**: the semáforo (``rumbo.core.semaforo.grade``) of achieved to
  date against programmed to date, with the activity's own bands.

Aggregates (an area, a subprogram, the institution) never add quantities measured in
different units: they count activities per light and per state, give the share on track
(green ÷ graded) and the **average compliance**: the mean of the graded activities'
percentages, each capped at ``COMPLIANCE_CAP`` (100 %) so that over-achieving one activity
does not hide another's delay. Quantities are totalled per unit of measure only.

The **projection by the calendar** keeps each activity's compliance to date for the rest of
the year: projected achieved = achieved to date × annual programmed ÷ programmed to date,
against the annual target; an aggregate's projection is the capped mean of its
activities' projected compliance. Month by month (the dashboard's curve), each activity
adds its capped compliance × what its calendar still programs (``ProgramFigures.ahead``).

**Month by month.** The figures of every month up to M (the dashboard's and the monthly
report's series) are computed in one pass over activities × months
(``month_summaries``): each activity's programmed and achieved to date are cumulative
series built once (``programmed_series``, ``achieved_series``) and its area's states
another (``figure_states``), and each month is graded and averaged through the same
functions as a single figure (``grade``, ``capped_compliance``, ``year_share``,
``capped_year_share``, ``Summary``), each distinct input once per call.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db.models import Q

from rumbo.core.semaforo import (
    DEFAULT_BANDS,
    Bands,
    Grade,
    Light,
    NoGrade,
    grade,
    light_for,
    ratio,
    round_percent,
)
from rumbo.institutions.models import Area
from rumbo.programs.models import (
    Activity,
    AnnualProgram,
    MonthlyTarget,
    ProgramNode,
    activity_area_id,
)

from .bands import bands_for_activities
from .models import PeriodReport, PeriodState, ProgressEntry

ZERO = Decimal(0)
HUNDRED = Decimal(100)
COMPLIANCE_CAP = HUNDRED
LIGHTS = (Light.GREEN, Light.YELLOW, Light.RED, Light.GREY)

AVERAGE_METHOD = (
    "Cumplimiento promedio: el promedio de los porcentajes de cumplimiento de las"
    " actividades calificadas (alcanzado acumulado ÷ programado acumulado), cada uno con"
    " tope de 100 % para que lo que una actividad rebasa no compense el atraso de otra."
    " No se suman cantidades de unidades de medida distintas."
)
PROJECTION_METHOD = (
    "Proyección por calendario: cada actividad conserva su cumplimiento a la fecha el resto"
    " del año (alcanzado a la fecha × programado anual ÷ programado a la fecha) y se compara"
    " con su meta anual; se promedian los porcentajes con tope de 100 %."
)


class FigureState(StrEnum):
    OFFICIAL = "oficial"
    PRELIMINARY = "preliminar"
    PENDING = "pendiente"

    @property
    def label(self) -> str:
        return {
            FigureState.OFFICIAL: "Oficial",
            FigureState.PRELIMINARY: "Preliminar",
            FigureState.PENDING: "Pendiente",
        }[self]


STATES = (FigureState.OFFICIAL, FigureState.PRELIMINARY, FigureState.PENDING)


# ----------------------------------------------------------------------------- definitions


def figure_state(month: int, captures: Mapping[int, str]) -> FigureState:
    """The state of an area's figures at ``month`` from its captures (month → state)."""
    return figure_states(captures)[month]


def programmed_series(targets: Mapping[int, Decimal]) -> list[Decimal | None]:
    """Programmed to date for every month 0..12 in one pass (index M: the sum of the known
    targets of months 1..M; None while no month up to M is known)."""
    out: list[Decimal | None] = [None]
    total: Decimal | None = None
    for m in range(1, 13):
        value = targets.get(m)
        if value is not None:
            total = value if total is None else total + value
        out.append(total)
    return out


def achieved_series(achieved: Mapping[int, Decimal]) -> list[Decimal]:
    """Achieved to date for every month 0..12 in one pass (index M: the sum of every entry
    of months 1..M; a month without one adds 0)."""
    out = [ZERO]
    total = ZERO
    for m in range(1, 13):
        value = achieved.get(m)
        if value is not None:
            total += value
        out.append(total)
    return out


def programmed_to(month: int, targets: Mapping[int, Decimal]) -> Decimal | None:
    """The sum of the known targets of months 1..``month``; None when none is known."""
    return programmed_series(targets)[month]


def achieved_to(month: int, achieved: Mapping[int, Decimal]) -> Decimal:
    """The sum of every entry of months 1..``month`` (a month without one adds 0)."""
    return achieved_series(achieved)[month]


def figure_states(captures: Mapping[int, str]) -> list[FigureState]:
    """The state of an area's figures at every month 1..12 (index 0 unused), from its
    captures (month → capture state): *pendiente* when month M was not captured; *oficial*
    when every capture 1..M exists and is approved; *preliminar* otherwise. Index 0 (before
    January) is *pendiente*: nothing can have been captured."""
    out: list[FigureState] = [FigureState.PENDING]
    approved_so_far = True
    for m in range(1, 13):
        approved_so_far = approved_so_far and captures.get(m) == PeriodState.APPROVED
        if m not in captures:
            out.append(FigureState.PENDING)
        elif approved_so_far:
            out.append(FigureState.OFFICIAL)
        else:
            out.append(FigureState.PRELIMINARY)
    return out


def capture_grade(
    month: int,
    targets: Mapping[int, Decimal],
    achieved: Mapping[int, Decimal],
    bands: Bands = DEFAULT_BANDS,
) -> Grade:
    """The semáforo of a month while it is captured (what asks for a justification):
    achieved to date with the month's own value against programmed to date; grey while
    the month has no value."""
    done = achieved_to(month, achieved) if month in achieved else None
    return grade(programmed=programmed_to(month, targets), achieved=done, bands=bands)


def capped_compliance(figure_grade: Grade) -> Decimal | None:
    """The compliance that enters an average: the percent, at most ``COMPLIANCE_CAP``;
    a graded figure without a ratio (descending, nothing incurred) counts as the cap;
    None when grey."""
    if figure_grade.light is Light.GREY:
        return None
    if figure_grade.ratio is None:
        return COMPLIANCE_CAP
    return min(figure_grade.ratio, COMPLIANCE_CAP)


def year_share(annual: Decimal | None, value: Decimal | None) -> Decimal | None:
    """``value`` as a percent of the year's programmed ``annual`` (None without a year or
    a value)."""
    if not annual or value is None:
        return None
    return ratio(annual, value)


def capped_year_share(annual: Decimal | None, value: Decimal | None) -> Decimal | None:
    """``year_share`` at most ``COMPLIANCE_CAP`` (what was achieved of the year)."""
    share = year_share(annual, value)
    return None if share is None else min(share, COMPLIANCE_CAP)


@dataclass(frozen=True, slots=True)
class ActivityFigure:
    """The figures of one activity at one month."""

    month: int
    programmed_month: Decimal | None
    programmed_to_date: Decimal | None
    achieved_month: Decimal | None
    achieved_to_date: Decimal | None
    state: FigureState
    grade: Grade  # of achieved to date against programmed to date
    annual_programmed: Decimal | None  # the sum of the known months of the year
    annual_target: Decimal | None
    bands: Bands = DEFAULT_BANDS

    @property
    def month_grade(self) -> Grade:
        """The semáforo of the month alone (shown on the activity page)."""
        return grade(
            programmed=self.programmed_month, achieved=self.achieved_month, bands=self.bands
        )

    @property
    def percent(self) -> Decimal | None:
        return self.grade.ratio

    @property
    def light(self) -> Light:
        return self.grade.light

    @property
    def graded(self) -> bool:
        return self.grade.light is not Light.GREY

    @property
    def capped_percent(self) -> Decimal | None:
        """The compliance that enters an average (``capped_compliance``)."""
        return capped_compliance(self.grade)

    @property
    def expected_year_share(self) -> Decimal | None:
        """Programmed to date as a percent of the year's programmed (the calendar's pace)."""
        return year_share(self.annual_programmed, self.programmed_to_date)

    @property
    def achieved_year_share(self) -> Decimal | None:
        """Achieved to date as a percent of the year's programmed, at most the cap."""
        return capped_year_share(self.annual_programmed, self.achieved_to_date)

    @property
    def projected_percent(self) -> Decimal | None:
        """Year-end compliance against the annual target at the current compliance."""
        if not self.graded or self.achieved_to_date is None:
            return None
        if not self.programmed_to_date or self.annual_programmed is None:
            return None
        year_end = self.achieved_to_date * self.annual_programmed / self.programmed_to_date
        target = self.annual_target if self.annual_target else self.annual_programmed
        return ratio(target, year_end)


def activity_figure(
    *,
    month: int,
    targets: Mapping[int, Decimal],
    achieved: Mapping[int, Decimal],
    captures: Mapping[int, str],
    bands: Bands = DEFAULT_BANDS,
    annual_target: Decimal | None = None,
) -> ActivityFigure:
    """The figures of an activity at ``month`` from its monthly targets, its entries (month
    → achieved) and its area's captures (month → capture state): the rule of the module."""
    return _activity_figure(
        month,
        targets,
        achieved,
        programmed_series(targets),
        achieved_series(achieved),
        figure_state(month, captures),
        bands,
        annual_target,
    )


def _activity_figure(
    month: int,
    targets: Mapping[int, Decimal],
    achieved: Mapping[int, Decimal],
    programmed: list[Decimal | None],
    done: list[Decimal],
    state: FigureState,
    bands: Bands,
    annual_target: Decimal | None,
) -> ActivityFigure:
    """``activity_figure`` from the series already built (``programmed_series``,
    ``achieved_series``) and the area's state at ``month``."""
    to_date = programmed[month]
    if state is FigureState.PENDING:
        done_month, done_to_date = None, None
    else:
        done_month, done_to_date = achieved.get(month, ZERO), done[month]
    return ActivityFigure(
        month=month,
        programmed_month=targets.get(month),
        programmed_to_date=to_date,
        achieved_month=done_month,
        achieved_to_date=done_to_date,
        state=state,
        grade=grade(programmed=to_date, achieved=done_to_date, bands=bands),
        annual_programmed=programmed[12],
        annual_target=annual_target,
        bands=bands,
    )


@dataclass(frozen=True)
class PeriodFigure:
    """Programmed and achieved within a period of months (a quarter, the year)."""

    programmed: Decimal | None
    achieved: Decimal | None  # None unless every figure up to the period's end is official
    state: FigureState  # of the figures at the period's last month

    @property
    def percent(self) -> Decimal | None:
        if self.programmed is None or self.achieved is None:
            return None
        return ratio(self.programmed, self.achieved)


def period_figure(before: ActivityFigure | None, last: ActivityFigure) -> PeriodFigure:
    """The period after ``before``'s month up to ``last``'s (``before`` None: from January):
    the difference of the figures to date. Achieved is published only when ``last`` is
    official (every capture of its area up to the period's end approved)."""
    programmed = last.programmed_to_date
    if programmed is not None and before is not None:
        programmed -= before.programmed_to_date or ZERO
    achieved = None
    if last.state is FigureState.OFFICIAL and last.achieved_to_date is not None:
        earlier = before.achieved_to_date if before is not None else ZERO
        achieved = last.achieved_to_date - (earlier or ZERO)
    return PeriodFigure(programmed=programmed, achieved=achieved, state=last.state)


# ------------------------------------------------------------------------------ aggregates


def _mean(values: list[Decimal]) -> Decimal | None:
    return round_percent(sum(values, ZERO) / len(values)) if values else None


def share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent (counts: completeness, timeliness, lights)."""
    return ratio(Decimal(whole), Decimal(part))


@dataclass
class UnitTotal:
    unit: str
    activities: int = 0
    programmed_to_date: Decimal = ZERO
    achieved_to_date: Decimal = ZERO

    @property
    def percent(self) -> Decimal | None:
        return ratio(self.programmed_to_date, self.achieved_to_date)


@dataclass
class Summary:
    """A set of activities summarised without adding different units (module docstring)."""

    lights: dict[Light, int] = field(default_factory=lambda: dict.fromkeys(LIGHTS, 0))
    states: dict[FigureState, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    _capped: list[Decimal] = field(default_factory=list)
    _projected: list[Decimal] = field(default_factory=list)
    _units: dict[str, UnitTotal] = field(default_factory=dict)
    _expected: list[Decimal] = field(default_factory=list)
    _achieved: list[Decimal] = field(default_factory=list)

    def add(self, figure: ActivityFigure, unit: str = "") -> None:
        done = figure.achieved_to_date
        capped = figure.capped_percent
        self._tally(
            figure.grade.light,
            figure.state,
            capped,
            figure.expected_year_share if done is not None else None,
            figure.achieved_year_share if done is not None else None,
        )
        if capped is not None:
            projected = figure.projected_percent
            if projected is not None:
                self._projected.append(min(projected, COMPLIANCE_CAP))
        if done is not None and figure.programmed_to_date is not None:
            total = self._units.get(unit)
            if total is None:
                total = self._units[unit] = UnitTotal(unit)
            total.activities += 1
            total.programmed_to_date += figure.programmed_to_date
            total.achieved_to_date += done

    def _tally(
        self,
        light: Light,
        state: FigureState,
        capped: Decimal | None,
        expected: Decimal | None,
        achieved: Decimal | None,
    ) -> None:
        """Count one activity's figure: its light, its state, its capped compliance and —
        for a figure that is not pending — the calendar's pace and what was achieved as
        shares of its year (both averaged over the same activities)."""
        self.lights[light] += 1
        self.states[state] += 1
        if capped is not None:
            self._capped.append(capped)
        if expected is not None:
            self._expected.append(expected)
        if achieved is not None:
            self._achieved.append(achieved)

    def add_pending(self) -> None:
        """An activity whose month has not been captured (nothing to grade yet)."""
        self.lights[Light.GREY] += 1
        self.states[FigureState.PENDING] += 1

    def merge(self, other: Summary) -> None:
        for light, n in other.lights.items():
            self.lights[light] += n
        for state, n in other.states.items():
            self.states[state] += n
        self._capped += other._capped
        self._projected += other._projected
        self._expected += other._expected
        self._achieved += other._achieved
        for unit, t in other._units.items():
            mine = self._units.setdefault(unit, UnitTotal(unit))
            mine.activities += t.activities
            mine.programmed_to_date += t.programmed_to_date
            mine.achieved_to_date += t.achieved_to_date

    @property
    def activities(self) -> int:
        return sum(self.lights.values())

    @property
    def graded(self) -> int:
        return self.activities - self.lights[Light.GREY]

    @property
    def on_track(self) -> Decimal | None:
        """Green activities ÷ graded activities, in percent."""
        return share(self.lights[Light.GREEN], self.graded)

    @property
    def average_compliance(self) -> Decimal | None:
        return _mean(self._capped)

    @property
    def projected_compliance(self) -> Decimal | None:
        """The mean of the activities' projected year-end compliance (each capped)."""
        return _mean(self._projected)

    @property
    def expected_year_share(self) -> Decimal | None:
        """The mean of the activities' programmed to date as a percent of their year."""
        return _mean(self._expected)

    @property
    def achieved_year_share(self) -> Decimal | None:
        """The mean of the activities' achieved to date as a percent of their year (capped)."""
        return _mean(self._achieved)

    def light_share(self, light: Light) -> Decimal | None:
        return share(self.lights[light], self.activities)

    @property
    def units(self) -> list[UnitTotal]:
        return sorted(self._units.values(), key=lambda t: (t.unit == "", t.unit.lower()))

    def grade(self, bands: Bands = DEFAULT_BANDS) -> Grade:
        """The semáforo of the set: its average compliance against ``bands`` (grey when
        no activity is graded)."""
        average = self.average_compliance
        if average is None:
            return Grade(Light.GREY, None, NoGrade.NOT_REPORTED)
        return Grade(light_for(average, bands), average)

    def single_unit(self) -> UnitTotal | None:
        """The quantities of the set when all its activities share one unit (else None:
        quantities of different units are never added)."""
        units = list(self._units.values())
        return units[0] if len(units) == 1 and units[0].activities == self.activities else None

    @property
    def state(self) -> FigureState | None:
        """The one state of every figure in the set, or None when mixed (or empty)."""
        present = [s for s in STATES if self.states[s]]
        return present[0] if len(present) == 1 else None


# --------------------------------------------------------------------------- month by month


@dataclass(frozen=True, slots=True)
class ActivitySeries:
    """What one activity's figures at every month are built from, each series indexed by
    month 0..12: programmed to date (``programmed_series``), achieved to date
    (``achieved_series``) and its area's states (``figure_states``), with its bands."""

    programmed: Sequence[Decimal | None]
    achieved: Sequence[Decimal]
    states: Sequence[FigureState]
    bands: Bands = DEFAULT_BANDS


def activity_series(
    *,
    targets: Mapping[int, Decimal],
    achieved: Mapping[int, Decimal],
    captures: Mapping[int, str],
    bands: Bands = DEFAULT_BANDS,
) -> ActivitySeries:
    """The series of an activity from its monthly targets, its entries and its area's
    captures (the same inputs as ``activity_figure``)."""
    return ActivitySeries(
        programmed_series(targets), achieved_series(achieved), figure_states(captures), bands
    )


def month_summaries(activities: Iterable[ActivitySeries], until: int) -> list[Summary]:
    """The summary of a set of activities at every month 1..``until`` (index M; index 0
    is empty), in one pass over activities × months.

    Each activity's cumulative sums are carried forward in its series, so a month costs one
    grade and two shares instead of the activity's figures rebuilt from January. The
    definitions are those of ``activity_figure`` and ``Summary.add``, through the same
    functions (``grade``, ``capped_compliance``, ``year_share``, ``capped_year_share``):
    lights, states, average compliance, share on track, the calendar's pace and what was
    achieved of the year. Quantities per unit and projections are not counted (a month's
    own ``Summary`` from ``ProgramFigures.summary`` has them).

    Grades and shares are pure functions of their inputs, so each distinct input is
    computed once per call (calendars repeat: the IEEM demo's 2,862 activity-months have
    about 500 distinct ones)."""
    out = [Summary() for _ in range(until + 1)]
    months = range(1, until + 1)
    share_of = functools.cache(year_share)
    capped_share_of = functools.cache(capped_year_share)
    graders: dict[Bands, Callable[[Decimal | None, Decimal], tuple[Light, Decimal | None]]] = {}
    grey, pending = Light.GREY, FigureState.PENDING
    for activity in activities:
        annual = activity.programmed[12]
        grader = graders.get(activity.bands)
        if grader is None:
            grader = graders[activity.bands] = _grader(activity.bands)
        for m in months:
            state = activity.states[m]
            if state is pending:
                # Achieved is unknown: grey (sin dato), nothing averaged.
                out[m]._tally(grey, state, None, None, None)
                continue
            to_date = activity.programmed[m]
            done = activity.achieved[m]
            light, capped = grader(to_date, done)
            out[m]._tally(
                light, state, capped, share_of(annual, to_date), capped_share_of(annual, done)
            )
    return out


def _grader(
    bands: Bands,
) -> Callable[[Decimal | None, Decimal], tuple[Light, Decimal | None]]:
    """The light and capped compliance (``capped_compliance``) of programmed and achieved
    to date with ``bands``, each distinct pair graded once."""

    @functools.cache
    def light_and_capped(
        programmed: Decimal | None, achieved: Decimal
    ) -> tuple[Light, Decimal | None]:
        figure_grade = grade(programmed=programmed, achieved=achieved, bands=bands)
        return figure_grade.light, capped_compliance(figure_grade)

    return light_and_capped


# ------------------------------------------------------------------------- reading a program


@dataclass(frozen=True)
class ActivityRow:
    activity: Activity
    area_id: int | None
    figure: ActivityFigure
    unit: str = ""  # the activity's unit of measure (quantities are totalled per unit)


def _unit_name(activity: Activity) -> str:
    return activity.unit.name if activity.unit_id and activity.unit else ""


@dataclass
class ProgramFigures:
    """The figures of a program's activities (optionally one area or one subtree) at a month."""

    program: AnnualProgram
    month: int
    nodes: dict[int, ProgramNode]
    areas: dict[int, Area]
    rows: list[ActivityRow]
    captures: dict[int | None, dict[int, str]]  # area id → month → capture state
    # Kept to compute the same activities at other months without another query.
    _targets: dict[int, dict[int, Decimal]] = field(repr=False, default_factory=dict)
    _achieved: dict[int, dict[int, Decimal]] = field(repr=False, default_factory=dict)
    _bands: dict[int, Bands] = field(repr=False, default_factory=dict)
    _programmed: dict[int, list[Decimal | None]] = field(repr=False, default_factory=dict)
    _done: dict[int, list[Decimal]] = field(repr=False, default_factory=dict)
    _states: dict[int | None, list[FigureState]] = field(repr=False, default_factory=dict)

    def at(self, month: int) -> list[ActivityRow]:
        """The same activities at another month (no query)."""
        return [
            ActivityRow(r.activity, r.area_id, self._figure(r.activity, r.area_id, month), r.unit)
            for r in self.rows
        ]

    def months(self, activity: Activity) -> list[ActivityFigure]:
        """Twelve months of one of the activities (no query)."""
        area_id = next(r.area_id for r in self.rows if r.activity.pk == activity.pk)
        return [self._figure(activity, area_id, m) for m in range(1, 13)]

    def month_summaries(
        self, until: int, rows: Iterable[ActivityRow] | None = None
    ) -> list[Summary]:
        """The summaries of the activities of ``rows`` (default: all) at every month
        1..``until`` (``month_summaries``; no query)."""
        chosen = self.rows if rows is None else rows
        return month_summaries((self.series(r) for r in chosen), until)

    def series(self, row: ActivityRow) -> ActivitySeries:
        """The series of one of the activities (no query)."""
        pk = row.activity.pk
        return ActivitySeries(
            self._series(row.activity),
            self._done[pk],
            self._area_states(row.area_id),
            self._bands.get(pk, DEFAULT_BANDS),
        )

    def ahead(
        self,
        rows: Iterable[ActivityRow],
        after: int,
        *,
        known_only: bool = True,
        projected: bool = True,
    ) -> dict[int, tuple[Decimal | None, Decimal | None]]:
        """For every month after ``after``: the calendar's pace and the projected share of
        the year of the activities of ``rows``, from their figures at this month, in one
        pass (no query).

        The calendar's pace: each activity's programmed to date at that month as a share of
        its year, over the activities whose figures are known now (the same set as their
        achieved share; every activity with ``known_only`` False, before anything is
        captured). The projected share (None unless ``projected``): the year share each
        activity whose figures are known reaches if it keeps its compliance to date
        (capped at ``COMPLIANCE_CAP``; an activity with nothing programmed yet is taken to
        follow its calendar) over what the calendar still programs until then, each
        capped; both averaged."""
        later = range(after + 1, 13)
        paces: dict[int, list[Decimal]] = {m: [] for m in later}
        reached: dict[int, list[Decimal]] = {m: [] for m in later}
        for r in rows:
            f = r.figure
            annual = f.annual_programmed
            known = f.achieved_to_date is not None
            if not annual or (known_only and not known):
                continue
            series = self._series(r.activity)
            for m in later:
                pace = year_share(annual, series[m] or ZERO)
                if pace is not None:
                    paces[m].append(pace)
            if projected and f.achieved_to_date is not None:
                self._reached(f, f.achieved_to_date, series, reached)
        return {m: (_mean(paces[m]), _mean(reached[m]) if projected else None) for m in later}

    @staticmethod
    def _reached(
        f: ActivityFigure,
        done: Decimal,
        series: list[Decimal | None],
        out: dict[int, list[Decimal]],
    ) -> None:
        """``ahead``'s projected share of one activity (achieved to date ``done``) at each
        later month of ``out``."""
        capped = f.capped_percent
        pace = (capped if capped is not None else HUNDRED) / HUNDRED
        now = f.programmed_to_date or ZERO
        for m, values in out.items():
            share = capped_year_share(
                f.annual_programmed, done + pace * ((series[m] or ZERO) - now)
            )
            if share is not None:
                values.append(share)

    def _series(self, activity: Activity) -> list[Decimal | None]:
        pk = activity.pk
        if pk not in self._programmed:
            self._programmed[pk] = programmed_series(self._targets.get(pk, {}))
            self._done[pk] = achieved_series(self._achieved.get(pk, {}))
        return self._programmed[pk]

    def _area_states(self, area_id: int | None) -> list[FigureState]:
        states = self._states.get(area_id)
        if states is None:
            states = self._states[area_id] = figure_states(self.captures.get(area_id, {}))
        return states

    def target(self, activity: Activity, month: int) -> Decimal | None:
        return self._targets.get(activity.pk, {}).get(month)

    def has_entry(self, activity: Activity, month: int) -> bool:
        return month in self._achieved.get(activity.pk, {})

    def reporting(self, activity: Activity, month: int) -> tuple[int, int]:
        """The activity's months 1..``month`` with a positive target, and how many of them
        have an entry (no query)."""
        entries = self._achieved.get(activity.pk, {})
        expected = reported = 0
        for m, quantity in self._targets.get(activity.pk, {}).items():
            if m <= month and quantity > 0:
                expected += 1
                reported += m in entries
        return expected, reported

    def _figure(self, activity: Activity, area_id: int | None, month: int) -> ActivityFigure:
        pk = activity.pk
        programmed = self._series(activity)
        states = self._area_states(area_id)
        return _activity_figure(
            month,
            self._targets.get(pk, {}),
            self._achieved.get(pk, {}),
            programmed,
            self._done[pk],
            states[month],
            self._bands.get(pk, DEFAULT_BANDS),
            activity.annual_target,
        )

    def summary(self, rows: Iterable[ActivityRow] | None = None) -> Summary:
        out = Summary()
        for r in self.rows if rows is None else rows:
            out.add(r.figure, r.unit)
        return out

    def by_area(self, rows: Iterable[ActivityRow] | None = None) -> dict[int | None, Summary]:
        out: dict[int | None, Summary] = defaultdict(Summary)
        for r in self.rows if rows is None else rows:
            out[r.area_id].add(r.figure, r.unit)
        return dict(out)

    def subtree(self, node_id: int) -> set[int]:
        """The ids of ``node_id`` and every node under it."""
        return _subtree(self.nodes, node_id)

    def root_of(self, node_id: int) -> int:
        node = self.nodes[node_id]
        while node.parent_id is not None:
            node = self.nodes[node.parent_id]
        return node.pk

    def by_root(self, rows: Iterable[ActivityRow] | None = None) -> dict[int, Summary]:
        out: dict[int, Summary] = defaultdict(Summary)
        for r in self.rows if rows is None else rows:
            out[self.root_of(r.activity.node_id)].add(r.figure, r.unit)
        return dict(out)


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


def program_figures(
    *,
    program: AnnualProgram,
    month: int,
    area: Area | None = None,
    node: ProgramNode | None = None,
    activity: Activity | None = None,
) -> ProgramFigures:
    """Every activity of ``program`` (or of one ``area``, one ``node``'s subtree, or one
    ``activity``) at ``month``, in eight queries whatever the size of the program."""
    if not 1 <= month <= 12:
        raise ValueError("El mes debe estar entre 1 y 12.")
    nodes = {n.pk: n for n in ProgramNode.objects.filter(program=program).order_by()}
    # The timestamps are never shown from here: not read, as they cost ~20 % of the call
    # (two datetimes parsed per activity) for a 1,200-activity program.
    activities = (
        Activity.objects.filter(program=program)
        .select_related("unit")
        .defer("created_at", "updated_at")
    )
    if activity is not None:
        activities = activities.filter(pk=activity.pk)
    if node is not None:
        activities = activities.filter(node_id__in=_subtree(nodes, node.pk))
    chosen = []
    for a in activities.order_by("order", "key"):
        area_id = activity_area_id(a, nodes)
        if area is None or area_id == area.pk:
            chosen.append((a, area_id))
    scope = Q(activity__program=program) if activity is None else Q(activity=activity)
    targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for activity_id, m, quantity in (
        MonthlyTarget.objects.filter(scope)
        .order_by()
        .values_list("activity_id", "month", "quantity")
    ):
        targets[activity_id][m] = quantity
    achieved: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for activity_id, m, value in (
        ProgressEntry.objects.filter(scope)
        .order_by()
        .values_list("activity_id", "month", "achieved")
    ):
        achieved[activity_id][m] = value
    captures: dict[int | None, dict[int, str]] = defaultdict(dict)
    for area_id, m, state in (
        PeriodReport.objects.filter(program=program)
        .order_by()
        .values_list("area_id", "month", "state")
    ):
        captures[area_id][m] = state
    bands = bands_for_activities([a for a, _ in chosen])
    areas = {a.pk: a for a in Area.objects.filter(institution_id=program.institution_id)}
    out = ProgramFigures(
        program=program,
        month=month,
        nodes=nodes,
        areas=areas,
        rows=[],
        captures=dict(captures),
        _targets=dict(targets),
        _achieved=dict(achieved),
        _bands=bands,
    )
    out.rows = [
        ActivityRow(a, area_id, out._figure(a, area_id, month), _unit_name(a))
        for a, area_id in chosen
    ]
    return out

"""Reads of MIRs and indicators: the matrix, the ficha técnica with its measurements, and
the indicators an area owes in a month. Each costs a constant number of queries whatever
the number of rows, indicators, variables, targets or measurements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from rumbo.core.periods import Frequency, Period, period_closing_in, periods
from rumbo.core.semaforo import DEFAULT_BANDS, EDGES, Bands, Direction, Grade, grade
from rumbo.institutions.models import Area, Institution
from rumbo.monitoring.cycle import PeriodContent
from rumbo.monitoring.models import PeriodReport
from rumbo.monitoring.selectors import policy_for
from rumbo.monitoring.windows import WindowStatus, extensions_for, window_status
from rumbo.programs.models import Activity, AnnualProgram

from .models import (
    ActivityMirLink,
    Indicator,
    IndicatorTarget,
    IndicatorVariable,
    Level,
    Measurement,
    Mir,
    MirRow,
)
from .trend import Trend, trend

_POLICY = "row__mir__design__node__program__institution__monitoring_policy__"


# --------------------------------------------------------------------------------------
# Bands and targets: the rules the capture service and the pages share.


def bands_for_indicators(indicators: Iterable[Indicator]) -> dict[int, Bands]:
    """Indicator id → bands: its own override, else its institution's policy, else the
    defaults. One query whatever the number of indicators (none if empty)."""
    ids = [i.pk for i in indicators]
    if not ids:
        return {}
    out: dict[int, Bands] = {}
    rows = Indicator.objects.filter(pk__in=ids).values_list(
        "pk", *(f"bands__{e}" for e in EDGES), *(f"{_POLICY}{e}" for e in EDGES)
    )
    for pk, *edges in rows:
        own, policy = edges[:4], edges[4:]
        if own[0] is not None:
            out[pk] = Bands(*own)
        elif policy[0] is not None:
            out[pk] = Bands(*policy)
        else:
            out[pk] = DEFAULT_BANDS
    return out


def period_target(
    targets: Mapping[int, Decimal], indicator: Indicator, number: int
) -> Decimal | None:
    """The meta of one period; for a once-a-year frequency the annual meta (0) also serves."""
    if number in targets:
        return targets[number]
    if Frequency(indicator.frequency).periods_per_year == 1:
        return targets.get(0)
    return None


def annual_target(targets: Mapping[int, Decimal], indicator: Indicator) -> Decimal | None:
    """The annual meta: period 0 if given, else the only period of a once-a-year frequency."""
    if 0 in targets:
        return targets[0]
    if Frequency(indicator.frequency).periods_per_year == 1:
        return targets.get(1)
    return None


# --------------------------------------------------------------------------------------
# The MIR


@dataclass
class IndicatorLine:
    indicator: Indicator
    targets: dict[int, Decimal]
    annual: Decimal | None
    period_targets: list[tuple[Period, Decimal | None]]


@dataclass
class MirLine:
    row: MirRow
    indicators: list[IndicatorLine]
    activities: list[Activity]  # POA activities linked to this row
    children: int = 0  # actividades under a componente


@dataclass
class MirDetail:
    mir: Mir
    program: AnnualProgram
    lines: list[MirLine]
    componentes: list[MirRow] = field(default_factory=list)

    @property
    def indicator_count(self) -> int:
        return sum(len(line.indicators) for line in self.lines)


def _indicator_queryset() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("area").prefetch_related(
        Prefetch("variables", queryset=IndicatorVariable.objects.order_by("order", "pk")),
        Prefetch("targets", queryset=IndicatorTarget.objects.order_by("period")),
    )


def _indicator_line(indicator: Indicator) -> IndicatorLine:
    targets = {t.period: t.value for t in indicator.targets.all()}
    return IndicatorLine(
        indicator=indicator,
        targets=targets,
        annual=annual_target(targets, indicator),
        period_targets=[
            (p, period_target(targets, indicator, p.number)) for p in periods(indicator.frequency)
        ],
    )


def ordered_rows(rows: list[MirRow]) -> list[MirRow]:
    """Fin, Propósito, then each Componente followed by its Actividades (each by order)."""
    by_parent: dict[int, list[MirRow]] = defaultdict(list)
    for r in rows:
        if r.level == Level.ACTIVIDAD and r.parent_id is not None:
            by_parent[r.parent_id].append(r)
    out: list[MirRow] = [r for r in rows if r.level == Level.FIN]
    out += [r for r in rows if r.level == Level.PROPOSITO]
    for comp in (r for r in rows if r.level == Level.COMPONENTE):
        out.append(comp)
        out += by_parent.get(comp.pk, [])
    seen = {r.pk for r in out}
    out += [r for r in rows if r.pk not in seen]  # defensive: rows the constraints allow
    return out


def mir_detail(mir: Mir) -> MirDetail:
    """The matrix in reading order with indicators, targets and linked POA activities
    (six queries whatever its size)."""
    mir = Mir.objects.select_related("design__node__program__institution", "design__node").get(
        pk=mir.pk
    )
    rows = list(
        MirRow.objects.filter(mir=mir)
        .select_related("parent")
        .prefetch_related(
            Prefetch("indicators", queryset=_indicator_queryset()),
            Prefetch(
                "activity_links",
                queryset=ActivityMirLink.objects.select_related("activity").order_by(
                    "activity__key"
                ),
            ),
        )
    )
    children: dict[int, int] = defaultdict(int)
    for r in rows:
        if r.parent_id is not None:
            children[r.parent_id] += 1
    lines = [
        MirLine(
            row=r,
            indicators=[_indicator_line(i) for i in r.indicators.all()],
            activities=[link.activity for link in r.activity_links.all()],
            children=children[r.pk],
        )
        for r in ordered_rows(rows)
    ]
    return MirDetail(
        mir=mir,
        program=mir.design.node.program,
        lines=lines,
        componentes=[r for r in rows if r.level == Level.COMPONENTE],
    )


def institution_mirs(institution: Institution) -> list[Mir]:
    """Every MIR of the institution, newest program first, with row and indicator counts
    (one query)."""
    return list(
        Mir.objects.filter(design__node__program__institution=institution)
        .select_related("design__node__program", "design__node__area")
        .annotate(
            row_count=Count("rows", distinct=True),
            indicator_count=Count("rows__indicators", distinct=True),
        )
        .order_by("-design__node__program__year", "design__node__order", "design__node__key")
    )


# --------------------------------------------------------------------------------------
# The ficha técnica and its measurements


@dataclass
class PeriodLine:
    period: Period
    month: int  # the month whose capture holds it
    target: Decimal | None
    measurement: Measurement | None
    values: list[tuple[IndicatorVariable, str | None]]
    grade: Grade
    trend: Trend | None
    report: PeriodReport | None
    window: WindowStatus

    @property
    def value(self) -> Decimal | None:
        return self.measurement.value if self.measurement else None

    @property
    def state_label(self) -> str:
        if self.report is None:
            return "Sin capturar"
        return self.report.get_state_display()

    @property
    def locked(self) -> bool:
        return self.report is not None and self.report.locked


@dataclass
class IndicatorDetail:
    indicator: Indicator
    program: AnnualProgram
    variables: list[IndicatorVariable]
    targets: dict[int, Decimal]
    annual: Decimal | None
    bands: Bands
    own_bands: bool
    lines: list[PeriodLine]

    def line(self, number: int) -> PeriodLine | None:
        return next((ln for ln in self.lines if ln.period.number == number), None)


def indicator_detail(indicator: Indicator, *, today: date | None = None) -> IndicatorDetail:
    """The ficha técnica and one line per period of the year (target, measurement, semáforo,
    trend, capture state and window): eight queries whatever the number of periods."""
    indicator = (
        Indicator.objects.select_related(
            "area", "row__mir__design__node__program__institution", "row__parent", "bands"
        )
        .prefetch_related(
            Prefetch("variables", queryset=IndicatorVariable.objects.order_by("order", "pk")),
            Prefetch("targets", queryset=IndicatorTarget.objects.order_by("period")),
        )
        .get(pk=indicator.pk)
    )
    program = indicator.row.mir.design.node.program
    variables = list(indicator.variables.all())
    targets = {t.period: t.value for t in indicator.targets.all()}
    own = getattr(indicator, "bands", None)
    bands = bands_for_indicators([indicator])[indicator.pk]
    measurements = {m.period: m for m in Measurement.objects.filter(indicator=indicator)}
    year_periods = periods(indicator.frequency)
    months = [p.last_month for p in year_periods]
    reports = {
        r.month: r
        for r in PeriodReport.objects.filter(
            program=program, area_id=indicator.area_id, month__in=months
        )
    }
    policy = policy_for(program.institution)
    extensions = extensions_for(
        institution_ids=[program.institution_id], year_months=[(program.year, m) for m in months]
    )
    day = today or timezone.localdate()
    direction = Direction(indicator.direction)
    lines: list[PeriodLine] = []
    previous: Decimal | None = None
    for p in year_periods:
        m = measurements.get(p.number)
        target = period_target(targets, indicator, p.number)
        value = m.value if m else None
        lines.append(
            PeriodLine(
                period=p,
                month=p.last_month,
                target=target,
                measurement=m,
                values=[(v, (m.values or {}).get(v.name) if m else None) for v in variables],
                grade=grade(programmed=target, achieved=value, bands=bands, direction=direction),
                trend=trend(previous, value, direction),
                report=reports.get(p.last_month),
                window=window_status(
                    policy=policy,
                    extensions=extensions,
                    year=program.year,
                    month=p.last_month,
                    area_id=indicator.area_id,
                    today=day,
                ),
            )
        )
        previous = value
    return IndicatorDetail(
        indicator=indicator,
        program=program,
        variables=variables,
        targets=targets,
        annual=annual_target(targets, indicator),
        bands=bands,
        own_bands=own is not None,
        lines=lines,
    )


# --------------------------------------------------------------------------------------
# What an area owes in a month (the capture grid and the completeness check)


@dataclass
class DueIndicator:
    indicator: Indicator
    period: Period
    target: Decimal | None
    measurement: Measurement | None
    grade: Grade

    @property
    def captured(self) -> bool:
        return self.measurement is not None

    @property
    def justified(self) -> bool:
        """False when the semáforo asks for a justification the measurement lacks."""
        m = self.measurement
        return not (m is not None and self.grade.needs_justification and not m.justification)


def area_month_indicators(*, program: AnnualProgram, area: Area, month: int) -> list[DueIndicator]:
    """The indicators of ``area`` in the program's MIRs whose period closes in ``month``,
    with their measurement and semáforo (four queries whatever their number)."""
    candidates = list(
        Indicator.objects.filter(area=area, row__mir__design__node__program=program)
        .select_related("row")
        .prefetch_related("targets")
        .order_by("row__mir", "row__order", "row__pk", "order", "pk")
    )
    due: list[tuple[Indicator, Period]] = []
    for ind in candidates:
        p = period_closing_in(ind.frequency, month)
        if p is not None:
            due.append((ind, p))
    if not due:
        return []
    measurements = {
        (m.indicator_id, m.period): m
        for m in Measurement.objects.filter(indicator__in=[i for i, _ in due])
    }
    bands = bands_for_indicators(i for i, _ in due)
    out = []
    for ind, p in due:
        m = measurements.get((ind.pk, p.number))
        target = period_target({t.period: t.value for t in ind.targets.all()}, ind, p.number)
        out.append(
            DueIndicator(
                indicator=ind,
                period=p,
                target=target,
                measurement=m,
                grade=grade(
                    programmed=target,
                    achieved=m.value if m else None,
                    bands=bands[ind.pk],
                    direction=Direction(ind.direction),
                ),
            )
        )
    return out


def area_month_indicator_content(program: AnnualProgram, area: Area, month: int) -> PeriodContent:
    """The indicators whose period closes in ``month`` belong to ``area``'s capture of it:
    registered with the capture cycle (``rumbo.monitoring.cycle``) by this app's config."""
    indicators = area_month_indicators(program=program, area=area, month=month)
    errors = []
    unmeasured = [f"«{i.indicator.name}»" for i in indicators if not i.captured]
    if unmeasured:
        errors.append(f"Falta la medición de los indicadores: {', '.join(unmeasured)}.")
    unjustified = [f"«{i.indicator.name}»" for i in indicators if not i.justified]
    if unjustified:
        errors.append(f"Falta la justificación de los indicadores: {', '.join(unjustified)}.")
    return PeriodContent(
        captured=any(i.captured for i in indicators),
        errors=tuple(errors),
        template="web/_indicator_due.html",  # «Indicadores de este periodo» on the grid
        rows=tuple(indicators),
    )

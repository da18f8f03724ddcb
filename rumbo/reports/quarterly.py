"""Informe trimestral de indicadores (SED): every MIR indicator of the institution's program
designs of the year, with its ficha summary and the last period that closes in or before
the quarter (its target, the measured value, the semáforo and the trend against the
period before).

Official or preliminary, the rule of the monthly report: a measurement belongs to the
monthly capture of its area for the month that closes its period, so it is official when
that capture is approved and preliminary otherwise (docs/reports.md).

Targets, bands, the semáforo and the trend come from ``rumbo.indicators.selectors``
(``period_target``, ``annual_target``, ``bands_for_indicators``),
``rumbo.core.semaforo.grade`` and ``rumbo.indicators.trend``. A constant number of
queries whatever the number of MIRs, indicators, targets or measurements.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from rumbo.core.numbers import format_mx
from rumbo.core.periods import MONTH_NAMES, Period, periods, quarter_period
from rumbo.core.semaforo import Direction, Grade, Light, grade
from rumbo.indicators.models import Indicator, IndicatorTarget, Level, Measurement
from rumbo.indicators.selectors import annual_target, bands_for_indicators, period_target
from rumbo.indicators.trend import Trend, trend
from rumbo.monitoring.figures import LIGHTS
from rumbo.monitoring.models import PeriodReport, PeriodState
from rumbo.programs.models import AnnualProgram

from .common import (
    NOT_CAPTURED,
    STATE_LABELS,
    ReportHeader,
    check_quarter,
    header,
    institution_get,
    measurements_simulated_note,
    program_for,
)

LEVEL_RANK = {lvl.value: i for i, lvl in enumerate(Level)}


@dataclass
class LightCounts:
    """How many indicators have each light."""

    counts: dict[Light, int] = field(default_factory=lambda: dict.fromkeys(LIGHTS, 0))

    def add(self, light: Light) -> None:
        self.counts[light] += 1

    @property
    def items(self) -> list[tuple[Light, int]]:
        return [(light, self.counts[light]) for light in LIGHTS]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class IndicatorReportLine:
    indicator: Indicator
    design_title: str
    level: str  # Fin, Propósito…
    row_code: str
    annual: Decimal | None
    period: Period | None  # the last period closed by the quarter; None: none yet
    target: Decimal | None
    value: Decimal | None
    grade: Grade
    trend: Trend | None
    state: str  # of the capture that holds the measurement
    official: bool
    justification: str

    @property
    def light(self) -> Light:
        return self.grade.light

    @property
    def light_label(self) -> str:
        if self.period is None:
            return f"{self.grade.light.label} (sin periodo cerrado)"
        if self.grade.reason is not None:
            return f"{self.grade.light.label} ({self.grade.reason.value})"
        return self.grade.light.label

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def status_label(self) -> str:
        if self.period is None:
            return "Sin periodo cerrado"
        return "Oficial" if self.official else "Preliminar"

    @property
    def period_label(self) -> str:
        return self.period.label if self.period else "Ningún periodo cierra en el trimestre"

    @property
    def trend_label(self) -> str:
        return f"{self.trend.arrow} {self.trend.label}" if self.trend else "Sin dato anterior"

    @property
    def baseline(self) -> str:
        ind = self.indicator
        if ind.baseline_value is None:
            return ""
        year = f" ({ind.baseline_year})" if ind.baseline_year else ""
        return f"{format_mx(ind.baseline_value)}{year}"


@dataclass
class QuarterlyReport:
    header: ReportHeader
    program: AnnualProgram
    quarter: int
    lines: list[IndicatorReportLine]
    lights: LightCounts = field(default_factory=LightCounts)

    @property
    def has_preliminary(self) -> bool:
        return any(ln.period is not None and not ln.official for ln in self.lines)

    @property
    def simulated_note(self) -> str:
        return measurements_simulated_note(ln.indicator.row.mir for ln in self.lines)


def _last_closed(frequency: str, last_month: int) -> tuple[Period | None, Period | None]:
    """The last period of the frequency closing on or before ``last_month``, and the one
    before it (for the trend)."""
    closed = [p for p in periods(frequency) if p.last_month <= last_month]
    current = closed[-1] if closed else None
    previous = closed[-2] if len(closed) > 1 else None
    return current, previous


def quarterly_report(*, institution: str, year: int, quarter: int) -> QuarterlyReport:
    inst = institution_get(institution)
    quarter = check_quarter(quarter)
    program = program_for(inst, year)
    last_month = quarter_period(quarter).last_month
    indicators = list(
        Indicator.objects.filter(row__mir__design__node__program=program)
        .select_related("row__mir__design__node", "area")
        .prefetch_related(Prefetch("targets", queryset=IndicatorTarget.objects.order_by("period")))
        .order_by("row__mir__design__node__order", "row__mir__design__node__key", "pk")
    )
    measurements = {
        (m.indicator_id, m.period): m
        for m in Measurement.objects.filter(indicator__row__mir__design__node__program=program)
    }
    states = {
        (area_id, m): state
        for area_id, m, state in PeriodReport.objects.filter(
            program=program, month__lte=last_month
        ).values_list("area_id", "month", "state")
    }
    bands = bands_for_indicators(indicators)
    by_mir: dict[int, list[Indicator]] = defaultdict(list)
    for ind in indicators:
        by_mir[ind.row.mir_id].append(ind)
    lines: list[IndicatorReportLine] = []
    lights = LightCounts()
    for mir_indicators in by_mir.values():
        mir_indicators.sort(key=lambda i: (LEVEL_RANK[i.row.level], i.row.order, i.order, i.pk))
        for ind in mir_indicators:
            targets = {t.period: t.value for t in ind.targets.all()}
            current, previous = _last_closed(ind.frequency, last_month)
            direction = Direction(ind.direction)
            m = measurements.get((ind.pk, current.number)) if current else None
            before = measurements.get((ind.pk, previous.number)) if previous else None
            target = period_target(targets, ind, current.number) if current else None
            value = m.value if m else None
            g = grade(programmed=target, achieved=value, bands=bands[ind.pk], direction=direction)
            state = (
                states.get((ind.area_id, current.last_month), NOT_CAPTURED)
                if current
                else NOT_CAPTURED
            )
            lines.append(
                IndicatorReportLine(
                    indicator=ind,
                    design_title=ind.row.mir.design.title,
                    level=ind.row.get_level_display(),
                    row_code=ind.row.code,
                    annual=annual_target(targets, ind),
                    period=current,
                    target=target,
                    value=value,
                    grade=g,
                    trend=trend(before.value if before else None, value, direction),
                    state=state,
                    official=state == PeriodState.APPROVED,
                    justification=m.justification if m else "",
                )
            )
            lights.add(g.light)
    closing = MONTH_NAMES[last_month - 1]
    return QuarterlyReport(
        header=header(
            institution=inst,
            title="Informe trimestral de indicadores (SED)",
            period=f"Ejercicio {year} · Trimestre {quarter} (al cierre de {closing})",
            program=program,
        ),
        program=program,
        quarter=quarter,
        lines=lines,
        lights=lights,
    )

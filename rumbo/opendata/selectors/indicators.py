"""Indicators of published MIRs with approved measurements only."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from rumbo.core.periods import Period, periods
from rumbo.core.semaforo import Direction, Grade, grade
from rumbo.indicators.models import Indicator, IndicatorTarget, Measurement
from rumbo.indicators.selectors import annual_target, bands_for_indicators, period_target
from rumbo.indicators.versions import baseline_indicator_targets
from rumbo.monitoring.models import PeriodReport, PeriodState

from .publications import PublicProgram

# --------------------------------------------------------------------------------------
# Indicators of published MIRs, approved measurements only


@dataclass(frozen=True)
class IndicatorPeriod:
    period: Period
    target: Decimal | None
    value: Decimal | None  # None unless its capture is approved
    published: bool
    grade: Grade
    original_target: Decimal | None = None  # version 1's meta (None: none, or not approved)
    adjusted: bool = False  # an approved adjustment changed the meta since version 1


@dataclass(frozen=True)
class PublicIndicator:
    indicator: Indicator
    mir_title: str
    annual: Decimal | None
    periods: list[IndicatorPeriod]
    original_annual: Decimal | None = None  # version 1's annual meta
    in_baseline: bool = False  # approved with the program (not added later, not unapproved)

    @property
    def level_label(self) -> str:
        return self.indicator.row.get_level_display()

    @property
    def annual_adjusted(self) -> bool:
        """An approved adjustment changed the annual meta since version 1."""
        return self.in_baseline and self.original_annual != self.annual


def public_indicators(public: PublicProgram) -> list[PublicIndicator]:
    """Every indicator of the published MIRs, with its version-1 metas beside the metas in
    force (six queries whatever their number)."""
    mir_ids = [m.mir.pk for m in public.mirs]
    if not mir_ids:
        return []
    titles = {m.mir.pk: m.title for m in public.mirs}
    indicators = list(
        Indicator.objects.filter(row__mir_id__in=mir_ids)
        .select_related("row", "area")
        .prefetch_related(Prefetch("targets", queryset=IndicatorTarget.objects.order_by("period")))
        .defer("formula_as_printed")
        .order_by("row__mir_id", "row__order", "row__pk", "order", "pk")
    )
    approved = set(
        PeriodReport.objects.filter(program=public.program, state=PeriodState.APPROVED).values_list(
            "area_id", "month"
        )
    )
    values: dict[tuple[int, int], Decimal | None] = {
        (i, p): v
        for i, p, v in Measurement.objects.filter(indicator__in=indicators).values_list(
            "indicator_id", "period", "value"
        )
    }
    bands = bands_for_indicators(indicators)
    baseline = baseline_indicator_targets(public.program)
    out = []
    for ind in indicators:
        targets = {t.period: t.value for t in ind.targets.all()}
        original = baseline.get(ind.pk)
        direction = Direction(ind.direction)
        lines = []
        for p in periods(ind.frequency):
            published = (ind.area_id, p.last_month) in approved
            value = values.get((ind.pk, p.number)) if published else None
            target = period_target(targets, ind, p.number)
            before = period_target(original, ind, p.number) if original is not None else None
            lines.append(
                IndicatorPeriod(
                    period=p,
                    target=target,
                    value=value,
                    published=published and (ind.pk, p.number) in values,
                    grade=grade(
                        programmed=target, achieved=value, bands=bands[ind.pk], direction=direction
                    ),
                    original_target=before,
                    adjusted=original is not None and before != target,
                )
            )
        out.append(
            PublicIndicator(
                indicator=ind,
                mir_title=titles[ind.row.mir_id],
                annual=annual_target(targets, ind),
                periods=lines,
                original_annual=annual_target(original, ind) if original is not None else None,
                in_baseline=original is not None,
            )
        )
    return out

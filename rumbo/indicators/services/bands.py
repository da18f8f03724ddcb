"""An indicator's own semáforo bands (its ficha's «parámetros de semaforización").

Like an activity's (``rumbo.monitoring.services.policy.bands_set_activity``): the edges
are parsed and checked by the same function, and the override replaces the
institution's bands for this indicator only. Callers check ``MANAGE_MONITORING`` first.
"""

from __future__ import annotations

from django.db import transaction

from rumbo.audit.services import Actor, audit_record
from rumbo.monitoring.services.policy import bands_apply, bands_parse, bands_snapshot

from ..models import Indicator, IndicatorBands


@transaction.atomic
def bands_set_indicator(
    *,
    actor: Actor,
    indicator: Indicator,
    yellow_low: object,
    green_low: object,
    green_high: object,
    yellow_high: object,
    reason: str = "",
) -> IndicatorBands:
    """Bands of one indicator that override its institution's."""
    bands = bands_parse(
        {
            "yellow_low": yellow_low,
            "green_low": green_low,
            "green_high": green_high,
            "yellow_high": yellow_high,
        }
    )
    text = (reason or "").strip()
    override = IndicatorBands.objects.select_for_update().filter(indicator=indicator).first()
    before = bands_snapshot(override.bands) if override else None
    if override is None:
        override = IndicatorBands(indicator=indicator)
    bands_apply(override, bands)
    override.reason = text
    override.save()
    audit_record(
        actor=actor,
        institution_id=indicator.area.institution_id,
        action="bands.set_indicator",
        obj=indicator,
        before=before,
        after=bands_snapshot(bands),
        reason=text,
    )
    return override


@transaction.atomic
def bands_clear_indicator(*, actor: Actor, indicator: Indicator, reason: str = "") -> bool:
    """Drop the indicator's override (it follows its institution again); False if none."""
    override = IndicatorBands.objects.select_for_update().filter(indicator=indicator).first()
    if override is None:
        return False
    before = bands_snapshot(override.bands)
    override.delete()
    audit_record(
        actor=actor,
        institution_id=indicator.area.institution_id,
        action="bands.clear_indicator",
        obj=indicator,
        before=before,
        after=None,
        reason=(reason or "").strip(),
    )
    return True

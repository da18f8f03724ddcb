"""An indicator's own semáforo bands (its ficha's «parámetros de semaforización").

Like an activity's: both go through ``rumbo.monitoring.services.policy.bands_override_set``
and ``bands_override_clear``, and the override replaces the institution's bands for this
indicator only. Callers check ``MANAGE_MONITORING`` first.
"""

from __future__ import annotations

from rumbo.audit.services import Actor
from rumbo.monitoring.services.policy import bands_override_clear, bands_override_set

from ..models import Indicator, IndicatorBands


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
    return bands_override_set(
        actor=actor,
        model=IndicatorBands,
        owner_field="indicator",
        owner=indicator,
        institution_id=indicator.area.institution_id,
        action="bands.set_indicator",
        edges={
            "yellow_low": yellow_low,
            "green_low": green_low,
            "green_high": green_high,
            "yellow_high": yellow_high,
        },
        reason=reason,
    )


def bands_clear_indicator(*, actor: Actor, indicator: Indicator, reason: str = "") -> bool:
    """Drop the indicator's override (it follows its institution again); False if none."""
    return bands_override_clear(
        actor=actor,
        model=IndicatorBands,
        owner_field="indicator",
        owner=indicator,
        institution_id=indicator.area.institution_id,
        action="bands.clear_indicator",
        reason=reason,
    )

"""What the audit trail stores of an activity, and what changed between two snapshots."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from rumbo.core.numbers import to_json_number

from ..models import Activity


def activity_months(activity: Activity) -> list[Decimal | None]:
    """The 12 programmed months of an activity (None where unknown); uses prefetched rows."""
    months: list[Decimal | None] = [None] * 12
    for mt in activity.monthly_targets.all():
        months[mt.month - 1] = mt.quantity
    return months


def activity_snapshot(activity: Activity, months: Sequence[Decimal | None]) -> dict[str, Any]:
    """The fields of an activity as the history shows them (JSON-safe)."""
    return {
        "key": activity.key,
        "description": activity.description,
        "node": activity.node.key if activity.node_id else None,
        "area": activity.area.code if activity.area_id and activity.area else None,
        "unit": activity.unit.name if activity.unit_id and activity.unit else None,
        "annual_target": to_json_number(activity.annual_target),
        "monthly_targets": [to_json_number(m) for m in months],
        "lines_of_action": sorted(line.code for line in activity.lines_of_action.all()),
    }


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}

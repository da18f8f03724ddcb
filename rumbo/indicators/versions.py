"""The MIRs' part of an approved program version: every indicator's targets, frozen with
the activities' (``rumbo/programs/versions.py`` asks through its registry)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from rumbo.programs.models import AnnualProgram
from rumbo.programs.versions import baseline_snapshot, decimal_text

from .models import Indicator, IndicatorTarget


def program_indicator_content(program: AnnualProgram) -> dict[str, Any]:
    """``{"indicators": [{"key": id, "mir", "row", "name", "unit", "frequency",
    "targets": {period: value}}]}`` for the MIRs of the program's designs (2 queries)."""
    indicators = (
        Indicator.objects.filter(row__mir__design__node__program=program)
        .select_related("row__mir__design__node")
        .prefetch_related(Prefetch("targets", queryset=IndicatorTarget.objects.order_by("period")))
        .order_by("pk")
    )
    return {
        "indicators": [
            {
                "key": str(ind.pk),
                "mir": ind.row.mir.design.node.key,
                "row": ind.row.code or ind.row.get_level_display(),
                "name": ind.name,
                "unit": ind.unit,
                "frequency": ind.frequency,
                "targets": {str(t.period): decimal_text(t.value) for t in ind.targets.all()},
            }
            for ind in indicators
        ]
    }


def baseline_indicator_targets(program: AnnualProgram) -> dict[int, dict[int, Decimal]]:
    """Indicator id → its targets by period (0 = annual) in the approved baseline (version
    1), read from the part ``program_indicator_content`` froze; empty before approval, and
    an indicator added after it is absent. One query (``baseline_snapshot``)."""
    return {
        int(item["key"]): {int(p): Decimal(v) for p, v in item["targets"].items() if v is not None}
        for item in baseline_snapshot(program).get("indicators", [])
    }

"""The MIRs' part of an approved program version: the targets of every indicator of an
approved (or closed) MIR, frozen with the activities' (``rumbo/programs/versions.py`` asks
through its registry). A MIR still in formulación or revisión is not in a version: its
targets are not approved yet; its approval freezes the next one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from rumbo.programs.models import AnnualProgram, ProgramState, ProgramVersion
from rumbo.programs.versions import decimal_text

from .models import Indicator, IndicatorTarget


def program_indicator_content(program: AnnualProgram) -> dict[str, Any]:
    """``{"indicators": [{"key": id, "mir", "row", "name", "unit", "frequency",
    "targets": {period: value}}]}`` for the approved or closed MIRs of the program's designs
    (2 queries)."""
    indicators = (
        Indicator.objects.filter(
            row__mir__design__node__program=program,
            row__mir__state__in=(ProgramState.APROBADO, ProgramState.CERRADO),
        )
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


def approved_indicator_targets(
    program_ids: list[int],
) -> dict[int, dict[int, dict[int, Decimal]]]:
    """Program id → indicator id → its targets by period (0 = annual) as approved: in the
    first version that holds it — version 1 for the MIRs approved with the program, the
    version its MIR's own approval froze for a MIR approved later. A program never
    approved is absent; an indicator of a MIR not approved yet is absent from its
    program's. One query. (The originals every face shows beside the adjusted metas.)"""
    out: dict[int, dict[int, dict[int, Decimal]]] = {}
    for program_id, snapshot in (
        ProgramVersion.objects.filter(program_id__in=program_ids)
        .order_by("program_id", "number")
        .values_list("program_id", "snapshot")
    ):
        first = out.setdefault(program_id, {})
        for item in snapshot.get("indicators", []):
            key = int(item["key"])
            if key not in first:
                first[key] = {
                    int(p): Decimal(v) for p, v in item["targets"].items() if v is not None
                }
    return out


def baseline_indicator_targets(program: AnnualProgram) -> dict[int, dict[int, Decimal]]:
    """``approved_indicator_targets`` of one program (empty before approval). One query."""
    return approved_indicator_targets([program.pk]).get(program.pk, {})

"""The MIRs' part of an approved program version: the targets of every indicator of an
approved (or closed) MIR, frozen with the activities' (``rumbo/programs/versions.py`` asks
through its registry). A MIR still in formulación or revisión is not in a version: its
targets are not approved yet; its approval freezes the next one."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from rumbo.programs.models import AnnualProgram, ProgramState
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

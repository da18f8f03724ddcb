"""The MIRs' part of a program copy (``rumbo/programs/copy.py``): each MIR with its rows,
indicators (ficha técnica), variables, targets (unless the copy is without targets) and
own bands, and the activities' links to MIR rows. Measurements are what happened in the
source year: never copied.

Called by the design's copy step (``rumbo/design/copy.py``), which knows the designs the
MIRs hang from; a constant number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections import Counter

from rumbo.programs.copy import CopyContext, bulk_insert, clone, clone_tree
from rumbo.programs.models import ProgramState

from .models import (
    ActivityMirLink,
    Indicator,
    IndicatorBands,
    IndicatorTarget,
    IndicatorVariable,
    Mir,
    MirRow,
)


def mirs_copy(
    ctx: CopyContext, designs: dict[int, int], titles: dict[int, str]
) -> dict[int, MirRow]:
    """Copy the MIRs of the source designs (``designs``: source design id → copy's id;
    ``titles``: source design id → the copy's title, for the summary). Returns source
    row id → copied row (the cronograma's actions point at rows)."""
    mirs = list(Mir.objects.filter(design_id__in=list(designs)).order_by("pk"))
    mir_copies = {
        m.pk: c
        for m, c in zip(
            mirs,
            bulk_insert(
                Mir,
                [
                    clone(
                        m,
                        design_id=designs[m.design_id],
                        measurements_simulated=False,
                        # the new year's MIR is built anew: en formulación, not approved
                        state=ProgramState.FORMULACION,
                        agreement="",
                        approved_on=None,
                    )
                    for m in mirs
                ],
            ),
            strict=True,
        )
    }
    ctx.add("mirs", "MIR", len(mirs))
    # An empty ``__in`` runs no query: a program without MIRs costs one query here.

    rows = list(
        MirRow.objects.filter(mir_id__in=list(mir_copies)).order_by("mir_id", "order", "pk")
    )
    row_copies = clone_tree(rows, lambda r: {"mir_id": mir_copies[r.mir_id].pk})
    ctx.add("mir_rows", "renglones de la MIR", len(rows))

    indicators = list(Indicator.objects.filter(row__mir_id__in=list(mir_copies)).order_by("pk"))
    indicator_copies = {
        i.pk: c
        for i, c in zip(
            indicators,
            bulk_insert(Indicator, [clone(i, row_id=row_copies[i.row_id].pk) for i in indicators]),
            strict=True,
        )
    }
    ctx.add("indicators", "indicadores", len(indicators))

    ids = list(indicator_copies)
    variables = [
        clone(v, indicator_id=indicator_copies[v.indicator_id].pk)
        for v in IndicatorVariable.objects.filter(indicator_id__in=ids)
    ]
    ctx.add(
        "indicator_variables",
        "variables de indicador",
        len(bulk_insert(IndicatorVariable, variables)),
    )
    targets: list[IndicatorTarget] = []
    if ctx.with_targets:
        targets = [
            clone(t, indicator_id=indicator_copies[t.indicator_id].pk)
            for t in IndicatorTarget.objects.filter(indicator_id__in=ids)
        ]
    ctx.add("indicator_targets", "metas de indicador", len(bulk_insert(IndicatorTarget, targets)))
    bands = [
        clone(b, indicator_id=indicator_copies[b.indicator_id].pk)
        for b in IndicatorBands.objects.filter(indicator_id__in=ids)
    ]
    ctx.add(
        "indicator_bands", "semáforos propios de indicador", len(bulk_insert(IndicatorBands, bands))
    )

    links = [
        clone(
            link,
            activity_id=ctx.activities[link.activity_id].pk,
            row_id=row_copies[link.row_id].pk,
        )
        for link in ActivityMirLink.objects.filter(row_id__in=list(row_copies))
        if link.activity_id in ctx.activities  # a row is linked from its own program only
    ]
    ctx.add("mir_links", "vínculos actividad–MIR", len(bulk_insert(ActivityMirLink, links)))

    row_mir = {r.pk: r.mir_id for r in rows}
    rows_per_mir = Counter(r.mir_id for r in rows)
    indicators_per_mir = Counter(row_mir[i.row_id] for i in indicators)
    for mir in mirs:
        ctx.say(
            f"MIR «{titles[mir.design_id]}»: {rows_per_mir[mir.pk]} renglones, "
            f"{indicators_per_mir[mir.pk]} indicadores"
        )
    return row_copies

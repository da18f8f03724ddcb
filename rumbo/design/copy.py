"""The designs' part of a program copy (``rumbo/programs/copy.py``, registered in
``apps.py``): every program design of the source with all its content — stakeholders,
problem and objective trees, alternatives, population figures, risks, cronograma — then
its MIR (``rumbo/indicators/copy.py``).

A MIR hangs from a design, so the new year needs one; the whole design is copied, not an
empty shell, because the design is the MIR's justification (the objective tree is the
MIR's Fin, Propósito and Componentes) and is written for the program, not for one year:
the new year starts from it and updates what changed. A title that names the source year
names the new one. The cronograma's actions point at the copied MIR rows and activities.
"""

from __future__ import annotations

from rumbo.indicators.copy import mirs_copy
from rumbo.programs.copy import CopyContext, bulk_insert, clone, clone_tree

from .models import (
    Alternative,
    PopulationFigure,
    ProgramDesign,
    Risk,
    ScheduleAction,
    Stakeholder,
    TreeNode,
)

_CONTENT = (
    (Stakeholder, "stakeholders", "involucrados"),
    (Alternative, "alternatives", "alternativas"),
    (PopulationFigure, "population_figures", "cifras de población"),
    (Risk, "risks", "riesgos"),
)


def design_copy_step(ctx: CopyContext) -> None:
    designs = list(
        ProgramDesign.objects.filter(node__program=ctx.source).order_by(
            "node__depth", "node__order", "pk"
        )
    )
    copies = bulk_insert(
        ProgramDesign,
        [clone(d, node_id=ctx.nodes[d.node_id].pk, title=ctx.retitle(d.title)) for d in designs],
    )
    ids = {d.pk: c.pk for d, c in zip(designs, copies, strict=True)}
    ctx.add("designs", "diseños de programa", len(designs))
    source_ids = list(ids)  # an empty ``__in`` runs no query

    for model, key, label in _CONTENT:
        rows = [
            clone(r, design_id=ids[r.design_id])
            for r in model.objects.filter(design_id__in=source_ids)
        ]
        ctx.add(key, label, len(bulk_insert(model, rows)))
    tree = clone_tree(
        TreeNode.objects.filter(design_id__in=source_ids).order_by("pk"),
        lambda t: {"design_id": ids[t.design_id]},
    )
    ctx.add("tree_nodes", "elementos de árbol", len(tree))

    mir_rows = mirs_copy(ctx, ids, {d.pk: c.title for d, c in zip(designs, copies, strict=True)})

    actions = []
    for a in ScheduleAction.objects.filter(design_id__in=source_ids):
        component = mir_rows.get(a.component_id) if a.component_id is not None else None
        activity = ctx.activities.get(a.activity_id) if a.activity_id is not None else None
        actions.append(
            clone(
                a,
                design_id=ids[a.design_id],
                component_id=component.pk if component else None,
                activity_id=activity.pk if activity else None,
            )
        )
    ctx.add(
        "schedule_actions", "acciones del cronograma", len(bulk_insert(ScheduleAction, actions))
    )

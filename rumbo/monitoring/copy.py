"""The activities' own semáforo bands in a program copy (``rumbo/programs/copy.py``): a
setting of the plan, like the activity itself, so the new year keeps it. Progress,
evidence and period reports are what happened in the source year: never copied."""

from __future__ import annotations

from rumbo.programs.copy import CopyContext, bulk_insert, clone

from .models import ActivityBands


def activity_bands_copy_step(ctx: CopyContext) -> None:
    bands = [
        clone(b, activity_id=ctx.activities[b.activity_id].pk)
        for b in ActivityBands.objects.filter(activity__program=ctx.source)
    ]
    ctx.add(
        "activity_bands", "semáforos propios de actividad", len(bulk_insert(ActivityBands, bands))
    )

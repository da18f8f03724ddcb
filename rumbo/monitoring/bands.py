"""Which semáforo bands apply to each activity: its override, else its institution's policy,
else ``DEFAULT_BANDS``. Grading itself lives in ``rumbo.core.semaforo``."""

from __future__ import annotations

from collections.abc import Iterable

from rumbo.core.semaforo import DEFAULT_BANDS, EDGES, Bands
from rumbo.programs.models import Activity, AnnualProgram

from .models import ActivityBands


def bands_for_activities(activities: Iterable[Activity]) -> dict[int, Bands]:
    """Activity id → bands, in two queries whatever the number of activities (none if empty)."""
    acts = list(activities)
    if not acts:
        return {}
    # Overrides are few: read those of the activities' programs (one short parameter list
    # rather than one per activity) and keep the asked ones.
    ids = {a.pk for a in acts}
    overrides = {
        ab.activity_id: ab.bands
        for ab in ActivityBands.objects.filter(
            activity__program_id__in={a.program_id for a in acts}
        ).order_by()
        if ab.activity_id in ids
    }
    program_ids = {a.program_id for a in acts if a.pk not in overrides}
    by_program: dict[int, Bands] = {}
    if program_ids:
        fields = [f"institution__monitoring_policy__{e}" for e in EDGES]
        for pk, *edges in AnnualProgram.objects.filter(pk__in=program_ids).values_list(
            "pk", *fields
        ):
            by_program[pk] = DEFAULT_BANDS if edges[0] is None else Bands(*edges)
    return {a.pk: overrides.get(a.pk) or by_program.get(a.program_id, DEFAULT_BANDS) for a in acts}

"""Reads of the review's observations: an activity's thread, a program's list by area (the
area each activity answers to: ``activity_area``), and how many are still open."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from rumbo.institutions.models import Area

from ..models import (
    Activity,
    ActivityObservation,
    AnnualProgram,
    ObservationState,
    ProgramNode,
    activity_area,
)

STATES = tuple(ObservationState.values)


def _observations() -> QuerySet[ActivityObservation]:
    return ActivityObservation.objects.select_related(
        "author", "answered_by", "resolved_by"
    ).order_by("created_at", "id")


def observation_thread(*, activity: Activity) -> list[ActivityObservation]:
    """The activity's observations, oldest first, with who wrote, answered, resolved (1 query)."""
    found = list(_observations().filter(activity=activity))
    for observation in found:
        observation.activity = activity  # spare a query wherever it names its activity
    return found


def observation_get(*, program: AnnualProgram, pk: int) -> ActivityObservation | None:
    """One observation of the program, with its activity (and its node), or None."""
    return (
        ActivityObservation.objects.select_related(
            "activity__program__institution", "activity__node", "activity__area"
        )
        .filter(activity__program=program, pk=pk)
        .first()
    )


def open_observation_count(*, program: AnnualProgram) -> int:
    """How many of the program's observations are still abiertas (1 query)."""
    return ActivityObservation.objects.filter(
        activity__program=program, state=ObservationState.ABIERTA
    ).count()


def observation_list(*, program: AnnualProgram, state: str = "") -> QuerySet[ActivityObservation]:
    """The program's observations (``state``: abierta / atendida / "" for all), in program
    order, each with its activity and the activity's own area (1 query); group them by
    responsible area with ``observations_by_area``."""
    found = (
        _observations()
        .filter(activity__program=program)
        .select_related("activity__area")
        .order_by("activity__order", "activity__key", "created_at", "id")
    )
    if state:
        found = found.filter(state=state)
    return found


@dataclass
class AreaObservations:
    area: Area | None
    observations: list[ActivityObservation] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(1 for o in self.observations if o.state == ObservationState.ABIERTA)


def observations_by_area(
    observations: QuerySet[ActivityObservation] | list[ActivityObservation],
    nodes: dict[int, ProgramNode],
    *,
    area_code: str = "",
) -> list[AreaObservations]:
    """The observations grouped by the responsible area of their activity (its own, else its
    node's: ``activity_area``), areas by name, «sin área» last; no queries with ``nodes``
    (``node_map``). ``area_code`` keeps that area's group only."""
    groups: dict[int | None, AreaObservations] = {}
    for observation in observations:
        area = activity_area(observation.activity, nodes)
        if area_code and (area is None or area.code != area_code):
            continue
        key = area.pk if area is not None else None
        groups.setdefault(key, AreaObservations(area=area)).observations.append(observation)
    return sorted(groups.values(), key=lambda g: (g.area is None, g.area.name if g.area else ""))

"""Reads of adjustment requests and program versions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from rumbo.budget.models import BudgetLine, FundingSource, SpecificItem
from rumbo.institutions.access import AnyUser, can_write_for_area
from rumbo.programs.models import (
    Activity,
    AnnualProgram,
    ProgramNode,
    activity_area_id,
    node_area_id,
)

from .models import AdjustmentPolicy, AdjustmentRequest, AdjustmentState, DeciderRole


def adjustment_list(*, program: AnnualProgram, state: str = "") -> QuerySet[AdjustmentRequest]:
    """The program's requests, newest first; ``state`` filters (solicitada, aprobada,
    rechazada)."""
    qs = AdjustmentRequest.objects.filter(program=program).select_related("version")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-number")


def adjustment_get(*, program: AnnualProgram, pk: int) -> AdjustmentRequest | None:
    return (
        AdjustmentRequest.objects.filter(program=program, pk=pk)
        .select_related("program__institution", "activity", "indicator", "version")
        .first()
    )


def pending_count(*, program: AnnualProgram) -> int:
    return AdjustmentRequest.objects.filter(
        program=program, state=AdjustmentState.SOLICITADA
    ).count()


def decider_roles(institution_ids: Iterable[int]) -> dict[int, str]:
    """Institution id → the role that decides its adjustment requests (``Role`` value;
    Planeación where no policy says otherwise), in one query."""
    ids = set(institution_ids)
    stored = dict(
        AdjustmentPolicy.objects.filter(institution_id__in=ids).values_list(
            "institution_id", "decider"
        )
    )
    return {i: stored.get(i, DeciderRole.PLANEACION.value) for i in ids}


def pending_adjustments(institution_ids: Iterable[int]) -> list[AdjustmentRequest]:
    """The requests of those institutions waiting for a decision, oldest first (one query)."""
    return list(
        AdjustmentRequest.objects.filter(
            program__institution_id__in=set(institution_ids), state=AdjustmentState.SOLICITADA
        )
        .select_related("program__institution")
        .order_by("created_at", "pk")
    )


def decided_adjustments_since(
    institution_ids: Iterable[int], since: datetime
) -> list[AdjustmentRequest]:
    """The requests of those institutions approved or rejected after ``since``, newest
    first (one query)."""
    return list(
        AdjustmentRequest.objects.filter(
            program__institution_id__in=set(institution_ids), decided_at__gt=since
        )
        .exclude(state=AdjustmentState.SOLICITADA)
        .select_related("program__institution")
        .order_by("-decided_at", "-pk")
    )


@dataclass(frozen=True)
class BudgetChoices:
    """What a budget request's rows offer (value, label): the claves the person may ask
    for, the institution's partidas específicas and fuentes."""

    keys: list[tuple[str, str]]
    items: list[tuple[str, str]]
    sources: list[tuple[str, str]]


def budget_choices(*, program: AnnualProgram, user: AnyUser) -> BudgetChoices:
    """Four queries whatever the size of the program (the user's grant is cached)."""
    nodes = {n.pk: n for n in ProgramNode.objects.filter(program=program).order_by("order", "key")}
    keys: list[tuple[str, str]] = []
    for node in nodes.values():
        if can_write_for_area(user, program.institution_id, node_area_id(node, nodes)):
            keys.append((node.key, f"{node.key} — {node.name[:70]}"))
    for activity in Activity.objects.filter(program=program).order_by("key"):
        if can_write_for_area(user, program.institution_id, activity_area_id(activity, nodes)):
            keys.append((activity.key, f"{activity.key} — {activity.description[:70]}"))
    keys.sort()
    items = [
        (i.key, f"{i.key} — {i.name[:60]}" if i.name else i.key)
        for i in SpecificItem.objects.filter(institution_id=program.institution_id).order_by("key")
    ]
    sources = [
        (s.key, f"{s.key} — {s.name[:50]}")
        for s in FundingSource.objects.filter(institution_id=program.institution_id).order_by("key")
    ]
    return BudgetChoices(keys, items, sources)


def has_budget(program: AnnualProgram) -> bool:
    return BudgetLine.objects.filter(program=program).exists()

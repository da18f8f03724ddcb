"""Reads of adjustment requests and program versions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet

from rumbo.programs.models import AnnualProgram

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

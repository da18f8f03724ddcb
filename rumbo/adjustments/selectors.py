"""Reads of adjustment requests and program versions."""

from __future__ import annotations

from django.db.models import QuerySet

from rumbo.programs.models import AnnualProgram

from .models import AdjustmentRequest, AdjustmentState


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

"""Reads across several institutions at once (one query each): the programs of a set of
institutions and the program versions approved since a moment — what «Mis pendientes»
(``rumbo.worklist``) gathers for a person who belongs to more than one institution."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ..models import AnnualProgram, ProgramVersion


def programs_of(institution_ids: Iterable[int]) -> list[AnnualProgram]:
    """The programs of those institutions, their institution loaded, by institution and year."""
    return list(
        AnnualProgram.objects.filter(institution_id__in=set(institution_ids))
        .select_related("institution")
        .order_by("institution__code", "year")
    )


def versions_approved_since(
    institution_ids: Iterable[int], since: datetime
) -> list[ProgramVersion]:
    """Program versions of those institutions approved after ``since``, newest first (the
    frozen snapshot is not loaded)."""
    return list(
        ProgramVersion.objects.filter(
            program__institution_id__in=set(institution_ids), approved_at__gt=since
        )
        .defer("snapshot")
        .select_related("program__institution", "approved_by")
        .order_by("-approved_at", "-pk")
    )

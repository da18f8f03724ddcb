"""Shared pieces of the MIR and indicator endpoints: the router, paths, today."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from ninja import Router

router = Router(tags=["MIR e indicadores"])

INSTITUTION = "/institutions/{code}"
MIR = f"{INSTITUTION}/mirs/{{mir_id}}"
ANNUAL_TARGET = "Meta anual"


def today() -> date:
    """The date the capture window is judged by (tests replace it)."""
    return timezone.localdate()

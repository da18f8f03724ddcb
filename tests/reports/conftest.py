"""Progress and capture states the report tests share."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry

D = Decimal


def add_progress(activity, values: dict[int, int | str], justification: str = "") -> None:
    for month, value in values.items():
        ProgressEntry.objects.create(
            activity=activity, month=month, achieved=D(value), justification=justification
        )


def set_state(demo, area, month: int, state: PeriodState) -> None:
    PeriodReport.objects.create(program=demo.program, area=area, month=month, state=state)


def load_progress(demo):
    """SE approved in January–March; DO sent in March. SE's 010101: 340 programmed each
    month, 340 + 300 + 330 achieved; 010102: nothing reported."""
    add_progress(demo.activity_full, {1: 340, 2: 300})
    add_progress(demo.activity_full, {3: 330}, justification="Se recibieron menos solicitudes.")
    add_progress(demo.activity_missing, {1: 1, 2: 0, 3: 0})
    add_progress(demo.activity_otra, {3: 1})
    for month in (1, 2, 3):
        set_state(demo, demo.area_se, month, PeriodState.APPROVED)
    set_state(demo, demo.area_otra, 3, PeriodState.SUBMITTED)
    return demo


@pytest.fixture
def progress(demo):
    return load_progress(demo)

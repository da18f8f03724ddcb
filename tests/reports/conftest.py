"""Progress and capture states the report tests share."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rumbo.budget.models import BudgetLine, FundingSource, GenericItem, SpecificItem
from rumbo.budget.services import cog_load
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


def add_budget(demo) -> None:
    """0101's own lines: modificado 1,000 in January–March, devengado 500 each; 010101's
    own line: modificado 2,000 and devengado 1,940 in January (ejercido 1,900, pagado
    1,800)."""
    cog_load()
    institution = demo.program.institution
    item = SpecificItem.objects.create(
        institution=institution, key="21101", generic=GenericItem.objects.get(key="211")
    )
    source = FundingSource.objects.create(institution=institution, key="11", name="Fiscales")
    for m in (1, 2, 3):
        BudgetLine.objects.create(
            program=demo.program, node=demo.project, item=item, source=source, month=m,
            aprobado=D(1000), modificado=D(1000), devengado=D(500),
        )  # fmt: skip
    BudgetLine.objects.create(
        program=demo.program, node=demo.project, activity=demo.activity_full, item=item,
        source=source, month=1, modificado=D(2000), devengado=D(1940), ejercido=D(1900),
        pagado=D(1800),
    )  # fmt: skip


@pytest.fixture
def progress(demo):
    return load_progress(demo)

from __future__ import annotations

import pytest

from rumbo.indicators.models import Indicator
from rumbo.monitoring.models import PeriodReport, PeriodState
from rumbo.programs.models import AreaObjective
from tests.factories import AreaObjectiveFactory, Demo

# A generation date after every period of 2024, so Fecha de actualización follows the period.
TODAY = "2025-01-31"


@pytest.fixture
def published(demo: Demo) -> Demo:
    """The demo with complete fichas, the first half of 2024 approved for both areas, and
    three fr. IV rows of its own for IEEM (IECM keeps none: its rows are derived)."""
    Indicator.objects.update(definition="Mide el cumplimiento de las acciones programadas.")
    for area in (demo.area_se, demo.area_otra):
        for month in range(1, 7):
            PeriodReport.objects.create(
                program=demo.program, area=area, month=month, state=PeriodState.APPROVED
            )
    AreaObjective.objects.all().delete()
    for n in range(3):
        AreaObjectiveFactory(
            institution=demo.institution,
            area=demo.area_se if n < 2 else demo.area_otra,
            objective=f"Objetivo institucional número {n + 1}",
            indicator=f"Porcentaje de acciones del objetivo {n + 1}",
            goal=f"{90 + n} %",
            unit="Porcentaje",
            hyperlink="https://www.ieem.org.mx/transparencia/poa2024.pdf",
            responsible="Unidad de Transparencia",
        )
    return demo

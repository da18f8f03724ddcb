from __future__ import annotations

import pytest

from rumbo.monitoring.cycle import APPROVE, REOPEN, RETURN, SUBMIT, TRANSITIONS, lock_message
from rumbo.monitoring.models import PeriodState


def test_the_table_is_the_documented_cycle() -> None:
    moves = {(t.name, s.value, t.target.value) for t in TRANSITIONS.values() for s in t.sources}
    assert moves == {
        ("submit", "borrador", "enviado"),
        ("submit", "devuelto", "enviado"),
        ("approve", "enviado", "aprobado"),
        ("return", "enviado", "devuelto"),
        ("reopen", "aprobado", "borrador"),
    }
    assert SUBMIT.sources_phrase == "en borrador o devuelta"
    assert not any(t.leaves(None) for t in (SUBMIT, APPROVE, RETURN, REOPEN))


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"state": PeriodState.SUBMITTED, "month": 3, "year": 2024},
            "La captura de 03/2024 de esta área está enviada; no admite cambios mientras se "
            "revisa.",
        ),
        (
            {"state": PeriodState.APPROVED, "month": 3, "year": 2024},
            "La captura de 03/2024 de esta área está aprobada; no admite cambios sin reabrirla.",
        ),
        (
            {"state": PeriodState.APPROVED, "hint": "planeacion"},
            "La captura está aprobada; no admite cambios salvo que Planeación la reabra.",
        ),
        (
            {"state": PeriodState.SUBMITTED, "month": 12, "year": 2024, "area": "SE", "hint": ""},
            "La captura de 12/2024 de SE está enviada; no admite cambios.",
        ),
        (
            {"state": PeriodState.APPROVED, "month": 1, "year": 2024, "of": "evidence"},
            "La captura de 01/2024 de esta área está aprobada; sus evidencias no admiten cambios.",
        ),
    ],
)
def test_lock_message_keeps_each_face_wording(kwargs, expected) -> None:
    state = kwargs.pop("state")
    assert lock_message(state, **kwargs) == expected


@pytest.mark.django_db
def test_the_month_s_due_indicators_are_part_of_the_capture_through_the_registry(demo) -> None:
    """The indicators app registers what it adds to an area's month; the capture cycle asks
    it without importing it. March closes T1 of the quarterly indicator and month 3 of the
    monthly one, both of SE."""
    from rumbo.indicators.selectors import area_month_indicator_content
    from rumbo.monitoring.cycle import _CONTENT_CHECKS, PeriodContent, period_content
    from tests.factories import measure_indicator

    assert _CONTENT_CHECKS.count(area_month_indicator_content) == 1
    c1, a11 = "«Porcentaje de informes entregados»", "«Porcentaje de informes mensuales»"
    (content,) = period_content(demo.program, demo.area_se, 3)
    assert content == PeriodContent(
        captured=False, errors=(f"Falta la medición de los indicadores: {c1}, {a11}.",)
    )
    measure_indicator(demo.design.ind_c1, 1)
    (content,) = period_content(demo.program, demo.area_se, 3)
    # Measured, but off its T1 target and without a justification: still missing that.
    assert content == PeriodContent(
        captured=True,
        errors=(
            f"Falta la medición de los indicadores: {a11}.",
            f"Falta la justificación de los indicadores: {c1}.",
        ),
    )
    assert period_content(demo.program, demo.area_otra, 3) == [PeriodContent(captured=False)]

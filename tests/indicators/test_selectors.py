"""Reads of MIRs and indicators: order, targets, semáforo, trend, constant query counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rumbo.indicators.models import IndicatorBands, Measurement, MirRow
from rumbo.indicators.selectors import (
    area_month_indicators,
    bands_for_indicators,
    indicator_detail,
    institution_mirs,
    mir_detail,
)
from rumbo.indicators.trend import trend
from rumbo.monitoring.models import MonitoringPolicy, PeriodReport, PeriodState


def test_mir_detail_reading_order_and_targets(demo, django_assert_num_queries) -> None:
    d = demo.design
    with django_assert_num_queries(6):
        detail = mir_detail(d.mir)
    assert [line.row.code for line in detail.lines] == ["F", "P", "C1", "A1.1", "C2"]
    assert detail.indicator_count == 5
    fin = detail.lines[0].indicators[0]
    assert fin.annual == Decimal(90)  # the only period of an annual indicator
    c1 = detail.lines[2].indicators[0]
    assert c1.annual is None
    assert [t for _, t in c1.period_targets] == [Decimal(v) for v in ("80", "85", "90", "95")]
    MirRow.objects.create(mir=d.mir, level="componente", order=0, code="C0", summary="x")
    with django_assert_num_queries(6):
        again = mir_detail(d.mir)
    assert [line.row.code for line in again.lines][:3] == ["F", "P", "C0"]


def test_indicator_detail_lines(demo, django_assert_num_queries) -> None:
    ind = demo.design.ind_c1
    Measurement.objects.create(
        indicator=ind, period=1, values={"realizadas": "16", "programadas": "20"}, value=Decimal(80)
    )
    Measurement.objects.create(
        indicator=ind, period=2, values={"realizadas": "18", "programadas": "20"}, value=Decimal(90)
    )
    PeriodReport.objects.create(
        program=demo.program, area=demo.area_se, month=3, state=PeriodState.APPROVED
    )
    with django_assert_num_queries(8):
        detail = indicator_detail(ind, today=date(2024, 7, 5))
    lines = detail.lines
    assert [ln.period.short_label for ln in lines] == ["T1", "T2", "T3", "T4"]
    assert lines[0].grade.light.value == "verde" and lines[0].locked
    assert lines[0].state_label == "Aprobado" and lines[1].state_label == "Sin capturar"
    assert lines[1].trend is not None and lines[1].trend.arrow == "↑" and lines[1].trend.improved
    assert lines[0].trend is None and lines[2].trend is None
    assert lines[2].grade.light.value == "gris"
    assert [v for _, v in lines[1].values] == ["18", "20"]
    assert not lines[0].window.open and lines[1].window.open  # June's window in July


def test_trend_reads_the_direction() -> None:
    assert trend(Decimal(5), Decimal(3), "descendente").improved is True
    assert trend(Decimal(5), Decimal(7), "descendente").improved is False
    assert trend(Decimal(5), Decimal(5), "ascendente").arrow == "="
    assert trend(None, Decimal(5), "ascendente") is None


def test_bands_override_then_policy_then_default(demo) -> None:
    d = demo.design
    default = bands_for_indicators([d.ind_c1])[d.ind_c1.pk]
    assert default.green_low == Decimal(90)
    MonitoringPolicy.objects.create(
        institution=demo.institution, green_low=Decimal(95), yellow_low=Decimal(85)
    )
    IndicatorBands.objects.create(indicator=d.ind_c2, green_low=Decimal(70), yellow_low=Decimal(60))
    bands = bands_for_indicators([d.ind_c1, d.ind_c2])
    assert bands[d.ind_c1.pk].green_low == Decimal(95)
    assert bands[d.ind_c2.pk].green_low == Decimal(70)


def test_area_month_indicators(demo, django_assert_num_queries) -> None:
    with django_assert_num_queries(4):
        due = area_month_indicators(program=demo.program, area=demo.area_se, month=12)
    assert {i.indicator.name for i in due} == {
        "Porcentaje de acuerdos cumplidos",
        "Porcentaje de acuerdos en plazo",
        "Porcentaje de informes entregados",
        "Porcentaje de informes mensuales",
    }
    assert not any(i.captured for i in due)
    do = area_month_indicators(program=demo.program, area=demo.area_otra, month=5)
    assert do == []


def test_institution_mirs(demo, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        mirs = institution_mirs(demo.institution)
    assert [(m.row_count, m.indicator_count) for m in mirs] == [(5, 5)]
    assert institution_mirs(demo.other_institution) == []

"""The figures of each report, built from factories: programmed, achieved, cumulative,
semáforo, the official / preliminary rule, and size-independent query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rumbo.core.semaforo import Light
from rumbo.monitoring.figures import FigureState
from rumbo.monitoring.models import PeriodReport, PeriodState
from rumbo.programs.models import Activity
from rumbo.reports.builders import build_report, report_data
from rumbo.reports.common import ReportError
from rumbo.reports.monthly import monthly_report
from rumbo.reports.quarterly import quarterly_report
from tests.factories import ActivityFactory, measure_indicator
from tests.reports.conftest import add_progress, set_state

pytestmark = pytest.mark.django_db

D = Decimal


def _line(report, key):
    return next(a for a in report.activities if a.key == key)


def test_monthly_figures_per_activity(progress):
    report = monthly_report(institution="IEEM", year=2024, month=3)
    full = _line(report, "010101")
    assert full.annual_target == D(4060)
    assert full.programmed == D(340)
    assert full.programmed_cumulative == D(1020)
    assert full.achieved == D(330)
    assert full.achieved_cumulative == D(970)
    assert full.percent == D("95.10")
    assert full.light is Light.GREEN
    assert full.justification == "Se recibieron menos solicitudes."
    assert full.official is True

    missing = _line(report, "010103")  # 1, 1, 1 programmed; 1, 0, 0 achieved: 33.33 % red
    assert (missing.programmed_cumulative, missing.achieved_cumulative) == (D(3), D(1))
    assert missing.percent == D("33.33")
    assert missing.light is Light.RED

    # 0.25 programmed in March and no entry, but SE captured (and approved) March: the
    # activity achieved 0 — not pending — so 0 / 0.25 = 0 % is red.
    fraction = _line(report, "010102")
    assert fraction.programmed_cumulative == D("0.25")
    assert (fraction.achieved, fraction.achieved_cumulative) == (D(0), D(0))
    assert fraction.percent == D(0)
    assert fraction.light is Light.RED
    assert fraction.official is True

    otra = _line(report, "020101")  # DO: nothing programmed to March: grey, preliminary
    assert otra.programmed_cumulative == D(0)
    assert otra.achieved_cumulative == D(1)  # March's entry, shown although ungraded
    assert otra.light is Light.GREY
    assert otra.official is False
    assert otra.state is FigureState.PRELIMINARY  # DO captured March, not January/February


def test_monthly_keeps_official_and_preliminary_apart(progress):
    report = monthly_report(institution="IEEM", year=2024, month=3)
    by_code = {s.code: s for s in report.areas}
    se, do = by_code["SE"], by_code["DO"]
    assert (se.capture, se.state, se.official, se.status_label) == (
        "aprobado",
        FigureState.OFFICIAL,
        True,
        "Oficial",
    )
    assert (do.capture, do.state, do.official, do.status_label) == (
        "enviado",
        FigureState.PRELIMINARY,
        False,
        "Preliminar",
    )
    official = report.by_state[FigureState.OFFICIAL]
    preliminary = report.by_state[FigureState.PRELIMINARY]
    assert (official.activities, preliminary.activities) == (4, 1)
    assert report.by_state[FigureState.PENDING].activities == 0
    # Quantities only per unit of measure, never Reporte + Evento: official Reporte =
    # 010101 (1,020 programmed, 970 achieved) + 010102 (0.25, 0); Evento = 010103 (3, 1) +
    # 010104 (3, 0).
    assert {u.unit: (u.programmed_to_date, u.achieved_to_date) for u in official.units} == {
        "Evento": (D(6), D(1)),
        "Reporte": (D("1020.25"), D(970)),
    }
    assert official.single_unit() is None
    assert preliminary.single_unit().achieved_to_date == D(1)  # 020101 alone (Reporte)
    # SE: 95.10 (010101) + 0 (010102) + 33.33 (010103) + 0 (010104) = 128.43; / 4 =
    # 32.1075 → 32.11. One green of four graded: 25 %.
    assert se.summary.average_compliance == D("32.11")
    assert se.summary.on_track == D(25)
    assert do.summary.average_compliance is None  # 020101 is grey: nothing graded
    assert report.totals.activities == 5
    assert report.totals.average_compliance == D("32.11")
    assert report.has_preliminary
    assert report.totals.lights == {Light.GREEN: 1, Light.YELLOW: 0, Light.RED: 3, Light.GREY: 1}
    assert se.summary.lights[Light.GREEN] == 1


def test_an_earlier_month_not_approved_makes_the_area_preliminary(progress):
    PeriodReport.objects.filter(area=progress.area_se, month=2).update(state=PeriodState.RETURNED)
    report = monthly_report(institution="IEEM", year=2024, month=3)
    se = next(s for s in report.areas if s.code == "SE")
    assert se.capture == "aprobado"  # March itself is approved …
    assert se.state is FigureState.PRELIMINARY  # … but February, which it adds up, is not
    assert se.official is False
    assert _line(report, "010101").official is False
    assert report.by_state[FigureState.OFFICIAL].activities == 0
    assert report.by_state[FigureState.PRELIMINARY].activities == 5


def test_an_area_without_a_capture_is_pending(demo):
    report = monthly_report(institution="IEEM", year=2024, month=1)
    assert {s.capture for s in report.areas} == {"sin captura"}
    assert {s.state for s in report.areas} == {FigureState.PENDING}
    assert not any(s.official for s in report.areas)
    # Pending is shown as pending, never as 0.
    assert all(a.achieved is None and a.achieved_cumulative is None for a in report.activities)
    assert report.totals.states[FigureState.PENDING] == 5
    assert report.totals.average_compliance is None


def test_monthly_for_one_area_and_the_tree_order(progress):
    report = monthly_report(institution="IEEM", year=2024, month=3, area="DO")
    assert [a.key for a in report.activities] == ["020101"]
    assert [(ln.depth, ln.node.key) for ln in report.lines if ln.node] == [(0, "02"), (1, "0201")]
    whole = monthly_report(institution="IEEM", year=2024, month=3)
    keys = [ln.node.key if ln.node else ln.activity.key for ln in whole.lines]
    assert keys[:3] == ["01", "0101", "010101"]
    assert keys.index("02") > keys.index("010104")


def test_monthly_chart_averages_the_months(progress):
    report = monthly_report(institution="IEEM", year=2024, month=3)
    assert [b.label for b in report.chart] == ["Ene", "Feb", "Mar"]
    # January (DO pending): 010101 340/340 = 100, 010103 1/1 = 100, 010104 0/1 = 0 (SE
    # captured January, no entry); 010102 and 020101 grey → (100 + 100 + 0) / 3 = 66.67,
    # on track 2 of 3 = 66.67.
    # February: 640/680 = 94.12, 1/2 = 50, 0/2 = 0 → 144.12 / 3 = 48.04; 1 of 3 = 33.33.
    # March: (95.10 + 0 + 33.33 + 0) / 4 = 32.1075 → 32.11; 1 of 4 = 25.
    assert [b.average_compliance for b in report.chart] == [D("66.67"), D("48.04"), D("32.11")]
    assert [b.on_track for b in report.chart] == [D("66.67"), D("33.33"), D(25)]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"institution": "NOPE", "year": 2024, "month": 3}, "no existe la institución NOPE"),
        ({"institution": "IEEM", "year": 2023, "month": 3}, "no tiene programa anual 2023"),
        ({"institution": "IEEM", "year": 2024, "month": 13}, "mes: 13"),
        ({"institution": "IEEM", "year": 2024, "month": None}, "requiere el mes"),
        ({"institution": "IEEM", "year": 2024, "month": 3, "area": "XX"}, "siglas XX"),
    ],
)
def test_monthly_refuses_bad_arguments(demo, kwargs, fragment):
    with pytest.raises(ReportError, match=fragment):
        monthly_report(**kwargs)


def test_build_report_refuses_arguments_of_another_report(demo):
    with pytest.raises(ReportError, match="no admite mes"):
        report_data(kind="program", institution="IEEM", year=2024, month=3)
    with pytest.raises(ReportError, match="no admite trimestre"):
        report_data(kind="monthly", institution="IEEM", year=2024, month=3, quarter=1)
    with pytest.raises(ReportError, match="formato"):
        build_report(kind="program", institution="IEEM", year=2024, fmt="docx")
    with pytest.raises(ReportError, match="informe"):
        report_data(kind="weekly", institution="IEEM", year=2024)


def test_file_names(demo):
    assert (
        build_report(kind="monthly", institution="ieem", year=2024, month=3, fmt="xlsx").filename
        == "IEEM-informe-mensual-2024-03.xlsx"
    )
    assert (
        build_report(
            kind="monthly", institution="IEEM", year=2024, month=10, area="SE", fmt="xlsx"
        ).filename
        == "IEEM-informe-mensual-2024-10-SE.xlsx"
    )
    assert (
        build_report(
            kind="quarterly", institution="IEEM", year=2024, quarter=2, fmt="xlsx"
        ).filename
        == "IEEM-informe-trimestral-2024-T2.xlsx"
    )


def test_quarterly_figures_and_rule(demo):
    d = demo.design
    measure_indicator(d.ind_c1, 1, realizadas="70", programadas="100")  # T1: 70 of 80
    measure_indicator(d.ind_c1, 2, realizadas="84", programadas="100")  # T2: 84 of 85
    set_state(demo, demo.area_se, 6, PeriodState.APPROVED)
    report = quarterly_report(institution="IEEM", year=2024, quarter=2)
    by_name = {ln.indicator.name: ln for ln in report.lines}
    c1 = by_name[d.ind_c1.name]
    assert c1.period.label == "Trimestre 2 (abr–jun)"
    assert (c1.target, c1.value) == (D(85), D(84))
    assert c1.grade.ratio == D("98.82")
    assert c1.light is Light.GREEN
    assert c1.trend.arrow == "↑" and c1.trend.improved is True
    assert (c1.state, c1.official) == ("aprobado", True)

    c2 = by_name[d.ind_c2.name]  # semestral, DO: S1 closes in June, not measured, no capture
    assert c2.period.number == 1 and c2.value is None
    assert c2.light is Light.GREY
    assert (c2.state, c2.official, c2.status_label) == ("sin captura", False, "Preliminar")

    fin = by_name[d.ind_fin.name]  # anual: no period closes before December
    assert fin.period is None and fin.status_label == "Sin periodo cerrado"
    assert fin.annual == D(90)
    assert "70 (2023)" in fin.baseline

    levels = [ln.level for ln in report.lines]
    assert levels.index("Fin") < levels.index("Propósito") < levels.index("Componente")
    assert report.has_preliminary


def test_quarterly_refuses_a_bad_quarter(demo):
    with pytest.raises(ReportError, match="trimestre: 5"):
        quarterly_report(institution="IEEM", year=2024, quarter=5)


def test_program_and_mir_reports(demo):
    program = report_data(kind="program", institution="IEEM", year=2024)
    assert program.activity_count == 5
    # Reports and events are never added up: no total, and the reason.
    assert program.annual_total is None and program.month_totals is None
    assert program.unit_note == "2 unidades de medida (no se suman)"
    (project_do,) = [ln for ln in program.lines if ln.node and ln.node.key == "0201"]
    assert project_do.annual_total == D(2) and project_do.unit_note == ""
    rows = [ln.row for ln in program.lines if ln.row]
    assert rows[0].months[0] == D(340)
    Activity.objects.filter(program=demo.program).update(unit=demo.activity_full.unit)
    program = report_data(kind="program", institution="IEEM", year=2024)
    assert program.annual_total == D(4060) + D(1) + D(12) + D(12) + D(2)
    mir = report_data(kind="mir", institution="IEEM", year=2024)
    (section,) = mir.sections
    assert section.title == "Programa de Seguimiento 2024"
    assert len(section.fichas) == 5
    with pytest.raises(ReportError, match="no tiene una MIR 999"):
        report_data(kind="mir", institution="IEEM", year=2024, mir=999)
    one = report_data(kind="mir", institution="IEEM", year=2024, mir=demo.design.mir.pk)
    assert len(one.sections) == 1


def _grow(demo, n: int) -> None:
    """n more SE activities with targets and progress: the query counts must not move."""
    for i in range(n):
        a = ActivityFactory(node=demo.project, key=f"0101{50 + i}", annual_target=D(12),
                            months=[1] * 12)  # fmt: skip
        add_progress(a, {1: 1, 2: 1, 3: 1})


MONTHLY_QUERIES = 13  # + the approved baseline (original targets), the budget lines
QUARTERLY_QUERIES = 7
PROGRAM_QUERIES = 7
MIR_QUERIES = 10


@pytest.mark.parametrize("extra", [0, 6])
def test_query_counts_do_not_depend_on_size(progress, django_assert_num_queries, extra):
    _grow(progress, extra)
    for i in range(extra):
        measure_indicator(progress.design.ind_a11, i + 1)
    with django_assert_num_queries(MONTHLY_QUERIES):
        monthly_report(institution="IEEM", year=2024, month=3)
    with django_assert_num_queries(QUARTERLY_QUERIES):
        quarterly_report(institution="IEEM", year=2024, quarter=2)
    with django_assert_num_queries(PROGRAM_QUERIES):
        report_data(kind="program", institution="IEEM", year=2024)
    with django_assert_num_queries(MIR_QUERIES):
        report_data(kind="mir", institution="IEEM", year=2024)

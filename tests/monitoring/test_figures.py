"""The figure definitions on hand-worked examples (docs/figures.md), and regressions that
came up on the demo data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rumbo.core.semaforo import Light, NoGrade, ratio, round_percent
from rumbo.monitoring.figures import (
    COMPLIANCE_CAP,
    FigureState,
    Summary,
    activity_figure,
    capture_grade,
    figure_state,
    period_figure,
    program_figures,
)
from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry
from rumbo.monitoring.selectors import area_month_grid
from rumbo.reports.monthly import monthly_report, monthly_report_json

D = Decimal
A, S, R, B = "aprobado", "enviado", "devuelto", "borrador"


def test_state_follows_the_captures_of_every_month_up_to_m() -> None:
    assert figure_state(3, {}) is FigureState.PENDING
    assert figure_state(3, {1: A, 2: A}) is FigureState.PENDING  # March not captured
    assert figure_state(3, {1: A, 2: A, 3: A}) is FigureState.OFFICIAL
    assert figure_state(3, {1: A, 2: S, 3: A}) is FigureState.PRELIMINARY  # February sent
    assert figure_state(3, {1: A, 3: A}) is FigureState.PRELIMINARY  # February never captured
    assert figure_state(3, {1: A, 2: A, 3: B}) is FigureState.PRELIMINARY  # draft / reopened
    assert figure_state(1, {1: R}) is FigureState.PRELIMINARY


def test_a_month_without_entry_never_erases_the_past() -> None:
    """Observation 1: 132,000 pieces achieved by June; nothing programmed nor captured in
    July, while the area captured and had July approved."""
    targets = {1: D(100_000), 2: D(32_000)} | {m: D(0) for m in range(3, 13)}
    entries = {1: D(100_500), 2: D(32_000), 6: D(3_187)}
    captures = {m: A for m in range(1, 8)}
    july = activity_figure(month=7, targets=targets, achieved=entries, captures=captures)
    assert july.achieved_month == D(0)
    assert july.achieved_to_date == D(135_687)  # 100,500 + 32,000 + 3,187
    assert july.programmed_to_date == D(132_000)
    assert july.percent == D("102.79")  # 135,687 / 132,000 = 1.027931…
    assert july.light is Light.GREEN
    assert july.state is FigureState.OFFICIAL


def test_pending_is_shown_as_pending_never_as_zero() -> None:
    targets = {m: D(10) for m in range(1, 13)}
    f = activity_figure(month=11, targets=targets, achieved={1: D(10)}, captures={1: A})
    assert f.state is FigureState.PENDING
    assert f.achieved_month is None and f.achieved_to_date is None
    assert f.percent is None and f.light is Light.GREY
    assert f.grade.reason is NoGrade.NOT_REPORTED
    assert f.programmed_to_date == D(110)


def test_hand_worked_activity_over_three_months() -> None:
    """Targets 10 a month; 8 in January, nothing typed in February (captured and
    approved), 12 in March: to date 8, 8, 20 against 10, 20, 30 → 80 %, 40 %, 66.67 %."""
    targets = {m: D(10) for m in range(1, 13)}
    entries = {1: D(8), 3: D(12)}
    captures = {1: A, 2: A, 3: S}
    got = [
        activity_figure(month=m, targets=targets, achieved=entries, captures=captures)
        for m in (1, 2, 3)
    ]
    assert [f.achieved_to_date for f in got] == [D(8), D(8), D(20)]
    assert [f.percent for f in got] == [D("80.00"), D("40.00"), D("66.67")]
    assert [f.light for f in got] == [Light.YELLOW, Light.RED, Light.RED]
    assert [f.state for f in got] == [
        FigureState.OFFICIAL,
        FigureState.OFFICIAL,
        FigureState.PRELIMINARY,
    ]


def test_unknown_months_count_only_the_known_ones() -> None:
    f = activity_figure(
        month=4, targets={1: D("0.25"), 3: D("0.5")}, achieved={1: D("0.25")}, captures={4: A}
    )
    assert f.programmed_to_date == D("0.75")
    assert f.percent == D("33.33")
    g = activity_figure(month=2, targets={5: D(3)}, achieved={}, captures={2: A})
    assert g.programmed_to_date is None and g.light is Light.GREY
    assert g.grade.reason is NoGrade.NOT_PROGRAMMED


def test_one_rounding_half_up() -> None:
    """One rounding, half up: 2,469 / 20,000 is 12.345 % → 12.35 everywhere."""
    assert ratio(D(20_000), D(2_469)) == D("12.35")
    assert round_percent(D("12.345")) == D("12.35")
    assert period_figure(None, activity_figure(
        month=3, targets={3: D(20_000)}, achieved={3: D(2_469)},
        captures={1: A, 2: A, 3: A})).percent == D("12.35")  # fmt: skip


def test_summary_does_not_add_units_and_caps_over_achievement() -> None:
    """Observation 3: one activity of 132,000 pieces does not swamp three small ones."""
    captures = {1: A}
    figures = [
        activity_figure(month=1, targets={1: D(132_000)}, achieved={1: D(132_000)},
                        captures=captures),  # 100 %
        activity_figure(month=1, targets={1: D(4)}, achieved={1: D(2)}, captures=captures),
        activity_figure(month=1, targets={1: D(10)}, achieved={1: D(15)}, captures=captures),
        activity_figure(month=1, targets={1: D(0)}, achieved={1: D(0)}, captures=captures),
    ]  # fmt: skip
    s = Summary()
    for f, unit in zip(figures, ["Pieza", "Evento", "Evento", "Reporte"], strict=True):
        s.add(f, unit)
    # Graded: 100 %, 50 %, 150 % capped at 100 % → (100 + 50 + 100) / 3 = 83.33 %.
    assert D(100) == COMPLIANCE_CAP
    assert s.average_compliance == D("83.33")
    assert s.lights == {Light.GREEN: 1, Light.YELLOW: 0, Light.RED: 2, Light.GREY: 1}
    assert s.on_track == D("33.33")  # 1 green of 3 graded
    units = {u.unit: (u.programmed_to_date, u.achieved_to_date) for u in s.units}
    assert units == {"Pieza": (D(132_000), D(132_000)), "Evento": (D(14), D(17)),
                     "Reporte": (D(0), D(0))}  # fmt: skip
    assert s.single_unit() is None


def test_projection_follows_the_calendar_not_a_straight_line() -> None:
    """Observation 4: a front-loaded calendar (90 programmed by June, 10 after) fully met
    so far projects 100 % of the annual target, not 200 % as a straight line would."""
    targets = {1: D(30), 2: D(30), 3: D(30), 12: D(10)} | {m: D(0) for m in range(4, 12)}
    f = activity_figure(
        month=6,
        targets=targets,
        achieved={1: D(30), 2: D(30), 3: D(30)},
        captures={m: A for m in range(1, 7)},
        annual_target=D(100),
    )
    assert f.percent == D("100.00")
    assert f.projected_percent == D("100.00")  # 90 × 100 / 90 against 100
    # At 80 % of what was programmed to date, the year ends at 80 % of the target.
    g = activity_figure(
        month=3, targets=targets, achieved={1: D(24), 2: D(24), 3: D(24)},
        captures={1: A, 2: A, 3: A}, annual_target=D(100),
    )  # fmt: skip
    assert g.projected_percent == D("80.00")


def test_capture_grade_is_the_month_being_typed() -> None:
    targets = {1: D(10), 2: D(10)}
    assert capture_grade(2, targets, {1: D(10)}).light is Light.GREY  # February not typed
    assert capture_grade(2, targets, {1: D(10), 2: D(10)}).ratio == D("100.00")


@pytest.mark.django_db
def test_grid_preview_adds_the_typed_value_to_earlier_months(demo) -> None:  # type: ignore[no-untyped-def]
    """Observation 2: on a month not yet saved every row carried achieved-before 0."""
    activity = demo.activity_full  # 340 a month
    for m in (1, 2):
        ProgressEntry.objects.create(activity=activity, month=m, achieved=D(340))
        PeriodReport.objects.create(
            program=demo.program, area=demo.area_se, month=m, state=PeriodState.APPROVED
        )
    grid = area_month_grid(program=demo.program, area=demo.area_se, month=3)
    row = next(r for r in grid.rows if r.activity.pk == activity.pk)
    assert row.achieved_before == D(680)
    assert row.cumulative_programmed == D(1020)
    assert row.achieved is None  # March not typed yet


@pytest.mark.django_db
def test_report_json_keeps_the_cumulative_of_a_month_without_entry(demo) -> None:  # type: ignore[no-untyped-def]
    """Observation 1 through the report: July approved with no entry for the activity."""
    activity = demo.activity_full
    ProgressEntry.objects.create(activity=activity, month=6, achieved=D(2040))
    for m in range(1, 8):
        PeriodReport.objects.create(
            program=demo.program, area=demo.area_se, month=m, state=PeriodState.APPROVED
        )
    data = monthly_report_json(monthly_report(institution="IEEM", year=2024, month=7, area="SE"))
    line = next(a for a in data["activities"] if a["key"] == activity.key)
    assert line["achieved_month"] == 0
    assert line["achieved_to_date"] == 2040
    assert line["programmed_to_date"] == 2380  # 340 × 7
    assert line["percent"] == 85.71  # 2,040 / 2,380 = 0.857142…
    assert line["light"] == "amarillo" and line["state"] == "oficial"


@pytest.mark.django_db
def test_program_figures_query_count_is_constant(demo, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(8):
        small = program_figures(program=demo.program, month=3)
    for i in range(30):
        from tests.factories import ActivityFactory

        ActivityFactory(node=demo.activity_full.node, key=f"0101{i + 50:02d}")
    with django_assert_num_queries(8):
        large = program_figures(program=demo.program, month=3)
    assert len(large.rows) == len(small.rows) + 30

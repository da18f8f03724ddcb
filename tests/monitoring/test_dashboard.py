"""The dashboard selector on known data: monthly sums, cumulative %, semáforo distribution,
projection, late and returned captures, completeness, timeliness and query counts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bench.synthetic import synthetic_program, synthetic_progress
from rumbo.core.semaforo import Light
from rumbo.institutions.models import Institution
from rumbo.monitoring.dashboard import default_month, percent, program_dashboard
from rumbo.monitoring.models import (
    ActivityBands,
    MonitoringPolicy,
    PeriodReport,
    PeriodState,
    ProgressEntry,
)
from tests.factories import Demo

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = date(2024, 4, 5)  # March's window is open: the default month is 3


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 18, 0, tzinfo=UTC)  # noon in Mexico City


@pytest.fixture
def known(demo: Demo) -> Demo:
    """Entries for January–March and the captures of SE (3 months) and DO (January)."""
    values = {
        demo.activity_full: [340, 340, 300],  # 980 of 1,020: green
        demo.activity_fraction: [None, None, 0],  # 0 of 0.25: red
        demo.activity_missing: [1, 1, None],  # March not reported: grey
        demo.activity_mismatch: [1, 1, "0.6"],  # 2.6 of 3: yellow
    }
    for activity, months in values.items():
        for month, achieved in enumerate(months, start=1):
            if achieved is not None:
                ProgressEntry.objects.create(activity=activity, month=month, achieved=D(achieved))
    p = demo.program
    PeriodReport.objects.create(
        program=p,
        area=demo.area_se,
        month=1,
        state=PeriodState.APPROVED,
        submitted_at=_noon(date(2024, 2, 10)),  # the closing day itself: on time
    )
    PeriodReport.objects.create(
        program=p,
        area=demo.area_se,
        month=2,
        state=PeriodState.APPROVED,
        submitted_at=_noon(date(2024, 3, 12)),  # late
    )
    PeriodReport.objects.create(
        program=p,
        area=demo.area_se,
        month=3,
        state=PeriodState.RETURNED,
        submitted_at=_noon(date(2024, 4, 3)),
        comment="Falta la evidencia de marzo.",
    )
    PeriodReport.objects.create(
        program=p,
        area=demo.area_otra,
        month=1,
        state=PeriodState.SUBMITTED,
        submitted_at=_noon(date(2024, 2, 15)),  # late
    )
    PeriodReport.objects.create(program=p, area=demo.area_otra, month=2)  # borrador
    return demo


@pytest.mark.parametrize(
    ("today", "month"),
    [
        (date(2024, 4, 5), 3),
        (date(2024, 4, 1), 3),
        (date(2024, 3, 31), 2),
        (date(2024, 1, 20), 0),
        (date(2023, 12, 31), 0),
        (date(2025, 1, 2), 12),
    ],
)
def test_default_month_is_the_last_whose_window_opened(today, month):
    assert default_month(year=2024, today=today) == month


def test_monthly_sums_and_cumulative_percent(known):
    board = program_dashboard(program=known.program, today=TODAY)
    assert board.month == 3
    by_month = {m.month: m for m in board.months}
    assert [by_month[m].programmed for m in (1, 2, 3, 4, 10, 12)] == [
        D(342),
        D(342),
        D("342.25"),
        D(343),
        D(343),
        D("331.25"),
    ]
    assert [by_month[m].achieved for m in (1, 2, 3)] == [D(342), D(342), D("300.6")]
    assert by_month[4].achieved is None and by_month[4].cumulative_achieved is None
    assert board.annual_programmed == D(4085)
    assert sum(m.programmed for m in board.months) == board.annual_programmed
    assert board.programmed_to_date == D("1026.25")
    assert board.achieved_to_date == D("984.6")
    assert by_month[3].cumulative_achieved == D("984.6")
    assert [by_month[m].cumulative_percent for m in (1, 2, 3)] == [D("8.4"), D("16.7"), D("24.1")]
    assert board.year_percent == D("24.1")  # 984.6 / 4,085
    assert board.to_date_percent == D("95.9")  # 984.6 / 1,026.25


def test_projection_extrapolates_the_average_pace(known):
    board = program_dashboard(program=known.program, today=TODAY)
    assert board.projection.pace == D("328.20")  # 984.6 / 3
    assert board.projection.year_end == D("3938.40")
    assert board.projection.year_end_percent == D("96.4")
    projected = {m.month: m.projected_percent for m in board.months}
    assert projected[1] is None and projected[2] is None
    assert projected[3] == board.year_percent  # the dashed line starts where the data end
    assert projected[6] == percent(D("984.6") + D("328.2") * 3, D(4085))
    assert projected[12] == D("96.4")


def test_semaforo_distribution_grades_each_activity_to_date(known):
    board = program_dashboard(program=known.program, today=TODAY)
    counts = {c.light: c.count for c in board.lights}
    # full green, mismatch yellow, fraction red, missing (March unreported) and otra
    # (nothing programmed to March) grey.
    assert counts == {Light.GREEN: 1, Light.YELLOW: 1, Light.RED: 1, Light.GREY: 2}
    assert [c.light for c in board.lights] == [Light.GREEN, Light.YELLOW, Light.RED, Light.GREY]
    assert board.activities == 5
    assert [c.percent for c in board.lights] == [D(20), D(20), D(20), D(40)]


def test_semaforo_uses_each_activitys_bands(known):
    ActivityBands.objects.create(
        activity=known.activity_mismatch,
        yellow_low=70,
        green_low=85,
        green_high=110,
        yellow_high=120,
        reason="Meta difícil",
    )
    board = program_dashboard(program=known.program, today=TODAY)
    counts = {c.light: c.count for c in board.lights}
    assert counts[Light.GREEN] == 2 and counts[Light.YELLOW] == 0  # 86.7 % is green now


def test_late_and_returned_captures(known):
    board = program_dashboard(program=known.program, today=TODAY)
    issues = [(c.area_code, c.month, c.late, c.returned) for c in board.captures]
    assert issues == [("DO", 1, True, False), ("SE", 2, True, False), ("SE", 3, False, True)]
    returned = board.captures[2]
    assert returned.state == PeriodState.RETURNED
    assert returned.comment == "Falta la evidencia de marzo."
    assert board.captures[1].closes == date(2024, 3, 10)
    assert board.captures[1].submitted_on == date(2024, 3, 12)


def test_late_follows_the_institutions_closing_day(known):
    MonitoringPolicy.objects.create(institution=known.institution, close_day=15)
    board = program_dashboard(program=known.program, today=TODAY)
    assert [(c.area_code, c.month) for c in board.captures] == [("SE", 3)]  # returned only


def test_completeness_and_timeliness_per_area(known):
    board = program_dashboard(program=known.program, today=TODAY)
    areas = {a.code: a for a in board.areas}
    se, do = areas["SE"], areas["DO"]
    # SE: 10 activity-months with a positive target to March (full 3, fraction 1,
    # missing 3, mismatch 3); 9 reported (missing's March is not).
    assert (se.expected, se.reported, se.completeness) == (10, 9, D("90.0"))
    assert (se.submitted, se.on_time, se.timeliness) == (3, 2, D("66.7"))
    assert (se.late, se.returned, se.activities) == (1, 1, 4)
    assert se.programmed_to_date == D("1026.25") and se.achieved_to_date == D("984.6")
    # DO: nothing programmed to March; one capture sent, late; a draft is not "sent".
    assert (do.expected, do.completeness) == (0, None)
    assert (do.submitted, do.on_time, do.timeliness, do.late) == (1, 0, D("0.0"), 1)


def test_area_scope(known):
    board = program_dashboard(program=known.program, area=known.area_se, today=TODAY)
    assert [a.code for a in board.areas] == ["SE"]
    assert board.activities == 4
    assert board.annual_programmed == D(4083)  # everything but DO's 2
    assert [(c.area_code, c.month) for c in board.captures] == [("SE", 2), ("SE", 3)]
    counts = {c.light: c.count for c in board.lights}
    assert counts == {Light.GREEN: 1, Light.YELLOW: 1, Light.RED: 1, Light.GREY: 1}
    assert board.subprograms == [(known.subprogram, D("1026.25"), D("984.6"), D("95.9"))]


def test_node_scope_and_an_activity_of_another_area(known):
    # An activity of the DO subprogram whose own area is SE counts for SE.
    known.activity_otra.area = known.area_se
    known.activity_otra.save()
    board = program_dashboard(program=known.program, node=known.project, today=TODAY)
    assert board.activities == 4  # only the project's subtree
    assert {a.code for a in board.areas} == {"SE"}
    assert board.subprograms == []
    se_board = program_dashboard(program=known.program, area=known.area_se, today=TODAY)
    assert se_board.activities == 5
    do_board = program_dashboard(program=known.program, area=known.area_otra, today=TODAY)
    assert do_board.activities == 0 and do_board.annual_programmed == 0
    assert do_board.year_percent is None and do_board.projection.year_end_percent is None


def test_explicit_month_and_a_year_not_yet_open(known):
    board = program_dashboard(program=known.program, month=2, today=TODAY)
    assert board.achieved_to_date == D(684)
    assert [(c.area_code, c.month) for c in board.captures] == [("DO", 1), ("SE", 2)]
    early = program_dashboard(program=known.program, today=date(2024, 1, 15))
    assert early.month == 0
    assert early.achieved_to_date == 0 and early.projection.year_end is None
    assert all(m.achieved is None for m in early.months)
    assert {c.light: c.count for c in early.lights}[Light.GREY] == 5


def _queries(program, django_assert_max_num_queries, **kwargs) -> int:
    with django_assert_max_num_queries(50) as ctx:
        program_dashboard(program=program, today=TODAY, **kwargs)
    return len(ctx.captured_queries)


def test_constant_number_of_queries(known, django_assert_max_num_queries):
    small = _queries(known.program, django_assert_max_num_queries)
    big = Institution.objects.create(code="SINT", name="Sintética")
    synthetic = synthetic_program(institution=big, activities=400)
    synthetic_progress(program=synthetic.program, months=3)
    large = _queries(synthetic.program, django_assert_max_num_queries)
    assert small == large == 11  # 10 + the default month (last month reported)
    assert _queries(synthetic.program, django_assert_max_num_queries, area=synthetic.areas[0]) == 11
    root = synthetic.program.nodes.filter(parent=None).first()
    assert _queries(synthetic.program, django_assert_max_num_queries, node=root) == 11


def test_dashboard_month_stops_at_the_last_month_reported(db):
    from rumbo.monitoring.dashboard import dashboard_month
    from rumbo.monitoring.models import ProgressEntry
    from tests.factories import ActivityFactory

    activity = ActivityFactory()
    program = activity.program
    assert dashboard_month(program=program, today=date(2025, 2, 1)) == 12  # nothing reported
    ProgressEntry.objects.create(activity=activity, month=10, achieved=1)
    assert dashboard_month(program=program, today=date(2025, 2, 1)) == 10
    assert dashboard_month(program=program, today=date(2024, 6, 5)) == 5  # window bound

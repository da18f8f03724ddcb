"""The dashboard selector on known data: per-month shares and average compliance, semáforo
and state distribution, projection, late and returned captures, completeness, timeliness
and query counts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bench.synthetic import synthetic_program, synthetic_progress
from rumbo.core.semaforo import Light
from rumbo.institutions.models import Institution
from rumbo.monitoring.dashboard import default_month, program_dashboard
from rumbo.monitoring.figures import FigureState
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


def test_month_figures_average_compliance_and_on_track(known):
    """Per month: the calendar's pace and what was achieved as shares of each activity's
    year (averaged), the average compliance (capped) and the share on track. Quantities of
    different units (Reporte, Evento) are never added."""
    board = program_dashboard(program=known.program, today=TODAY)
    assert board.month == 3
    by_month = {m.month: m for m in board.months}
    # Expected share = programmed to date ÷ the activity's year (known months), averaged
    # over the activities whose figures are known that month — the same set as the achieved
    # share: full (4,060), fraction (1), missing (11: May unknown), mismatch (11), and otra
    # (2) in January and February (DO has no March capture: pending, left out in March):
    # January  (340/4060 = 8.37 + 0 + 1/11 = 9.09 + 9.09 + 0) / 5 = 26.55 / 5 = 5.31
    # February (16.75 + 0 + 18.18 + 18.18 + 0) / 5 = 53.11 / 5 = 10.622 → 10.62
    # March    (1020/4060 = 25.12 + 0.25/1 = 25.00 + 3/11 = 27.27 + 27.27) / 4
    #          = 104.66 / 4 = 26.165 → 26.17
    assert [by_month[m].expected_share for m in (1, 2, 3)] == [D("5.31"), D("10.62"), D("26.17")]
    assert by_month[12].expected_share == D("100.00")  # every calendar is complete by December
    # Achieved share: January and February as programmed (every area captured both, so
    # fraction and otra count 0); March: (980/4060 = 24.14 + 0 + 2/11 = 18.18
    # + 2.6/11 = 23.64) / 4 = 65.96 / 4 = 16.49 — otra is pending (DO has no March capture).
    assert [by_month[m].achieved_share for m in (1, 2, 3)] == [D("5.31"), D("10.62"), D("16.49")]
    # January and February: full, missing and mismatch at 100 % (fraction and otra have
    # nothing programmed: grey). March: full 980/1020 = 96.08, fraction 0/0.25 = 0,
    # missing 2/3 = 66.67 (SE captured March: its missing entry counts 0),
    # mismatch 2.6/3 = 86.67 → (96.08 + 0 + 66.67 + 86.67) / 4 = 62.355 → 62.36.
    assert [by_month[m].average_compliance for m in (1, 2, 3)] == [D(100), D(100), D("62.36")]
    assert [by_month[m].on_track for m in (1, 2, 3)] == [D(100), D(100), D(25)]  # 3/3, 3/3, 1/4
    for m in range(4, 13):
        assert by_month[m].achieved_share is None
        assert by_month[m].average_compliance is None and by_month[m].on_track is None
    assert board.summary.average_compliance == D("62.36")
    assert board.summary.on_track == D(25)
    assert board.summary.single_unit() is None  # Reporte and Evento: no common quantity
    units = {u.unit: (u.programmed_to_date, u.achieved_to_date) for u in board.summary.units}
    # Reporte: full 1,020 + fraction 0.25 programmed, 980 + 0 achieved; Evento: missing 3 +
    # mismatch 3 programmed, 2 + 2.6 achieved; otra (Reporte) is pending and left out.
    assert units == {"Evento": (D(6), D("4.6")), "Reporte": (D("1020.25"), D(980))}


def test_projection_follows_each_activitys_calendar(known):
    board = program_dashboard(program=known.program, today=TODAY)
    projected = {m.month: m.projected_share for m in board.months}
    assert projected[1] is None and projected[2] is None
    assert projected[3] == D("16.49")  # the dashed line starts where the data end
    # After March each activity known in March keeps its capped compliance over what its
    # calendar still programs: achieved + pace × (programmed to the month − to March), as
    # a share of its year, then averaged (otra is pending in March: left out).
    # June: full 980 + 0.9608 × (2,040 − 1,020) = 1,960.016 / 4,060 = 48.28; fraction
    # 0 + 0 × … = 0; missing 2 + 0.6667 × (5 − 3) = 3.3334 / 11 = 30.30; mismatch
    # 2.6 + 0.8667 × (6 − 3) = 5.2001 / 11 = 47.27 → 125.85 / 4 = 31.4625 → 31.46.
    assert projected[6] == D("31.46")
    # December: full 980 + 0.9608 × 3,040 = 3,900.832 / 4,060 = 96.08; fraction 0;
    # missing 2 + 0.6667 × 8 = 7.3336 / 11 = 66.67; mismatch 2.6 + 0.8667 × 8 = 9.5336 / 11
    # = 86.67 → 249.42 / 4 = 62.355 → 62.36.
    assert projected[12] == D("62.36")
    # Year-end compliance of each graded activity at its current pace, against its annual
    # target: full 980 × 4060/1020 of 4,060 = 96.08; fraction 0; missing 2 × 11/3 of 12 =
    # 61.11; mismatch 2.6 × 11/3 of 12 = 79.44 → (96.08 + 0 + 61.11 + 79.44) / 4 = 59.1575
    # → 59.16.
    assert board.summary.projected_compliance == D("59.16")


def test_semaforo_distribution_grades_each_activity_to_date(known):
    board = program_dashboard(program=known.program, today=TODAY)
    counts = {light: n for light, n, _ in board.lights}
    # full green (96.08 %), mismatch yellow (86.67 %), fraction red (0 %), missing red
    # (2 of 3: SE captured March, the activity's missing entry counts 0), otra grey
    # (nothing programmed to March, and pending: DO has no March capture).
    assert counts == {Light.GREEN: 1, Light.YELLOW: 1, Light.RED: 2, Light.GREY: 1}
    assert [light for light, _, _ in board.lights] == [
        Light.GREEN,
        Light.YELLOW,
        Light.RED,
        Light.GREY,
    ]
    assert board.activities == 5
    assert [share for _, _, share in board.lights] == [D(20), D(20), D(40), D(20)]
    # SE's March capture was returned: its four activities are preliminary; DO has not
    # captured March: pending.
    assert dict(board.states) == {
        FigureState.OFFICIAL: 0,
        FigureState.PRELIMINARY: 4,
        FigureState.PENDING: 1,
    }


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
    counts = {light: n for light, n, _ in board.lights}
    assert counts[Light.GREEN] == 2 and counts[Light.YELLOW] == 0  # 86.67 % is green now
    assert board.summary.on_track == D(50)  # 2 green of 4 graded


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
    # 2 on time of 3 sent: 66.666… → 66.67 (the one rounding: two decimals, half up).
    assert (se.submitted, se.on_time, se.timeliness) == (3, 2, D("66.67"))
    assert (se.late, se.returned, se.activities) == (1, 1, 4)
    # SE's four activities: (96.08 + 0 + 66.67 + 86.67) / 4 = 62.355 → 62.36; 1 green of 4.
    assert se.summary.average_compliance == D("62.36") and se.summary.on_track == D(25)
    assert do.summary.activities == 1 and do.summary.graded == 0  # otra: grey, pending
    assert do.summary.average_compliance is None
    # DO: nothing programmed to March; one capture sent, late; a draft is not "sent".
    assert (do.expected, do.completeness) == (0, None)
    assert (do.submitted, do.on_time, do.timeliness, do.late) == (1, 0, D("0.0"), 1)


def test_area_scope(known):
    board = program_dashboard(program=known.program, area=known.area_se, today=TODAY)
    assert [a.code for a in board.areas] == ["SE"]
    assert board.activities == 4
    assert [(c.area_code, c.month) for c in board.captures] == [("SE", 2), ("SE", 3)]
    counts = {light: n for light, n, _ in board.lights}
    assert counts == {Light.GREEN: 1, Light.YELLOW: 1, Light.RED: 2, Light.GREY: 0}
    # Without otra (grey, pending) March's expected share is (25.12 + 25.00 + 27.27 +
    # 27.27) / 4 = 104.66 / 4 = 26.165 → 26.17.
    assert board.summary.expected_year_share == D("26.17")
    [(node, summary)] = board.subprograms
    assert node == known.subprogram
    assert (summary.activities, summary.average_compliance) == (4, D("62.36"))


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
    # otra now follows SE's captures: March captured (returned), so it is preliminary,
    # not pending (still grey: nothing programmed to March).
    assert se_board.summary.states[FigureState.PRELIMINARY] == 5
    do_board = program_dashboard(program=known.program, area=known.area_otra, today=TODAY)
    assert do_board.activities == 0 and do_board.summary.expected_year_share is None
    assert do_board.summary.average_compliance is None
    assert do_board.summary.projected_compliance is None
    assert all(m.projected_share is None for m in do_board.months)


def test_explicit_month_and_a_year_not_yet_open(known):
    board = program_dashboard(program=known.program, month=2, today=TODAY)
    # February: full 680/680, missing 2/2 and mismatch 2/2 are green; fraction and otra
    # have nothing programmed (grey). SE approved January and February: official; DO's
    # February is a draft: preliminary.
    assert {light: n for light, n, _ in board.lights} == {
        Light.GREEN: 3,
        Light.YELLOW: 0,
        Light.RED: 0,
        Light.GREY: 2,
    }
    assert board.summary.average_compliance == D(100)
    assert board.summary.states == {
        FigureState.OFFICIAL: 4,
        FigureState.PRELIMINARY: 1,
        FigureState.PENDING: 0,
    }
    assert [(c.area_code, c.month) for c in board.captures] == [("DO", 1), ("SE", 2)]
    early = program_dashboard(program=known.program, today=date(2024, 1, 15))
    assert early.month == 0
    assert early.summary.average_compliance is None
    assert early.summary.states[FigureState.PENDING] == 5
    assert all(m.achieved_share is None and m.projected_share is None for m in early.months)
    assert {light: n for light, n, _ in early.lights}[Light.GREY] == 5


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
    # 10 + the default month (last month reported) + the budget lines (physical-financial)
    assert small == large == 12
    # An area's dashboard has no physical-financial panel (the budget is by node).
    assert _queries(synthetic.program, django_assert_max_num_queries, area=synthetic.areas[0]) == 11
    root = synthetic.program.nodes.filter(parent=None).first()
    assert _queries(synthetic.program, django_assert_max_num_queries, node=root) == 12


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

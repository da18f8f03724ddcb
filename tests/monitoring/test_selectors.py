"""Progress reads: figures per month and the capture grid, in a constant number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rumbo.core.semaforo import Light
from rumbo.monitoring.bands import bands_for_activities
from rumbo.monitoring.figures import FigureState
from rumbo.monitoring.models import (
    ActivityBands,
    MonitoringPolicy,
    PeriodReport,
    PeriodState,
    ProgressEntry,
)
from rumbo.monitoring.selectors import activity_progress, area_month_grid
from rumbo.programs.models import Activity
from tests.factories import ActivityFactory, AnnualProgramFactory, ProgramNodeFactory


def entry(activity, month: int, achieved, justification: str = "") -> ProgressEntry:
    return ProgressEntry.objects.create(
        activity=activity, month=month, achieved=Decimal(str(achieved)), justification=justification
    )


def test_activity_progress_by_month(demo, django_assert_num_queries) -> None:
    a = demo.activity_full  # 340 a month
    entry(a, 1, 340)
    entry(a, 2, 300)
    e3 = entry(a, 3, 380)
    e3.version = 4
    e3.save()
    # SE approved January, sent February and has March in draft; April is not captured.
    for month, state in (
        (1, PeriodState.APPROVED),
        (2, PeriodState.SUBMITTED),
        (3, PeriodState.DRAFT),
    ):
        PeriodReport.objects.create(
            program=demo.program, area=demo.area_se, month=month, state=state
        )
    with django_assert_num_queries(6):  # bands ×2, targets, entries, nodes, period states
        months = activity_progress(activity=a)
    jan, feb, mar, apr = months[:4]
    assert (jan.programmed, jan.achieved, jan.state, jan.version) == (
        Decimal(340),
        Decimal(340),
        PeriodState.APPROVED,
        1,
    )
    assert feb.month_grade.light is Light.YELLOW  # 300 / 340 = 88.24 %
    assert feb.cumulative_programmed == Decimal(680)
    assert feb.cumulative_achieved == Decimal(640)
    assert feb.cumulative_grade.light is Light.GREEN  # 94.12 %
    assert feb.ratio == Decimal("94.12")
    assert mar.cumulative_achieved == Decimal(1020) and mar.version == 4
    assert mar.cumulative_grade.ratio == Decimal("100.00")
    assert apr.achieved is None and apr.cumulative_achieved is None
    assert apr.cumulative_grade.light is Light.GREY and apr.state is None and apr.version is None
    assert [m.figure_state for m in (jan, feb, mar, apr)] == [
        FigureState.OFFICIAL,
        FigureState.PRELIMINARY,  # February sent, not approved
        FigureState.PRELIMINARY,
        FigureState.PENDING,  # April never captured: pending, not 0
    ]
    assert len(months) == 12


def test_unknown_and_zero_months(demo) -> None:
    months = activity_progress(activity=demo.activity_missing)  # May unknown
    assert months[4].programmed is None
    assert months[4].cumulative_programmed == Decimal(4)
    zero = activity_progress(activity=demo.activity_fraction)[0]  # 0 programmed in January
    assert zero.programmed == Decimal(0)
    assert zero.month_grade.light is Light.GREY


def test_bands_override_then_policy_then_default(demo, django_assert_num_queries) -> None:
    other_program = AnnualProgramFactory(institution=demo.other_institution, year=2023)
    other = ActivityFactory(node=ProgramNodeFactory(program=other_program))
    MonitoringPolicy.objects.create(
        institution=demo.institution, yellow_low=85, green_low=95, green_high=105, yellow_high=115
    )
    ActivityBands.objects.create(
        activity=demo.activity_otra, yellow_low=1, green_low=2, green_high=3, yellow_high=4
    )
    acts = [demo.activity_full, demo.activity_otra, other]
    with django_assert_num_queries(2):
        bands = bands_for_activities(acts)
    assert bands[demo.activity_full.pk].green_low == Decimal(95)
    assert bands[demo.activity_otra.pk].green_low == Decimal(2)
    assert bands[other.pk].green_low == Decimal(90)
    with django_assert_num_queries(0):
        assert bands_for_activities([]) == {}


def _grid_queries(demo, n: int, django_assert_num_queries):
    for i in range(n):
        a = ActivityFactory(node=demo.project, key=f"8{n:02d}{i:03d}", months=[10] * 12)
        entry(a, 1, 10)
        entry(a, 2, 5, "Retraso")
    with django_assert_num_queries(7):
        return area_month_grid(program=demo.program, area=demo.area_se, month=2)


@pytest.mark.parametrize("n", [5, 50])
def test_area_month_grid_constant_queries(demo, n: int, django_assert_num_queries) -> None:
    grid = _grid_queries(demo, n, django_assert_num_queries)
    assert len(grid.rows) == n + 4  # the four SE activities of the demo, plus n
    assert all(r.activity.key != "020101" for r in grid.rows)
    row = next(r for r in grid.rows if r.activity.key.startswith("8"))
    assert row.programmed == Decimal(10) and row.cumulative_programmed == Decimal(20)
    assert row.achieved == Decimal(5) and row.cumulative_achieved == Decimal(15)
    assert row.achieved_before == Decimal(10)
    assert row.cumulative_grade.light is Light.RED  # 75 %
    assert row.version == 1
    assert grid.state is PeriodState.DRAFT and not grid.locked


def test_area_month_grid_state_and_inherited_area(demo) -> None:
    inherited = Activity.objects.get(key="020101")
    assert inherited.area_id is None  # its area comes from the subprogram
    PeriodReport.objects.create(
        program=demo.program, area=demo.area_otra, month=4, state=PeriodState.SUBMITTED
    )
    grid = area_month_grid(program=demo.program, area=demo.area_otra, month=4)
    assert [r.activity.key for r in grid.rows] == ["020101"]
    assert grid.state is PeriodState.SUBMITTED and grid.locked
    assert grid.rows[0].entry is None and grid.rows[0].version is None

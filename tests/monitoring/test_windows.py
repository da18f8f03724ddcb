from __future__ import annotations

from datetime import date

import pytest

from rumbo.monitoring.models import MonitoringPolicy, WindowExtension
from rumbo.monitoring.selectors import policy_for
from rumbo.monitoring.windows import window_dates, window_for


def test_policy_defaults_without_a_stored_policy(demo) -> None:
    policy = policy_for(demo.institution)
    assert policy.pk is None
    assert policy.close_day == 10


@pytest.mark.parametrize(
    ("today", "is_open"),
    [
        (date(2024, 3, 31), False),  # the month is not over
        (date(2024, 4, 1), True),
        (date(2024, 4, 10), True),  # the close day counts
        (date(2024, 4, 11), False),
    ],
)
def test_a_month_opens_on_day_one_of_the_next_and_closes_on_close_day(
    demo, today: date, is_open: bool
) -> None:
    w = window_for(institution=demo.institution, year=2024, month=3, area=demo.area_se, today=today)
    assert (w.opens, w.closes) == (date(2024, 4, 1), date(2024, 4, 10))
    assert w.open is is_open
    assert w.extended_until is None


def test_december_closes_in_january_of_the_next_year(demo) -> None:
    assert window_dates(year=2024, month=12, close_day=5) == (date(2025, 1, 1), date(2025, 1, 5))
    w = window_for(
        institution=demo.institution, year=2024, month=12, area=None, today=date(2025, 1, 10)
    )
    assert w.open is True
    assert w.closes == date(2025, 1, 10)


def test_close_day_comes_from_the_institution_policy(demo) -> None:
    MonitoringPolicy.objects.create(institution=demo.institution, close_day=5)
    w = window_for(
        institution=demo.institution, year=2024, month=3, area=demo.area_se, today=date(2024, 4, 6)
    )
    assert w.closes == date(2024, 4, 5)
    assert w.open is False
    assert "05/04/2024" in w.closed_message()


def _extend(demo, area, until: date, reason: str = "Cambio de titular") -> WindowExtension:
    return WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=3,
        area=area,
        until=until,
        reason=reason,
        created_by="planeacion",
    )


def test_an_area_extension_opens_that_area_only(demo) -> None:
    _extend(demo, demo.area_se, date(2024, 4, 20))
    day = date(2024, 4, 15)
    se = window_for(institution=demo.institution, year=2024, month=3, area=demo.area_se, today=day)
    do = window_for(
        institution=demo.institution, year=2024, month=3, area=demo.area_otra, today=day
    )
    assert se.open and se.extended_until == date(2024, 4, 20)
    assert se.reason == "Cambio de titular"
    assert not do.open and do.extended_until is None
    after = window_for(
        institution=demo.institution,
        year=2024,
        month=3,
        area=demo.area_se,
        today=date(2024, 4, 21),
    )
    assert not after.open
    assert "20/04/2024" in after.closed_message()


def test_an_all_areas_extension_covers_every_area_and_the_latest_wins(demo) -> None:
    _extend(demo, None, date(2024, 4, 18), "Falla del sistema")
    _extend(demo, demo.area_se, date(2024, 4, 25))
    day = date(2024, 4, 17)
    for area in (demo.area_se, demo.area_otra):
        w = window_for(institution=demo.institution, year=2024, month=3, area=area, today=day)
        assert w.open
    se = window_for(
        institution=demo.institution,
        year=2024,
        month=3,
        area=demo.area_se,
        today=date(2024, 4, 24),
    )
    assert se.open and se.extended_until == date(2024, 4, 25)


def test_an_extension_never_opens_a_month_before_it_ends(demo) -> None:
    _extend(demo, None, date(2024, 5, 1))
    w = window_for(
        institution=demo.institution, year=2024, month=3, area=None, today=date(2024, 3, 20)
    )
    assert not w.open and w.not_yet_open
    assert "abre el 01/04/2024" in w.closed_message()


def test_extensions_of_other_months_or_institutions_do_not_count(demo) -> None:
    WindowExtension.objects.create(
        institution=demo.other_institution,
        year=2024,
        month=3,
        until=date(2024, 4, 30),
        reason="x",
        created_by="x",
    )
    WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=2,
        until=date(2024, 4, 30),
        reason="x",
        created_by="x",
    )
    w = window_for(
        institution=demo.institution, year=2024, month=3, area=None, today=date(2024, 4, 20)
    )
    assert not w.open

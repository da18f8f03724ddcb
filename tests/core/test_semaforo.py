from __future__ import annotations

from decimal import Decimal

import pytest

from rumbo.core.semaforo import (
    DEFAULT_BANDS,
    SYMMETRIC_5_15,
    Bands,
    Direction,
    Light,
    NoGrade,
    grade,
    ratio,
)

D = Decimal


@pytest.mark.parametrize(
    ("achieved", "expected"),
    [
        ("79.99", Light.RED),
        ("80", Light.YELLOW),  # exact lower yellow edge
        ("89.99", Light.YELLOW),
        ("90", Light.GREEN),  # exact lower green edge
        ("100", Light.GREEN),
        ("110", Light.GREEN),  # exact upper green edge
        ("110.01", Light.YELLOW),
        ("120", Light.YELLOW),  # exact upper yellow edge
        ("120.01", Light.RED),  # far above target: a planning failure, not a success
        ("0", Light.RED),
    ],
)
def test_default_bands_ascending_at_every_edge(achieved, expected):
    assert grade(programmed=D(100), achieved=D(achieved)).light is expected


def test_grading_uses_the_exact_ratio_not_the_rounded_one():
    # 8.9999 / 10 = 89.999 % shows as 90.00 % but is still below the green edge.
    result = grade(programmed=D(10), achieved=D("8.9999"))
    assert result.ratio == D("90.00")
    assert result.light is Light.YELLOW


@pytest.mark.parametrize(
    ("programmed", "achieved", "expected", "percent"),
    [
        ("100", "100", Light.GREEN, "100.00"),
        ("90", "100", Light.GREEN, "90.00"),  # achieved more than allowed: 90 %
        ("80", "100", Light.YELLOW, "80.00"),
        ("100", "79", Light.RED, "126.58"),  # fewer than allowed: far better than planned
        ("50", "100", Light.RED, "50.00"),
    ],
)
def test_descending_is_programmed_over_achieved(programmed, achieved, expected, percent):
    result = grade(programmed=D(programmed), achieved=D(achieved), direction=Direction.DESCENDING)
    assert (result.light, result.ratio) == (expected, D(percent))


def test_descending_with_nothing_achieved_is_green():
    result = grade(programmed=D(5), achieved=D(0), direction=Direction.DESCENDING)
    assert result.light is Light.GREEN and result.ratio is None


@pytest.mark.parametrize("programmed", [None, D(0)])
def test_nothing_programmed_is_grey_even_with_achievements(programmed):
    result = grade(programmed=programmed, achieved=D(3))
    assert (result.light, result.reason) == (Light.GREY, NoGrade.NOT_PROGRAMMED)
    assert not result.needs_justification


def test_nothing_reported_is_grey():
    result = grade(programmed=D(3), achieved=None)
    assert (result.light, result.reason) == (Light.GREY, NoGrade.NOT_REPORTED)


def test_over_achievement_within_and_beyond_the_bands():
    assert grade(programmed=D(10), achieved=D(11)).light is Light.GREEN  # 110 %
    assert grade(programmed=D(10), achieved=D(12)).light is Light.YELLOW  # 120 %
    assert grade(programmed=D(10), achieved=D(13)).light is Light.RED  # 130 %


def test_overrides_change_the_grade():
    assert grade(programmed=D(100), achieved=D(93)).light is Light.GREEN
    assert grade(programmed=D(100), achieved=D(93), bands=SYMMETRIC_5_15).light is Light.YELLOW
    strict = Bands(D(98), D(99), D(101), D(102))
    assert grade(programmed=D(100), achieved=D("97.5"), bands=strict).light is Light.RED
    assert grade(programmed=D(100), achieved=D(102), bands=strict).light is Light.YELLOW


def test_symmetric_profile_edges():
    for achieved, light in [("85", Light.YELLOW), ("95", Light.GREEN), ("105", Light.GREEN)]:
        assert grade(programmed=D(100), achieved=D(achieved), bands=SYMMETRIC_5_15).light is light
    assert grade(programmed=D(100), achieved=D("115.01"), bands=SYMMETRIC_5_15).light is Light.RED


def test_justification_is_needed_outside_green():
    assert not grade(programmed=D(10), achieved=D(10)).needs_justification
    assert grade(programmed=D(10), achieved=D(8)).needs_justification
    assert grade(programmed=D(10), achieved=D(2)).needs_justification


@pytest.mark.parametrize(
    "edges",
    [(90, 80, 110, 120), (80, 90, 120, 110), (-1, 90, 110, 120)],
)
def test_bands_must_be_ordered_and_non_negative(edges):
    with pytest.raises(ValueError, match="semáforo"):
        Bands(*(D(e) for e in edges))


def test_ratio_is_none_when_undefined():
    assert ratio(D(0), D(5)) is None
    assert ratio(D(5), D(0), Direction.DESCENDING) is None
    assert ratio(D(3), D(1)) == D("33.33")
    assert DEFAULT_BANDS.green_low == D(90)

"""The calendarization helper: exact sums, deterministic remainders, fractions, bad input."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest

from rumbo.programs.calendarize import CalendarizeError, even, front_loaded, months_total

D = Decimal


def test_even_over_the_year_adds_up_exactly():
    result = even(D(4060))
    assert sum(result) == D(4060)
    # 4060 / 12 = 338.33…: the 4 leftover units go to January–April.
    assert result == [D(339)] * 4 + [D(338)] * 8


def test_even_remainder_goes_to_the_earliest_chosen_months():
    assert even(D(10), [3, 6, 9]) == [0, 0, 4, 0, 0, 3, 0, 0, 3, 0, 0, 0]


def test_months_order_does_not_matter():
    assert even(D(10), [9, 3, 6]) == even(D(10), [3, 6, 9])


def test_front_loaded_weights_decrease():
    assert front_loaded(D(100), [1, 2, 3, 4]) == [40, 30, 20, 10, 0, 0, 0, 0, 0, 0, 0, 0]


def test_front_loaded_remainder_goes_where_rounding_lost_most():
    # Weights 3, 2, 1 of 10 → 5, 3.33…, 1.66…: floors 5, 3, 1 and one unit left over,
    # which goes to March (lost 0.66…), not February (lost 0.33…).
    result = front_loaded(D(10), [1, 2, 3])
    assert result[:3] == [D(5), D(3), D(2)]
    assert sum(result) == D(10)


def test_front_loaded_is_non_increasing_over_the_year():
    result = front_loaded(D(1000))
    assert sum(result) == D(1000)
    assert all(a >= b for a, b in pairwise(result))


def test_fractions_with_places():
    result = even(D(1), [1, 2, 3], places=2)
    assert result[:3] == [D("0.34"), D("0.33"), D("0.33")]
    assert sum(result) == D(1)
    assert all(m == m.quantize(D("0.01")) for m in result)


def test_four_places_on_a_fractional_target():
    result = front_loaded(D("12.3457"), [2, 5, 11], places=4)
    assert months_total(result) == D("12.3457")


def test_whole_units_when_the_target_is_smaller_than_the_months():
    result = even(D(2), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    assert result == [1, 1] + [0] * 10


def test_zero_annual_gives_zeros():
    assert even(D(0), [1, 5]) == [D(0)] * 12
    assert front_loaded(D(0)) == [D(0)] * 12


def test_single_month_takes_everything():
    assert even(D("7.5"), [7], places=1)[6] == D("7.5")
    assert front_loaded(D(9), [12]) == [0] * 11 + [9]


def test_months_not_chosen_are_zero_not_unknown():
    result = even(D(6), [2, 4])
    assert None not in result
    assert result[0] == 0


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: even(D(10), []), "months"),
        (lambda: even(D(10), [0]), "months"),
        (lambda: even(D(10), [13]), "months"),
        (lambda: even(D(10), [1, 1]), "months"),
        (lambda: even(D(-1)), "annual"),
        (lambda: even(D("NaN")), "annual"),
        (lambda: even(D("10.5")), "annual"),  # half a unit without fractions
        (lambda: even(D("1.123"), places=2), "annual"),
        (lambda: even(D(1), places=5), "places"),
        (lambda: front_loaded(D(1), places=-1), "places"),
    ],
)
def test_bad_input_is_refused_with_the_field_at_fault(call, field):
    with pytest.raises(CalendarizeError) as exc:
        call()
    assert exc.value.field == field
    assert exc.value.message


def test_no_months_message_is_spanish():
    with pytest.raises(CalendarizeError, match="Elige al menos un mes"):
        even(D(10), [])


def test_months_total_ignores_unknown_months():
    assert months_total([D(1), None, D("0.5")]) == D("1.5")

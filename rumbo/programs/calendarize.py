"""Spread an annual target over the months of the year (the calendar editor's helper).

Pure functions on Decimals; nothing here touches the database. Each returns twelve
quantities, January first: the chosen months share the annual target and the months not
chosen are zero, so the result is a complete calendar.

The result always adds up EXACTLY to the annual target. How the rounding remainder is
distributed (largest-remainder method):

1. Work in quanta of ``10 ** -places`` (whole units when ``places`` is 0).
2. Each chosen month gets the floor of its exact share, ``total × weight / Σ weights``.
3. The quanta left over (fewer than the number of chosen months) go one each to the months
   whose exact share lost the most in step 2; ties go to the earlier month.

So 10 over three months is 4, 3, 3 (even) and 100 front-loaded over January–April is
40, 30, 20, 10.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

from rumbo.core.periods import MONTHS

MAX_PLACES = 4


class CalendarizeError(ValueError):
    """Input the helper cannot spread; the message is Spanish, ready for the user.

    ``field`` names the input at fault: ``"months"``, ``"annual"`` or ``"places"``.
    """

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def even(annual: Decimal, months: Iterable[int] = MONTHS, places: int = 0) -> list[Decimal]:
    """The annual target in equal parts over ``months`` (1–12)."""
    chosen = _check_months(months)
    return _spread(annual, chosen, [1] * len(chosen), places)


def front_loaded(annual: Decimal, months: Iterable[int] = MONTHS, places: int = 0) -> list[Decimal]:
    """More at the start: weights n, n-1, …, 1 over the chosen months in calendar order."""
    chosen = _check_months(months)
    n = len(chosen)
    return _spread(annual, chosen, list(range(n, 0, -1)), places)


SPREADERS = {"even": even, "front": front_loaded}


def _check_months(months: Iterable[int]) -> list[int]:
    chosen = list(months)
    if not chosen:
        raise CalendarizeError(
            "Elige al menos un mes para repartir la cantidad anual.", field="months"
        )
    for month in chosen:
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
            raise CalendarizeError(f"«{month}» no es un mes (1 a 12).", field="months")
    if len(set(chosen)) != len(chosen):
        raise CalendarizeError("Un mes aparece más de una vez.", field="months")
    return sorted(chosen)


def _spread(
    annual: Decimal, chosen: Sequence[int], weights: Sequence[int], places: int
) -> list[Decimal]:
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= MAX_PLACES:
        raise CalendarizeError(f"Los decimales deben estar entre 0 y {MAX_PLACES}.", field="places")
    if not isinstance(annual, Decimal) or not annual.is_finite():
        raise CalendarizeError("La cantidad anual debe ser un número.", field="annual")
    if annual < 0:
        raise CalendarizeError("La cantidad anual no puede ser negativa.", field="annual")
    quantum = Decimal(1).scaleb(-places)
    total = annual / quantum
    if total != total.to_integral_value():
        raise CalendarizeError(
            f"La cantidad anual {annual.normalize():f} tiene más decimales de los permitidos "
            f"({places}); permite más decimales para repartirla.",
            field="annual",
        )
    units = int(total)
    weight_sum = sum(weights)
    exact = [Fraction(units * w, weight_sum) for w in weights]
    shares = [int(e) for e in exact]  # floor: everything is non-negative
    left = units - sum(shares)
    # Months that lost the most to the floor first; ties to the earlier month.
    by_loss = sorted(range(len(chosen)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_loss[:left]:
        shares[i] += 1
    result = [Decimal(0)] * 12
    for month, share in zip(chosen, shares, strict=True):
        result[month - 1] = (Decimal(share) * quantum).quantize(quantum)
    return result


def months_total(months: Iterable[Decimal | None]) -> Decimal:
    """Sum of the known months (unknown ones count nothing)."""
    return sum((m for m in months if m is not None), Decimal(0))

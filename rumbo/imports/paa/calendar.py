"""The calendar rule of the PAA importer."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from itertools import combinations

# ---------------------------------------------------------------------------------------
# Small pure rules


def calendar_certain_months(annual: Decimal, values: Sequence[Decimal]) -> dict[int, Decimal]:
    """The months (1–12) whose quantity is certain, given the monthly values read in order.

    With 12 values each one is its month. With fewer, ``12 - len(values)`` values were lost
    at unknown positions while the others kept their order. Quantities are never negative
    and the annual quantity is authoritative, so the lost values add up to
    ``annual - sum(values)``; they are known only when that is forced: a single lost value
    (it is the difference) or a difference of zero (they are all 0). A month is certain when
    every placement of the lost values gives it the same quantity. With a negative
    difference, or several lost values sharing a positive one, no month is certain.
    """
    if len(values) >= 12:
        return dict(enumerate(values[:12], start=1))
    missing = 12 - len(values)
    rest = annual - sum(values, Decimal(0))
    if rest < 0 or (missing > 1 and rest != 0):
        return {}
    lost = rest if missing == 1 else Decimal(0)
    seen: list[set[Decimal]] = [set() for _ in range(12)]
    for gaps in combinations(range(12), missing):
        found = iter(values)
        for month in range(12):
            seen[month].add(lost if month in gaps else next(found))
    return {month + 1: s.pop() for month, s in enumerate(seen) if len(s) == 1}

"""The suspicious amounts of a budget, as quality findings (pure: no database).

Per series (one key × partida × fuente), adding months 1..M:

- ``budget_accrued_over_modified``: devengado to date above modificado to date;
- ``budget_paid_over_exercised``: pagado to date above ejercido to date;
- ``budget_after_closed_month``: comprometido, devengado, ejercido or pagado in a month
  after the last closed one (``rumbo.budget.closing``, or the import's ``--through``).

Each is reported once per series, at the first month it happens (the row that month's
amounts came from), so a series that stays wrong keeps one finding, not twelve.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from rumbo.core.numbers import format_pesos
from rumbo.core.periods import MONTH_NAMES

from .layout import BudgetRow

ZERO = Decimal(0)
SPENT = ("comprometido", "devengado", "ejercido", "pagado")
SeriesKey = tuple[str, str, str]  # key, partida, fuente


@dataclass
class Series:
    """The months of one key × partida × fuente: amounts by momento, and the file's row
    of each month and momento."""

    months: dict[int, dict[str, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    lines: dict[tuple[int, str], int] = field(default_factory=dict)


def series_of(rows: Iterable[BudgetRow]) -> dict[SeriesKey, Series]:
    out: dict[SeriesKey, Series] = defaultdict(Series)
    for row in rows:
        series = out[(row.key, row.item, row.source)]
        series.months[row.month][row.moment] = row.amount
        series.lines[(row.month, row.moment)] = row.line
    return out


@dataclass(frozen=True)
class Suspicion:
    code: str
    series: SeriesKey
    month: int
    moment: str  # whose row of that month the finding points at
    message: str


def _pesos(value: Decimal) -> str:
    return f"{format_pesos(value)}"


def _over(
    series_key: SeriesKey, series: Series, code: str, high: str, low: str
) -> Suspicion | None:
    high_total = low_total = ZERO
    for month in sorted(series.months):
        amounts = series.months[month]
        high_total += amounts.get(high, ZERO)
        low_total += amounts.get(low, ZERO)
        if high_total > low_total:
            return Suspicion(
                code,
                series_key,
                month,
                high if high in amounts else low,
                f"{high.capitalize()} acumulado a {MONTH_NAMES[month - 1]} "
                f"({_pesos(high_total)}) mayor que el {low} acumulado ({_pesos(low_total)}) "
                f"de {' · '.join(series_key)}.",
            )
    return None


def _after_closed(series_key: SeriesKey, series: Series, closed: int) -> Suspicion | None:
    for month in sorted(m for m in series.months if m > closed):
        spent = [m for m in SPENT if series.months[month].get(m, ZERO) > ZERO]
        if spent:
            return Suspicion(
                "budget_after_closed_month",
                series_key,
                month,
                spent[0],
                f"{' · '.join(series_key)} registra {', '.join(spent)} en "
                f"{MONTH_NAMES[month - 1]}, después del último mes cerrado "
                f"({MONTH_NAMES[closed - 1]}).",
            )
    return None


def suspicions(series: dict[SeriesKey, Series], *, closed: int | None) -> list[Suspicion]:
    """Every suspicious series of the file, in the file's order."""
    found = []
    for key, one in series.items():
        found.append(_over(key, one, "budget_accrued_over_modified", "devengado", "modificado"))
        found.append(_over(key, one, "budget_paid_over_exercised", "pagado", "ejercido"))
        if closed is not None:
            found.append(_after_closed(key, one, closed))
    return [s for s in found if s is not None]

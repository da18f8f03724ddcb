"""Measurement periods within a fiscal year, by frequency: the one place for that arithmetic.

An indicator measured «trimestral» has periods 1–4 in its year; period ``p`` closes at
month ``p * 3``. «bianual» and «sexenal» indicators are measured at most once in a year
(period 1, closing in December). Each period's capture belongs to the monthly capture of
the month it closes (see ``rumbo.indicators``), so indicators follow the same window and
approval cycle as activities.

The month names (full and abbreviated) and the quarter helpers live here too, so that
every page, report, export and importer names and groups months the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MONTHS = range(1, 13)
MONTH_NAMES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
"""Month names as written inside a sentence (lower case); ``MONTH_NAMES[month - 1]``."""
MONTH_LABELS = [name[:3].capitalize() for name in MONTH_NAMES]
"""«Ene» … «Dic»: column headings, chart labels, the PAA's and the Excel template's."""
MONTH_ABBR = [name[:3] for name in MONTH_NAMES]
"""«ene» … «dic»: inside a sentence («Trimestre 2 (abr–jun)»)."""


class Frequency(StrEnum):
    MONTHLY = "mensual"
    QUARTERLY = "trimestral"
    SEMIANNUAL = "semestral"
    ANNUAL = "anual"
    BIENNIAL = "bianual"
    SEXENNIAL = "sexenal"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def periods_per_year(self) -> int:
        return _PER_YEAR[self]

    @property
    def months_per_period(self) -> int:
        return 12 // self.periods_per_year

    @property
    def rank(self) -> int:
        """Longer frequencies rank higher (mensual 1 … sexenal 6)."""
        return list(Frequency).index(self) + 1


_PER_YEAR = {
    Frequency.MONTHLY: 12,
    Frequency.QUARTERLY: 4,
    Frequency.SEMIANNUAL: 2,
    Frequency.ANNUAL: 1,
    Frequency.BIENNIAL: 1,
    Frequency.SEXENNIAL: 1,
}

FREQUENCY_CHOICES = [(f.value, f.label) for f in Frequency]

_PERIOD_NOUN = {
    Frequency.MONTHLY: "Mes",
    Frequency.QUARTERLY: "Trimestre",
    Frequency.SEMIANNUAL: "Semestre",
}


@dataclass(frozen=True)
class Period:
    frequency: Frequency
    number: int  # 1-based within the year

    @property
    def first_month(self) -> int:
        return (self.number - 1) * self.frequency.months_per_period + 1

    @property
    def last_month(self) -> int:
        """The month whose capture holds this period's measurement."""
        return self.number * self.frequency.months_per_period

    @property
    def months(self) -> range:
        return range(self.first_month, self.last_month + 1)

    @property
    def label(self) -> str:
        """«Trimestre 2 (abr–jun)», «Mes 5 (may)», «Anual (ene–dic)»."""
        first, last = MONTH_ABBR[self.first_month - 1], MONTH_ABBR[self.last_month - 1]
        span = first if first == last else f"{first}–{last}"
        noun = _PERIOD_NOUN.get(self.frequency)
        if noun is None:
            return f"{self.frequency.label} ({span})"
        return f"{noun} {self.number} ({span})"

    @property
    def short_label(self) -> str:
        """«T2», «S1», «M05», «Anual»."""
        if self.frequency is Frequency.MONTHLY:
            return f"M{self.number:02d}"
        if self.frequency is Frequency.QUARTERLY:
            return f"T{self.number}"
        if self.frequency is Frequency.SEMIANNUAL:
            return f"S{self.number}"
        return self.frequency.label


def periods(frequency: Frequency | str) -> list[Period]:
    freq = Frequency(frequency)
    return [Period(freq, n) for n in range(1, freq.periods_per_year + 1)]


def period(frequency: Frequency | str, number: int) -> Period:
    """The period, or ``ValueError`` (Spanish) when the number is outside the year."""
    freq = Frequency(frequency)
    if not isinstance(number, int) or not 1 <= number <= freq.periods_per_year:
        raise ValueError(
            f"El periodo debe estar entre 1 y {freq.periods_per_year} "
            f"para la frecuencia {freq.value}."
        )
    return Period(freq, number)


def quarter_period(number: int) -> Period:
    """Quarter 1–4 of the year (its ``first_month``, ``last_month``, ``months``), or
    ``ValueError`` (Spanish) outside 1–4."""
    return period(Frequency.QUARTERLY, number)


def quarter_of(month: int) -> int:
    """The quarter (1–4) that holds ``month`` (1–12)."""
    return (month - 1) // 3 + 1


def period_closing_in(frequency: Frequency | str, month: int) -> Period | None:
    """The period that closes in ``month`` (its capture month), if any."""
    freq = Frequency(frequency)
    if month % freq.months_per_period:
        return None
    return Period(freq, month // freq.months_per_period)

"""The semáforo: one function that grades achieved against programmed, used everywhere.

Ratio: ascending ``achieved / programmed``; descending
``programmed / achieved``, as a percentage. Bands are four edges in percent:

    red < yellow_low ≤ yellow < green_low ≤ GREEN ≤ green_high < yellow ≤ yellow_high < red

so the default profile (80, 90, 110, 120) gives green 90 %–110 %, yellow 80 %–<90 % or
>110 %–120 %, red <80 % or >120 % (far above target is a planning failure). Edges belong
to the better colour: exactly 90 % and 110 % are green, exactly 80 % and 120 % yellow.
Grey means nothing to grade: nothing programmed, or nothing reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Light(StrEnum):
    GREEN = "verde"
    YELLOW = "amarillo"
    RED = "rojo"
    GREY = "gris"

    @property
    def label(self) -> str:
        return {
            Light.GREEN: "Verde",
            Light.YELLOW: "Amarillo",
            Light.RED: "Rojo",
            Light.GREY: "Gris",
        }[self]


class Direction(StrEnum):
    ASCENDING = "ascendente"  # more is better: achieved / programmed
    DESCENDING = "descendente"  # less is better: programmed / achieved


class NoGrade(StrEnum):
    NOT_PROGRAMMED = "sin programación"
    NOT_REPORTED = "sin dato"


EDGES = ("yellow_low", "green_low", "green_high", "yellow_high")
"""The names of the four band edges, in order: ``Bands``' fields, the models' columns and
the forms' fields."""


@dataclass(frozen=True)
class Bands:
    """Band edges in percent; validated so that they are ordered."""

    yellow_low: Decimal
    green_low: Decimal
    green_high: Decimal
    yellow_high: Decimal

    def __post_init__(self) -> None:
        edges = [self.yellow_low, self.green_low, self.green_high, self.yellow_high]
        if any(e < 0 for e in edges):
            raise ValueError("Los límites del semáforo no pueden ser negativos.")
        if not (self.yellow_low <= self.green_low <= self.green_high <= self.yellow_high):
            raise ValueError(
                "Los límites del semáforo deben ir en orden: amarillo inferior ≤ verde inferior"
                " ≤ verde superior ≤ amarillo superior."
            )


DEFAULT_BANDS = Bands(Decimal(80), Decimal(90), Decimal(110), Decimal(120))
SYMMETRIC_5_15 = Bands(Decimal(85), Decimal(95), Decimal(105), Decimal(115))
PROFILES: dict[str, tuple[str, Bands]] = {
    "default": ("Predeterminado: verde 90–110 %, amarillo 80–120 %", DEFAULT_BANDS),
    "simetrico_5_15": ("Simétrico ±5 % / ±15 %", SYMMETRIC_5_15),
}


@dataclass(frozen=True)
class Grade:
    light: Light
    ratio: Decimal | None  # percent, 2 decimals; None when grey
    reason: NoGrade | None = None

    @property
    def needs_justification(self) -> bool:
        """Variances outside the green band need a written justification."""
        return self.light in (Light.YELLOW, Light.RED)


def round_percent(value: Decimal) -> Decimal:
    """The one rounding of a percentage: two decimals, half up (12.345 → 12.35)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _exact_ratio(programmed: Decimal, achieved: Decimal, direction: Direction) -> Decimal | None:
    """Compliance in percent, unrounded; None when the divisor is not positive."""
    if direction is Direction.ASCENDING:
        return achieved / programmed * HUNDRED if programmed > 0 else None
    return programmed / achieved * HUNDRED if achieved > 0 else None


def ratio(
    programmed: Decimal, achieved: Decimal, direction: Direction = Direction.ASCENDING
) -> Decimal | None:
    """Compliance in percent (2 decimals), or None when it cannot be computed."""
    exact = _exact_ratio(programmed, achieved, direction)
    return None if exact is None else round_percent(exact)


def light_for(percent: Decimal, bands: Bands) -> Light:
    if bands.green_low <= percent <= bands.green_high:
        return Light.GREEN
    if bands.yellow_low <= percent <= bands.yellow_high:
        return Light.YELLOW
    return Light.RED


def grade(
    *,
    programmed: Decimal | None,
    achieved: Decimal | None,
    bands: Bands = DEFAULT_BANDS,
    direction: Direction = Direction.ASCENDING,
) -> Grade:
    """The semáforo of one comparison (a month, or cumulative to a month).

    Grey when nothing was programmed (None or 0) or nothing was reported (None). For a
    descending measure, achieving 0 against a positive target is the best possible
    result and grades green.
    """
    if programmed is None or programmed == 0:
        return Grade(Light.GREY, None, NoGrade.NOT_PROGRAMMED)
    if achieved is None:
        return Grade(Light.GREY, None, NoGrade.NOT_REPORTED)
    if direction is Direction.DESCENDING and achieved == 0:
        return Grade(Light.GREEN, None)
    # Grade on the exact ratio, report it rounded: 89.996 % is not 90 %.
    exact = _exact_ratio(programmed, achieved, direction)
    if exact is None:
        return Grade(Light.GREY, None, NoGrade.NOT_PROGRAMMED)
    return Grade(light_for(exact, bands), round_percent(exact))

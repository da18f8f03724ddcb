"""Parsing and formatting of quantities as the institutions write them (es-MX: 1,234.5)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .text import normalize

NUMBER_RE = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def parse_number(text: str | None) -> Decimal | None:
    """'4,060' -> 4060, '0.33' -> 0.33; None when the text is not a plain number."""
    if text is None:
        return None
    value = text.strip()
    if not value or not NUMBER_RE.match(value):
        return None
    try:
        return Decimal(value.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex already guards the shape
        return None


# Spanish number words, as ``normalize`` leaves them (no accents, lower case): a meta such as
# «Cuatro informes trimestrales» or «Un informe anual» states a quantity without digits.
# fmt: off
NUMBER_WORDS = frozenset({
    "cero", "un", "uno", "una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
    "diez", "once", "doce", "trece", "catorce", "quince", "dieciseis", "diecisiete", "dieciocho",
    "diecinueve", "veinte", "veintiun", "veintiuno", "veintiuna", "veintidos", "veintitres",
    "veinticuatro", "veinticinco", "veintiseis", "veintisiete", "veintiocho", "veintinueve",
    "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa",
    "cien", "ciento", "doscientos", "doscientas", "trescientos", "trescientas",
    "cuatrocientos", "cuatrocientas", "quinientos", "quinientas", "seiscientos", "seiscientas",
    "setecientos", "setecientas", "ochocientos", "ochocientas", "novecientos", "novecientas",
    "mil", "millon", "millones",
})
# fmt: on
_FIGURE_RE = re.compile(r"\d+(?:[.,]\d+)?")


def quantity_tokens(text: str | None) -> list[str]:
    """The quantities a text states: its figures as written, then its number words.

    «12 reportes» -> ['12']; «Doce reportes mensuales» -> ['doce']; «Cuatro informes y
    1 anual» -> ['1', 'cuatro']. Words are matched whole, accent- and case-insensitively.
    """
    if not text:
        return []
    figures = _FIGURE_RE.findall(text)
    return figures + [w for w in normalize(text).split() if w in NUMBER_WORDS]


def has_quantity(text: str | None) -> bool:
    """Whether a text states a quantity, in figures or in Spanish words (uno … mil)."""
    return bool(quantity_tokens(text))


def normalize_decimal(value: Decimal | None) -> Decimal | None:
    """Drop trailing zeros so 12.0000 compares and prints as 12."""
    if value is None:
        return None
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return normalized.quantize(Decimal(1))
    return normalized


def to_json_number(value: Decimal | None) -> int | float | None:
    """A Decimal as the JSON number a user expects: 12 not 12.0000, 0.25 not '0.25'."""
    if value is None:
        return None
    whole = int(value)  # exact for a whole Decimal; cheaper than normalize() (exports call
    if whole == value:  # this once per number: 28,800 times for a 1,200-activity program)
        return whole
    return float(value)


def format_mx(value: Decimal | int | float | None, places: int | None = None) -> str:
    """1234.5 -> '1,234.5' (es-MX). Without places, shows as many decimals as needed."""
    if value is None:
        return ""
    dec = Decimal(str(value))
    if places is None:
        dec = normalize_decimal(dec) or Decimal(0)
        text = f"{dec:,f}"
    else:
        text = f"{dec:,.{places}f}"
    return text


def format_pesos(value: Decimal | int | float | None) -> str:
    """Pesos as es-MX writes them: 1234567.891 -> '$1,234,567.89' (half up to the cent;
    '-$12.50' below zero; empty for None)."""
    if value is None:
        return ""
    dec = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if dec < 0 else ""
    return f"{sign}${abs(dec):,.2f}"

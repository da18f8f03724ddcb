"""Parsing and formatting of quantities as the institutions write them (es-MX: 1,234.5)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

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


def is_number(text: str | None) -> bool:
    return parse_number(text) is not None


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
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return int(normalized)
    return float(normalized)


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

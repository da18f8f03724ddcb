"""Pesos as es-MX writes them, for the budget's pages: «$1,234,567.89»
(``rumbo.core.numbers.format_pesos``, the one formatter of pesos)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from rumbo.core.numbers import format_pesos

register = template.Library()


@register.filter
def pesos(value: Decimal | int | None) -> str:
    """1234567.891 → «$1,234,567.89»; a negative amount «-$5.00»; empty for None."""
    return format_pesos(value)


@register.filter
def pesos_delta(value: Decimal | int | None) -> str:
    """A difference with its sign: «+$525.00», «-$1,000.00», «$0.00»."""
    if value is None:
        return ""
    text = format_pesos(value)
    return f"+{text}" if Decimal(str(value)) > 0 else text

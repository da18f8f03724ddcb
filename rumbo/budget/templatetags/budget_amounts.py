"""Pesos as es-MX writes them, for the budget's pages: «$1,234,567.89»."""

from __future__ import annotations

from decimal import Decimal

from django import template

from rumbo.core.numbers import format_mx

register = template.Library()


@register.filter
def pesos(value: Decimal | int | None) -> str:
    """1234567.891 → «$1,234,567.89»; a negative amount «-$5.00»; empty for None."""
    if value is None:
        return ""
    amount = Decimal(str(value))
    text = f"${format_mx(abs(amount), 2)}"
    return f"-{text}" if amount < 0 else text


@register.filter
def pesos_delta(value: Decimal | int | None) -> str:
    """A difference with its sign: «+$525.00», «-$1,000.00», «$0.00»."""
    if value is None:
        return ""
    amount = Decimal(str(value))
    return f"+{pesos(amount)}" if amount > 0 else pesos(amount)

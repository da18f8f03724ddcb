"""How the versions and adjustments pages write a snapshot's fields and values."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from rumbo.budget.movements import pesos as budget_pesos
from rumbo.core.numbers import format_mx
from rumbo.core.periods import MONTH_LABELS

register = template.Library()

FIELD_NAMES = {
    "key": "Clave",
    "description": "Descripción",
    "unit": "Unidad de medida",
    "area": "Área",
    "annual_target": "Meta anual",
    "monthly_targets": "Metas mensuales",
    "targets": "Metas por periodo",
    "name": "Nombre",
    "mir": "MIR",
    "row": "Fila de la MIR",
    "frequency": "Frecuencia",
}


@register.filter
def version_field(name: str) -> str:
    return FIELD_NAMES.get(name, name)


def _number(value: object) -> str:
    if value is None:
        return "—"
    try:
        return format_mx(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


NUMBER_FIELDS = {"annual_target", "monthly_targets", "targets"}


@register.filter
def version_value(value: object, name: str = "") -> str:
    """A target "1234.5" → «1,234.5»; a 12-month list → «Ene 1 · Feb 2 …»; a period map →
    «Anual 95 · 1 97.5»; None → «—»; any other field as written."""
    if value is None:
        return "—"
    if name and name not in NUMBER_FIELDS:
        return str(value)
    if isinstance(value, list) and len(value) == 12:
        return " · ".join(f"{MONTH_LABELS[i]} {_number(v)}" for i, v in enumerate(value))
    if isinstance(value, dict):
        return " · ".join(
            f"{'Anual' if k == '0' else k} {_number(v)}"
            for k, v in sorted(value.items(), key=lambda kv: int(kv[0]))
        )
    return _number(value)


@register.filter
def pesos(value: Decimal | None) -> str:
    """$1,234,567.89 (es-MX pesos and cents; empty for None)."""
    return "" if value is None else budget_pesos(value)

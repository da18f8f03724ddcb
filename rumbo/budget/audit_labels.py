"""How the bitácora names the budget app's actions and fields (``rumbo.audit.labels``)."""

from __future__ import annotations

from rumbo.audit.labels import register_fields, register_value_kind

from .models import MOMENT_LABELS


def register() -> None:
    register_fields({**MOMENT_LABELS, "key": "Clave", "month": "Mes"}, model="budget.budgetline")
    register_fields({"key": "Clave", "name": "Nombre"}, model="budget.specificitem")
    register_fields({"key": "Clave", "name": "Nombre"}, model="budget.fundingsource")
    register_value_kind("number", MOMENT_LABELS)

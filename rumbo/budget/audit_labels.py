"""How the bitácora names the budget app's actions and fields (``rumbo.audit.labels``)."""

from __future__ import annotations

from rumbo.audit.labels import register_actions, register_fields, register_value_kind

from .models import MOMENT_LABELS
from .movements import ACTION


def register() -> None:
    register_actions({ACTION: "Movió el modificado (adecuación presupuestaria aprobada)"})
    register_fields(
        {
            **MOMENT_LABELS,
            "key": "Clave",
            "month": "Mes",
            "importe": "Importe de la adecuación",
            "adecuación": "Adecuación",
        },
        model="budget.budgetline",
    )
    register_fields({"key": "Clave", "name": "Nombre"}, model="budget.specificitem")
    register_fields({"key": "Clave", "name": "Nombre"}, model="budget.fundingsource")
    register_value_kind("number", [*MOMENT_LABELS, "importe"])

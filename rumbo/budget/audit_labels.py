"""How the bitácora names the budget app's actions and fields (``rumbo.audit.labels``)."""

from __future__ import annotations

from rumbo.audit.labels import (
    register_actions,
    register_fields,
    register_object_url,
    register_value_kind,
)

from .models import MOMENT_LABELS, FundingSource, SpecificItem
from .movements import ACTION


def register() -> None:
    register_actions(
        {
            ACTION: "Movió el modificado (adecuación presupuestaria aprobada)",
            "budget_item.update": "Modificó la partida específica",
            "budget_item.review": "Marcó revisada la partida específica",
            "funding_source.create": "Agregó una fuente de financiamiento",
            "funding_source.update": "Renombró la fuente de financiamiento",
        }
    )
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
    register_fields(
        {"key": "Clave", "name": "Nombre", "unreviewed": "Sin revisar"},
        model="budget.specificitem",
    )
    register_fields({"key": "Clave", "name": "Nombre"}, model="budget.fundingsource")
    register_value_kind("number", [*MOMENT_LABELS, "importe"])
    register_object_url(SpecificItem, "web:budget_item_edit", "institution__code", "pk")
    register_object_url(FundingSource, "web:budget_source_edit", "institution__code", "pk")

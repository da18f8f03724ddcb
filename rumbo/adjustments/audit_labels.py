"""How the bitácora names the adjustments app's actions (``rumbo.audit.labels``)."""

from __future__ import annotations

from rumbo.audit.labels import register_actions, register_fields, register_object_url

from .models import AdjustmentRequest


def register() -> None:
    register_actions(
        {
            "adjustment.request": "Solicitó un ajuste",
            "adjustment.approve": "Aprobó el ajuste",
            "adjustment.reject": "Rechazó el ajuste",
            "activity.adjust": "Ajustó la actividad (ajuste aprobado)",
        }
    )
    # the adjustment's summary is written with Spanish keys
    register_fields({"estado": "Estado", "tipo": "Tipo", "versión": "Versión", "folio": "Folio"})
    # a budget request's before/after (budget.py)
    register_fields({"movimientos": "Movimientos", "quita": "Se quita", "da": "Se da"})
    register_object_url(
        AdjustmentRequest,
        "web:adjustment_detail",
        "program__institution__code",
        "program__year",
        "pk",
    )

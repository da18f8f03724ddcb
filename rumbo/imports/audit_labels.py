"""How the bitácora names the imports app's actions and fields (``rumbo.audit.labels``)."""

from __future__ import annotations

from rumbo.audit.labels import (
    register_actions,
    register_fields,
    register_object_url,
    register_values,
)

from .models import FindingStatus, QualityFinding


def register() -> None:
    register_actions(
        {
            "finding.accepted": "Aceptó el hallazgo",
            "finding.resolved": "Resolvió el hallazgo",
            "finding.reopen": "Reabrió el hallazgo",
            "area_objective.update": "Corrigió la fila del formato de transparencia",
        }
    )
    register_fields(
        {
            "resolution_note": "Nota de atención",
            "objective": "Objetivo",
            "goal": "Meta",
            "hyperlink": "Hipervínculo",
            "responsible": "Área responsable de la información",
        }
    )
    register_values("status", dict(FindingStatus.choices))
    register_object_url(QualityFinding, "web:findings", "institution__code")

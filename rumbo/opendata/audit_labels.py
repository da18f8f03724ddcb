"""How the bitácora names the open data app's actions and fields (``rumbo.audit.labels``)."""

from __future__ import annotations

from rumbo.audit.labels import (
    register_actions,
    register_fields,
    register_value_kind,
    register_values,
)


def register() -> None:
    register_actions(
        {
            "opendata.publish": "Publicó como datos abiertos",
            "opendata.withdraw": "Retiró de los datos abiertos",
        }
    )
    register_fields({"program": "Programa", "published_at": "Publicado", "published_by": "Publicó"})
    register_values("kind", {"programa": "Programa anual", "mir": "MIR"})
    register_value_kind("actor", ["published_by"])

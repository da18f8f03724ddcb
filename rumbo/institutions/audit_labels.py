"""How the bitácora names the institutions app's actions and fields (``rumbo.audit.labels``)."""

from __future__ import annotations

from rumbo.audit.labels import (
    register_actions,
    register_fields,
    register_object_url,
    register_values,
)

from .models import Area, Institution, Role


def register() -> None:
    register_actions(
        {
            "institution.create": "Creó la institución",
            "institution.update": "Modificó la institución",
            "area.create": "Creó el área",
            "area.update": "Modificó el área",
            "membership.create": "Asignó un rol",
            "institution.letterhead_update": "Cambió el membrete y las firmas de los informes",
        }
    )
    register_fields(
        {
            "code_provisional": "Clave provisional",
            "parent": "Área superior",
            "alias": "Otra forma de escribir el nombre",
            "short_name": "Siglas",
            "web_domains": "Dominios web",
            "logo": "Logotipo",
            "prepared_by_name": "Elaboró (nombre)",
            "prepared_by_position": "Elaboró (cargo)",
            "reviewed_by_name": "Revisó (nombre)",
            "reviewed_by_position": "Revisó (cargo)",
            "authorized_by_name": "Autorizó (nombre)",
            "authorized_by_position": "Autorizó (cargo)",
        }
    )
    register_values("role", dict(Role.choices))
    register_object_url(Institution, "web:institution", "code")
    register_object_url(Area, "web:areas", "institution__code")

"""How the bitácora names the notifications app's actions and fields (``rumbo.audit.labels``)."""

from __future__ import annotations

from rumbo.audit.labels import register_actions, register_fields


def register() -> None:
    register_actions({"notifications.email_preference": "Cambió si recibe avisos por correo"})
    register_fields({"email_enabled": "Recibir avisos por correo"})

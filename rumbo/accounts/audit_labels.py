"""How the bitácora names the accounts app's actions and fields (``rumbo.audit.labels``)."""

from __future__ import annotations

from rumbo.audit.labels import register_actions, register_fields


def register() -> None:
    register_actions(
        {
            "user.create": "Creó el usuario",
            "user.activate": "Activó el usuario",
            "user.deactivate": "Desactivó el usuario",
            "user.password_reset": "Restableció la contraseña",
            "user.password_reset_by_link": "Cambió su contraseña con el enlace enviado por correo",
            "membership.delete": "Quitó un rol",
            "token.create": "Creó un token de la API",
            "token.revoke": "Revocó un token de la API",
        }
    )
    register_fields(
        {
            "is_active": "Activo",
            "email": "Correo electrónico",
            "first_name": "Nombre",
            "last_name": "Apellidos",
            "expires_at": "Vence",
            "prefix": "Prefijo",
        }
    )

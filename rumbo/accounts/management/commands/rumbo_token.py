"""`rumbo token create USUARIO [--name NOMBRE]`: a new API token, printed alone on stdout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from rumbo.accounts.tokens import token_create
from rumbo.audit.services import Actor
from rumbo.core.errors import error_text
from rumbo.core.management.base import RumboCommand


class Command(RumboCommand):
    help = (
        "Crea un token para la API JSON. El token se muestra una sola vez: guárdelo "
        "(se envía como «Authorization: Bearer TOKEN»)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["create"], help="qué hacer (create)")
        parser.add_argument("username", help="nombre de usuario dueño del token")
        parser.add_argument("--name", default="", help="nombre para reconocer el token")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no existe el usuario {username!r}")
        try:
            _, raw = token_create(actor=Actor.cli(), user=user, name=options["name"])
        except ValidationError as exc:
            messages = error_text(exc, "; ")
            raise CommandError(f"{username}: {messages}") from None
        self.stdout.write(raw)

"""`rumbo token create USUARIO [--name NOMBRE] [--days N]`: a new API token, printed alone
on stdout; `rumbo token list [USUARIO]`; `rumbo token revoke PREFIJO | --user USUARIO --all`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone

from rumbo.accounts.models import ApiToken
from rumbo.accounts.selectors import tokens_all
from rumbo.accounts.tokens import (
    DEFAULT_DAYS,
    MAX_DAYS,
    PREFIX_LENGTH,
    TOKEN_PREFIX,
    token_create,
    token_hash,
    token_revoke,
    token_revoke_all,
)
from rumbo.audit.services import Actor
from rumbo.core.errors import error_text
from rumbo.core.management.base import RumboCommand


def _moment(value: Any) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else "—"


class Command(RumboCommand):
    help = (
        "Tokens de la API JSON: create crea uno (se muestra una sola vez: guárdalo; se envía "
        "como «Authorization: Bearer TOKEN»); list los lista; revoke revoca uno por su "
        "prefijo, o todos los de un usuario con --user USUARIO --all."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "action", choices=["create", "list", "revoke"], help="qué hacer (create|list|revoke)"
        )
        parser.add_argument(
            "target",
            nargs="?",
            default="",
            help="create: usuario dueño del token; list: usuario (opcional); "
            "revoke: prefijo del token (p. ej. rumbo_AbC123)",
        )
        parser.add_argument("--name", default="", help="create: nombre para reconocer el token")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"create: días de vigencia (1 a {MAX_DAYS}; {DEFAULT_DAYS} si no se indica)",
        )
        parser.add_argument("--user", default="", help="revoke: usuario cuyos tokens revocar")
        parser.add_argument(
            "--all", action="store_true", help="revoke: todos los tokens vigentes de --user"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            self._list(options["target"].strip())
        else:
            self._revoke(options)

    def _user(self, username: str) -> AbstractBaseUser:
        username = username.strip()
        if not username:
            raise CommandError("falta el nombre de usuario")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no existe el usuario {username!r}")
        return user

    def _create(self, options: dict[str, Any]) -> None:
        user = self._user(options["target"])
        try:
            _, raw = token_create(
                actor=Actor.cli(), user=user, name=options["name"], days=options["days"]
            )
        except ValidationError as exc:
            messages = error_text(exc, "; ")
            raise CommandError(f"{user.get_username()}: {messages}") from None
        self.stdout.write(raw)

    def _list(self, username: str) -> None:
        if username:
            self._user(username)
        tokens = list(tokens_all(username=username or None))
        if not tokens:
            self.stderr.write("No hay tokens.")
            return
        header = ("usuario", "prefijo", "nombre", "creado", "último uso", "vence", "estado")
        self.stdout.write("\t".join(header))
        for token in tokens:
            row = (
                token.user.get_username(),
                token.prefix,
                token.name or "—",
                _moment(token.created_at),
                _moment(token.last_used_at),
                _moment(token.expires_at),
                token.state
                + (f" el {_moment(token.revoked_at)}" if token.revoked_at is not None else ""),
            )
            self.stdout.write("\t".join(row))

    def _revoke(self, options: dict[str, Any]) -> None:
        target = options["target"].strip()
        if options["user"] or options["all"]:
            if target or not (options["user"] and options["all"]):
                raise CommandError("para revocar todos: --user USUARIO --all (sin prefijo)")
            user = self._user(options["user"])
            revoked = token_revoke_all(actor=Actor.cli(), user=user)
            self.stdout.write(
                f"Revocados {len(revoked)} tokens de {user.get_username()}: "
                + (", ".join(t.prefix for t in revoked) or "ninguno estaba vigente")
            )
            return
        if not target.startswith(TOKEN_PREFIX) or len(target) < PREFIX_LENGTH:
            raise CommandError(
                f"indica el prefijo del token ({PREFIX_LENGTH} caracteres, p. ej. rumbo_AbC123; "
                "rumbo token list los muestra) o --user USUARIO --all"
            )
        if len(target) > PREFIX_LENGTH:  # the whole secret: exactly that token
            matches = list(ApiToken.objects.filter(key_hash=token_hash(target)))
        else:
            matches = list(ApiToken.objects.filter(prefix=target))
        if not matches:
            raise CommandError(f"no hay ningún token con el prefijo {target!r}")
        if len(matches) > 1:
            raise CommandError(
                f"{len(matches)} tokens tienen el prefijo {target!r}; usa el token completo "
                "o --user USUARIO --all"
            )
        token = matches[0]
        already = token.revoked_at is not None
        token = token_revoke(actor=Actor.cli(), token=token)
        owner = token.user.get_username()
        if already:
            self.stdout.write(f"El token {token.prefix} de {owner} ya estaba revocado.")
        else:
            self.stdout.write(f"Revocado el token {token.prefix} de {owner}.")

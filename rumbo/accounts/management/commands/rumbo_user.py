"""`rumbo user create USUARIO --institution CLAVE --role ROL [--area SIGLAS] [--password-stdin]`."""

from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from rumbo.accounts.services import member_create, membership_add
from rumbo.audit.services import Actor
from rumbo.core.errors import error_text
from rumbo.core.management.base import RumboCommand
from rumbo.institutions.models import Area, Institution, Role
from rumbo.institutions.selectors import area_by_code


class Command(RumboCommand):
    help = (
        "Crea un usuario con un rol en una institución, o agrega el rol a un usuario que ya "
        "existe (sin cambiar su contraseña). Sin --password-stdin genera una contraseña "
        "segura y la muestra una sola vez."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["create"], help="qué hacer (create)")
        parser.add_argument("username", help="nombre de usuario")
        parser.add_argument("--institution", required=True, help="clave de la institución")
        parser.add_argument(
            "--role", required=True, help=f"rol: {', '.join(Role.values)} (enlace pide --area)"
        )
        parser.add_argument("--area", default="", help="siglas del área (para enlace)")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="lee la contraseña de la primera línea de la entrada estándar",
        )
        parser.add_argument("--first-name", default="", help="nombre(s)")
        parser.add_argument("--last-name", default="", help="apellidos")
        parser.add_argument("--email", default="", help="correo electrónico")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        code = options["institution"].strip()
        institution = Institution.objects.filter(code__iexact=code).first()
        if institution is None:
            raise CommandError(f"no existe la institución {code!r}")
        role = options["role"].strip().lower()
        if role not in Role.values:
            raise CommandError(f"rol desconocido {role!r} (válidos: {', '.join(Role.values)})")
        area = self._area(institution, role, options["area"].strip())
        actor = Actor.cli()
        where = f"{Role(role).label}{f' de {area.code}' if area else ''} en {institution.code}"
        user = get_user_model().objects.filter(username=username).first()
        if user is not None:
            try:
                membership_add(
                    actor=actor, user=user, institution=institution, role=role, area=area
                )
            except ValidationError as exc:
                raise CommandError(error_text(exc)) from None
            self.stdout.write(
                f"El usuario «{username}» ya existía: se le agregó el rol {where} "
                "(su contraseña no cambió)."
            )
            return
        password = self._password_from_stdin() if options["password_stdin"] else None
        try:
            user, secret = member_create(
                actor=actor,
                institution=institution,
                role=role,
                area=area,
                username=username,
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
                password=password,
            )
        except ValidationError as exc:
            raise CommandError(f"{username}: {error_text(exc)}") from None
        self.stdout.write(f"Se creó el usuario «{user.get_username()}» con el rol {where}.")
        if password is None:
            self.stdout.write(f"Contraseña (se muestra una sola vez): {secret}")

    def _area(self, institution: Institution, role: str, code: str) -> Area | None:
        if role != Role.ENLACE:
            if code:
                raise CommandError("--area solo se usa con el rol enlace")
            return None
        if not code:
            raise CommandError("el rol enlace necesita --area SIGLAS")
        area = Area.objects.filter(
            institution=institution, code__iexact=code
        ).first() or area_by_code(institution=institution, code=code)
        if area is None:
            known = ", ".join(
                Area.objects.filter(institution=institution)
                .order_by("code")
                .values_list("code", flat=True)[:20]
            )
            raise CommandError(
                f"no existe el área {code!r} en {institution.code}"
                + (f" (áreas: {known})" if known else " (no tiene áreas)")
            )
        return area

    def _password_from_stdin(self) -> str:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise CommandError("--password-stdin: no se leyó ninguna contraseña")
        return line

"""`rumbo window extend --institution CLAVE --year AAAA --month M [--area SIGLAS]
--until AAAA-MM-DD --reason TEXTO`: a capture-window extension, audited as the operator."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from rumbo.audit.services import Actor
from rumbo.core.errors import error_text
from rumbo.core.management.base import RumboCommand, positive_year
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.selectors import area_by_code
from rumbo.monitoring.services import window_extend
from rumbo.monitoring.windows import window_for


def _month(value: str) -> int:
    try:
        month = int(value)
    except ValueError:
        raise CommandError(f"mes inválido: {value!r} (se esperaba 1 a 12)") from None
    if not 1 <= month <= 12:
        raise CommandError(f"mes fuera de rango: {month} (se esperaba 1 a 12)")
    return month


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(f"fecha inválida: {value!r} (se esperaba AAAA-MM-DD)") from None


class Command(RumboCommand):
    help = (
        "Prórroga de captura: mantiene abierta la captura de un mes para un área (o para "
        "todas, sin --area) hasta la fecha indicada. Queda registrada en la bitácora."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["extend"], help="qué hacer (extend)")
        parser.add_argument("--institution", required=True, help="clave de la institución")
        parser.add_argument("--year", required=True, help="ejercicio (AAAA)")
        parser.add_argument("--month", required=True, help="mes capturado (1 a 12)")
        parser.add_argument("--area", default="", help="siglas del área (omitir: todas)")
        parser.add_argument("--until", required=True, help="último día de captura (AAAA-MM-DD)")
        parser.add_argument("--reason", required=True, help="motivo de la prórroga")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["institution"].strip()
        institution = Institution.objects.filter(code__iexact=code).first()
        if institution is None:
            raise CommandError(f"no existe la institución {code!r}")
        year = positive_year(options["year"])
        month = _month(options["month"])
        until = _date(options["until"])
        area = None
        if options["area"].strip():
            area_code = options["area"].strip()
            area = Area.objects.filter(
                institution=institution, code__iexact=area_code
            ).first() or area_by_code(institution=institution, code=area_code)
            if area is None:
                raise CommandError(f"no existe el área {area_code!r} en {institution.code}")
        try:
            ext = window_extend(
                actor=Actor.cli(),
                institution=institution,
                year=year,
                month=month,
                area=area,
                until=until,
                reason=options["reason"],
            )
        except ValidationError as exc:
            raise CommandError(error_text(exc)) from None
        status = window_for(institution=institution, year=year, month=month, area=area)
        who = f"el área {area.code}" if area else "todas las áreas"
        state = "abierta" if status.open else "cerrada (aún no abre)"
        self.stdout.write(
            f"Prórroga registrada: captura de {month:02d}/{year} para {who} en "
            f"{institution.code} hasta el {ext.until:%d/%m/%Y}. Hoy está {state}."
        )

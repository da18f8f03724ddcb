"""`rumbo notify [--date dd/mm/aaaa] [--dry-run]`: the capture windows' reminders and the
retry of e-mails that could not be sent. Idempotent: safe to run every hour from cron."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.management.base import CommandError

from rumbo.core.management.base import RumboCommand
from rumbo.monitoring.reminders import WARN_DAYS, reminders_run


def _date(value: str) -> date:
    try:
        return datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise CommandError(f"fecha inválida: {value!r} (se esperaba dd/mm/aaaa)") from None


class Command(RumboCommand):
    help = (
        "Avisos programados: «ventana de captura abierta» a los enlaces de cada área con "
        f"actividades programadas en el mes, y «la ventana cierra pronto» {WARN_DAYS} días "
        "antes del cierre si no han enviado la captura; reintenta los correos que no se "
        "pudieron enviar. Cada aviso se envía una sola vez: se puede correr cada hora."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--date", default="", help="el día a considerar, dd/mm/aaaa (omitir: hoy)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="muestra lo que se enviaría, sin enviar nada"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["date"]) if options["date"] else None
        run = reminders_run(today=today, dry_run=options["dry_run"])
        self.stdout.write("\n".join(run.lines()))

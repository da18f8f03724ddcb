"""`rumbo worker`: the process that runs queued exports (needs REDIS_URL)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from rumbo.core.management.base import RumboCommand
from rumbo.jobs.periodic import reminders_schedule
from rumbo.jobs.queue import queue_enabled
from rumbo.jobs.services import export_purge


class Command(RumboCommand):
    help = (
        "Atiende la cola de exportaciones largas (informes, formatos de transparencia) y "
        "envía cada hora los avisos programados (como `rumbo notify`). Requiere REDIS_URL; "
        "sin ella las exportaciones se generan en la propia petición y los avisos "
        "programados se envían con `rumbo notify` desde cron."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--burst",
            action="store_true",
            help="termina cuando la cola queda vacía (en lugar de esperar trabajos nuevos)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not queue_enabled():
            raise CommandError(
                "REDIS_URL no está configurada: las exportaciones se generan en la propia "
                "petición y no hace falta un proceso de trabajo"
            )
        purged = export_purge()
        if purged:
            self.stderr.write(f"Borradas {purged} exportaciones antiguas.")
        reminders_schedule()  # the hourly reminders (rumbo/jobs/periodic.py)
        call_command(
            "rqworker",
            settings.RUMBO_EXPORT_QUEUE,
            burst=options["burst"],
            with_scheduler=True,
        )

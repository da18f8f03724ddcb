"""`rumbo maintenance [--dry-run] [--verbose]`: the housekeeping every app registers
(``rumbo.core.maintenance``), meant for cron (docs/security.md); its run is audited."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from rumbo.audit.services import Actor, audit_record
from rumbo.core.maintenance import run_all
from rumbo.core.management.base import RumboCommand


class Command(RumboCommand):
    help = (
        "Mantenimiento periódico (para cron): borra los intentos de inicio de sesión "
        "antiguos, las exportaciones vencidas y los archivos de evidencia o exportación que "
        "ningún registro nombra, y marca como fallidas las exportaciones huérfanas. "
        "Con --dry-run solo dice qué haría."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="no cambia nada: dice qué haría")
        parser.add_argument(
            "--verbose", action="store_true", help="nombra cada archivo o exportación"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        results = run_all(dry_run=dry_run, now=timezone.now())
        if dry_run:
            self.stdout.write("Simulación (--dry-run): no se cambió nada; esto se haría:")
        for done in results:
            self.stdout.write(("  " if dry_run else "") + done.line)
            if options["verbose"]:
                for detail in done.details:
                    self.stdout.write(f"    {detail}")
        if not dry_run and any(done.count for done in results):
            audit_record(
                actor=Actor.cli(),
                institution_id=None,
                action="maintenance.run",
                obj=None,
                after={done.key: done.count for done in results},
            )

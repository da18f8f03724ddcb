"""`rumbo restore ARCHIVO`: a `rumbo backup` archive into an empty database (docs/backup.md)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from rumbo.audit.services import Actor, audit_record
from rumbo.core.backup import RestoreRefused, RestoreResult, restore, verify
from rumbo.core.management.base import RumboCommand


def _record(result: RestoreResult) -> None:
    """The restore's own audit event, written in its transaction after the tables."""
    manifest = result.manifest
    audit_record(
        actor=Actor.cli(),
        institution_id=None,
        action="database.restore",
        obj=None,
        after={
            "file": str(result.path),
            "sha256": result.sha256,
            "manifest_sha256": result.manifest_sha256,
            "created_at": manifest["created_at"],
            "rumbo_version": manifest["rumbo_version"],
            "database": manifest["database"],
            "tables": result.tables,
            "rows": result.rows,
            "files": result.files,
        },
        reason=(
            f"Restauración desde {result.path.name}, manifiesto sha256 {result.manifest_sha256} "
            f"(respaldo del {manifest['created_at']})."
        ),
    )


class Command(RumboCommand):
    help = (
        "Restaura un respaldo de `rumbo backup` en una base de datos vacía, preparada con "
        "`rumbo init` por la misma versión de Rumbo. Antes de escribir nada comprueba cada "
        "suma SHA-256 y el estado de migraciones."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archivo", help="archivo .tar.gz escrito por `rumbo backup`")
        parser.add_argument(
            "--check",
            action="store_true",
            help="solo comprueba el archivo (sumas y manifiesto); no escribe nada",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archivo"])
        started = time.monotonic()
        try:
            if options["check"]:
                staged = verify(path)
                self.stdout.write(
                    f"Respaldo íntegro: {path} ({len(staged.members)} miembros verificados; "
                    f"respaldo del {staged.manifest['created_at']}, Rumbo "
                    f"{staged.manifest['rumbo_version']}). SHA-256 del manifiesto: "
                    f"{staged.manifest_sha256}"
                )
                return
            result = restore(path, on_loaded=_record)
        except RestoreRefused as refused:
            raise CommandError(f"{refused} No se escribió nada.") from None
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Restaurado {path}: {result.tables} tablas, {result.rows:,} filas, "
            f"{result.files:,} archivos ({seconds:.1f} s). SHA-256 del manifiesto: "
            f"{result.manifest_sha256}"
        )

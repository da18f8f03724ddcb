"""`rumbo backup ARCHIVO`: every table and every kept file in one .tar.gz (docs/backup.md)."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from rumbo.core.backup import backup_write
from rumbo.core.management.base import RumboCommand

logger = logging.getLogger("rumbo.backup")
SHOWN = 5  # missing files named in the warning


class Command(RumboCommand):
    help = (
        "Respalda la base de datos (todas las tablas) y los archivos (evidencias, documentos "
        "de acuerdos y adecuaciones, exportaciones) en un solo archivo .tar.gz con manifiesto "
        "de sumas SHA-256. Se restaura con `rumbo restore`."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archivo", help="archivo a escribir (p. ej. rumbo-2024-06-30.tar.gz)")
        parser.add_argument(
            "--overwrite", action="store_true", help="reemplaza el archivo si ya existe"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archivo"])
        if path.exists() and not options["overwrite"]:
            raise CommandError(f"{path} ya existe; elige otro nombre o usa --overwrite")
        if not path.parent.is_dir():
            raise CommandError(f"no existe la carpeta {path.parent}")
        started = time.monotonic()
        result = backup_write(path)
        seconds = time.monotonic() - started
        line = (
            f"Respaldo escrito: {path} ({result.size:,} bytes; {result.tables} tablas, "
            f"{result.rows:,} filas, {result.files:,} archivos de {result.file_bytes:,} bytes; "
            f"{seconds:.1f} s). SHA-256 del archivo: {result.sha256}; "
            f"del manifiesto: {result.manifest_sha256}"
        )
        logger.info(line)
        self.stdout.write(line)
        if result.missing:
            shown = ", ".join(result.missing[:SHOWN])
            more = f" y {len(result.missing) - SHOWN} más" if len(result.missing) > SHOWN else ""
            warning = (
                f"Aviso: {len(result.missing)} archivos que la base de datos nombra no estaban "
                f"en su carpeta y no van en el respaldo (el manifiesto los lista en "
                f"missing_files): {shown}{more}"
            )
            self.stderr.write(warning)

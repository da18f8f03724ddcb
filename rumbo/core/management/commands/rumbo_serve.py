"""``rumbo serve``: the development server (the default, for ``make demo``) or, with
``--production``, gunicorn with pooled worker threads (config/gunicorn.py,
docs/deployment.md)."""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.conf import settings
from django.core.management import CommandError, call_command

from rumbo.core.management.base import RumboCommand


def default_workers() -> int:
    """Two worker processes per core, at least two (gunicorn's rule of thumb, trimmed for
    a small machine whose other core serves PostgreSQL)."""
    return max(2, 2 * (os.cpu_count() or 1))


class Command(RumboCommand):
    help = (
        "Sirve Rumbo en http://HOST:PUERTO: el servidor de desarrollo de Django o, con "
        "--production, gunicorn con varios procesos (docs/deployment.md)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8000, help="puerto (por omisión 8000)")
        parser.add_argument(
            "--host", default="127.0.0.1", help="dirección de escucha (por omisión 127.0.0.1)"
        )
        parser.add_argument(
            "--production",
            action="store_true",
            help="servidor de producción (gunicorn) en lugar del de desarrollo",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="procesos de gunicorn (por omisión 2 por núcleo; solo con --production)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=4,
            help="hilos por proceso (por omisión 4; solo con --production)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port, host = options["port"], options["host"]
        if not 1 <= port <= 65535:
            raise CommandError(f"puerto inválido: {port} (de 1 a 65535)")
        if not options["production"]:
            if options["workers"] is not None:
                raise CommandError(
                    "--workers es para el servidor de producción: agrega --production."
                )
            self.stdout.write(f"Rumbo en http://{host}:{port}/  (Ctrl+C para detener)")
            call_command("runserver", f"{host}:{port}", use_reloader=False)
            return
        self._production(host, port, options["workers"] or default_workers(), options["threads"])

    def _production(self, host: str, port: int, workers: int, threads: int) -> None:
        if not 1 <= workers <= 64:
            raise CommandError(f"--workers {workers}: de 1 a 64 procesos.")
        if not 1 <= threads <= 64:
            raise CommandError(f"--threads {threads}: de 1 a 64 hilos por proceso.")
        if settings.DEBUG:
            raise CommandError("DEBUG está activo: el servidor de producción no lo admite.")
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which(
            "gunicorn"
        )
        if gunicorn is None:
            raise CommandError("gunicorn no está instalado (pip install -e .).")
        # Static files are served by WhiteNoise from STATIC_ROOT, compressed.
        call_command("collectstatic", interactive=False, verbosity=0)
        env = dict(os.environ)
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
        # Pooled threads keep their connection for a minute (at most workers × threads).
        env.setdefault("DB_CONN_MAX_AGE", "60")
        argv = [
            gunicorn,
            "--config",
            "python:config.gunicorn",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ]
        self.stdout.write(
            f"Rumbo (producción: gunicorn, {workers} procesos × {threads} hilos) en "
            f"http://{host}:{port}/"
        )
        self.stdout.flush()
        os.chdir(settings.BASE_DIR)
        os.execve(gunicorn, argv, env)  # noqa: S606 (gunicorn replaces this process)

from __future__ import annotations

from typing import Any

from django.core.management import call_command

from rumbo.core.management.base import RumboCommand


class Command(RumboCommand):
    help = "Sirve Rumbo en http://127.0.0.1:PUERTO (servidor de desarrollo de Django)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8000, help="puerto (por omisión 8000)")
        parser.add_argument(
            "--host", default="127.0.0.1", help="dirección de escucha (por omisión 127.0.0.1)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port = options["port"]
        if not 1 <= port <= 65535:
            raise ValueError(f"puerto inválido: {port}")
        self.stdout.write(f"Rumbo en http://{options['host']}:{port}/  (Ctrl+C para detener)")
        call_command("runserver", f"{options['host']}:{port}", use_reloader=False)

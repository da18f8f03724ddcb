"""``rumbo budget load-cog``: sync CONAC's Clasificador por Objeto del Gasto from the data
file shipped with the app (a migration loads it first; run it after the file changes)."""

from __future__ import annotations

from typing import Any

from rumbo.budget.services import cog_load
from rumbo.core.management.base import RumboCommand


class Command(RumboCommand):
    help = "Presupuesto: load-cog carga o actualiza el Clasificador por Objeto del Gasto (CONAC)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["load-cog"])

    def handle(self, *args: Any, **options: Any) -> None:
        counts = cog_load()
        self.stdout.write(
            "Clasificador por Objeto del Gasto: "
            + ", ".join(f"{label}: {n}" for label, n in counts.items())
        )

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.db import connection

from rumbo.core.management.base import RumboCommand


class Command(RumboCommand):
    help = "Crea o actualiza la base de datos indicada por DATABASE_URL (por omisión, SQLite)."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        settings_dict = connection.settings_dict
        where = settings_dict["NAME"]
        if connection.vendor != "sqlite":
            where = f"{settings_dict.get('HOST') or 'localhost'}/{settings_dict['NAME']}"
        self.stdout.write(f"Base de datos lista ({connection.vendor}): {where}")

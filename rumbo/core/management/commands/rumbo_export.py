from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError

from rumbo.core.management.base import RumboCommand, positive_year
from rumbo.institutions.models import Institution
from rumbo.programs import exports
from rumbo.programs.selectors import program_get


class Command(RumboCommand):
    help = "Exporta datos: program (programa anual) u objectives (filas del formato fr. IV)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("what", choices=["program", "objectives"], help="qué exportar")
        parser.add_argument("--institution", required=True, help="clave de la institución")
        parser.add_argument("--year", required=True, help="ejercicio AAAA")
        parser.add_argument(
            "--format", choices=["json", "csv", "xlsx"], default="json", help="formato de salida"
        )
        parser.add_argument(
            "-o", "--output", help="archivo de salida (por omisión, la salida estándar)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["institution"].strip().upper()
        year = positive_year(options["year"])
        fmt = options["format"]
        institution = Institution.objects.filter(code=code).first()
        if institution is None:
            raise CommandError(f"--institution: no existe la institución {code}")
        if options["what"] == "program":
            program = program_get(institution=institution, year=year)
            if program is None:
                raise CommandError(f"{code} no tiene programa anual {year}")
            if fmt == "json":
                text = json.dumps(exports.program_to_dict(program), ensure_ascii=False, indent=2)
                self.write_out(text, options["output"])
            elif fmt == "csv":
                self.write_out(exports.program_to_csv(program), options["output"])
            else:
                self.write_bytes(exports.program_to_xlsx(program), options["output"])
            return
        if fmt == "xlsx":
            raise CommandError("objectives se exporta como json o csv")
        if fmt == "json":
            rows = exports.objectives_to_list(institution, year)
            self.write_out(json.dumps(rows, ensure_ascii=False, indent=2), options["output"])
        else:
            self.write_out(exports.objectives_to_csv(institution, year), options["output"])

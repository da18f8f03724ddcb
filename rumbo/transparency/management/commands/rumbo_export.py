from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError

from rumbo.core.management.base import RumboCommand, positive_year
from rumbo.core.text import whole_number
from rumbo.institutions.models import Institution
from rumbo.programs import exports
from rumbo.programs.selectors import program_get
from rumbo.transparency.formats import format_ids
from rumbo.transparency.generate import ExportError, build_sipot


class Command(RumboCommand):
    help = (
        "Exporta datos: program (programa anual), objectives (filas del formato fr. IV) o "
        "sipot FORMATO (formatos de transparencia en XLSX o CSV)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("what", choices=["program", "objectives", "sipot"], help="qué exportar")
        parser.add_argument(
            "format_id",
            nargs="?",
            help=f"con sipot, el formato de transparencia: {'|'.join(format_ids())}",
        )
        parser.add_argument("--quarter", help="con sipot, trimestre 1–4 (por omisión, el año)")
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
        if options["what"] == "sipot":
            self._sipot(code, year, fmt, options)
            return
        if options["format_id"] or options["quarter"]:
            raise CommandError(
                f"{options['what']} no admite un formato de transparencia ni --quarter"
            )
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

    def _sipot(self, code: str, year: int, fmt: str, options: dict[str, Any]) -> None:
        format_id = options["format_id"]
        if not format_id:
            raise CommandError(f"sipot: indique el formato ({'|'.join(format_ids())})")
        if format_id not in format_ids():
            raise CommandError(
                f"sipot: formato «{format_id}» desconocido (se esperaba {'|'.join(format_ids())})"
            )
        if fmt not in ("xlsx", "csv"):
            raise CommandError("sipot se exporta como --format xlsx o csv")
        quarter = None
        if options["quarter"] is not None:
            text = str(options["quarter"]).strip().upper().removeprefix("T")
            quarter = whole_number(text)
            if quarter is None or not 1 <= quarter <= 4:
                raise CommandError(f"--quarter: «{options['quarter']}» no es un trimestre (1 a 4)")
        try:
            export = build_sipot(
                format_id=format_id, institution=code, year=year, quarter=quarter, fmt=fmt
            )
        except ExportError as exc:
            raise CommandError(f"sipot {format_id}: {exc}") from None
        self.write_bytes(export.content, options["output"])

"""``rumbo import presupuesto``: the budget of a program year (docs/budget.md)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError

from rumbo.audit.services import Actor
from rumbo.budget.importer import BudgetFileError, import_budget, preview_budget, template_xlsx
from rumbo.core.management.base import RumboCommand, positive_year
from rumbo.programs.models import AnnualProgram


class Command(RumboCommand):
    help = (
        "Importa el presupuesto de un ejercicio desde el sistema financiero (CSV o XLSX: una "
        "fila por clave programática, partida, fuente, mes y momento). Todo o nada: ante un "
        "error se listan las filas y columnas y no se guarda nada. Con --template escribe "
        "la plantilla."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        return super().create_parser(prog_name, "rumbo_import presupuesto", **kwargs)

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", help="archivo CSV o XLSX a importar")
        parser.add_argument("--institution", help="clave de la institución")
        parser.add_argument("--year", help="ejercicio AAAA")
        parser.add_argument(
            "--through",
            type=int,
            help="último mes cerrado (1-12); por omisión, el último con una captura aprobada",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="analiza y reporta sin guardar nada"
        )
        parser.add_argument(
            "--template",
            metavar="ARCHIVO.xlsx",
            help="escribe la plantilla (con las claves del programa si das --institution y "
            "--year) en lugar de importar",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["template"]:
            self._template(options)
            return
        if not options["file"] or not options["institution"] or not options["year"]:
            raise CommandError("se necesitan ARCHIVO, --institution CLAVE y --year AAAA")
        arguments = {
            "institution_code": options["institution"],
            "year": positive_year(options["year"]),
            "through": options["through"],
            "actor": Actor.cli(),
        }
        diff = None
        try:
            if options["dry_run"]:
                # The dry run also says what would change, line by line (the web preview's
                # differences: rumbo.budget.importer.plan).
                preview = preview_budget(options["file"], **arguments)
                report, diff = preview.report, preview.diff
            else:
                report = import_budget(options["file"], **arguments)
        except BudgetFileError as exc:
            for line in exc.lines(exc.file):
                self.stderr.write(line)
            raise CommandError(f"{exc.file}: {exc.total} error(es); no se guardó nada") from None
        if options["format"] == "json":
            out = report.to_dict()
            if diff is not None:
                out["diff"] = diff.to_dict()
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(report.to_text())
            if diff is not None:
                self.stdout.write("\n".join(diff.lines()))

    def _template(self, options: dict[str, Any]) -> None:
        program = None
        if options["institution"] and options["year"]:
            code = options["institution"].strip().upper()
            program = AnnualProgram.objects.filter(
                institution__code=code, year=positive_year(options["year"])
            ).first()
            if program is None:
                raise CommandError(f"no existe el programa {options['year']} de {code}")
        self.write_bytes(template_xlsx(program), options["template"])

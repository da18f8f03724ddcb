from __future__ import annotations

import json
from typing import Any

from rumbo.audit.services import Actor
from rumbo.core.management.base import RumboCommand, positive_year
from rumbo.imports.registry import IMPORTERS, get_importer


class Command(RumboCommand):
    help = (
        "Importa un documento: paa (Programa Anual), pgd (Plan General de Desarrollo), "
        "sipot-objetivos (formato fr. IV) o diseno (diseño de programa y MIR, archivo JSON). "
        "Todo o nada: ante un error no se guarda nada."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=sorted(IMPORTERS), help="tipo de documento")
        parser.add_argument("file", help="archivo a importar")
        parser.add_argument(
            "--institution", required=True, help="clave de la institución (se crea si no existe)"
        )
        parser.add_argument("--year", help="ejercicio AAAA (por omisión, el del documento)")
        parser.add_argument(
            "--period",
            help="sólo pgd: periodo del plan AAAA-AAAA cuando el documento no lo dice",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="analiza y reporta sin guardar nada"
        )
        parser.add_argument(
            "--format", choices=["text", "json"], default="text", help="formato del reporte"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        kwargs: dict[str, Any] = {
            "institution_code": options["institution"],
            "dry_run": options["dry_run"],
            "actor": Actor.cli(),
        }
        if kind == "pgd":
            if options["year"]:
                raise ValueError("--year no aplica a pgd; use --period AAAA-AAAA")
            if options["period"]:
                start, _, end = options["period"].partition("-")
                kwargs["start_year"], kwargs["end_year"] = positive_year(start), positive_year(end)
        else:
            if options["period"]:
                raise ValueError("--period sólo aplica a pgd")
            if options["year"]:
                kwargs["year"] = positive_year(options["year"])
        report = get_importer(kind)(options["file"], **kwargs)
        if options["format"] == "json":
            self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(report.to_text())

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError

from rumbo.core.management.base import RumboCommand, positive_year
from rumbo.imports.findings import FINDING_CODES
from rumbo.imports.models import FindingStatus
from rumbo.imports.quality import finding_to_dict, finding_to_text
from rumbo.imports.selectors import FindingFilters, finding_list
from rumbo.institutions.models import Institution


class Command(RumboCommand):
    help = "Lista los hallazgos de calidad de una institución."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--institution", required=True, help="clave de la institución")
        parser.add_argument("--year", help="sólo los del ejercicio AAAA")
        parser.add_argument(
            "--status", choices=[s.value for s in FindingStatus], help="sólo los de este estado"
        )
        parser.add_argument("--code", choices=sorted(FINDING_CODES), help="sólo este código")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["institution"].strip().upper()
        institution = Institution.objects.filter(code=code).first()
        if institution is None:
            raise CommandError(f"--institution: no existe la institución {code}")
        year = positive_year(options["year"]) if options["year"] else None
        filters = FindingFilters(
            code=options["code"] or "", status=options["status"] or "", year=year
        )
        findings = finding_list(institution=institution, filters=filters)
        if options["format"] == "json":
            data = [finding_to_dict(f) for f in findings]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        count = 0
        for f in findings:
            self.stdout.write(finding_to_text(f))
            count += 1
        self.stderr.write(f"{count} hallazgo(s)")

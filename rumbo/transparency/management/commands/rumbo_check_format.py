"""`rumbo check-format FILE --format ID`: the publication checker's findings on one file.

Exit status: 0 when the file has no error (warnings allowed), 1 when it has errors, 2 when
the arguments are wrong or the file cannot be read as the format (one line on stderr).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from rumbo.core.management.base import RumboCommand
from rumbo.core.spreadsheets import SpreadsheetRefused, size_check
from rumbo.institutions.models import Institution
from rumbo.transparency.checker import CheckFinding, UnreadableFile, check_file
from rumbo.transparency.formats import format_ids

BAD_ARGUMENTS = 2
HAS_ERRORS = 1


def summary_line(findings: list[CheckFinding]) -> str:
    if not findings:
        return "Sin hallazgos: el archivo cumple todas las reglas revisadas."
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    noun_e = "error" if errors == 1 else "errores"
    noun_w = "advertencia" if warnings == 1 else "advertencias"
    return f"{errors} {noun_e} y {warnings} {noun_w}."


class Command(RumboCommand):
    help = "Revisa un archivo de un formato de transparencia (XLSX, CSV o texto con tabuladores)."

    exit_code = 0

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        parser = super().create_parser(prog_name, "check-format", **kwargs)
        parser.error = self._bad_usage  # argparse errors exit with 2 and one line
        return parser

    def _bad_usage(self, message: str) -> None:
        sys.stderr.write(f"rumbo check-format: error: {message}\n")
        sys.exit(BAD_ARGUMENTS)

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="archivo XLSX, CSV o texto con tabuladores")
        parser.add_argument("--format", required=True, choices=format_ids(), dest="format_id")
        parser.add_argument("--institution", help="clave de la institución (dominios y áreas)")
        parser.add_argument("--output", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        institution = None
        if options["institution"]:
            code = options["institution"].strip().upper()
            institution = Institution.objects.filter(code=code).first()
            if institution is None:
                raise CommandError(f"--institution: no existe la institución {code}")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: el archivo no existe")
        try:
            size_check(path.name, path.stat().st_size)  # before reading it into memory
            result = check_file(
                name=path.name,
                content=path.read_bytes(),
                format_id=options["format_id"],
                institution=institution,
            )
        except SpreadsheetRefused as exc:
            raise CommandError(exc.message) from None
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from None
        if options["output"] == "json":
            data = [f.as_dict() for f in result.findings]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            d = result.definition
            self.stdout.write(
                f"{path.name} · {d.title} ({d.short_title}, versión {d.version}) · "
                f"encabezado en la fila {result.header_row}, {result.data_rows} "
                f"{'fila' if result.data_rows == 1 else 'filas'} de datos"
            )
            for finding in result.findings:
                self.stdout.write(finding.as_text())
            self.stdout.write(summary_line(result.findings))
        self.exit_code = HAS_ERRORS if result.has_errors else 0

    # Every failure before the findings (bad arguments, unreadable file) ends with 2.
    def _fail(self, message: str) -> None:
        try:
            super()._fail(message)
        except SystemExit:
            raise SystemExit(BAD_ARGUMENTS) from None

    def run_from_argv(self, argv: list[str]) -> None:
        super().run_from_argv(argv)
        if self.exit_code:
            sys.exit(self.exit_code)

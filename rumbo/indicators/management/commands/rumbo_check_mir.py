"""`rumbo check-mir`: the MIR checker's findings on one MIR, as text or JSON.

Exit status: 0 when the MIR has no error (warnings allowed), 1 when it has errors,
2 when the arguments are wrong (unknown institution, a MIR of another institution).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import CommandError

from rumbo.core.management.base import RumboCommand
from rumbo.indicators.checker import ERROR, MirFinding, check_mir
from rumbo.indicators.models import Mir
from rumbo.institutions.models import Institution

BAD_ARGUMENTS = 2
HAS_ERRORS = 1


def summary_line(findings: list[MirFinding]) -> str:
    """«2 errores y 1 advertencia.» — the last line of the text output."""
    if not findings:
        return "Sin hallazgos: la MIR cumple todas las reglas revisadas."
    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = len(findings) - errors
    noun_e = "error" if errors == 1 else "errores"
    noun_w = "advertencia" if warnings == 1 else "advertencias"
    return f"{errors} {noun_e} y {warnings} {noun_w}."


class Command(RumboCommand):
    help = "Revisa una MIR con las reglas del Marco Lógico y lista los hallazgos."

    exit_code = 0
    _failure_code = 1

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        return super().create_parser(prog_name, "check-mir", **kwargs)  # as users type it

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--institution", required=True, help="clave de la institución")
        parser.add_argument("--mir", required=True, type=int, help="número (id) de la MIR")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["institution"].strip().upper()
        institution = Institution.objects.filter(code=code).first()
        if institution is None:
            raise CommandError(
                f"--institution: no existe la institución {code}", returncode=BAD_ARGUMENTS
            )
        mir = (
            Mir.objects.select_related("design__node__program")
            .filter(pk=options["mir"], design__node__program__institution=institution)
            .first()
        )
        if mir is None:
            raise CommandError(
                f"--mir: la institución {code} no tiene una MIR con número {options['mir']}",
                returncode=BAD_ARGUMENTS,
            )
        findings = check_mir(mir)
        if options["format"] == "json":
            data = [f.as_dict() for f in findings]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"MIR {mir.pk} · {mir.design.title} ({institution.code})")
            for finding in findings:
                self.stdout.write(finding.as_text())
            self.stdout.write(summary_line(findings))
        self.exit_code = HAS_ERRORS if any(f.severity == ERROR for f in findings) else 0

    # Exit status: RumboCommand ends every CommandError with 1; bad arguments here end
    # with the error's returncode (2), and a MIR with errors ends with 1 after its output.
    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            self._failure_code = exc.returncode
            raise

    def _fail(self, message: str) -> None:
        try:
            super()._fail(message)
        except SystemExit:
            raise SystemExit(self._failure_code) from None

    def run_from_argv(self, argv: list[str]) -> None:
        super().run_from_argv(argv)
        if self.exit_code:
            sys.exit(self.exit_code)

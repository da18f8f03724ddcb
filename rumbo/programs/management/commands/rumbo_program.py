"""`rumbo program copy --institution CLAVE --from AAAA --to AAAA [--without-targets]
[--dry-run]`: the program of one year as the starting point of another, en formulación
(``rumbo/programs/copy.py``), audited as the operator. The apps above programs add their
own actions (``rumbo/programs/commands.py``): ``from-design`` (``rumbo.design``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from rumbo.audit.services import Actor
from rumbo.core.errors import error_text
from rumbo.core.management.base import RumboCommand, positive_year
from rumbo.institutions.models import Institution

from ...commands import program_actions
from ...copy import program_copy


class Command(RumboCommand):
    help = (
        "Programa anual: copy crea el programa de un ejercicio a partir del de otro "
        "(estructura, actividades, alineación, diseños y MIR con sus indicadores; sin "
        "avance ni hallazgos), en formulación. --without-targets deja las metas en blanco; "
        "--dry-run muestra lo que se crearía sin guardar nada."
        + "".join(f" {a.help}" for a in program_actions().values())
    )

    def add_arguments(self, parser: Any) -> None:
        actions = program_actions()
        parser.add_argument(
            "action",
            choices=["copy", *actions],
            help=f"qué hacer ({', '.join(['copy', *actions])})",
        )
        parser.add_argument("--institution", required=True, help="clave de la institución")
        parser.add_argument("--from", dest="from_year", help="copy: ejercicio que se copia (AAAA)")
        parser.add_argument("--to", dest="to_year", help="copy: ejercicio nuevo (AAAA)")
        parser.add_argument(
            "--without-targets",
            action="store_true",
            help="copy: no copia las metas (anuales, mensuales, de indicadores, beneficiarios)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="muestra lo que se crearía; no guarda nada"
        )
        for action in actions.values():
            action.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] != "copy":
            self.stdout.write(program_actions()[options["action"]].run(options))
            return
        for name, flag in (("from_year", "--from"), ("to_year", "--to")):
            if not options[name]:
                raise CommandError(f"{flag}: falta (lo pide «copy»)")
        code = options["institution"].strip()
        institution = Institution.objects.filter(code__iexact=code).first()
        if institution is None:
            raise CommandError(f"no existe la institución {code!r}")
        from_year = positive_year(options["from_year"])
        to_year = positive_year(options["to_year"])
        try:
            result = program_copy(
                actor=Actor.cli(),
                institution=institution,
                from_year=from_year,
                to_year=to_year,
                with_targets=not options["without_targets"],
                dry_run=options["dry_run"],
            )
        except ValidationError as exc:
            raise CommandError(error_text(exc)) from None
        self.stdout.write(result.to_text())

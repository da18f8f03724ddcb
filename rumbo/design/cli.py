"""`rumbo program from-design --institution CLAVE --year AAAA [--design ID] [--dry-run]`:
the activities of a program from its designs' cronogramas (``services/program.py``),
audited as the operator. Registered with ``rumbo program`` in ``apps.py``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from rumbo.audit.services import Actor
from rumbo.core.errors import Conflict, error_text
from rumbo.core.management.base import positive_year
from rumbo.programs.commands import ProgramAction
from rumbo.programs.models import AnnualProgram

from .models import ProgramDesign
from .services.program import program_from_design


def _add_arguments(parser: Any) -> None:
    parser.add_argument("--year", help="from-design: ejercicio del programa (AAAA)")
    parser.add_argument(
        "--design",
        type=int,
        help="from-design: id del diseño (sin él, todos los diseños del programa)",
    )


def _run(options: dict[str, Any]) -> str:
    if not options.get("year"):
        raise CommandError("--year: falta (lo pide «from-design»)")
    code = options["institution"].strip()
    year = positive_year(options["year"])
    program = (
        AnnualProgram.objects.select_related("institution")
        .filter(institution__code__iexact=code, year=year)
        .first()
    )
    if program is None:
        raise CommandError(f"{code.upper()} no tiene programa anual {year}")
    designs = ProgramDesign.objects.filter(node__program=program).order_by(
        "node__order", "node__key"
    )
    if options.get("design") is not None:
        designs = designs.filter(pk=options["design"])
    found = list(designs)
    if not found:
        which = f"el diseño {options['design']}" if options.get("design") is not None else "diseños"
        raise CommandError(f"el programa {program} no tiene {which}")
    actor = Actor.cli()
    try:
        with transaction.atomic():  # every design or none
            texts = [
                program_from_design(actor=actor, design=d, dry_run=options["dry_run"]).to_text()
                for d in found
            ]
    except ValidationError as exc:
        raise CommandError(error_text(exc)) from None
    except Conflict as exc:
        raise CommandError(str(exc)) from None
    return "\n".join(texts)


FROM_DESIGN = ProgramAction(
    name="from-design",
    help=(
        "from-design crea, en el programa de --year, una actividad por cada acción del "
        "cronograma de sus diseños (o del diseño --design), con su calendario, área y "
        "vínculo a la MIR; repetirlo no cambia nada; --dry-run muestra lo que se crearía."
    ),
    add_arguments=_add_arguments,
    run=_run,
)

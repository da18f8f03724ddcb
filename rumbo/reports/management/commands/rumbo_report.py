"""`rumbo report monthly|quarterly|program|mir|fisico-financiero --institution CODE --year
YYYY [--month M | --quarter Q] --format pdf|xlsx|json [-o FILE]` (json: monthly and
fisico-financiero, to stdout unless -o): the same ``build_report`` the pages
call; bad arguments end in one line naming the argument."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from rumbo.core.management.base import RumboCommand, positive_year
from rumbo.core.text import whole_number
from rumbo.reports.builders import build_report
from rumbo.reports.common import DATA_FORMATS, FORMATS, KINDS, MONTH_KINDS


def _int(value: str | None, name: str, expected: str) -> int | None:
    if value is None:
        return None
    number = whole_number(value)
    if number is None:
        raise CommandError(f"{name}: {value!r} no es válido (se esperaba {expected})")
    return number


class Command(RumboCommand):
    help = (
        "Genera un informe: monthly (avance mensual), quarterly (indicadores SED), program"
        " (programa anual), mir (MIR y fichas técnicas) o fisico-financiero (avance"
        " físico-financiero), como PDF o XLSX (monthly y fisico-financiero también JSON)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=KINDS, help="qué informe")
        parser.add_argument("--institution", required=True, help="clave de la institución")
        parser.add_argument("--year", required=True, help="ejercicio AAAA")
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--month", help="mes 1–12 (solo monthly y fisico-financiero, obligatorio)"
        )
        group.add_argument("--quarter", help="trimestre 1–4 (solo quarterly, obligatorio)")
        parser.add_argument("--area", help="siglas del área (solo monthly; opcional)")
        parser.add_argument("--mir", help="id de la MIR (solo mir; opcional)")
        data_formats = sorted({f for fs in DATA_FORMATS.values() for f in fs})
        parser.add_argument(
            "--format",
            required=True,
            choices=[*FORMATS, *data_formats],
            help="pdf, xlsx o json (json: solo monthly y fisico-financiero)",
        )
        parser.add_argument(
            "-o", "--output", help="archivo de salida (json: la salida estándar si se omite)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        month = _int(options["month"], "--month", "un mes de 1 a 12")
        quarter = _int(options["quarter"], "--quarter", "un trimestre de 1 a 4")
        mir = _int(options["mir"], "--mir", "el número de la MIR")
        if kind in MONTH_KINDS and month is None:
            raise CommandError(f"--month: el informe {kind} requiere el mes (1 a 12)")
        if kind == "quarterly" and quarter is None:
            raise CommandError("--quarter: el informe quarterly requiere el trimestre (1 a 4)")
        for flag, value, owners in (
            ("--month", month, MONTH_KINDS),
            ("--quarter", quarter, ("quarterly",)),
            ("--area", options["area"], ("monthly",)),
            ("--mir", mir, ("mir",)),
        ):
            if value is not None and kind not in owners:
                raise CommandError(
                    f"{flag}: solo se usa con el informe {' o '.join(owners)}, no con {kind}"
                )
        fmt = options["format"]
        if fmt not in FORMATS and fmt not in DATA_FORMATS.get(kind, ()):
            data_kinds = " o ".join(k for k, fs in DATA_FORMATS.items() if fmt in fs)
            raise CommandError(
                f"--format: {fmt} solo se usa con el informe {data_kinds}, no con {kind}"
            )
        if fmt in FORMATS and not options["output"]:
            raise CommandError(f"-o: el formato {fmt} requiere un archivo de salida")
        file = build_report(
            kind=kind,
            institution=options["institution"],
            year=positive_year(options["year"]),
            month=month,
            quarter=quarter,
            area=options["area"],
            mir=mir,
            fmt=fmt,
        )
        self.write_bytes(file.content, options["output"])

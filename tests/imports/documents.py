"""Small documents written for a test: a PAA and a fr. IV file in the layouts the importers
read, with only what the test needs. Each builder returns the path it wrote."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PAA_HEADER = (
    "Cantidad Anual\tEne\tFeb\tMar\tAbr\tMay\tJun\tJul\tAgo\tSep\tOct\tNov\tDic\t"
    "Tipo de Beneficiarios/Destinatarios\tCantidad"
)
EMPTY_MONTHS = "\t" * 12


@dataclass
class PaaActivity:
    key: str  # six digits; its first two are the subprogram's, its first four the project's
    description: str
    unit: str
    annual: int
    months: Sequence[int]  # twelve values


def paa_document(
    path: Path,
    *,
    year: int = 2031,
    area: str = "Dirección de Pruebas",
    activities: Sequence[PaaActivity],
) -> Path:
    """One subprogram (``07``) with one project (``0701``) and ``activities``."""
    lines = [
        f"Programa Anual de Actividades {year}",
        "Subprograma 07: Gestión.",
        f"Área: {area}",
        "Objetivo General:",
        "Que todo funcione.",
        "Clave\tProyectos Específicos:\tActiv.",
        f"0701\tProyecto uno.\t{len(activities)}",
        f"Total:\t\t{len(activities)}",
        "Marco Legal: Código local.",
        "",
        PAA_HEADER,
        "0701\tProyecto uno." + EMPTY_MONTHS,
    ]
    for act in activities:
        lines.append(f"{act.key}\t{act.description}{EMPTY_MONTHS}\t{act.unit}\t")
        months = "\t".join(str(m) for m in act.months)
        lines.append(f"\t{act.annual}\t{months}\tIEEM.\t1")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


FR_IV_HEADER = [
    "Ejercicio",
    "Fecha de inicio del periodo que se informa",
    "Fecha de término del periodo que se informa",
    "Denominación del área",
    "Descripción breve y clara de cada objetivo",
    "Indicadores asociados",
    "Meta(s) por cada indicador",
    "Unidad de medida por cada meta",
    "Hipervínculo al documento del programa",
    "Área(s) responsable(s) que genera(n), posee(n), publica(n) y actualiza(n) la información",
    "Fecha de actualización",
    "Nota",
]


@dataclass
class FrIvRow:
    area: str
    goal: str = "100 %"
    indicator: str = "Porcentaje de acciones realizadas"
    objective: str = "Cumplir el programa"
    unit: str = "Porcentaje"
    link: str = "https://www.ieem.org.mx/poa.pdf"


def fr_iv_document(path: Path, rows: Sequence[FrIvRow], *, year: int = 2031) -> Path:
    """A fr. IV file: a title, the header row and one data row per ``rows``."""
    lines = ["Objetivos y metas institucionales", "\t".join(FR_IV_HEADER)]
    for n, row in enumerate(rows, start=1):
        cells = [
            str(year),
            f"01/01/{year}",
            f"31/12/{year}",
            row.area,
            f"{row.objective} {n}",
            row.indicator,
            row.goal,
            row.unit,
            row.link,
            "Unidad de Transparencia",
            f"15/01/{year + 1}",
            "",
        ]
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines), encoding="utf-8")
    return path

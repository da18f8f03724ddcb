"""The template of a budget file (``rumbo import presupuesto --template FILE.xlsx``).

Sheet «Presupuesto» holds the headers the import reads (its columns formatted as text
where a key has leading zeros); «Instrucciones» says what each column expects; with a
program, «Claves» lists its subprogramas, proyectos and actividades, and «Fuentes» the
institution's fuentes de financiamiento.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from rumbo.programs.models import Activity, AnnualProgram, ProgramNode

from ..catalog import funding_source_defaults
from ..models import MOMENTS, FundingSource
from .layout import COLUMNS
from .parse import EXAMPLE

SHEET = "Presupuesto"
TEXT_COLUMNS = ("A", "B", "C")  # clave, partida, fuente: keep their leading zeros
INSTRUCTIONS = [
    ("Columna", "Qué se espera"),
    (
        "Clave programática",
        "Clave del subprograma, proyecto o actividad tal como está en el "
        "programa anual (p. ej. 0101 o 010101), escrita como texto para conservar los ceros.",
    ),
    (
        "Partida",
        "Partida específica de 5 dígitos del Clasificador por Objeto del Gasto "
        "(p. ej. 21101: partida genérica 211). Una partida nueva se agrega al catálogo de la "
        "institución y queda como hallazgo por revisar.",
    ),
    ("Fuente", "Clave de la fuente de financiamiento (hoja «Fuentes»)."),
    ("Mes", "Número del 1 al 12 (o el nombre del mes)."),
    ("Momento", "Uno de: " + ", ".join(MOMENTS) + "."),
    (
        "Importe",
        f"Pesos con punto decimal y comas de miles (p. ej. {EXAMPLE}); 0 o más, "
        "hasta dos decimales. Es lo registrado en ese mes, no el acumulado.",
    ),
    ("Nombre de la partida", "Opcional: el nombre con el que se agrega una partida nueva."),
    ("", ""),
    (
        "Reglas",
        "Una fila por clave, partida, fuente, mes y momento. El archivo es todo el "
        "presupuesto del ejercicio: lo que ya no aparezca se elimina. Un momento que no venga "
        "para una clave y mes vale 0. Ante cualquier error no se guarda nada.",
    ),
]


def _bold_header(ws: object) -> None:
    for cell in ws[1]:  # type: ignore[index]  # a Worksheet
        cell.font = Font(bold=True)


def template_xlsx(program: AnnualProgram | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # noqa: S101 - a new workbook has one sheet
    ws.title = SHEET
    ws.append([header for _, header, _ in COLUMNS])
    for letter in TEXT_COLUMNS:
        ws.column_dimensions[letter].number_format = "@"
        ws.column_dimensions[letter].width = 20
    _bold_header(ws)
    notes = wb.create_sheet("Instrucciones")
    for row in INSTRUCTIONS:
        notes.append(list(row))
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 110
    _bold_header(notes)
    sources = funding_source_defaults()
    if program is not None:
        _keys(wb, program)
        stored = list(
            FundingSource.objects.filter(institution=program.institution).values_list("key", "name")
        )
        sources = stored or sources
    sheet = wb.create_sheet("Fuentes")
    sheet.append(["Clave", "Fuente de financiamiento"])
    for key, name in sources:
        sheet.append([key, name])
    _bold_header(sheet)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _keys(wb: Workbook, program: AnnualProgram) -> None:
    sheet = wb.create_sheet("Claves")
    sheet.append(["Clave", "Nivel", "Nombre"])
    for node in ProgramNode.objects.filter(program=program).order_by("order", "key"):
        sheet.append([node.key, program.level_name(node.depth), node.name])
    for activity in Activity.objects.filter(program=program).order_by("order", "key"):
        sheet.append([activity.key, program.activity_level_name, activity.description])
    sheet.column_dimensions["C"].width = 90
    _bold_header(sheet)

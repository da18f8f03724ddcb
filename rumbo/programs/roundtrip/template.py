"""The XLSX template of a program: «Actividades» (editable), «Catálogos», «Instrucciones»."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from rumbo.core.numbers import to_json_number
from rumbo.institutions.models import Area
from rumbo.programs.models import AnnualProgram, ProgramNode, UnitOfMeasure
from rumbo.programs.selectors import ActivityRow, TreeNode, program_tree
from rumbo.strategy.models import LineOfAction
from rumbo.strategy.selectors import line_of_action_list

from .columns import (
    ANNUAL,
    AREA,
    DESCRIPTION,
    KEY,
    LINES,
    SHEET_ACTIVITIES,
    SHEET_CATALOGUES,
    SHEET_INSTRUCTIONS,
    UNIT,
    Layout,
)

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
CONTEXT_FILL = PatternFill("solid", fgColor="595959")
READONLY_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADER_FONT = Font(bold=True, color="FFFFFF")
SPARE_ROWS = 300  # empty rows below the data that keep the validations for new activities
TEXT = "@"
WIDTHS = {KEY: 14, DESCRIPTION: 60, AREA: 12, UNIT: 22, ANNUAL: 14, LINES: 18}


@dataclass(frozen=True)
class Catalogues:
    units: list[UnitOfMeasure]
    areas: list[Area]
    lines: list[LineOfAction]


def catalogues_load(program: AnnualProgram) -> Catalogues:
    """The institution's units and areas and the plan's lines of action (3–4 queries)."""
    institution = program.institution
    return Catalogues(
        units=list(UnitOfMeasure.objects.filter(institution=institution).order_by("name")),
        areas=list(Area.objects.filter(institution=institution).order_by("code")),
        lines=list(line_of_action_list(institution=institution, year=program.year)),
    )


def _walk(
    node: TreeNode, path: list[ProgramNode]
) -> Iterator[tuple[list[ProgramNode], ActivityRow]]:
    path = [*path, node.node]
    for row in node.activities:
        yield path, row
    for child in node.children:
        yield from _walk(child, path)


def _activity_cells(layout: Layout, path: list[ProgramNode], row: ActivityRow) -> list[object]:
    a = row.activity
    depth = len(layout.node_levels)
    keys: list[object] = [n.key for n in path[:depth]] + [None] * (depth - len(path))
    names: list[object] = [n.name for n in path[:depth]] + [None] * (depth - len(path))
    return [
        *keys,
        a.key,
        a.description,
        a.area.code if a.area else None,
        a.unit.name if a.unit else None,
        to_json_number(a.annual_target),
        *(to_json_number(m) for m in row.months),
        ", ".join(row.line_codes) or None,
        *names,
    ]


def _activities_sheet(ws: Worksheet, program: AnnualProgram, cat: Catalogues) -> None:
    layout = Layout.for_program(program)
    headers = layout.headers
    col = {h: i + 1 for i, h in enumerate(headers)}
    ws.append(headers)
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = CONTEXT_FILL if cell.value in layout.context_headers else HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 32
    for root in program_tree(program=program):
        for path, row in _walk(root, []):
            ws.append(_activity_cells(layout, path, row))
    _keep_text(ws)
    last = max(ws.max_row, 1) + SPARE_ROWS

    text_columns = [*layout.node_headers, KEY, AREA, UNIT, LINES]
    for header, index in col.items():
        letter = get_column_letter(index)
        width = WIDTHS.get(header, 9 if len(header) <= 4 else 16)
        if header in layout.context_headers:
            width = 40
        ws.column_dimensions[letter].width = width
        if header in text_columns:
            # Keys like 010101 keep their leading zeros, also in rows typed later.
            ws.column_dimensions[letter].number_format = TEXT
            for (cell,) in ws.iter_rows(min_row=2, max_row=last, min_col=index, max_col=index):
                cell.number_format = TEXT
        if header == DESCRIPTION or header in layout.context_headers:
            for (cell,) in ws.iter_rows(
                min_row=2, max_row=ws.max_row, min_col=index, max_col=index
            ):
                cell.alignment = Alignment(wrap_text=False, vertical="top")
                if header in layout.context_headers:
                    cell.fill = READONLY_FILL

    ws.freeze_panes = f"{get_column_letter(col[KEY] + 1)}2"  # header row and keys stay
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(ws.max_row, 2)}"

    def span(header: str, last_header: str | None = None) -> str:
        first = get_column_letter(col[header])
        end = get_column_letter(col[last_header or header])
        return f"{first}2:{end}{last}"

    catalogue = quote_sheetname(SHEET_CATALOGUES)
    if cat.units:
        units = DataValidation(
            type="list",
            formula1=f"{catalogue}!$A$2:$A${len(cat.units) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Unidad de medida",
            error="Elige una unidad del catálogo (hoja «Catálogos»). Planeación administra "
            "el catálogo de unidades.",
            promptTitle="Unidad de medida",
            prompt="Elige una unidad del catálogo.",
        )
        units.add(span(UNIT))
        ws.add_data_validation(units)
    if cat.areas:
        areas = DataValidation(
            type="list",
            formula1=f"{catalogue}!$C$2:$C${len(cat.areas) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Área",
            error="Escribe las siglas de un área de la hoja «Catálogos».",
        )
        areas.add(span(AREA))
        ws.add_data_validation(areas)
    quantities = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Cantidad",
        error="Escribe una cantidad mayor o igual que cero (por ejemplo 12 o 0.25). "
        "Deja la celda vacía si el dato no se conoce.",
    )
    quantities.add(span(ANNUAL, layout.editable_headers[-2]))  # annual + Ene…Dic
    ws.add_data_validation(quantities)


def _keep_text(ws: Worksheet) -> None:
    """Text that starts with «=» stays text: a description is never run as a formula."""
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _catalogues_sheet(ws: Worksheet, cat: Catalogues) -> None:
    ws.append(
        ["Unidades de medida", None, "Área (siglas)", "Área", None, "Línea de acción", "Texto"]
    )
    for cell in ws[1]:
        if cell.value:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
    for i, unit in enumerate(cat.units, start=2):
        ws.cell(row=i, column=1, value=unit.name)
    for i, area in enumerate(cat.areas, start=2):
        ws.cell(row=i, column=3, value=area.code).number_format = TEXT
        ws.cell(row=i, column=4, value=area.name)
    for i, line in enumerate(cat.lines, start=2):
        ws.cell(row=i, column=6, value=line.code).number_format = TEXT
        ws.cell(row=i, column=7, value=line.text)
    _keep_text(ws)
    for letter, width in {"A": 30, "B": 3, "C": 14, "D": 50, "E": 3, "F": 16, "G": 80}.items():
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"


def _instructions_sheet(ws: Worksheet, program: AnnualProgram) -> None:
    layout = Layout.for_program(program)
    levels = ", ".join(f"«{h}»" for h in layout.node_headers)
    lines = [
        f"{program.name} — ejercicio {program.year}",
        "",
        "Cómo usar esta plantilla",
        "1. Edita la hoja «Actividades»: una fila por actividad. No cambies los encabezados "
        "de la fila 1.",
        "2. Para cambiar una actividad, edita su fila; la «Clave actividad» la identifica.",
        f"3. Para agregar una actividad, escribe una fila nueva con una clave nueva y las "
        f"claves de los niveles a los que pertenece ({levels}). Los niveles deben existir: "
        "créalos antes en la página del programa.",
        "4. Para eliminar una actividad, borra su fila completa. La vista previa te mostrará "
        "las eliminaciones antes de aplicar nada.",
        "5. Un mes vacío significa «sin dato», no cero. Escribe 0 solo si no se programa nada "
        "ese mes. Se admiten fracciones (0.25) y hasta 4 decimales.",
        "6. «Unidad de medida» y «Área (siglas)» deben estar en la hoja «Catálogos». Las "
        "líneas de acción se escriben por clave, separadas por comas (por ejemplo: 1.1, 2.3).",
        "7. Las columnas grises («Nombre (…)») son informativas: se ignoran al cargar.",
        "8. Guarda el archivo como .xlsx y cárgalo en «Cargar Excel» del programa. Verás una "
        "vista previa de las diferencias; nada se aplica hasta que confirmes.",
        "9. Si alguna fila tiene errores, se listan todos con su fila y columna y no se "
        "aplica ningún cambio.",
        "",
        "Columnas de la hoja «Actividades»",
        *(f"• {h}" for h in layout.headers),
    ]
    for text in lines:
        ws.append([text])
    ws["A1"].font = Font(bold=True, size=14)
    ws["A3"].font = Font(bold=True)
    ws.cell(row=lines.index("Columnas de la hoja «Actividades»") + 1, column=1).font = Font(
        bold=True
    )
    ws.column_dimensions["A"].width = 120
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def program_template_build(program: AnnualProgram) -> bytes:
    """The program as an editable XLSX workbook (a constant number of queries)."""
    cat = catalogues_load(program)
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # noqa: S101 - a new Workbook always has an active sheet
    ws.title = SHEET_ACTIVITIES
    _activities_sheet(ws, program, cat)
    _catalogues_sheet(wb.create_sheet(SHEET_CATALOGUES), cat)
    _instructions_sheet(wb.create_sheet(SHEET_INSTRUCTIONS), program)
    wb.properties.title = f"{program.name} ({program.institution.code})"
    wb.properties.creator = "Rumbo"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_filename(program: AnnualProgram) -> str:
    return f"programa-{program.institution.code}-{program.year}.xlsx"

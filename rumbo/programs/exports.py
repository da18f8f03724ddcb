"""Exports of annual programs and fr. IV objective rows: JSON, CSV and XLSX.

The JSON shape is a public contract (``rumbo export program`` and, later, the API):
{"institution", "year", "subprograms": [{"key", "name", "area": {"code", "name"},
"objective", "projects": [{"key", "name", "activities": [{"key", "description", "unit",
"annual_target", "monthly_targets": [12 numbers, null where unknown], "beneficiaries":
[{"description", "quantity"}], "lines_of_action": [codes], "original_annual_target",
"original_monthly_targets"}]}]}], "state", "version"}

``state`` is the program's life cycle state and ``version`` the approved version in force
(0 before approval); the targets are those in force, and ``original_*`` those of the
approved baseline (version 1; null before approval and for an activity added later).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

from openpyxl.styles import DEFAULT_FONT, Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from rumbo.core.exportfile import ExportFile, safe_csv_writer
from rumbo.core.numbers import to_json_number
from rumbo.core.periods import MONTH_LABELS
from rumbo.core.xlsx import StreamedWorkbook, XlsxStyles
from rumbo.institutions.models import Area, Institution

from .models import AnnualProgram, AreaObjective
from .selectors import area_objective_list, program_get
from .selectors.tree_data import ActivityData, NodeData, program_tree_data
from .versions import baseline_targets, to_decimal


def _area(area: Area | None) -> dict[str, str] | None:
    return {"code": area.code, "name": area.name} if area else None


def _activity_dict(a: ActivityData, baseline: dict[str, dict[str, Any]]) -> dict[str, Any]:
    original = baseline.get(a.key)
    return {
        "key": a.key,
        "description": a.description,
        "unit": a.unit,
        "annual_target": to_json_number(a.annual_target),
        "monthly_targets": [to_json_number(m) for m in a.months],
        "beneficiaries": [
            {"description": description, "quantity": quantity}
            for description, quantity in a.beneficiaries
        ],
        "lines_of_action": a.line_codes,
        "original_annual_target": _number(original["annual_target"]) if original else None,
        "original_monthly_targets": (
            [_number(m) for m in original["monthly_targets"]] if original else None
        ),
    }


def _number(text: str | None) -> int | float | None:
    return to_json_number(to_decimal(text))


def _leaf_groups(node: NodeData) -> Iterable[NodeData]:
    """The nodes directly holding activities under a top-level node, in order."""
    if node.activities or not node.children:
        yield node
    for child in node.children:
        yield from _leaf_groups(child)


def program_to_dict(program: AnnualProgram) -> dict[str, Any]:
    """The public JSON of the program (module docstring), from plain rows (6 queries, plus
    the institution's when the program does not carry it)."""
    roots = program_tree_data(program=program)
    baseline = baseline_targets(program)
    subprograms = []
    for root in roots:
        projects = []
        for group in _leaf_groups(root):
            if group is root and not root.activities:
                continue
            projects.append(
                {
                    "key": group.key,
                    "name": group.name,
                    "activities": [_activity_dict(a, baseline) for a in group.activities],
                }
            )
        code_name = root.area
        subprograms.append(
            {
                "key": root.key,
                "name": root.name,
                "area": {"code": code_name[0], "name": code_name[1]} if code_name else None,
                "objective": root.objective,
                "projects": projects,
            }
        )
    return {
        "institution": program.institution.code,
        "year": program.year,
        "subprograms": subprograms,
        "state": program.state,
        "version": program.version,
    }


PROGRAM_COLUMNS = [
    "Clave subprograma",
    "Subprograma",
    "Siglas del área",
    "Área responsable",
    "Clave proyecto",
    "Proyecto",
    "Clave actividad",
    "Actividad",
    "Unidad de medida",
    "Cantidad anual",
    *MONTH_LABELS,
    "Beneficiarios",
    "Cantidad de beneficiarios",
    "Líneas de acción",
]


def _program_rows(data: dict[str, Any]) -> Iterable[list[Any]]:
    for sp in data["subprograms"]:
        area = sp["area"] or {"code": "", "name": ""}
        for pr in sp["projects"]:
            for act in pr["activities"]:
                yield [
                    sp["key"],
                    sp["name"],
                    area["code"],
                    area["name"],
                    pr["key"],
                    pr["name"],
                    act["key"],
                    act["description"],
                    act["unit"] or "",
                    act["annual_target"],
                    *act["monthly_targets"],
                    "; ".join(b["description"] for b in act["beneficiaries"]),
                    "; ".join(b["quantity"] for b in act["beneficiaries"]),
                    ", ".join(act["lines_of_action"]),
                ]


def program_to_csv(program: AnnualProgram) -> str:
    """UTF-8 CSV (comma-separated, one row per activity; empty cell = unknown month)."""
    buffer = io.StringIO()
    writer = safe_csv_writer(buffer, lineterminator="\n")
    writer.writerow(PROGRAM_COLUMNS)
    for row in _program_rows(program_to_dict(program)):
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()


HEADER_STYLE = NamedStyle(
    name="Rumbo · encabezado",
    font=Font(bold=True, color="FFFFFF"),
    fill=PatternFill("solid", fgColor="1F4E5A"),
    alignment=Alignment(wrap_text=True, vertical="center"),
)
QUANTITY_STYLE = NamedStyle(name="Rumbo · cantidad", font=DEFAULT_FONT, number_format="#,##0.####")
PROGRAM_WIDTHS = {2: 40, 4: 32, 6: 40, 7: 11, 8: 60, 9: 16, 10: 12, 23: 40, 24: 20, 25: 16}
QUANTITY_COLUMNS = range(9, 22)  # Cantidad anual … Dic (0-based)


def _program_sheet(wb: StreamedWorkbook, styles: XlsxStyles, rows: list[list[Any]]) -> None:
    """«Programa»: a styled header, one row per activity, quantities formatted even
    where unknown (an empty cell keeps the format); filter, frozen header, widths."""
    ws = wb.create_sheet("Programa")
    for idx in range(1, len(PROGRAM_COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(idx)].width = PROGRAM_WIDTHS.get(idx, 12)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(PROGRAM_COLUMNS))}{len(rows) + 1}"
    header, quantity = styles.add(HEADER_STYLE), styles.add(QUANTITY_STYLE)
    ws.append([styles.cell(ws, title, header) for title in PROGRAM_COLUMNS])
    for row in rows:
        cells: list[Any] = list(row)  # texts are written as text, never as formulas
        for i in QUANTITY_COLUMNS:
            cells[i] = styles.cell(ws, row[i], quantity)
        ws.append(cells)


def program_to_xlsx(program: AnnualProgram) -> bytes:
    """The program as a workbook (rows streamed, styles named once: ``rumbo.core.xlsx``)."""
    data = program_to_dict(program)
    wb = StreamedWorkbook()
    styles = XlsxStyles(wb)
    _program_sheet(wb, styles, list(_program_rows(data)))
    info = wb.create_sheet("Información")
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 80
    for row in (
        ["Institución", program.institution.name or program.institution.code],
        ["Ejercicio", program.year],
        ["Programa", program.name],
        ["Niveles", " → ".join(program.level_names)],
        ["Nota", "Una celda mensual vacía significa un valor desconocido, no cero."],
    ):
        info.append(row)
    return wb.to_bytes()


def _date(value: Any) -> str | None:
    return value.strftime("%d/%m/%Y") if value else None


def objective_to_dict(row: AreaObjective) -> dict[str, Any]:
    return {
        "row": row.row_number,
        "year": row.year,
        "period_start": _date(row.period_start),
        "period_end": _date(row.period_end),
        "area": _area(row.area),
        "area_as_printed": row.area_as_printed,
        "objective": row.objective,
        "indicator": row.indicator,
        "goal": row.goal,
        "unit": row.unit,
        "hyperlink": row.hyperlink,
        "responsible": row.responsible,
        "updated_on": _date(row.updated_on),
        "note": row.note,
    }


def objectives_to_list(institution: Institution, year: int) -> list[dict[str, Any]]:
    return [objective_to_dict(r) for r in area_objective_list(institution=institution, year=year)]


OBJECTIVE_COLUMNS = [
    ("row", "Fila"),
    ("year", "Ejercicio"),
    ("period_start", "Fecha de inicio del periodo que se informa"),
    ("period_end", "Fecha de término del periodo que se informa"),
    ("area_code", "Siglas del área"),
    ("area_name", "Denominación del área"),
    ("area_as_printed", "Área como aparece en el documento"),
    ("objective", "Descripción breve y clara de cada objetivo"),
    ("indicator", "Indicadores asociados"),
    ("goal", "Meta(s) por cada indicador"),
    ("unit", "Unidad de medida por cada meta"),
    ("hyperlink", "Hipervínculo al documento del programa"),
    ("responsible", "Área(s) responsable(s) de la información"),
    ("updated_on", "Fecha de actualización"),
    ("note", "Nota"),
]


def objectives_to_csv(institution: Institution, year: int) -> str:
    buffer = io.StringIO()
    writer = safe_csv_writer(buffer, lineterminator="\n")
    writer.writerow([label for _, label in OBJECTIVE_COLUMNS])
    for item in objectives_to_list(institution, year):
        flat = dict(item)
        area = flat.pop("area") or {"code": "", "name": ""}
        flat["area_code"], flat["area_name"] = area["code"], area["name"]
        writer.writerow(["" if flat[k] is None else flat[k] for k, _ in OBJECTIVE_COLUMNS])
    return buffer.getvalue()


PROGRAM_FORMATS = ("json", "csv", "xlsx")


def build_program_export(*, institution: str, year: int, fmt: str) -> ExportFile:
    """The annual program as a file, the same as `rumbo export program` (also a job kind)."""
    if fmt not in PROGRAM_FORMATS:
        raise ValueError(f"Formato no admitido: «{fmt}»; use json, csv o xlsx.")
    found = Institution.objects.filter(code=str(institution).upper()).first()
    if found is None:
        raise ValueError(f"No existe la institución {institution}.")
    program = program_get(institution=found, year=int(year))
    if program is None:
        raise ValueError(f"{found.code} no tiene programa anual {year}.")
    name = f"{found.code}-programa-{program.year}.{fmt}"
    if fmt == "xlsx":
        return ExportFile(name, program_to_xlsx(program))
    if fmt == "csv":
        return ExportFile(name, program_to_csv(program).encode("utf-8"))
    text = json.dumps(program_to_dict(program), ensure_ascii=False, indent=2)
    return ExportFile(name, text.encode("utf-8"))

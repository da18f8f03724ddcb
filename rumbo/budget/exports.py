"""The budget page's table as an XLSX file: the same rows the page shows (by node and by
capítulo, with the total), rows streamed and named styles
registered once (``rumbo.core.xlsx``)."""

from __future__ import annotations

from typing import Any

from openpyxl.styles import DEFAULT_FONT, Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from rumbo.core.exportfile import ExportFile
from rumbo.core.periods import MONTH_NAMES
from rumbo.core.xlsx import StreamedWorkbook, XlsxStyles

from .models import MOMENT_LABELS, MOMENTS
from .selectors import BudgetRow, BudgetTable

HEADER_STYLE = NamedStyle(
    name="Rumbo · encabezado",
    font=Font(bold=True, color="FFFFFF"),
    fill=PatternFill("solid", fgColor="1F4E5A"),
    alignment=Alignment(wrap_text=True, vertical="center"),
)
TITLE_STYLE = NamedStyle(name="Rumbo · título", font=Font(bold=True, size=12))
PESOS_STYLE = NamedStyle(name="Rumbo · pesos", font=DEFAULT_FONT, number_format="$#,##0.00")
PERCENT_STYLE = NamedStyle(name="Rumbo · porcentaje", font=DEFAULT_FONT, number_format="0.00")
TOTAL_PESOS_STYLE = NamedStyle(
    name="Rumbo · pesos total", font=Font(bold=True), number_format="$#,##0.00"
)
TOTAL_TEXT_STYLE = NamedStyle(name="Rumbo · texto total", font=Font(bold=True))


def columns(table: BudgetTable) -> list[str]:
    """The headers of both tables after «Clave» and «Nombre» (page and XLSX)."""
    month = MONTH_NAMES[table.month - 1]
    return [
        *(f"{MOMENT_LABELS[m]} a {month}" for m in MOMENTS),
        "Modificado anual",
        "Avance financiero (%)",
        "Devengado del modificado anual (%)",
    ]


def row_values(row: BudgetRow) -> list[Any]:
    """A row's figures in the order of ``columns``: pesos as Decimal, percentages or None."""
    return [
        *(getattr(row.to_date, m) for m in MOMENTS),
        row.figure.annual.modificado,
        row.figure.percent,
        row.figure.year_share,
    ]


def _scope_line(table: BudgetTable) -> str:
    month = MONTH_NAMES[table.month - 1]
    parts = [f"Momentos acumulados de enero a {month} de {table.program.year}"]
    if table.scope.node is not None:
        parts.append(f"nivel {table.scope.node.key} {table.scope.node.name}")
    if table.scope.chapter:
        parts.append(f"capítulo {table.scope.chapter} {table.chapter_name}".strip())
    return "; ".join(parts) + ". Pesos."


def _number(value: Any) -> Any:
    """Excel holds doubles: an amount as int when whole, else float (cents exact)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _section(ws: Any, styles: XlsxStyles, title: str, heads: list[str], rows: list[BudgetRow],
             total: BudgetRow, indent: bool) -> None:  # fmt: skip
    ws.append([styles.cell(ws, title, "Rumbo · título")])
    ws.append([styles.cell(ws, h, "Rumbo · encabezado") for h in ["Clave", "Nombre", *heads]])
    money = len(MOMENTS) + 1
    for r in rows:
        name = ("    " * r.depth + r.name) if indent else r.name
        values = row_values(r)
        ws.append(
            [
                styles.cell(ws, r.key),
                styles.cell(ws, name),
                *(styles.cell(ws, _number(v), "Rumbo · pesos") for v in values[:money]),
                *(styles.cell(ws, _number(v), "Rumbo · porcentaje") for v in values[money:]),
            ]
        )
    values = row_values(total)
    ws.append(
        [
            styles.cell(ws, "", "Rumbo · texto total"),
            styles.cell(ws, "Total", "Rumbo · texto total"),
            *(styles.cell(ws, _number(v), "Rumbo · pesos total") for v in values[:money]),
            *(styles.cell(ws, _number(v), "Rumbo · porcentaje") for v in values[money:]),
        ]
    )
    ws.append([])


def budget_xlsx(table: BudgetTable) -> ExportFile:
    """The table as «Presupuesto»: title, scope, by node, by capítulo (one sheet)."""
    wb = StreamedWorkbook()
    styles = XlsxStyles(wb)
    for style in (
        HEADER_STYLE, TITLE_STYLE, PESOS_STYLE, PERCENT_STYLE, TOTAL_PESOS_STYLE, TOTAL_TEXT_STYLE
    ):  # fmt: skip
        styles.add(style)
    ws = wb.create_sheet("Presupuesto")
    heads = columns(table)
    for index, width in enumerate([10, 50, *([18] * len(heads))], start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    program = table.program
    ws.append([styles.cell(ws, program.institution.name, "Rumbo · título")])
    ws.append([styles.cell(ws, f"Presupuesto del ejercicio {program.year} · {program.name}")])
    ws.append([styles.cell(ws, _scope_line(table))])
    ws.append([])
    _section(ws, styles, "Por nivel del programa", heads, table.nodes, table.total, indent=True)
    _section(ws, styles, "Por capítulo del gasto", heads, table.chapters, table.total, indent=False)
    ws.append(
        [
            styles.cell(
                ws,
                "Avance financiero: devengado ÷ modificado a la fecha × 100; devengado del "
                "modificado anual: devengado a la fecha ÷ modificado del año × 100.",
            )
        ]
    )
    content = wb.to_bytes()
    suffix = f"-{table.month:02d}"
    if table.scope.node is not None:
        suffix += f"-{table.scope.node.key}"
    if table.scope.chapter:
        suffix += f"-cap{table.scope.chapter}"
    name = f"{program.institution.code}-presupuesto-{program.year}{suffix}.xlsx"
    return ExportFile(name, content)

"""Generate a transparency format from the live data: XLSX in the SIPOT layout, or CSV.

``build_sipot`` is the one entry point (pages, CLI and the background queue call it). The
definition (``formats``) decides title rows, header row, first data row and columns; the
dataset (``selectors``) gives the rows.

Cell values by column type: ``year`` an integer; ``date`` the text dd/mm/aaaa (as SIPOT
requires); ``number`` a number (XLSX: a numeric cell; CSV: plain digits with a point,
no thousands separator); ``text`` and ``url`` text. CSV is UTF-8 with BOM (so Excel shows
the accents), the header row then the data, without the title rows.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from rumbo.core.exportfile import ExportFile, safe_csv_writer, xlsx_defuse
from rumbo.core.numbers import normalize_decimal
from rumbo.institutions.models import Institution
from rumbo.jobs.progress import progress_step

from .budget_rows import BUDGET_DATASETS
from .formats import FormatDefinition, definition_for, format_ids
from .selectors import DATASETS, PeriodRefused, ReportPeriod, Row, no_information_row

FORMATS = ("xlsx", "csv")
DATASET_ROWS = {**DATASETS, **BUDGET_DATASETS}
_HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")


class ExportError(ValueError):
    """Bad arguments for an export: one line saying which and what was expected."""


def _cell(value: Any, type_: str) -> Any:
    if value is None or value == "":
        return ""
    if type_ == "date":
        return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)
    if type_ == "year":
        return int(value)
    if type_ == "number":
        dec = normalize_decimal(Decimal(str(value)))
        return dec
    return str(value)


def table(definition: FormatDefinition, rows: list[Row]) -> list[list[Any]]:
    """The data rows as cell values in the definition's column order."""
    return [[_cell(row.get(c.source), c.type) for c in definition.columns] for row in rows]


def _titles(
    definition: FormatDefinition, institution: Institution, period: ReportPeriod
) -> list[str]:
    values = {
        "institution": institution.name,
        "legal_basis": definition.legal_basis,
        "title": definition.title,
        "period_start": period.start.strftime("%d/%m/%Y"),
        "period_end": period.end.strftime("%d/%m/%Y"),
        "year": str(period.year),
        "version": definition.version,
    }
    return [t.format(**values) for t in definition.title_rows]


def _xlsx(definition: FormatDefinition, titles: list[str], data: list[list[Any]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    ws = wb.create_sheet(definition.id)
    for number, text in enumerate(titles, 1):
        ws.cell(row=number, column=1, value=text).font = Font(bold=number <= 3)
    for index, column in enumerate(definition.columns, 1):
        cell = ws.cell(row=definition.header_row, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        width = 14 if column.type in ("date", "year", "number") else 40
        ws.column_dimensions[get_column_letter(index)].width = width
    types = [c.type for c in definition.columns]
    for offset, values in enumerate(data):
        number = definition.first_data_row + offset
        for index, value in enumerate(values, 1):
            if value == "":
                continue
            cell = ws.cell(row=number, column=index, value=value)
            if types[index - 1] == "number":
                cell.value = int(value) if value == value.to_integral_value() else float(value)
                cell.number_format = "#,##0.####" if isinstance(cell.value, float) else "#,##0"
            elif types[index - 1] == "date":
                cell.number_format = "@"
    ws.freeze_panes = ws.cell(row=definition.first_data_row, column=1)
    out = io.BytesIO()
    xlsx_defuse(wb).save(out)
    return out.getvalue()


def csv_lines(definition: FormatDefinition, data: list[list[Any]]) -> tuple[bytes, list[int]]:
    """The CSV file and the line where each data row starts, numbered as the publication
    checker numbers rows (a cell with line breaks makes a record span several lines)."""
    record = io.StringIO()  # one record at a time, to count its line breaks
    writer = safe_csv_writer(record)
    parts: list[str] = []
    starts: list[int] = []
    line = 1
    for index, values in enumerate([definition.headers, *data]):
        if index:
            starts.append(line)
        record.seek(0)
        record.truncate()
        writer.writerow([f"{v:f}" if isinstance(v, Decimal) else v for v in values])
        text = record.getvalue()
        parts.append(text)
        line += _breaks(text)
    return ("\ufeff" + "".join(parts)).encode("utf-8"), starts


def _breaks(text: str) -> int:
    return text.replace("\r\n", "\n").replace("\r", "\n").count("\n")


def _csv(definition: FormatDefinition, data: list[list[Any]]) -> bytes:
    return csv_lines(definition, data)[0]


@dataclass(frozen=True)
class Generated:
    """A format's rows before they become a file: the definition in force, the dataset rows
    (with ``_record`` and ``_fix``, see ``fixes``) and their cells in column order."""

    definition: FormatDefinition
    institution: Institution
    period: ReportPeriod
    rows: list[Row]
    data: list[list[Any]]


def generate(
    *, format_id: str, institution: Institution, period: ReportPeriod, today: date
) -> Generated:
    """The rows of one format for one period (``build_sipot`` writes them to a file).

    ``PeriodRefused`` when the format is not generated for that period (a quarterly format
    asked for the year; fr. XXI b for a quarter not closed yet)."""
    definition = definition_for(format_id, on=period.start)
    if definition.period == "quarter" and period.quarter is None:
        raise PeriodRefused(
            f"{definition.short_title} se informa por trimestre: elige un trimestre (1 a 4)."
        )
    rows = DATASET_ROWS[definition.dataset](institution=institution, period=period, today=today)
    if not rows:
        rows = [
            no_information_row(
                dataset=definition.dataset, institution=institution, period=period, today=today
            )
        ]
    return Generated(definition, institution, period, rows, table(definition, rows))


def build_sipot(
    *,
    format_id: str,
    institution: str,
    year: int,
    quarter: int | None = None,
    fmt: str,
    today: str | None = None,
) -> ExportFile:
    """One transparency format of ``institution`` (its code) for the year or a quarter.

    ``today`` (AAAA-MM-DD) is the generation date written as Fecha de actualización and
    de validación; by default the local date.
    """
    if format_id not in format_ids():
        raise ExportError(
            f"formato «{format_id}» desconocido (se esperaba {', '.join(format_ids())})"
        )
    if fmt not in FORMATS:
        raise ExportError(f"formato de archivo «{fmt}» desconocido (se esperaba xlsx o csv)")
    if not 1990 <= int(year) <= 2100:
        raise ExportError(f"año fuera de rango: {year} (se esperaba entre 1990 y 2100)")
    try:
        period = ReportPeriod(int(year), quarter)
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    inst = Institution.objects.filter(code=institution.strip().upper()).first()
    if inst is None:
        raise ExportError(f"no existe la institución {institution}")
    day = date.fromisoformat(today) if today else timezone.localdate()
    progress_step(0, 2, "Reuniendo los datos")
    try:
        generated = generate(format_id=format_id, institution=inst, period=period, today=day)
    except PeriodRefused as exc:
        raise ExportError(str(exc)) from None
    definition, data = generated.definition, generated.data
    progress_step(1, 2, f"Generando el {fmt.upper()}")
    name = f"{inst.code}-{format_id}-{period.label}.{fmt}"
    if fmt == "csv":
        return ExportFile(name, _csv(definition, data))
    return ExportFile(name, _xlsx(definition, _titles(definition, inst, period), data))

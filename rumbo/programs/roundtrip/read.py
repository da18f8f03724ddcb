"""Reading an uploaded workbook into rows, with every problem as a Spanish row error.

File-level problems (not an XLSX, corrupt, no «Actividades» sheet, missing headers) raise
``UploadInvalid``; cell-level ones become ``RowError`` (sheet, row, column, value, what
was expected). References to the program (nodes, units, areas, lines) are checked by
``diff`` against the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError

from rumbo.core.periods import MONTH_LABELS
from rumbo.core.spreadsheets import SpreadsheetCorrupt, SpreadsheetRefused, xlsx_sheet
from rumbo.core.text import clean
from rumbo.programs.models import AnnualProgram
from rumbo.programs.services import quantity_parse

from .columns import (
    ANNUAL,
    AREA,
    DESCRIPTION,
    KEY,
    LINES,
    SHEET_ACTIVITIES,
    UNIT,
    Layout,
    header_key,
)

MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 10
LINE_SPLIT = re.compile(r"[,;\n]+")


class UploadInvalid(Exception):
    """The file as a whole cannot be read; the message is for the user (Spanish)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    value: str
    expected: str


@dataclass
class UploadRow:
    """One activity row as written in the file (text cleaned, quantities parsed)."""

    row: int
    node_keys: list[str]  # one per grouping level; "" where blank
    key: str
    description: str
    area_code: str
    unit_name: str
    annual_target: Decimal | None
    months: list[Decimal | None]
    lines: list[str]


@dataclass
class ReadResult:
    rows: list[UploadRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _text(value: Any) -> str:
    """A cell as text: numbers without a spurious .0, dates as dd/mm/aaaa."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VERDADERO" if value else "FALSO"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return clean(str(value))


def _sheet_rows(data: bytes | IO[bytes], name: str) -> list[tuple[Any, ...]]:
    """The «Actividades» sheet's rows, read within the upload limits (rumbo.core.spreadsheets)."""
    raw = data if isinstance(data, bytes) else data.read()
    try:
        sheet = xlsx_sheet(name, raw, sheet=SHEET_ACTIVITIES)
    except SpreadsheetCorrupt as exc:
        raise UploadInvalid(
            "El archivo no es un libro de Excel .xlsx válido (¿es .xls, .csv o está dañado?: "
            f"{exc.detail}). Guárdalo como «Libro de Excel (.xlsx)» y vuelve a cargarlo."
        ) from None
    except SpreadsheetRefused as exc:
        raise UploadInvalid(exc.message) from None
    if sheet is None:
        raise UploadInvalid(
            f"El libro no tiene la hoja «{SHEET_ACTIVITIES}». Usa la plantilla descargada "
            "de este programa."
        )
    if len(sheet.rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise UploadInvalid(
            f"La hoja «{SHEET_ACTIVITIES}» de «{name}» tiene datos hasta la fila "
            f"{len(sheet.rows):,}; el máximo es {MAX_ROWS:,} actividades."
        )
    return sheet.rows


def _find_header(rows: list[tuple[Any, ...]], layout: Layout) -> tuple[int, dict[str, int]]:
    """(row index, header → column index) of the first row naming «Clave actividad»."""
    wanted = {header_key(h): h for h in layout.editable_headers}
    for index, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = {header_key(v): i for i, v in enumerate(values) if v is not None}
        if header_key(KEY) not in found:
            continue
        columns = {h: found[k] for k, h in wanted.items() if k in found}
        missing = [h for h in layout.editable_headers if h not in columns]
        if missing:
            raise UploadInvalid(
                f"A la hoja «{SHEET_ACTIVITIES}» le faltan las columnas: "
                f"{', '.join(f'«{m}»' for m in missing)}. Descarga la plantilla de nuevo y "
                "conserva sus encabezados."
            )
        return index, columns
    raise UploadInvalid(
        f"La hoja «{SHEET_ACTIVITIES}» no tiene la fila de encabezados (con «{KEY}»). "
        "Descarga la plantilla de este programa y conserva sus encabezados."
    )


def workbook_read(
    data: bytes | IO[bytes], *, program: AnnualProgram, name: str = "archivo.xlsx"
) -> ReadResult:
    """The rows of the «Actividades» sheet; blank rows are skipped. No database access.
    ``name`` is the file's name, for the messages."""
    layout = Layout.for_program(program)
    rows = _sheet_rows(data, name)
    header_index, columns = _find_header(rows, layout)
    result = ReadResult()
    seen: dict[str, int] = {}
    for index in range(header_index + 1, len(rows)):
        values = rows[index]
        number = index + 1  # Excel's row number

        def cell(header: str, values: tuple[Any, ...] = values) -> Any:
            i = columns[header]
            return values[i] if i < len(values) else None

        if all(_text(cell(h)) == "" for h in layout.editable_headers):
            continue
        errors: list[RowError] = []

        def error(header: str, value: Any, expected: str, errors: list = errors) -> None:
            errors.append(
                RowError(
                    sheet=SHEET_ACTIVITIES,
                    row=number,  # noqa: B023 - used within this iteration only
                    column=header,
                    value=_text(value),
                    expected=expected,
                )
            )

        def quantity(header: str) -> Decimal | None:
            value = cell(header)
            try:
                return quantity_parse(value, field=header)
            except ValidationError as exc:
                error(header, value, exc.message_dict[header][0])
                return None

        key_value = cell(KEY)
        key = _text(key_value)
        if not key:
            error(KEY, key_value, "La clave de la actividad es obligatoria.")
        elif len(key) > 30:
            error(KEY, key_value, "Una clave de hasta 30 caracteres.")
        elif key in seen:
            error(KEY, key_value, f"Una clave única: ya aparece en la fila {seen[key]}.")
        else:
            seen[key] = number
        if isinstance(key_value, int | float) and not isinstance(key_value, bool):
            error(
                KEY,
                key_value,
                "La clave escrita como texto (Excel quita los ceros a la izquierda de los "
                "números: escribe un apóstrofo antes, por ejemplo '010105).",
            )
        description = _text(cell(DESCRIPTION))
        if not description:
            error(DESCRIPTION, cell(DESCRIPTION), "La descripción es obligatoria.")
        node_keys = [_text(cell(h)) for h in layout.node_headers]
        if not any(node_keys):
            error(
                layout.node_headers[-1],
                "",
                f"La clave del nivel al que pertenece la actividad ({layout.node_levels[-1]}).",
            )
        annual = quantity(ANNUAL)
        months = [quantity(label) for label in MONTH_LABELS]
        lines = [c for c in (clean(p) for p in LINE_SPLIT.split(_text(cell(LINES)))) if c]
        result.errors.extend(errors)
        result.rows.append(
            UploadRow(
                row=number,
                node_keys=node_keys,
                key=key,
                description=description,
                area_code=_text(cell(AREA)),
                unit_name=_text(cell(UNIT)),
                annual_target=annual,
                months=months,
                lines=sorted(set(lines)),
            )
        )
    return result

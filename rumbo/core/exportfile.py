"""The one shape every generated file takes (reports, transparency formats, open data), so
that a page, the CLI and the background queue can serve any of them the same way."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class ExportFile:
    filename: str  # e.g. "IEEM-informe-mensual-2024-10.xlsx"
    content: bytes

    @property
    def extension(self) -> str:
        return self.filename.rsplit(".", 1)[-1].lower()

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.extension, "application/octet-stream")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula (OWASP «CSV injection»): one
    that starts with = + - @, a tab or a carriage return gets a leading apostrophe — but
    a plain number written as text («-5», «+1.5») is left as it is (it runs nothing)."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return f"'{text}"
    return text


class SafeCsvWriter:
    """``csv.writer`` whose text cells pass through ``spreadsheet_safe``: every CSV Rumbo
    writes goes through it, so no spreadsheet that opens one runs a formula from it."""

    def __init__(self, buffer: Any, **options: Any) -> None:
        self._writer = csv.writer(buffer, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(
            [spreadsheet_safe(v) if isinstance(v, str) else v for v in row]
        )

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_csv_writer(buffer: Any, **options: Any) -> SafeCsvWriter:
    return SafeCsvWriter(buffer, **options)


def xlsx_defuse(workbook: Workbook) -> Workbook:
    """Every cell openpyxl took for a formula (a text that starts with «=») becomes the
    text it is: written as a string, shown exactly, never run. Rumbo writes no formulas
    of its own. Call before saving a (not write-only) workbook."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return workbook


def xlsx_safe_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for a write-only sheet: a text that starts with «=» goes as a text cell
    (exact, never run); everything else as it is (cells with styles included)."""
    row: list[Any] = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            row.append(xlsx_defuse_cell(WriteOnlyCell(sheet, value=value)))
        else:
            row.append(value)
    return row


def xlsx_defuse_cell(cell: Any) -> Any:
    """The cell (write-only or not) as text if openpyxl took its text for a formula."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def attachment(name: str) -> str:
    """The ``Content-Disposition`` of a download (RFC 6266): ``filename="…"``, and for a name
    that is not plain ASCII an ASCII fallback there plus the exact UTF-8 name in
    ``filename*``."""
    fallback = "".join(ch if ch.isascii() and ch.isprintable() else "_" for ch in name)
    fallback = fallback.replace("\\", "_").replace('"', "_")
    if fallback == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"

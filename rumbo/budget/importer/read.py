"""A budget file as numbered rows of text cells: XLSX (the first sheet) or CSV.

The kind is detected by content (an XLSX is a zip archive), the CSV delimiter among «,»,
«;» and tab. Row numbers are what the user sees: the sheet's row or the text's line. Every
file goes through ``rumbo.core.spreadsheets`` (its safe XML and its limits, raised for rows
and cells: ``layout.BUDGET_LIMITS``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rumbo.core.errors import ImportFailure
from rumbo.core.spreadsheets import (
    SpreadsheetCorrupt,
    SpreadsheetRefused,
    cell_text,
    delimited_rows,
    size_refusal,
    xlsx_sheet,
)
from rumbo.imports.base import decode_text

from .layout import BUDGET_LIMITS, KIND_LABEL

ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    name: str
    sha256: str
    encoding: str  # "" for an XLSX
    rows: list[tuple[int, list[str]]]


def _xlsx(name: str, raw: bytes) -> list[tuple[int, list[str]]]:
    try:
        sheet = xlsx_sheet(name, raw, limits=BUDGET_LIMITS)
    except SpreadsheetCorrupt as exc:
        raise ImportFailure(name, f"no es un XLSX válido ({exc.detail})") from None
    except SpreadsheetRefused as exc:
        raise ImportFailure(name, exc.message) from None
    if sheet is None:
        raise ImportFailure(name, "el libro no tiene hojas")
    return [(n, [cell_text(v) for v in values]) for n, values in enumerate(sheet.rows, 1)]


def _delimited(name: str, text: str) -> list[tuple[int, list[str]]]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first = text.split("\n", 1)[0]
    delimiter = max(("\t", ";", ","), key=first.count)
    try:
        rows = delimited_rows(name, text, delimiter=delimiter, limits=BUDGET_LIMITS)
    except SpreadsheetRefused as exc:
        raise ImportFailure(name, exc.message) from None
    return [(n, [c.replace("\u00a0", " ").strip() for c in cells]) for n, cells in rows]


def read_table(path: str | Path) -> Table:
    """The rows of a budget file; ``ImportFailure`` when it is missing, empty, too big,
    binary or corrupt."""
    p = Path(path)
    if not p.is_file():
        raise ImportFailure(str(path), "el archivo no existe")
    if reason := size_refusal(p.stat().st_size, BUDGET_LIMITS):
        raise ImportFailure(p.name, f"el archivo {reason}")
    return table_from_bytes(p.name, p.read_bytes())


def table_from_bytes(name: str, raw: bytes) -> Table:
    """The rows of a budget file already in memory (an upload kept between the web page's
    preview and its confirmation); ``name`` is the file's name as the user chose it."""
    if reason := size_refusal(len(raw), BUDGET_LIMITS):
        raise ImportFailure(name, f"el archivo {reason}")
    if not raw.strip():
        raise ImportFailure(name, f"el archivo está vacío; se esperaba {KIND_LABEL}")
    sha = hashlib.sha256(raw).hexdigest()
    if raw.startswith(ZIP_MAGIC):
        return Table(name, sha, "", _xlsx(name, raw))
    if b"\x00" in raw[:8192]:
        raise ImportFailure(name, f"es un archivo binario; se esperaba XLSX o CSV con {KIND_LABEL}")
    text, encoding = decode_text(raw, name)
    return Table(name, sha, encoding, _delimited(name, text))

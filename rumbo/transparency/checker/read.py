"""Read a transparency file into numbered rows of text cells: XLSX, CSV or tab-separated text.

The kind is detected by content (an XLSX is a zip archive; text with tabs is tab-separated;
otherwise CSV with the delimiter sniffed among «,» and «;»), not trusted from the extension.
Row numbers are what the user sees: the spreadsheet row for XLSX, the line for text and CSV.
"""

from __future__ import annotations

from dataclasses import dataclass

from rumbo.core.spreadsheets import (
    SpreadsheetCorrupt,
    SpreadsheetRefused,
    cell_text,
    delimited_rows,
    size_check,
    xlsx_sheet,
)

ZIP_MAGIC = b"PK\x03\x04"


class UnreadableFile(Exception):
    """The file cannot be read as a table; ``str()`` is one line for the user."""


@dataclass
class Table:
    name: str
    kind: str  # "xlsx", "csv" or "tsv"
    rows: list[tuple[int, list[str]]]  # (row number as the user sees it, cells)


def _xlsx(name: str, raw: bytes) -> Table:
    try:
        sheet = xlsx_sheet(name, raw)  # the first worksheet, within the upload limits
    except SpreadsheetCorrupt as exc:
        raise UnreadableFile(f"{name}: no es un XLSX válido ({exc.detail})") from None
    except SpreadsheetRefused as exc:
        raise UnreadableFile(exc.message) from None
    if sheet is None:
        raise UnreadableFile(f"{name}: el libro no tiene hojas")
    rows = []
    for number, values in enumerate(sheet.rows, 1):
        cells = [cell_text(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        rows.append((number, cells))
    return Table(name=name, kind="xlsx", rows=rows)


def _decode(name: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")  # Excel's «CSV» on Windows
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UnreadableFile(
            f"{name}:{line}: el texto no está en UTF-8 ni en Windows-1252 "
            f"(byte 0x{raw[exc.start]:02x})"
        ) from None


def _delimited(name: str, text: str) -> Table:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in text:
        kind, delimiter = "tsv", "\t"
    else:
        sample = text[:20000]
        kind, delimiter = "csv", ";" if sample.count(";") > sample.count(",") else ","
    try:
        read = delimited_rows(name, text, delimiter=delimiter)  # within the upload limits
    except SpreadsheetRefused as exc:
        raise UnreadableFile(exc.message) from None
    if kind == "tsv":
        rows = [(n, [c.strip() for c in cells]) for n, cells in read]
    else:
        rows = [(n, [c.replace("\u00a0", " ").strip() for c in cells]) for n, cells in read]
    return Table(name=name, kind=kind, rows=rows)


def read_table(*, name: str, content: bytes) -> Table:
    """The file's rows; raises ``UnreadableFile`` when it is empty, too big, binary or corrupt,
    or passes a limit of ``rumbo.core.spreadsheets`` (the message says which)."""
    try:
        size_check(name, len(content))
    except SpreadsheetRefused as exc:
        raise UnreadableFile(exc.message) from None
    if not content.strip():
        raise UnreadableFile(f"{name}: el archivo está vacío")
    if content.startswith(ZIP_MAGIC):
        return _xlsx(name, content)
    if b"\x00" in content[:8192]:
        raise UnreadableFile(
            f"{name}: es un archivo binario, no XLSX, CSV ni texto con tabuladores"
        )
    return _delimited(name, _decode(name, content))

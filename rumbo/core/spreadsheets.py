"""The one door every uploaded or imported spreadsheet goes through: limits and safe XML.

An XLSX is a zip of XML parts. Before openpyxl sees it:

1. the archive's directory is checked without decompressing anything: number of parts,
   no encrypted part, the sizes the parts declare (total, and each large part's
   compression ratio — a zip bomb declares what it unpacks to, and Python's zipfile never
   unpacks more than a part declares);
2. every XML part is streamed through defusedxml with DTDs forbidden (a workbook never has
   one; billion laughs and external entities need one), counting elements as it goes;
3. the sheet to be read is measured from its real cells — the ``<dimension>`` a file
   declares is never trusted — and refused past a row, column or cell limit.

Then openpyxl reads only the rectangle that holds values (read-only, values only). Reading
stops when it passes a time limit. A CSV or tab-separated text gets the same row, column and
cell limits and a limit on each cell's length.

Every refusal is a ``SpreadsheetRefused`` whose ``message`` says, in Spanish, which file
(and sheet), what limit and what was found; callers show it as it is (page, CLI).
"""

from __future__ import annotations

import csv
import io
import posixpath
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml.sax import make_parser
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

MB = 1024 * 1024
XML_SUFFIXES = (".xml", ".rels", ".vml")
CHECK_EVERY = 4096  # XML events or rows between two looks at the clock


@dataclass(frozen=True)
class Limits:
    """What an uploaded spreadsheet may be. The real files Rumbo reads (data/samples, the
    institutions' formats and programs) have at most 2,249 lines, 21 columns and 0.2 MB:
    each limit is far above them and far below what ties up a server."""

    file_bytes: int = 20 * MB  # the file as uploaded
    unpacked_bytes: int = 50 * MB  # the sum of what an XLSX's parts declare unpacked
    ratio: int = 100  # unpacked / packed, for a part larger than ratio_from_bytes
    ratio_from_bytes: int = 1 * MB  # small parts may compress well: harmless
    parts: int = 1_000  # members of the zip archive
    elements: int = 2_000_000  # XML elements in a sheet or the shared strings
    other_elements: int = 500_000  # XML elements in any other part (styles, workbook…)
    rows: int = 20_000  # the last row with a value
    columns: int = 200  # the last column with a value
    cells: int = 500_000  # cells with a value in the sheet read
    cell_chars: int = 32_767  # Excel's own limit for a cell
    text_lines: int = 200_000  # an imported text document (program, plan: not a table)
    seconds: float = 30.0  # reading one file, end to end


LIMITS = Limits()


class SpreadsheetRefused(Exception):
    """The file is refused; ``message`` is one Spanish sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SpreadsheetCorrupt(SpreadsheetRefused):
    """Not an XLSX, or a damaged one; ``detail`` says what failed, for callers that word
    this case their own way."""

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"«{name}» no se puede leer: {detail}.")
        self.detail = detail


@dataclass
class Sheet:
    """The values of one sheet: ``rows[i]`` is the sheet's row ``i + 1``, as long as its
    last cell with a value (``None`` where a cell is empty)."""

    title: str
    rows: list[tuple[Any, ...]]


def _n(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _mb(size: int) -> str:
    return f"{size / MB:,.1f} MB"


def size_refusal(size: int, limits: Limits = LIMITS) -> str:
    """Why a file of ``size`` bytes is refused («pesa … MB; el máximo es …»), or ""."""
    if size > limits.file_bytes:
        return f"pesa {_mb(size)}; el máximo es {limits.file_bytes // MB} MB"
    return ""


def size_check(name: str, size: int, limits: Limits = LIMITS) -> None:
    """Refuse a file larger than ``limits.file_bytes`` (uploads and imported files)."""
    if reason := size_refusal(size, limits):
        raise SpreadsheetRefused(f"«{name}» {reason}.")


def lines_refusal(text: str, limits: Limits = LIMITS) -> str:
    """Why a text document (an imported program, plan or format) is refused for its number
    of lines, or ""."""
    lines = max(text.count("\n"), text.count("\r")) + 1  # LF, CRLF or CR endings
    if lines > limits.text_lines:
        return f"tiene {_n(lines)} líneas; el máximo es {_n(limits.text_lines)}"
    return ""


class _Clock:
    def __init__(self, name: str, limits: Limits) -> None:
        self.name, self.seconds = name, limits.seconds
        self.deadline = time.monotonic() + limits.seconds

    def check(self) -> None:
        if time.monotonic() >= self.deadline:
            raise SpreadsheetRefused(
                f"La lectura de «{self.name}» pasó de {self.seconds:,g} segundos y se detuvo: "
                "el archivo es demasiado grande o complejo. Divide el archivo o quita las hojas "
                "y los formatos que no se usan."
            )


# --- 1. the archive's directory ------------------------------------------------------------


def _open_archive(name: str, content: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise SpreadsheetCorrupt(name, "no es un archivo ZIP legible") from exc


def _directory_check(name: str, archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse by what the parts declare, before decompressing a single byte."""
    members = archive.infolist()
    refused = f"«{name}» se rechazó sin abrirlo:"
    if len(members) > limits.parts:
        raise SpreadsheetRefused(
            f"{refused} tiene {_n(len(members))} partes internas; el máximo es {_n(limits.parts)}."
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise SpreadsheetRefused(
            f"{refused} está protegido con contraseña. Guárdalo sin contraseña y vuelve a cargarlo."
        )
    total = sum(m.file_size for m in members)
    if total > limits.unpacked_bytes:
        raise SpreadsheetRefused(
            f"{refused} declara que descomprimido ocupa {_mb(total)}; el máximo es "
            f"{limits.unpacked_bytes // MB} MB."
        )
    for m in members:
        if m.file_size > limits.ratio_from_bytes and m.file_size > limits.ratio * max(
            m.compress_size, 1
        ):
            ratio = m.file_size // max(m.compress_size, 1)
            raise SpreadsheetRefused(
                f"{refused} su parte «{m.filename}» declara que se descomprime {_n(ratio)} "
                f"veces (de {_mb(m.compress_size)} a {_mb(m.file_size)}); el máximo es "
                f"{limits.ratio} veces, más que cualquier hoja de cálculo real."
            )


# --- 2. every XML part, streamed safely ----------------------------------------------------


_LOCAL: dict[str, str] = {}  # qualified name → local name («x:c» → «c»)


def _local(name: str) -> str:
    local = _LOCAL.get(name)
    if local is None:
        local = _LOCAL[name] = name.rpartition(":")[2]
    return local


def _column_number(ref: str) -> int:
    number = 0
    for char in ref:
        if not ("A" <= char <= "Z"):
            break
        number = number * 26 + ord(char) - 64
    return number


def _column_letter(column: int) -> str:
    try:
        return get_column_letter(column)
    except ValueError:  # past XFD, Excel's last column
        return f"n.º {_n(column)}"


class _PartWalk(ContentHandler):
    """One XML part streamed through defusedxml's SAX parser with DTDs forbidden: no tree
    is built, elements are counted, the clock is looked at."""

    def __init__(
        self,
        file: str,
        part: str,
        limits: Limits,
        clock: _Clock,
        visit: Callable[[str, Any], None] | None = None,  # each element's start
    ) -> None:
        super().__init__()
        self.file, self.part, self.limits, self.clock = file, part, limits, clock
        self.visit = visit
        self.elements = 0
        self.cap = limits.other_elements

    def run(self, source: IO[bytes]) -> None:
        parser = make_parser()
        parser.forbid_dtd = True  # and, by defusedxml's defaults, entities and external ones
        parser.setContentHandler(self)
        try:
            parser.parse(source)
        except DefusedXmlException:
            raise SpreadsheetRefused(
                f"«{self.file}» se rechazó: su parte «{self.part}» declara entidades XML "
                "(<!DOCTYPE …>), que un libro de Excel nunca usa y que sirven para atacar el "
                "servidor (expandir texto sin fin o leer sus archivos)."
            ) from None
        except SAXException as exc:
            raise SpreadsheetCorrupt(self.file, f"XML dañado en «{self.part}»: {exc}") from None

    def startElement(self, name: str, attrs: Any) -> None:
        self.elements += 1
        if self.elements == 1 and _local(name) in ("worksheet", "sst"):
            self.cap = self.limits.elements  # a sheet or the shared strings
        elif self.elements > self.cap:
            raise SpreadsheetRefused(
                f"«{self.file}» se rechazó: su parte «{self.part}» tiene más de "
                f"{_n(self.cap)} elementos XML (celdas, filas, formatos); el máximo es "
                f"{_n(self.cap)}."
            )
        if not self.elements % CHECK_EVERY:
            self.clock.check()
        if self.visit is not None:
            self.visit(_local(name), attrs)


class _SheetWalk(_PartWalk):
    """A worksheet walked: where its values are, measured from its cells (never from the
    ``<dimension>`` it declares), refused past the limits as soon as they are passed."""

    def __init__(self, file: str, part: str, limits: Limits, clock: _Clock, title: str) -> None:
        super().__init__(file, part, limits, clock)
        self.title = title
        self.row = 0  # the current row element's number
        self.column = 0  # the current cell's column
        self.in_cell = self.in_text = self.has_value = False  # in_text: in a cell's <v>, <t>
        self.last_row = self.last_column = self.cells = 0  # of the cells with a value

    def where(self) -> str:
        return f"La hoja «{self.title}» de «{self.file}»"

    def startElement(self, name: str, attrs: Any) -> None:
        _PartWalk.startElement(self, name, attrs)
        local = _local(name)
        if local == "c":
            ref = attrs.get("r")
            self.column = _column_number(ref) if ref else self.column + 1
            self.in_cell, self.has_value = True, False
        elif local == "v" or local == "t":
            self.in_text = self.in_cell
        elif local == "row":
            ref = attrs.get("r")
            self.row = self._row_number(ref) if ref else self.row + 1
            self.column = 0

    def _row_number(self, text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise SpreadsheetCorrupt(self.file, f"fila «{text[:20]}» ilegible") from None

    def characters(self, content: str) -> None:
        if self.in_text and content:
            self.has_value = True

    def endElement(self, name: str) -> None:
        local = _local(name)
        if local == "c":
            self.in_cell = self.in_text = False
            if self.has_value:
                self._value()
        elif local == "v" or local == "t":
            self.in_text = False

    def _value(self) -> None:
        limits = self.limits
        if self.row > limits.rows:
            raise SpreadsheetRefused(
                f"{self.where()} tiene datos en la fila {_n(self.row)}; el máximo es "
                f"{_n(limits.rows)} filas."
            )
        if self.column > limits.columns:
            raise SpreadsheetRefused(
                f"{self.where()} tiene datos en la columna {_column_letter(self.column)} "
                f"(la {_n(self.column)}.ª); el máximo es {_n(limits.columns)} columnas (hasta "
                f"la {get_column_letter(limits.columns)})."
            )
        self.cells += 1
        if self.cells > limits.cells:
            raise SpreadsheetRefused(
                f"{self.where()} tiene más de {_n(limits.cells)} celdas con datos; el máximo "
                f"es {_n(limits.cells)}."
            )
        if self.row > self.last_row:
            self.last_row = self.row
        if self.column > self.last_column:
            self.last_column = self.column


def _walk(archive: zipfile.ZipFile, walk: _PartWalk) -> None:
    name, part = walk.file, walk.part
    walk.clock.check()
    try:
        with archive.open(part) as source:
            walk.run(source)
    except KeyError:
        raise SpreadsheetCorrupt(name, f"falta la parte «{part}»") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise SpreadsheetCorrupt(name, f"la parte «{part}» está dañada") from exc


def _relationships(
    name: str, archive: zipfile.ZipFile, part: str, limits: Limits, clock: _Clock
) -> dict[str, tuple[str, str]]:
    """Id → (type, target as a part name) of the relationships of ``part``."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    found: dict[str, tuple[str, str]] = {}

    def visit(local: str, attrs: Any) -> None:
        if local == "Relationship":
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), posixpath.normpath(path))

    if rels in archive.NameToInfo:
        _walk(archive, _PartWalk(name, rels, limits, clock, visit))
    return found


def _sheet_parts(
    name: str, archive: zipfile.ZipFile, limits: Limits, clock: _Clock
) -> list[tuple[str, str]]:
    """(title, part) of every worksheet, in the workbook's order."""
    book = next(
        (t for k, t in _relationships(name, archive, "", limits, clock).values()
         if k.endswith("/officeDocument")),
        "xl/workbook.xml",
    )  # fmt: skip
    rels = _relationships(name, archive, book, limits, clock)
    sheets: list[tuple[str, str]] = []

    def visit(local: str, attrs: Any) -> None:
        if local != "sheet":
            return
        rid = next((attrs[k] for k in attrs.keys() if k.endswith(":id")), "")  # noqa: SIM118 - SAX attributes
        kind, target = rels.get(rid, ("", ""))
        if kind.endswith("/worksheet"):
            sheets.append((attrs.get("name", ""), target))

    _walk(archive, _PartWalk(name, book, limits, clock, visit))
    return sheets


# --- 3. the sheet's values -----------------------------------------------------------------


def _values(name: str, content: bytes, title: str, extent: _SheetWalk, clock: _Clock) -> Sheet:
    """The rectangle up to the last row and column with a value, read by openpyxl."""
    if not extent.cells:
        return Sheet(title=title, rows=[])
    clock.check()
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise SpreadsheetCorrupt(name, f"openpyxl no pudo abrirlo: {type(exc).__name__}") from exc
    rows: list[tuple[Any, ...]] = []
    try:
        ws: Any = wb[title]  # a ReadOnlyWorksheet
        ws.reset_dimensions()  # the file's <dimension> is not to be trusted
        for values in ws.iter_rows(
            max_row=extent.last_row, max_col=extent.last_column, values_only=True
        ):
            rows.append(_trimmed(values, len(rows) + 1, extent))
            if len(rows) % CHECK_EVERY == 0:
                clock.check()
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise SpreadsheetCorrupt(name, f"celdas ilegibles: {type(exc).__name__}") from exc
    finally:
        wb.close()
    return Sheet(title=title, rows=rows)


def _trimmed(values: tuple[Any, ...], row: int, extent: _SheetWalk) -> tuple[Any, ...]:
    end = len(values)
    while end and values[end - 1] is None:
        end -= 1
    for column, value in enumerate(values[:end], 1):
        if isinstance(value, str) and len(value) > extent.limits.cell_chars:
            raise SpreadsheetRefused(
                f"{extent.where()} tiene en la celda {_column_letter(column)}{row} un texto "
                f"de {_n(len(value))} caracteres; el máximo es {_n(extent.limits.cell_chars)} "
                "(el de Excel)."
            )
    return tuple(values[:end])


def xlsx_sheet(
    name: str, content: bytes, *, sheet: str | None = None, limits: Limits = LIMITS
) -> Sheet | None:
    """The values of the sheet titled ``sheet`` (the first worksheet when ``None``); ``None``
    when the workbook has no such sheet. Raises ``SpreadsheetRefused`` (or its subclass
    ``SpreadsheetCorrupt``) with the reason."""
    clock = _Clock(name, limits)
    size_check(name, len(content), limits)
    with _open_archive(name, content) as archive:
        _directory_check(name, archive, limits)
        sheets = _sheet_parts(name, archive, limits, clock)
        picked = next((s for s in sheets if sheet is None or s[0] == sheet), None)
        extent = None
        for info in archive.infolist():
            part = info.filename
            if not part.lower().endswith(XML_SUFFIXES):
                continue
            if picked is not None and part == picked[1]:
                extent = _SheetWalk(name, part, limits, clock, title=picked[0])
                _walk(archive, extent)
            else:
                _walk(archive, _PartWalk(name, part, limits, clock))
    if picked is None:
        return None
    if extent is None:
        raise SpreadsheetCorrupt(name, f"falta la parte «{picked[1]}» de la hoja «{picked[0]}»")
    return _values(name, content, picked[0], extent, clock)


# --- CSV and tab-separated text ------------------------------------------------------------


@dataclass
class _TextLimits:
    name: str
    limits: Limits
    cells: int = 0

    def shape(self, text: str, delimiter: str) -> None:
        """Lines and fields counted on the text, before anything is split."""
        limits = self.limits
        lines = text.count("\n") + 1
        if lines > limits.rows:
            raise SpreadsheetRefused(
                f"«{self.name}» tiene {_n(lines)} líneas; el máximo es {_n(limits.rows)} filas."
            )
        fields = text.count(delimiter) + lines
        if fields > limits.rows * limits.columns:
            raise SpreadsheetRefused(
                f"«{self.name}» tiene {_n(fields)} campos; el máximo es {_n(limits.rows)} filas "
                f"de {_n(limits.columns)} columnas."
            )

    def columns(self, line: int, count: int) -> None:
        if count > self.limits.columns:
            raise SpreadsheetRefused(
                f"«{self.name}», línea {_n(line)}: tiene {_n(count)} columnas; el máximo es "
                f"{_n(self.limits.columns)}."
            )

    def row(self, line: int, cells: list[str]) -> None:
        limits = self.limits
        self.columns(line, len(cells))
        for column, cell in enumerate(cells, 1):
            if len(cell) > limits.cell_chars:
                self.long_cell(line, f"la columna {column} tiene {_n(len(cell))} caracteres")
        self.cells += sum(1 for cell in cells if cell)
        if self.cells > limits.cells:
            raise SpreadsheetRefused(
                f"«{self.name}» tiene más de {_n(limits.cells)} celdas con datos (en la línea "
                f"{_n(line)}); el máximo es {_n(limits.cells)}."
            )

    def long_cell(self, line: int, found: str) -> None:
        raise SpreadsheetRefused(
            f"«{self.name}», línea {_n(line)}: {found}; el máximo es "
            f"{_n(self.limits.cell_chars)} caracteres por celda (el de Excel)."
        )


def delimited_rows(
    name: str, text: str, *, delimiter: str, limits: Limits = LIMITS
) -> list[tuple[int, list[str]]]:
    """(line where the row starts, cells) of a CSV (quoted fields may span lines) or, with
    ``delimiter="\\t"``, of tab-separated text (one row per line, no quoting)."""
    guard = _TextLimits(name, limits)
    guard.shape(text, delimiter)
    if delimiter != "\t":
        return list(_csv_rows(guard, text, delimiter))
    rows = []
    for number, line in enumerate(text.split("\n"), 1):
        guard.columns(number, line.count("\t") + 1)
        cells = line.split("\t")
        guard.row(number, cells)
        rows.append((number, cells))
    return rows


def _csv_rows(guard: _TextLimits, text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    # csv's own field limit (131,072 characters; process-wide, so left as it is) bounds the
    # memory of one field; the cell limit, lower, is checked on each row.
    # Lines, not a StringIO: its buffer holds four bytes per character.
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the text's last line break ends a line, it does not start one
    reader = csv.reader((line + "\n" for line in lines), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            guard.row(start, cells)
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            guard.long_cell(
                start, f"una celda tiene más de {_n(csv.field_size_limit())} caracteres"
            )
        raise SpreadsheetCorrupt(
            guard.name, f"CSV ilegible en la línea {_n(reader.line_num)}: {exc}"
        ) from None


__all__ = [
    "LIMITS",
    "Limits",
    "Sheet",
    "SpreadsheetCorrupt",
    "SpreadsheetRefused",
    "delimited_rows",
    "lines_refusal",
    "size_check",
    "size_refusal",
    "xlsx_sheet",
]


def cell_text(value: object) -> str:
    """A cell as text: a float written with its shortest exact digits (1234.5, not
    1234.500000001 unless the sheet holds that), dates dd/mm/aaaa."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        dec = Decimal(repr(value))
        return f"{dec.normalize():f}" if dec != dec.to_integral_value() else str(int(dec))
    return str(value).replace("\u00a0", " ").strip()

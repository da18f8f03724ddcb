"""XLSX workbooks whose rows are streamed as XML and whose cells refer to named styles
registered once.

openpyxl writes every part of the file but the rows: the workbook, its sheets' column
widths, frozen panes and filters, and the styles (``NamedStyle``, added once, one ``xf``
record per look). The rows — nearly all of the file — are written by
``StreamedSheet.append`` as text and put in place of each sheet's empty ``<sheetData>``
when the file is saved (``StreamedWorkbook.save``). Through openpyxl's write-only mode a
cell cost about 35 µs here (a ``WriteOnlyCell``, its style lookup, an XML element): the
monthly XLSX of a 1,200-activity program (18,585 cells) took 994 ms beside 322 ms of data;
streamed, 310 ms beside 210 ms (``make bench``, docs/performance.md).

What a row holds: a value, or ``XlsxStyles.cell(sheet, value, style)`` — the value with the
``xf`` index of a named style. Texts are inline strings (``t="inlineStr"``), always text:
one that starts with «=» is never a formula. Characters XML cannot hold (control
characters) are written as OOXML's ``_xHHHH_``, as Excel does. Numbers are numbers (int,
float, Decimal; an infinite or NaN one is refused), booleans are booleans, ``None`` is an
empty cell (written only when styled, so an empty cell keeps its fill or number format).
A date must be formatted by the caller (Rumbo writes dd/mm/aaaa as text): any other type
raises ``TypeError`` rather than guess.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable
from copy import copy
from decimal import Decimal
from typing import IO, Any, NamedTuple

from openpyxl import Workbook
from openpyxl.styles import NamedStyle
from openpyxl.utils import get_column_letter


class StyledValue(NamedTuple):
    """A cell's value and the ``xf`` index of its style (0: the workbook's default)."""

    value: Any
    xf: int


_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def _escape_match(match: re.Match[str]) -> str:
    found = match.group(0)
    if found in _ENTITIES:
        return _ENTITIES[found]
    if found.startswith("_x"):  # a literal «_x0041_» stays literal (OOXML's own escape)
        return "_x005F" + found
    return f"_x{ord(found):04X}_"


def xml_text(text: str) -> str:
    """``text`` as the content of an XLSX string element."""
    return _NEEDS_ESCAPE.sub(_escape_match, text) if _NEEDS_ESCAPE.search(text) else text


def _number(value: float | Decimal | int) -> str:
    if isinstance(value, int):  # an int subclass (an IntEnum): its number
        return str(int(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"a cell cannot hold {value}")
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"a cell cannot hold {value}")
    return repr(value)


def _cell_xml(ref: str, value: Any, xf: int) -> str:
    """One ``<c>`` element ("" for an empty cell without a style)."""
    style = f' s="{xf}"' if xf else ""
    kind = type(value)
    if kind is str and value:
        space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{xml_text(value)}</t></is></c>'
    if kind is int:
        return f'<c r="{ref}"{style}><v>{value}</v></c>'
    if value is None or kind is str:
        return f'<c r="{ref}"{style}/>' if xf else ""
    if kind is bool:
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, float | Decimal | int):
        return f'<c r="{ref}"{style}><v>{_number(value)}</v></c>'
    if isinstance(value, str):  # a str subclass: its text
        return _cell_xml(ref, str(value), xf)
    raise TypeError(
        f"an XLSX cell holds text, a number or a boolean, not {kind.__name__} ({value!r}); "
        "format it first"
    )


class StreamedSheet:
    """One sheet: openpyxl's ``Worksheet`` (empty) for its settings — ``column_dimensions``,
    ``freeze_panes``, ``auto_filter`` — and ``append`` for its rows."""

    def __init__(self, parent: StreamedWorkbook, ws: Any) -> None:
        self.parent, self.ws = parent, ws
        self.rows: list[str] = []
        self.max_column = 0

    @property
    def column_dimensions(self) -> Any:
        return self.ws.column_dimensions

    @property
    def auto_filter(self) -> Any:
        return self.ws.auto_filter

    @property
    def freeze_panes(self) -> Any:
        return self.ws.freeze_panes

    @freeze_panes.setter
    def freeze_panes(self, cell: str | None) -> None:
        self.ws.freeze_panes = cell

    def append(self, cells: Iterable[Any]) -> None:
        """Add the next row: values or ``StyledValue``s, from column A."""
        number = len(self.rows) + 1
        letters = self.parent.letters
        parts = [f'<row r="{number}">']
        column = -1
        for column, cell in enumerate(cells):
            if column >= len(letters):
                letters.extend(get_column_letter(i + 1) for i in range(len(letters), column + 1))
            if type(cell) is StyledValue:
                parts.append(_cell_xml(f"{letters[column]}{number}", cell.value, cell.xf))
            else:
                parts.append(_cell_xml(f"{letters[column]}{number}", cell, 0))
        parts.append("</row>")
        self.max_column = max(self.max_column, column + 1)
        self.rows.append("".join(parts))

    def dimension(self) -> str:
        if not self.rows or not self.max_column:
            return "A1"
        return f"A1:{get_column_letter(self.max_column)}{len(self.rows)}"


_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>\s*</sheetData>")
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')


class StreamedWorkbook:
    """A workbook for ``XlsxStyles`` and ``StreamedSheet``s; ``save`` writes the file."""

    def __init__(self) -> None:
        self.workbook = Workbook()
        self.workbook.remove(self.workbook.worksheets[0])
        self.sheets: list[StreamedSheet] = []
        self.letters: list[str] = []

    def create_sheet(self, title: str) -> StreamedSheet:
        sheet = StreamedSheet(self, self.workbook.create_sheet(title))
        self.sheets.append(sheet)
        return sheet

    def add_named_style(self, style: NamedStyle) -> None:
        self.workbook.add_named_style(style)

    def save(self, target: IO[bytes]) -> None:
        """Write the file to ``target``: openpyxl's parts, each sheet's rows in place of
        its empty ``<sheetData>``."""
        skeleton = io.BytesIO()
        self.workbook.save(skeleton)
        by_part = {sheet.ws.path.lstrip("/"): sheet for sheet in self.sheets}
        with (
            zipfile.ZipFile(skeleton) as source,
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out,
        ):
            for info in source.infolist():
                data = source.read(info)
                sheet = by_part.get(info.filename)
                if sheet is None:
                    out.writestr(info, data)
                    continue
                head, tail = _split_sheet(data, info.filename)
                head = _DIMENSION.sub(
                    f'<dimension ref="{sheet.dimension()}"/>'.encode(), head, count=1
                )
                with out.open(info.filename, "w") as part:
                    part.write(head)
                    part.write(b"<sheetData>")
                    for row in sheet.rows:
                        part.write(row.encode("utf-8"))
                    part.write(b"</sheetData>")
                    part.write(tail)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()


def _split_sheet(data: bytes, name: str) -> tuple[bytes, bytes]:
    match = _SHEET_DATA.search(data)
    if match is None:  # openpyxl wrote cells of its own: a misuse of the sheet
        raise RuntimeError(f"{name}: the sheet's rows must be written through append()")
    return data[: match.start()], data[match.end() :]


class XlsxStyles:
    """The named styles of one workbook: ``add`` registers a style once, ``cell`` makes a
    cell that uses one (or none)."""

    def __init__(self, book: StreamedWorkbook) -> None:
        self.book = book
        self._xf: dict[str, int] = {}

    def add(self, style: NamedStyle) -> str:
        """Register ``style`` on the workbook (once per name); its name. A copy is bound
        (binding changes a style), so one module-level style serves every workbook."""
        if style.name not in self._xf:
            own = NamedStyle(
                name=style.name,
                font=style.font,
                fill=style.fill,
                border=style.border,
                alignment=style.alignment,
                number_format=style.number_format,
                protection=style.protection,
            )
            self.book.add_named_style(own)
            # The cell format (``xf``) a cell of this style refers to: what openpyxl's
            # ``cell.style = name`` then ``cell.style_id`` give, computed once.
            cell_styles = self.book.workbook._cell_styles  # type: ignore[attr-defined]
            self._xf[own.name] = cell_styles.add(copy(own.as_tuple()))
        return style.name

    def __contains__(self, name: str) -> bool:
        return name in self._xf

    def cell(self, sheet: Any, value: Any, style: str | None = None) -> StyledValue:
        """``value`` with the named style ``style`` (registered by ``add``), or none."""
        return StyledValue(value, self._xf[style] if style is not None else 0)

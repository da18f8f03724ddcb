"""The layout every report's XLSX shares: a title block (institution, report, period,
generation time), one header row, frozen panes, column widths, numbers as numbers with
es-MX-friendly formats and the semáforo as text with a fill colour."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl.styles import DEFAULT_FONT, Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from rumbo.core.numbers import to_json_number
from rumbo.core.semaforo import Light
from rumbo.core.xlsx import StreamedSheet, StreamedWorkbook, StyledValue, XlsxStyles
from rumbo.institutions.letterhead import Signer

from ..common import ReportHeader

INTEGER = "#,##0"
DECIMAL = "#,##0.00##"
PERCENT = "0.00%"
GENERAL = "General"
LIGHT_FILLS = {
    Light.GREEN: PatternFill("solid", fgColor="C8E6C9"),
    Light.YELLOW: PatternFill("solid", fgColor="FFF59D"),
    Light.RED: PatternFill("solid", fgColor="FFCDD2"),
    Light.GREY: PatternFill("solid", fgColor="E0E0E0"),
}
HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
GROUP_FILL = PatternFill("solid", fgColor="E8EDF3")
PRELIMINARY_FILL = PatternFill("solid", fgColor="FFF3E0")
BOLD = Font(bold=True)
TOP = Alignment(vertical="top")


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    wrap: bool = False


class LightCell:
    """A semáforo cell: its text, filled with the colour of its light."""

    def __init__(self, light: Light, text: str) -> None:
        self.light, self.text = light, text


class Percent:
    """A percentage given in percent (95.5) written as the fraction Excel formats (0.955)."""

    def __init__(self, value: Decimal | None) -> None:
        self.value = value


CellValue = str | int | float | Decimal | None | LightCell | Percent


FILL_NAMES = {
    id(GROUP_FILL): "grupo",
    id(PRELIMINARY_FILL): "preliminar",
    **{id(fill): light.value for light, fill in LIGHT_FILLS.items()},
}
FORMAT_NAMES = {INTEGER: "entero", DECIMAL: "decimal", PERCENT: "porcentaje"}
HEADER_STYLE = NamedStyle(
    name="Rumbo · encabezado",
    font=Font(bold=True, color="FFFFFF"),
    fill=HEADER_FILL,
    alignment=Alignment(wrap_text=True, vertical="center"),
)
TITLE_STYLES = [
    NamedStyle(name="Rumbo · institución", font=Font(bold=True, size=14)),
    NamedStyle(name="Rumbo · título", font=Font(bold=True, size=12)),
    None,
    NamedStyle(name="Rumbo · generado", font=Font(italic=True, color="555555")),
    NamedStyle(name="Rumbo · versión", font=Font(italic=True, color="555555")),
]
NOTE_STYLE = NamedStyle(name="Rumbo · nota", font=BOLD)
SIGNER_STYLE = NamedStyle(
    name="Rumbo · firma", font=DEFAULT_FONT, alignment=Alignment(wrap_text=False, vertical="top")
)


class ReportWorkbook(StreamedWorkbook):
    """A streamed workbook (``rumbo.core.xlsx``) that knows its named styles."""

    def __init__(self) -> None:
        super().__init__()
        self.styles = XlsxStyles(self)
        # A data cell's look (number format, fill, bold, wrap, indent) -> its xf index.
        self.xf: dict[tuple[Any, ...], int] = {}


class SheetWriter:
    """Writes one sheet: ``title_block`` then ``header`` then ``row`` as many times.

    The rows are streamed (``rumbo.core.xlsx.StreamedSheet``): written as text as they
    come. Every cell refers to a named style registered once per workbook: one per look
    (number format, fill, bold, alignment), named after it («Rumbo · negrita, grupo,
    entero, sangría 1»)."""

    def __init__(self, ws: StreamedSheet, report: ReportHeader, columns: list[Column]) -> None:
        self.ws, self.columns = ws, columns
        if not isinstance(ws.parent, ReportWorkbook):
            raise TypeError("a report's sheet belongs to a ReportWorkbook (new_workbook)")
        self.book: ReportWorkbook = ws.parent
        self.next_row = 1
        for i, col in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = col.width
        texts = [
            report.institution.name,
            report.title,
            report.period,
            f"Generado el {report.generated_label}",
            *([report.version] if report.version else []),
        ]
        for text, style in zip(texts, TITLE_STYLES, strict=False):
            self._write([self._cell(text, style)])

    def _cell(self, value: Any, style: NamedStyle | None) -> StyledValue:
        styles = self.book.styles
        return styles.cell(self.ws, value, styles.add(style) if style is not None else None)

    def _write(self, cells: list[Any]) -> None:
        self.next_row += 1
        self.ws.append(cells)

    def note(self, text: str, *, bold: bool = False) -> None:
        self._write([self._cell(text, NOTE_STYLE if bold else None)])

    def signatures(self, signers: Iterable[Signer]) -> None:
        """The signature block at the end of the sheet: each role, its name and position
        (a line to sign on when the institution named no one)."""
        self.blank()
        self.note("Firmas", bold=True)
        for signer in signers:
            text = ", ".join(part for part in (signer.name, signer.position) if part)
            self._write(
                [self._cell(signer.role, NOTE_STYLE), self._cell(text or "_" * 30, SIGNER_STYLE)]
            )

    def blank(self) -> None:
        self._write([])

    def header(self, *, freeze: bool = True) -> int:
        self.blank()
        row = self.next_row
        self._write([self._cell(col.title, HEADER_STYLE) for col in self.columns])
        if freeze:
            self.ws.freeze_panes = f"A{row + 1}"
        return row

    def row(
        self,
        values: list[CellValue],
        *,
        bold: bool = False,
        fill: PatternFill | None = None,
        indent: int = 0,
    ) -> int:
        r = self.next_row
        cells = []
        for i, value in enumerate(values):
            light_fill = LIGHT_FILLS[value.light] if isinstance(value, LightCell) else None
            number_format, value = _cell_value(value)
            cell_fill = light_fill if light_fill is not None else fill
            wrap = self.columns[i].wrap
            cell_indent = indent if wrap or i == 0 else 0
            key = (number_format, id(cell_fill), bold, wrap, cell_indent)
            xf = self.book.xf.get(key)
            if xf is None:
                style = self._style(number_format, cell_fill, bold, wrap, cell_indent)
                xf = self.book.xf[key] = self._cell(None, style).xf
            cells.append(StyledValue(value, xf))
        self._write(cells)
        return r

    def _style(
        self, number_format: str, fill: PatternFill | None, bold: bool, wrap: bool, indent: int
    ) -> NamedStyle:
        key = (number_format, id(fill) if fill is not None else None, bold, wrap, indent)
        found = _DATA_STYLES.get(key)
        if found is None:
            parts = [
                *(["negrita"] if bold else []),
                *([FILL_NAMES[id(fill)]] if fill is not None else []),
                *([FORMAT_NAMES[number_format]] if number_format in FORMAT_NAMES else []),
                *(["ajustado"] if wrap else []),
                *([f"sangría {indent}"] if indent else []),
            ]
            if wrap:
                alignment = Alignment(wrap_text=True, vertical="top", indent=indent)
            elif indent:
                alignment = Alignment(indent=indent, vertical="top")
            else:
                alignment = TOP
            found = _DATA_STYLES[key] = NamedStyle(
                name="Rumbo · " + (", ".join(parts) or "dato"),
                font=BOLD if bold else DEFAULT_FONT,
                fill=fill if fill is not None else PatternFill(),
                alignment=alignment,
                number_format=number_format,
            )
        return found


_DATA_STYLES: dict[tuple[Any, ...], NamedStyle] = {}


def _cell_value(value: CellValue) -> tuple[str, Any]:
    """The number format and the value a cell holds."""
    if type(value) is int:
        return INTEGER, value
    if isinstance(value, LightCell):
        return GENERAL, value.text
    if isinstance(value, Percent):
        return PERCENT, None if value.value is None else float(value.value / 100)
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        number = to_json_number(Decimal(str(value)))
        return (INTEGER if isinstance(number, int) else DECIMAL), number
    return GENERAL, value


def new_workbook(first_title: str) -> tuple[ReportWorkbook, StreamedSheet]:
    """A streamed workbook and its first sheet, titled."""
    wb = ReportWorkbook()
    return wb, wb.create_sheet(first_title)


def workbook_bytes(wb: ReportWorkbook) -> bytes:
    """The file. Every text cell is an inline string (``rumbo.core.xlsx``): a text that
    starts with «=» stays text, never a formula."""
    return wb.to_bytes()

"""The layout every report's XLSX shares: a title block (institution, report, period,
generation time), one header row, frozen panes, column widths, numbers as numbers with
es-MX-friendly formats and the semáforo as text with a fill colour."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rumbo.core.exportfile import xlsx_defuse
from rumbo.core.numbers import to_json_number
from rumbo.core.semaforo import Light
from rumbo.institutions.letterhead import Signer

from ..common import ReportHeader

INTEGER = "#,##0"
DECIMAL = "#,##0.00##"
PERCENT = "0.00%"
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


class SheetWriter:
    """Writes one sheet: ``title_block`` then ``header`` then ``row`` as many times."""

    def __init__(self, ws: Worksheet, report: ReportHeader, columns: list[Column]) -> None:
        self.ws, self.columns = ws, columns
        self.next_row = 1
        for text, font in (
            (report.institution.name, Font(bold=True, size=14)),
            (report.title, Font(bold=True, size=12)),
            (report.period, None),
            (f"Generado el {report.generated_label}", Font(italic=True, color="555555")),
            *([(report.version, Font(italic=True, color="555555"))] if report.version else []),
        ):
            cell = ws.cell(row=self.next_row, column=1, value=text)
            if font is not None:
                cell.font = font
            self.next_row += 1
        for i, col in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = col.width

    def note(self, text: str, *, bold: bool = False) -> None:
        cell = self.ws.cell(row=self.next_row, column=1, value=text)
        if bold:
            cell.font = BOLD
        self.next_row += 1

    def signatures(self, signers: Iterable[Signer]) -> None:
        """The signature block at the end of the sheet: each role, its name and position
        (a line to sign on when the institution named no one)."""
        self.blank()
        self.note("Firmas", bold=True)
        for signer in signers:
            text = ", ".join(part for part in (signer.name, signer.position) if part)
            role = self.ws.cell(row=self.next_row, column=1, value=signer.role)
            role.font = BOLD
            cell = self.ws.cell(row=self.next_row, column=2, value=text or "_" * 30)
            cell.alignment = Alignment(wrap_text=False, vertical="top")
            self.next_row += 1

    def blank(self) -> None:
        self.next_row += 1

    def header(self, *, freeze: bool = True) -> int:
        self.blank()
        row = self.next_row
        for i, col in enumerate(self.columns, start=1):
            cell = self.ws.cell(row=row, column=i, value=col.title)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        if freeze:
            self.ws.freeze_panes = f"A{row + 1}"
        self.next_row += 1
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
        for i, value in enumerate(values, start=1):
            cell: Any = self.ws.cell(row=r, column=i)
            if isinstance(value, LightCell):
                cell.value = value.text
                cell.fill = LIGHT_FILLS[value.light]
            elif isinstance(value, Percent):
                cell.value = None if value.value is None else float(value.value / 100)
                cell.number_format = PERCENT
            elif isinstance(value, Decimal | int | float) and not isinstance(value, bool):
                number = to_json_number(Decimal(str(value)))
                cell.value = number
                cell.number_format = INTEGER if isinstance(number, int) else DECIMAL
            else:
                cell.value = value
            if fill is not None and not isinstance(value, LightCell):
                cell.fill = fill
            if bold:
                cell.font = BOLD
            if self.columns[i - 1].wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top", indent=indent)
            elif indent and i == 1:
                cell.alignment = Alignment(indent=indent, vertical="top")
            else:
                cell.alignment = TOP
        self.next_row += 1
        return r


def new_workbook(first_title: str) -> tuple[Workbook, Worksheet]:
    """A workbook and its first sheet, titled."""
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = first_title
    return wb, ws


def workbook_bytes(wb: Workbook) -> bytes:
    """The file; a text that starts with «=» stays text, never a formula (xlsx_defuse)."""
    buffer = BytesIO()
    xlsx_defuse(wb).save(buffer)
    return buffer.getvalue()

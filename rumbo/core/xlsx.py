"""Write-only XLSX workbooks whose cells refer to named styles registered once.

openpyxl's write-only mode streams rows to the file instead of keeping a cell object per
coordinate, and a named style (``NamedStyle``, added to the workbook once) gives every
cell that shares a look one style record. ``XlsxStyles.cell`` makes a ``WriteOnlyCell``
that refers to a named style by name — what ``cell.style = name`` does, without that
setter's linear search of the workbook's styles for every cell — and defuses a text that
openpyxl would take for a formula (``xlsx_defuse_cell``), so every text cell stays text.
"""

from __future__ import annotations

from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import NamedStyle

from .exportfile import xlsx_defuse_cell


class XlsxStyles:
    """The named styles of one write-only workbook: ``add`` registers a style once,
    ``cell`` makes a cell that uses one (or none)."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self._arrays: dict[str, Any] = {}

    def add(self, style: NamedStyle) -> str:
        """Register ``style`` on the workbook (once per name); its name. A copy is bound
        (binding changes a style), so one module-level style serves every workbook."""
        if style.name not in self._arrays:
            own = NamedStyle(
                name=style.name,
                font=style.font,
                fill=style.fill,
                border=style.border,
                alignment=style.alignment,
                number_format=style.number_format,
                protection=style.protection,
            )
            self.workbook.add_named_style(own)
            self._arrays[own.name] = copy(own.as_tuple())
        return style.name

    def __contains__(self, name: str) -> bool:
        return name in self._arrays

    def cell(self, sheet: Any, value: Any, style: str | None = None) -> Any:
        cell: Any = WriteOnlyCell(sheet, value=value)
        if style is not None:
            # What `cell.style = name` sets (a copy of the style's array); shared here, as a
            # write-only cell is written once and never restyled.
            cell._style = self._arrays[style]
        return xlsx_defuse_cell(cell)

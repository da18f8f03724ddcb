"""Constants, patterns and the parsed-document dataclasses of the PAA importer."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rumbo.core.numbers import format_mx, parse_number
from rumbo.core.periods import MONTH_ABBR, MONTH_LABELS, MONTH_NAMES
from rumbo.core.text import normalize

from ..base import (
    FindingDraft,
)

KIND = "paa"
KIND_LABEL = "un Programa Anual de Actividades"
MONTHS = tuple(MONTH_LABELS)  # as the PAA heads its month columns
QUANTUM = Decimal("0.0001")  # the precision of the quantity columns

# How institutions head the annual-quantity column of the detail table (normalize()d text).
# The one list of accepted wordings: add a plausible synonym here, nowhere else.
# Each may be followed by «programada»/«programado» («Cantidad anual programada»).
ANNUAL_HEADERS = (
    "cantidad anual",  # IEEM
    "meta anual",
    "total anual",
    "cantidad programada anual",
    "meta programada anual",
    "programacion anual",
    "cantidad programada",
    "meta programada",
)

_TITLE_RE = re.compile(r"^programa anual de actividades (\d{4})$")  # on normalize()d text
_SUBPROGRAM_RE = re.compile(r"^Subprograma\s+(\d{1,3})\s*[:.\-]\s*(.*)$", re.IGNORECASE)
_AREA_RE = re.compile(r"^[ÁA]rea\s*:\s*(.+)$", re.IGNORECASE)
_OBJECTIVE_RE = re.compile(r"^Objetivos? Generale?s?\s*:?\s*(.*)$", re.IGNORECASE)
_LEGAL_RE = re.compile(r"^Marco Legal\s*:\s*(.*)$", re.IGNORECASE)
_KEY_RE = re.compile(r"^ *(\d{6}|\d{4})([ \t]+)(.*)$")
_KEY_LIKE_RE = re.compile(r"^ *(\d{3,8})[ \t]+([^\d\s].*)$")  # digits, then text
_GLUED_RE = re.compile(r"^(\d[\d,]*(?:\.\d+)?)\s+(\D.*)$")
_TOTAL_PREFIX_RE = re.compile(r"^\s*total\s*:?\s*", re.IGNORECASE)
_QTY_SEPARATORS_RE = re.compile(r"^(?:[\s,;.]|\by\b)*$")
_QTY_ITEM = r"(?:S\s*/\s*C|SC)\.?|{number}(?:\s?E(?![^\W\d_]))?"
_QTY_LOOSE_RE = re.compile(_QTY_ITEM.format(number=r"\d+(?:\.\d+)?"))
_QTY_THOUSANDS_RE = re.compile(
    _QTY_ITEM.format(number=r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?")
)


# ---------------------------------------------------------------------------------------
# Parsed document (plain data, no database)


@dataclass
class ParsedBeneficiary:
    description: str
    quantity: str


@dataclass
class ParsedActivity:
    key: str
    description: str
    line: int
    unit: str = ""
    annual: Decimal | None = None
    values_as_printed: list[str] = field(default_factory=list)  # '' = a blank cell
    months: dict[int, Decimal] = field(default_factory=dict)  # only the certain months
    beneficiaries: list[ParsedBeneficiary] = field(default_factory=list)

    @property
    def calendar_as_printed(self) -> str:
        return " | ".join(self.values_as_printed)


@dataclass
class ParsedProject:
    key: str
    name: str
    line: int
    declared_activities: int | None = None
    declared_line: int | None = None
    activities: list[ParsedActivity] = field(default_factory=list)


@dataclass
class ParsedSubprogram:
    key: str
    name: str
    line: int
    area_labels: list[tuple[str, int]] = field(default_factory=list)  # (label, line)
    objective: str = ""
    legal_framework: str = ""
    declared_activities: int | None = None
    declared_line: int | None = None
    projects: list[ParsedProject] = field(default_factory=list)

    @property
    def area_label(self) -> str:
        return self.area_labels[0][0] if self.area_labels else ""

    def activities(self) -> Iterator[ParsedActivity]:
        for project in self.projects:
            yield from project.activities


@dataclass
class ParsedProgram:
    name: str
    year: int | None
    year_line: int | None
    subprograms: list[ParsedSubprogram]
    findings: list[FindingDraft]

    def projects(self) -> Iterator[ParsedProject]:
        for subprogram in self.subprograms:
            yield from subprogram.projects

    def activities(self) -> Iterator[ParsedActivity]:
        for subprogram in self.subprograms:
            yield from subprogram.activities()


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _short(text: str, size: int = 80) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _fmt(value: Decimal) -> str:
    return format_mx(value)


def _month_names(months: Sequence[int]) -> str:
    return ", ".join(MONTHS[m - 1] for m in months)


@dataclass
class _Record:
    """The lines of one activity: its key line and what follows until the next key."""

    key: str
    line: int
    description: str
    key_cells: list[str]  # the cells after the description
    width: int | None = None  # the detail header's cells, when its geometry is usable
    more: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass
class _StructureRow:
    key: str
    area: str
    description: str
    projects: int
    activities: int
    line: int


def is_detail_header(norm: str) -> bool:
    """The header of the detail table: an annual-quantity wording, then the months.

    ``norm`` is the normalize()d line. A wording alone also counts when it is the whole line
    or is followed by «Ene»/«Enero», so that a sentence that starts with «Meta anual…» in
    the front matter is not taken for the header.
    """
    for wording in ANNUAL_HEADERS:
        if norm == wording or norm.startswith(wording + " "):
            rest = norm[len(wording) :].split()
            if rest and rest[0] in ("programada", "programado"):
                rest = rest[1:]
            if not rest or rest[0] in (MONTH_ABBR[0], MONTH_NAMES[0]):
                return True
    return False


def header_width(raw: str) -> int | None:
    """How many cells the detail header has, when they are the annual column, the twelve
    months and what follows (beneficiaries); None when other columns come first, since then
    the cells of a figures line cannot be matched to the header's."""
    cells = [normalize(c) for c in raw.rstrip("\t ").split("\t")]
    months = MONTH_ABBR
    if len(cells) < 13 or not is_detail_header(cells[0]):
        return None
    if [c[:3] for c in cells[1:13]] != months:
        return None
    return len(cells)


@dataclass
class FiguresRow:
    """A figures line read by the header's geometry: each cell is in its column."""

    annual: str  # '' = a blank cell
    months: list[str]  # twelve cells, '' = a blank cell
    rest: list[str]  # the filled cells after Dic (beneficiary type and quantity)


def figures_by_geometry(cells: list[str], width: int | None) -> FiguresRow | None:
    """Read a figures line cell by cell when it has exactly the header's columns.

    pdftotext keeps a blank cell as an empty cell between tabs, so a line with one cell for
    the key column and one per header column places each figure in its column, blank cells
    included. Any other shape (a cell merged or lost, text where a figure goes) is
    ambiguous: None, and the figures are read in order instead.
    """
    if width is None or len(cells) != width + 1 or cells[0].strip():
        return None
    cells = [c.strip() for c in cells]
    figures, rest = cells[1:14], [c for c in cells[14:] if c]
    if any(c and parse_number(c) is None for c in figures):
        return None
    if not any(figures[1:]) or any(parse_number(c) is not None for c in rest[:-1]):
        return None
    return FiguresRow(figures[0], figures[1:], rest)


def _numbers(cells: Any) -> list[Decimal]:
    found = []
    for cell in cells:
        value = parse_number(cell)
        if value is not None:
            found.append(value)
    return found

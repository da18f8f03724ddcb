"""The state shared by the PAA parser's parts."""

from __future__ import annotations

from decimal import Decimal

from ..base import (
    FindingDraft,
    ImportFailure,
    SourceText,
)
from .layout import (
    ParsedActivity,
    ParsedSubprogram,
    _Record,
    _StructureRow,
)

# ---------------------------------------------------------------------------------------
# The parser


class _ParserState:
    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.findings: list[FindingDraft] = []
        self.name = ""
        self.year: int | None = None
        self.year_line: int | None = None
        self.state = "front"  # front | structure | summary | summary_table | detail
        self.collect: tuple[str, list[str]] | None = None  # objective / legal text
        self.subprograms: dict[str, ParsedSubprogram] = {}
        self.current: ParsedSubprogram | None = None
        self.structure: dict[str, _StructureRow] = {}
        self.structure_total: tuple[list[Decimal], int] | None = None
        self.summary_projects: dict[str, tuple[str, int, int | None]] = {}  # name, line, declared
        self.detail_projects: dict[str, tuple[str, int]] = {}
        self.activities: list[ParsedActivity] = []
        self.record: _Record | None = None
        self.header_width: int | None = None  # cells of the last detail header (geometry)

    def fail(self, message: str, line: int | None = None) -> ImportFailure:
        return ImportFailure(self.source.name, message, line)

    def add(
        self, code: str, line: int | None, message: str, label: str, target: tuple[str, str]
    ) -> None:
        self.findings.append(FindingDraft(code, line, message, label, target))

"""What the checker reports: findings with row and column, and the rows it read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rumbo.imports.findings import FINDING_CODES
from rumbo.imports.models import Severity

from ..formats import Column, FormatDefinition

ERROR = "error"


@dataclass(frozen=True)
class CheckFinding:
    code: str
    severity: str
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def as_text(self) -> str:
        where = f"fila {self.row}" if self.row is not None else "archivo"
        if self.column:
            where += f", columna «{self.column}»"
        label = Severity(self.severity).label.lower()  # «error», «advertencia», as check-mir
        return f"{label} {self.code} ({where}): {self.message}"


@dataclass
class CheckResult:
    name: str
    kind: str
    definition: FormatDefinition
    header_row: int
    data_rows: int
    findings: list[CheckFinding] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)

    def add(self, code: str, row: int | None, column: str | None, message: str) -> None:
        severity = str(FINDING_CODES[code].severity)
        self.findings.append(CheckFinding(code, severity, row, column, message))


@dataclass
class DataRow:
    number: int
    values: dict[str, str]  # column key → text
    titles: dict[str, str]  # column key → header text as in the file (for messages)
    letters: dict[str, str]  # column key → XLSX letter ("" for text files)


def cell_label(row: DataRow, column: Column) -> str:
    title = row.titles.get(column.key) or column.header
    letter = row.letters.get(column.key)
    return f"{title} ({letter})" if letter else title


def source_column(definition: FormatDefinition, source: str) -> Column | None:
    return next((c for c in definition.columns if c.source == source), None)

"""«Revisar antes de descargar»: the publication checker's result on the file Rumbo would
generate, each finding tied to the row of Rumbo it comes from and the page that fixes it.

The format is generated in memory (``generate``), written as the CSV the download gives
(``csv_lines``, which also says on which line each row starts) and read back by the same
checker as an uploaded file (``check_file``). Rows are then named as in the XLSX download
(``first_data_row`` + position), the layout SIPOT receives; the CSV checked carries the
same rows and cells. Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from openpyxl.utils import get_column_letter

from rumbo.institutions.models import Institution

from .checker import ERROR, CheckFinding, check_file
from .fixes import ANY_FIELD, Fix, fix_for
from .formats import FormatDefinition
from .generate import csv_lines, generate
from .selectors import ReportPeriod, Row


@dataclass(frozen=True)
class ReviewFinding:
    finding: CheckFinding
    row: int | None  # row of the XLSX download; None for a finding about the whole file
    column: str  # the column's header and its XLSX letter, or ""
    record: str  # what the row is in Rumbo («Actividad 010101», «Fila 5 de …»)
    fix: Fix | None  # where it is fixed
    hint: str = ""  # what to do when no page of Rumbo fixes it

    @property
    def is_error(self) -> bool:
        return self.finding.severity == ERROR


@dataclass
class FormatReview:
    definition: FormatDefinition
    period: ReportPeriod
    today: date
    data_rows: int
    findings: list[ReviewFinding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def failing_rows(self) -> int:
        """Rows of the download with at least one error."""
        return len({f.row for f in self.findings if f.is_error and f.row is not None})

    @property
    def passes(self) -> bool:
        return self.errors == 0


def _xxii_fix(row: Row, year: int) -> dict[str, Fix]:
    """POA rows (CDMX 121 XXII b) name their activity by key."""
    if not row.get("key"):
        return {}
    return {
        ANY_FIELD: Fix("activity", (year, row["key"])),
        "annual_target": Fix("activity_calendar", (year, row["key"])),
        "programmed": Fix("activity_calendar", (year, row["key"])),
    }


def _hint(finding: CheckFinding, period: ReportPeriod, today: date) -> str:
    if finding.code == "date_out_of_period" and today <= period.end:
        return (
            f"El periodo que informa termina el {period.end:%d/%m/%Y}: el formato se genera con "
            "la fecha de hoy como fecha de actualización. Descárgalo cuando el periodo termine."
        )
    if finding.row is None or finding.code in ("column_missing", "column_unknown"):
        return "Es un problema del archivo completo, no de una fila."
    return ""


def format_review(
    *, format_id: str, institution: Institution, period: ReportPeriod, today: date
) -> FormatReview:
    """The checker's findings on the format Rumbo would generate today for ``period``."""
    generated = generate(format_id=format_id, institution=institution, period=period, today=today)
    definition = generated.definition
    content, starts = csv_lines(definition, generated.data)
    result = check_file(
        name=f"{institution.code}-{format_id}-{period.label}.csv",
        content=content,
        format_id=format_id,
        institution=institution,
    )
    index_of = {line: i for i, line in enumerate(starts)}
    by_header = {c.header: (n, c) for n, c in enumerate(definition.columns, 1)}
    review = FormatReview(
        definition=definition, period=period, today=today, data_rows=len(generated.rows)
    )
    for finding in result.findings:
        index = index_of.get(finding.row) if finding.row is not None else None
        row = generated.rows[index] if index is not None else None
        number, column = by_header.get(finding.column or "", (0, None))
        fix = None
        record = ""
        if row is not None:
            fixes = row.get("_fix") or _xxii_fix(row, period.year)
            fix = fix_for({"_fix": fixes}, column.source if column else None)
            record = row.get("_record") or (f"Actividad {row['key']}" if row.get("key") else "")
        review.findings.append(
            ReviewFinding(
                finding=finding,
                row=definition.first_data_row + index if index is not None else None,
                column=f"{finding.column} ({get_column_letter(number)})"
                if column
                else (finding.column or ""),
                record=record,
                fix=fix,
                hint=_hint(finding, period, today),
            )
        )
    return review

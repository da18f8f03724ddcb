"""Check a transparency file against its format definition and list every problem.

The header row is found by text (any version of the format; title rows before it and
repeated headers after it are allowed); each data row is then checked with the rules
shared with the fr. IV importer (``rumbo.imports.rowchecks``) plus the column set, dates
outside the period, empty required cells and an Ejercicio that differs between rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from openpyxl.utils import get_column_letter

from rumbo.audit.services import Actor
from rumbo.core.text import clean, normalize
from rumbo.imports.findings import FINDING_CODES
from rumbo.imports.rowchecks import (
    YEAR_RE,
    domains_label,
    duplicate_key,
    link_domains,
    link_problem,
    meta_problem,
    parse_dmy,
    unit_problem,
)
from rumbo.institutions.models import Institution
from rumbo.institutions.services import area_resolve_many

from ..formats import Column, FormatDefinition, versions
from .read import Table, UnreadableFile, read_table

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
        return f"{self.severity.upper()} {self.code} ({where}): {self.message}"


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


def _match(cells: list[str], definition: FormatDefinition) -> dict[str, int]:
    """Column key → index of the cell whose header matches it (first match wins)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = normalize(cell)
        if not key:
            continue
        for column in definition.columns:
            if column.key not in found and column.match.search(key):
                found[column.key] = index
                break
    return found


def _is_header(cells: list[str], definition: FormatDefinition) -> bool:
    matched = len(_match(cells, definition))
    return matched >= max(3, (len(definition.columns) + 1) // 2)


def _pick_version(table: Table, format_id: str) -> tuple[FormatDefinition, int] | None:
    """The version whose columns best match the first header-like row, and that row's index."""
    candidates = versions(format_id)
    for index, (_, cells) in enumerate(table.rows):
        scored = [(len(_match(cells, d)), d) for d in candidates if _is_header(cells, d)]
        if scored:
            best = max(scored, key=lambda s: (s[0], s[1].valid_from))[1]
            return best, index
    return None


def _column_label(definition: FormatDefinition, key: str, title: str) -> str:
    return title or definition.column(key).header


def _column_set(result: CheckResult, number: int, cells: list[str], found: dict[str, int]) -> None:
    definition = result.definition
    known = set(found.values())
    for index, cell in enumerate(cells):
        if cell and index not in known:
            result.add(
                "column_unknown",
                number,
                cell,
                f"La columna «{cell}» no es del formato {definition.short_title} "
                f"(versión {definition.version}).",
            )
    for column in definition.columns:
        if column.key not in found and not column.optional:
            result.add(
                "column_missing",
                number,
                column.header,
                f"Falta la columna «{column.header}» del formato {definition.short_title} "
                f"(versión {definition.version}).",
            )
    order = [c.key for c in definition.columns if c.key in found]
    placed = sorted(found, key=lambda k: found[k])
    if placed != order:
        first = next(a for a, b in zip(placed, order, strict=True) if a != b)
        result.add(
            "column_order",
            number,
            cells[found[first]],
            "Las columnas no siguen el orden del formato: se esperaba «"
            + " · ".join(definition.column(k).header for k in order[:4])
            + " …».",
        )


def _rows(table: Table, result: CheckResult, start: int) -> list[DataRow]:
    """Data rows after the first header; re-maps columns at each repeated header."""
    definition = result.definition
    header_number, header_cells = table.rows[start]
    found = _match(header_cells, definition)
    _column_set(result, header_number, header_cells, found)
    last_header = [normalize(c) for c in header_cells]
    texts = Counter(
        clean(" ".join(c for c in cells if c))
        for _, cells in table.rows
        if sum(1 for c in cells if c) == 1
    )
    before = {
        clean(" ".join(c for c in cells if c)) for _, cells in table.rows[:start] if any(cells)
    }
    pending: list[tuple[int, str]] = []
    out: list[DataRow] = []
    for number, cells in table.rows[start + 1 :]:
        filled = [c for c in cells if c]
        if not filled:
            continue
        if len(filled) == 1:
            text = clean(filled[0])
            if texts[text] < 2 and text not in before:
                pending.append((number, text))
            continue
        if _is_header(cells, definition):
            result.add(
                "repeated_header",
                number,
                None,
                f"La fila de encabezados se repite (ya estaba en la fila {header_number}).",
            )
            normalized = [normalize(c) for c in cells]
            if normalized != last_header:
                found = _match(cells, definition)
                _column_set(result, number, cells, found)
                last_header = normalized
            pending = []
            continue
        for line, text in pending:
            result.add("unparsed_line", line, None, f"Texto entre las filas: «{text[:80]}».")
        pending = []
        width = max(found.values()) + 1
        extra = [c for c in cells[width:] if c]
        if extra:
            result.add(
                "unparsed_line",
                number,
                None,
                f"La fila tiene {len(extra)} celda(s) con datos después de la última columna.",
            )
        titles = {k: header_cells_text(table, start, i) for k, i in found.items()}
        out.append(
            DataRow(
                number=number,
                values={k: (cells[i] if i < len(cells) else "") for k, i in found.items()},
                titles=titles,
                letters={
                    k: (get_column_letter(i + 1) if table.kind == "xlsx" else "")
                    for k, i in found.items()
                },
            )
        )
    return out


def header_cells_text(table: Table, start: int, index: int) -> str:
    cells = table.rows[start][1]
    return cells[index] if index < len(cells) else ""


def _col(row: DataRow, column: Column) -> str:
    title = row.titles.get(column.key) or column.header
    letter = row.letters.get(column.key)
    return f"{title} ({letter})" if letter else title


def _number(text: str) -> Decimal | None:
    value = text.replace(",", "").replace("%", "").strip()
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _cells(result: CheckResult, rows: list[DataRow]) -> None:
    definition = result.definition
    for row in rows:
        dates: dict[str, date] = {}
        for column in definition.columns:
            if column.key not in row.values:
                continue
            value = row.values[column.key]
            where = _col(row, column)
            if not value:
                if column.required:
                    result.add(
                        "empty_required",
                        row.number,
                        where,
                        f"La celda «{column.header}» es obligatoria y está vacía.",
                    )
                continue
            if column.type == "date":
                parsed = parse_dmy(value)
                if parsed is None:
                    result.add(
                        "date_format",
                        row.number,
                        where,
                        f"«{value}» no es una fecha dd/mm/aaaa válida.",
                    )
                else:
                    dates[column.source] = parsed
            elif column.type == "year" and not YEAR_RE.match(value):
                result.add("date_format", row.number, where, f"Ejercicio ilegible: «{value}».")
            elif column.type == "number" and _number(value) is None:
                result.add("number_format", row.number, where, f"«{value}» no es una cifra.")
        _period(result, row, dates)
        _content(result, row)


def _source_column(definition: FormatDefinition, source: str) -> Column | None:
    return next((c for c in definition.columns if c.source == source), None)


def _period(result: CheckResult, row: DataRow, dates: dict[str, date]) -> None:
    definition = result.definition
    start, end = dates.get("period_start"), dates.get("period_end")
    year_text = row.values.get("year", "")
    start_col = _source_column(definition, "period_start")
    end_col = _source_column(definition, "period_end")
    if start and end and start > end and start_col:
        result.add(
            "date_format",
            row.number,
            _col(row, start_col),
            "La fecha de inicio del periodo es posterior a la de término.",
        )
    elif YEAR_RE.match(year_text):
        year = int(year_text)
        for d, column in ((start, start_col), (end, end_col)):
            if d and column and d.year != year:
                result.add(
                    "date_out_of_period",
                    row.number,
                    _col(row, column),
                    f"La fecha {d:%d/%m/%Y} no está dentro del ejercicio {year}.",
                )
    if end is None:
        return
    for source, label in (("updated_on", "actualización"), ("validated_on", "validación")):
        d = dates.get(source)
        column = _source_column(definition, source)
        if d and column and d < end:
            result.add(
                "date_out_of_period",
                row.number,
                _col(row, column),
                f"La fecha de {label} ({d:%d/%m/%Y}) es anterior al término del periodo que "
                f"informa ({end:%d/%m/%Y}).",
            )


def _content(result: CheckResult, row: DataRow) -> None:
    definition = result.definition
    goal, indicator = _source_column(definition, "goal"), _source_column(definition, "indicator")
    if goal and indicator and goal.key in row.values and indicator.key in row.values:
        problem = meta_problem(row.values[goal.key], row.values[indicator.key])
        if problem:
            result.add("meta_not_quantified", row.number, _col(row, goal), problem)
    unit = _source_column(definition, "unit")
    if unit and unit.key in row.values:
        problem = unit_problem(row.values[unit.key])
        if problem:
            result.add("unit_is_frequency", row.number, _col(row, unit), problem)


def _years(result: CheckResult, rows: list[DataRow]) -> None:
    years = Counter(
        r.values.get("year", "") for r in rows if YEAR_RE.match(r.values.get("year", ""))
    )
    if len(years) < 2:
        return
    (main, count), *_ = sorted(years.items(), key=lambda kv: (-kv[1], kv[0]))
    column = _source_column(result.definition, "year")
    for row in rows:
        value = row.values.get("year", "")
        if column and YEAR_RE.match(value) and value != main:
            result.add(
                "year_inconsistent",
                row.number,
                _col(row, column),
                f"La fila es del ejercicio {value}, pero {count} de {len(rows)} filas del "
                f"archivo son de {main}: un archivo informa un solo ejercicio.",
            )


def _duplicates(result: CheckResult, rows: list[DataRow]) -> None:
    keys = [c.key for c in result.definition.columns if c.type != "date"]
    first: dict[tuple[str, ...], int] = {}
    for row in rows:
        key = duplicate_key(row.values.get(k, "") for k in keys)
        if key in first:
            result.add(
                "duplicate_row",
                row.number,
                None,
                f"Fila idéntica a la fila {first[key]}, salvo las fechas.",
            )
        else:
            first[key] = row.number


def _links(result: CheckResult, rows: list[DataRow], institution: Institution | None) -> None:
    links = [c for c in result.definition.columns if c.type == "url"]
    if not links:
        return
    cells = [(row, c, row.values[c.key]) for row in rows for c in links if row.values.get(c.key)]
    code = institution.code if institution else ""
    domains, inferred = link_domains(
        (text for _, _, text in cells),
        institution_code=code,
        web_domains=list(institution.web_domains or []) if institution else [],
    )
    if institution:
        shown = domains_label(domains, inferred)
    else:
        shown = ", ".join(domains) + " (inferido: el dominio más frecuente de los hipervínculos)"
    for row, column, text in cells:
        problem = link_problem(text, domains, shown)
        if problem:
            result.add("suspicious_link", row.number, _col(row, column), problem)
    if not domains and cells and institution:
        result.add(
            "suspicious_link",
            None,
            None,
            "No se revisó el dominio de los hipervínculos: la institución no tiene dominios web "
            f"registrados y ningún enlace del archivo contiene «{code.lower()}».",
        )


def _areas(result: CheckResult, rows: list[DataRow], institution: Institution) -> None:
    column = _source_column(result.definition, "area")
    if column is None:
        return
    labels = [r.values[column.key] for r in rows if r.values.get(column.key)]
    if not labels:
        return
    # The resolver learns (creates areas and aliases); a check only reads: roll it back.
    with transaction.atomic():
        matches = area_resolve_many(
            institution=institution, labels=labels, actor=Actor.cli(), changes=[]
        )
        transaction.set_rollback(True)
    for row in rows:
        label = row.values.get(column.key, "")
        match = matches.get(label) if label else None
        if match is None:
            continue
        where = _col(row, column)
        if match.kind in ("alias", "fuzzy"):
            result.add(
                "area_alias",
                row.number,
                where,
                f"Área escrita «{clean(label)}»; su nombre canónico es «{match.area.name} "
                f"({match.area.code})».",
            )
        elif match.kind == "ambiguous":
            result.add("area_unresolved", row.number, where, match.message)
        elif match.kind == "new":
            result.add(
                "area_unresolved",
                row.number,
                where,
                f"El área «{clean(label)}» no está registrada en {institution.code}.",
            )


def check_file(
    *, name: str, content: bytes, format_id: str, institution: Institution | None = None
) -> CheckResult:
    """Every finding of one file; raises ``UnreadableFile`` when it is not a table of the
    format at all (empty, binary, corrupt, or without the format's header row)."""
    table = read_table(name=name, content=content)
    picked = _pick_version(table, format_id)
    if picked is None:
        latest = versions(format_id)[-1]
        raise UnreadableFile(
            f"{name}: no parece el formato {format_id} ({latest.title}): ninguna fila tiene sus "
            f"encabezados «{' · '.join(latest.headers[:5])} …»"
        )
    definition, start = picked
    result = CheckResult(
        name=name,
        kind=table.kind,
        definition=definition,
        header_row=table.rows[start][0],
        data_rows=0,
    )
    rows = _rows(table, result, start)
    result.data_rows = len(rows)
    if not rows:
        raise UnreadableFile(f"{name}: tiene encabezados pero ninguna fila de datos")
    _cells(result, rows)
    _years(result, rows)
    _duplicates(result, rows)
    _links(result, rows, institution)
    if institution is not None:
        _areas(result, rows, institution)
    result.findings.sort(key=lambda f: (f.row is not None, f.row or 0))
    return result


__all__ = ["CheckFinding", "CheckResult", "UnreadableFile", "check_file"]

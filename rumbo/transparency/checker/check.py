"""Check a transparency file against its format definition and list every problem.

The header row is found by text (any version of the format; title rows before it and
repeated headers after it are allowed); each data row is then checked with the rules
shared with the fr. IV importer (``rumbo.imports.rowchecks``) plus the column set, dates
outside the period, empty required cells and an Ejercicio that differs between rows.
"""

from __future__ import annotations

from collections import Counter

from openpyxl.utils import get_column_letter

from rumbo.core.text import clean, normalize
from rumbo.institutions.models import Institution

from ..formats import FormatDefinition, versions
from .model import ERROR, CheckFinding, CheckResult, DataRow
from .read import Table, UnreadableFile, read_table
from .rules import check_areas, check_cells, check_duplicates, check_links, check_years


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
    check_cells(result, rows)
    check_years(result, rows)
    check_duplicates(result, rows)
    check_links(result, rows, institution)
    if institution is not None:
        check_areas(result, rows, institution)
    result.findings.sort(key=lambda f: (f.row is not None, f.row or 0))
    return result


__all__ = ["ERROR", "CheckFinding", "CheckResult", "UnreadableFile", "check_file"]

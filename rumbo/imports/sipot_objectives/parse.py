"""Read a file into rows and findings: headers, page furniture, short rows, the ejercicio."""

from __future__ import annotations

import re
from collections import Counter

from rumbo.core.text import clean, normalize

from ..base import ImportFailure, SourceText
from .checks import _check_row, _duplicates
from .layout import (
    COLUMNS,
    HEADER_MIN_MATCHES,
    HEADER_REQUIRED,
    KIND_LABEL,
    OPTIONAL,
    TITLES,
    YEAR_MISMATCH_CODE,
    YEAR_RE,
    ObjectiveRow,
    ParsedObjectives,
    _text_attr,
)


def _header_columns(cells: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = normalize(cell)
        for name, pattern, _, _ in COLUMNS:
            if name not in columns and re.search(pattern, key):
                columns[name] = index
                break
    return columns


def _furniture(source: SourceText) -> set[str]:
    counts = Counter(clean(line) for line in source.lines if "\t" not in line and line.strip())
    return {text for text, n in counts.items() if n > 1}


def parse_sipot_objectives(source: SourceText, *, year: int | None = None) -> ParsedObjectives:
    """Rows and findings of one file; raises ``ImportFailure`` when it is not this format."""
    parsed = ParsedObjectives(year=0)  # the year is known once every row is read
    rows = parsed.rows
    pending: list[tuple[int, str]] = []  # untabbed lines seen since the last row
    columns: dict[str, int] = {}
    width = 0
    repeated = _furniture(source)
    last_tabbed = max((n for n, ln in enumerate(source.lines, 1) if "\t" in ln), default=0)
    for number, raw in enumerate(source.lines, 1):
        if not raw.strip():
            continue
        if "\t" not in raw:
            if columns and clean(raw) not in repeated:
                pending.append((number, clean(raw)))
            continue
        cells = [clean(c) for c in raw.split("\t")]
        header = _header_columns(cells)
        if len(header) >= HEADER_MIN_MATCHES:
            missing = [TITLES[n] for n in sorted(HEADER_REQUIRED - set(header))]
            if missing:
                raise ImportFailure(
                    source.name,
                    f"encabezado sin las columnas {', '.join(missing)}; no parece {KIND_LABEL}",
                    number,
                )
            columns, width, pending = header, len(cells), []  # text before a header: page break
            continue
        if not columns:
            continue  # a table before the format's own header is not ours
        for line, text in pending:
            parsed.flag("unparsed_line", None, f"Texto entre las filas: «{text[:80]}».", line)
        pending = []
        # An export may drop the empty cells at the end of a row (Nota, Fecha de validación).
        short_ok = all(name in OPTIONAL for name, i in columns.items() if i >= len(cells))
        if len(cells) > width or not short_ok:
            if number == last_tabbed:
                raise ImportFailure(
                    source.name,
                    f"la última fila tiene {len(cells)} de {width} columnas; el archivo parece "
                    "truncado",
                    number,
                )
            parsed.flag(
                "unparsed_line",
                None,
                f"La fila tiene {len(cells)} columnas y el encabezado {width}; no se importó.",
                number,
            )
            continue
        row = ObjectiveRow(row_number=len(rows) + 1, line=number)
        for name, index in columns.items():
            setattr(row, _text_attr(name), cells[index] if index < len(cells) else "")
        rows.append(row)
    if not columns:
        raise ImportFailure(
            source.name,
            f"no parece {KIND_LABEL}: no tiene la fila de encabezados «Ejercicio · Fecha de "
            "inicio … · Denominación del área · Descripción de objetivos · Indicadores · "
            "Metas · Unidad de medida …»",
        )
    if not rows:
        raise ImportFailure(source.name, "no tiene filas de datos; el archivo parece truncado")

    parsed.year = _file_year(source, rows, year)
    # A list in column order: the message (part of the finding's identity) must be stable.
    required = [name for name, _, _, needed in COLUMNS if needed and name in columns]
    for row in rows:
        _check_row(parsed, row, required)
        if YEAR_RE.match(row.year_text) and int(row.year_text) != parsed.year:
            parsed.flag(
                YEAR_MISMATCH_CODE,
                row,
                f"La fila es del ejercicio {row.year_text}, pero el archivo se importó como "
                f"{parsed.year}; se guardó en {parsed.year}.",
            )
    _duplicates(parsed)
    return parsed


def _file_year(source: SourceText, rows: list[ObjectiveRow], year: int | None) -> int:
    if year is not None:
        if not 1990 <= year <= 2100:
            raise ImportFailure(source.name, f"ejercicio inválido: {year}")
        return year
    counts = Counter(int(r.year_text) for r in rows if YEAR_RE.match(r.year_text))
    counts = Counter({y: n for y, n in counts.items() if 1990 <= y <= 2100})
    ranked = counts.most_common()
    if not ranked:
        raise ImportFailure(
            source.name, "ninguna fila tiene un ejercicio legible; indíquelo con --year AAAA"
        )
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        raise ImportFailure(
            source.name,
            f"el archivo mezcla los ejercicios {ranked[0][0]} y {ranked[1][0]} en igual "
            "número de filas; indique cuál es con --year AAAA",
        )
    return ranked[0][0]

"""Checks of each row (empty cells, dates, ejercicio, meta, unit) and of duplicated rows.

The rules themselves live in ``rumbo.imports.rowchecks``, shared with the publication
checker (``rumbo.transparency.checker``)."""

from __future__ import annotations

from ..rowchecks import (
    DATE_RE,
    FREQUENCIES,
    FREQUENCY_WORDS,
    META_SIMILARITY,
    duplicate_key,
    is_frequency,
    meta_problem,
    parse_dmy,
    period_problem,
    unit_problem,
)
from .layout import (
    DATE_FIELDS,
    TITLES,
    YEAR_RE,
    ObjectiveRow,
    ParsedObjectives,
    _text_attr,
)

# Everything but the dates: a row equal in these is a duplicate of the earlier one.
DUPLICATE_FIELDS = (
    "year_text",
    "area",
    "objective",
    "indicator",
    "goal",
    "unit",
    "hyperlink",
    "responsible",
    "note",
)
__all__ = ["DATE_RE", "FREQUENCIES", "FREQUENCY_WORDS", "META_SIMILARITY", "is_frequency"]


def _check_row(parsed: ParsedObjectives, row: ObjectiveRow, required: list[str]) -> None:
    empty = [TITLES[name] for name in required if not getattr(row, _text_attr(name)).strip()]
    if empty:
        parsed.flag("empty_required", row, f"Celdas obligatorias vacías: {', '.join(empty)}.")
    for name in DATE_FIELDS:
        text = getattr(row, f"{name}_text")
        if not text:
            continue
        value = parse_dmy(text)
        setattr(row, name, value)
        if value is None:
            parsed.flag(
                "date_format", row, f"{TITLES[name]}: «{text}» no es una fecha dd/mm/aaaa válida."
            )
    if row.year_text and not YEAR_RE.match(row.year_text):
        parsed.flag("date_format", row, f"Ejercicio ilegible: «{row.year_text}».")
    period = period_problem(
        row.year_text,
        row.period_start,
        row.period_end,
        row.period_start_text,
        row.period_end_text,
    )
    if period:
        parsed.flag("date_format", row, period)
    problem = meta_problem(row.goal, row.indicator)
    if problem:
        parsed.flag("meta_not_quantified", row, problem)
    unit = unit_problem(row.unit)
    if unit:
        parsed.flag("unit_is_frequency", row, unit)


def _duplicates(parsed: ParsedObjectives) -> None:
    """Rows equal (normalized) to an earlier one in everything but the dates."""
    first: dict[tuple[str, ...], ObjectiveRow] = {}
    for row in parsed.rows:
        key = duplicate_key(getattr(row, n) for n in DUPLICATE_FIELDS)
        if key in first:
            earlier = first[key]
            parsed.flag(
                "duplicate_row",
                row,
                f"Fila idéntica a la de la línea {earlier.line} (fila {earlier.row_number}), "
                "salvo las fechas.",
            )
        else:
            first[key] = row

"""Checks of each row (empty cells, dates, ejercicio, meta, unit) and of duplicated rows."""

from __future__ import annotations

import re
from datetime import date

from rumbo.core.text import normalize
from rumbo.institutions.services import similarity

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
DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
FREQUENCIES = [
    "diaria",
    "diario",
    "semanal",
    "catorcenal",
    "quincenal",
    "mensual",
    "bimestral",
    "trimestral",
    "cuatrimestral",
    "semestral",
    "anual",
    "bianual",
    "bienal",
    "trienal",
    "cuatrienal",
    "quinquenal",
    "sexenal",
]
FREQUENCY_WORDS = (
    set(FREQUENCIES)
    | {f + "es" for f in FREQUENCIES if f.endswith("l")}
    | {f + "s" for f in FREQUENCIES if f.endswith(("a", "o"))}
    | {f + "mente" for f in FREQUENCIES if f.endswith("l")}
    | {"diariamente", "frecuencia", "periodicidad", "de", "y", "o"}
)
# Near-equality between the meta and the indicator (0–1, difflib ratio on normalized text).
META_SIMILARITY = 0.90


def _parse_date(text: str) -> date | None:
    m = DATE_RE.match(text)
    if not m:
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:[.,]\d+)?", text)


def _meta_problem(goal: str, indicator: str) -> str | None:
    g, i = normalize(goal), normalize(indicator)
    if not g:
        return None  # reported as an empty required cell
    if g == i:
        return "La meta repite el texto del indicador en lugar de expresar una cantidad."
    if i and _numbers(goal) == _numbers(indicator) and similarity(g, i) >= META_SIMILARITY:
        return "La meta es casi igual al texto del indicador y no expresa otra cantidad."
    if not re.search(r"\d|%", goal):
        return "La meta no expresa una cantidad (no tiene cifras ni porcentaje)."
    return None


def _is_frequency(unit: str) -> bool:
    words = normalize(unit).split()
    return (
        bool(words)
        and all(w in FREQUENCY_WORDS for w in words)
        and any(w not in {"frecuencia", "periodicidad", "de", "y", "o"} for w in words)
    )


def _check_row(parsed: ParsedObjectives, row: ObjectiveRow, required: list[str]) -> None:
    empty = [TITLES[name] for name in required if not getattr(row, _text_attr(name)).strip()]
    if empty:
        parsed.flag("empty_required", row, f"Celdas obligatorias vacías: {', '.join(empty)}.")
    for name in DATE_FIELDS:
        text = getattr(row, f"{name}_text")
        if not text:
            continue
        value = _parse_date(text)
        setattr(row, name, value)
        if value is None:
            parsed.flag(
                "date_format", row, f"{TITLES[name]}: «{text}» no es una fecha dd/mm/aaaa válida."
            )
    if row.year_text and not YEAR_RE.match(row.year_text):
        parsed.flag("date_format", row, f"Ejercicio ilegible: «{row.year_text}».")
    if row.period_start and row.period_end and row.period_start > row.period_end:
        parsed.flag(
            "date_format", row, "La fecha de inicio del periodo es posterior a la de término."
        )
    elif YEAR_RE.match(row.year_text) and any(
        d and d.year != int(row.year_text) for d in (row.period_start, row.period_end)
    ):
        parsed.flag(
            "date_format",
            row,
            f"El periodo informado ({row.period_start_text} – {row.period_end_text}) no está "
            f"dentro del ejercicio {row.year_text}.",
        )
    problem = _meta_problem(row.goal, row.indicator)
    if problem:
        parsed.flag("meta_not_quantified", row, problem)
    if _is_frequency(row.unit):
        parsed.flag(
            "unit_is_frequency",
            row,
            f"La unidad de medida «{row.unit}» es una frecuencia, no una unidad (p. ej. "
            "«Porcentaje», «Informe», «Solicitud»).",
        )


def _duplicates(parsed: ParsedObjectives) -> None:
    """Rows equal (normalized) to an earlier one in everything but the dates."""
    first: dict[tuple[str, ...], ObjectiveRow] = {}
    for row in parsed.rows:
        key = tuple(normalize(getattr(row, n)) for n in DUPLICATE_FIELDS)
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

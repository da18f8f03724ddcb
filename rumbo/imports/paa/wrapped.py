"""Descriptions (and units) wrapped over several lines of the PAA detail table."""

from __future__ import annotations

from dataclasses import dataclass, field

from rumbo.core.numbers import parse_number
from rumbo.core.text import clean

from .beneficiaries import is_quantity
from .layout import _GLUED_RE, _Record

DESCRIPTION_CELL = 1  # the key is cell 0 and the description cell 1, on every line


@dataclass
class Unwrapped:
    """An activity's lines with the wrapped parts joined back to their column."""

    description: str
    more: list[tuple[int, list[str]]]  # the other lines: figures and beneficiaries
    unit_parts: list[str] = field(default_factory=list)
    stray: list[tuple[int, str]] = field(default_factory=list)  # text in no known column


def _is_continuation(cells: list[str]) -> bool:
    """Text in the description column of a line without key: the description goes on.

    A number, a beneficiary quantity or a number glued to text there is a figure, never
    description.
    """
    if len(cells) <= DESCRIPTION_CELL or cells[0].strip():
        return False
    text = cells[DESCRIPTION_CELL].strip()
    return bool(
        text and parse_number(text) is None and not is_quantity(text) and not _GLUED_RE.match(text)
    )


def unwrap(record: _Record) -> Unwrapped:
    """Join continuation lines to the description, and the cells in the unit's column to
    the unit; a continuation line that goes on with figures keeps them as a figures line.

    The unit's column is the one of the last filled cell of the key line (when the key line
    has no figures); when the key line has none, the continuation's cell is the unit.
    """
    first = DESCRIPTION_CELL + 1
    key_filled = [i for i, c in enumerate(record.key_cells, start=first) if c.strip()]
    key_figures = len(key_filled) > 1 and all(
        parse_number(record.key_cells[i - first]) is not None for i in key_filled[:2]
    )
    unit_cell = key_filled[-1] if key_filled and not key_figures else None
    result = Unwrapped(record.description, [])
    parts = [record.description]
    for number, cells in record.more:
        if not _is_continuation(cells):
            result.more.append((number, cells))
            continue
        parts.append(cells[DESCRIPTION_CELL])
        rest = [(i, c.strip()) for i, c in enumerate(cells) if i > DESCRIPTION_CELL and c.strip()]
        if rest and parse_number(rest[0][1]) is not None:
            # The figures go on after the description's part: a figures line without it.
            result.more.append((number, ["", *cells[first:]]))
            continue
        for i, text in rest:
            if (unit_cell is None and not key_figures) or i == unit_cell:
                result.unit_parts.append(text)
                unit_cell = i
            else:
                result.stray.append((number, text))
    result.description = clean(" ".join(clean(p) for p in parts))
    return result

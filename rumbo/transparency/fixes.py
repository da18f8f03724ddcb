"""Where in Rumbo a cell of a generated format comes from, so a problem links to its fix.

Dataset rows (``selectors``) carry, beside their published fields, ``_record`` (what the row
is in Rumbo, for people) and ``_fix`` (dataset field → ``Fix``; ``"*"`` for every other
field). The formats never publish them: a definition's columns only name dataset fields.
The pages turn a ``Fix`` into a URL (``rumbo/transparency/views.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ANY_FIELD = "*"


@dataclass(frozen=True)
class Fix:
    """A page of Rumbo: ``kind`` names it, ``args`` are its URL arguments after the
    institution's code."""

    kind: str  # area_objective | activity | activity_calendar | indicator | mir_row | design
    args: tuple[Any, ...] = ()


INSTITUTION = Fix("institution")


def fix_for(row: dict[str, Any], field: str | None) -> Fix | None:
    """Where to fix ``field`` of a dataset row (its own place, else the row's)."""
    fixes: dict[str, Fix] = row.get("_fix") or {}
    if field is not None and field in fixes:
        return fixes[field]
    return fixes.get(ANY_FIELD)

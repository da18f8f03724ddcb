"""What the public pages need beyond ``rumbo``'s tags: an activity's targets beside the
originals of version 1."""

from __future__ import annotations

from django import template

from rumbo.programs.selectors import ActivityRow

from ..selectors import ActivityOriginal, AdjustedRow, adjusted_row

register = template.Library()


@register.filter
def adjusted(row: ActivityRow, originals: dict[str, ActivityOriginal]) -> AdjustedRow:
    """``{% with cells=row|adjusted:originals %}``: the annual target and months in force,
    each flagged where an approved adjustment changed it since version 1."""
    return adjusted_row(row, originals.get(row.activity.key))

"""MIR pages: the matrix and its print view, row editing, indicator fichas,
measurement capture and indicator editing."""

from __future__ import annotations

from .bands import indicator_bands
from .indicators import (
    indicator,
    indicator_create_view,
    indicator_delete_view,
    indicator_edit,
    indicator_measure,
)
from .matrix import (
    design_mir_create,
    mir,
    mir_print,
    mir_row_activities,
    mir_row_create_view,
    mir_row_delete_view,
    mir_row_edit,
    mir_state,
)

__all__ = [
    "design_mir_create",
    "indicator",
    "indicator_bands",
    "indicator_create_view",
    "indicator_delete_view",
    "indicator_edit",
    "indicator_measure",
    "mir",
    "mir_print",
    "mir_row_activities",
    "mir_row_create_view",
    "mir_row_delete_view",
    "mir_row_edit",
    "mir_state",
]

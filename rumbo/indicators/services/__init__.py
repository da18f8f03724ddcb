"""Writes of MIRs, indicators and their measurements.

Every change goes through here — the web pages, the JSON API and the demo loader — so
validation and the audit trail are the same everywhere. Callers check access to the
design first (``rumbo.institutions.access.require_edit_design``); ``measurement_save``
checks capture access itself, like ``rumbo.monitoring.services.progress_save``.
"""

from __future__ import annotations

from .bands import bands_clear_indicator, bands_set_indicator
from .indicators import (
    indicator_create,
    indicator_delete,
    indicator_snapshot,
    indicator_update,
)
from .measurements import measurement_save, measurement_snapshot
from .mir import (
    activity_mir_link_set,
    mir_ensure,
    mir_row_create,
    mir_row_delete,
    mir_row_update,
    row_delete_blockers,
    row_snapshot,
)

__all__ = [
    "activity_mir_link_set",
    "bands_clear_indicator",
    "bands_set_indicator",
    "indicator_create",
    "indicator_delete",
    "indicator_snapshot",
    "indicator_update",
    "measurement_save",
    "measurement_snapshot",
    "mir_ensure",
    "mir_row_create",
    "mir_row_delete",
    "mir_row_update",
    "row_delete_blockers",
    "row_snapshot",
]

"""Writes of annual programs: programs, nodes, units and activities with their calendar.

Every change goes through here — the web forms, the JSON API and the Excel upload — so
validation, authorisation by the caller and the audit trail are the same everywhere.
Callers check access first (``rumbo.programs.access``, ``rumbo.institutions.access``);
these functions validate, save and record who changed what, before and after, in one
transaction. One rule of access lives here because it is about a field, not a page: only
Planeación reassigns an activity's area (``activity_update`` refuses anyone else). Who edits
in each state of the program (en revisión, Planeación only) and who creates activities
(an Enlace its own area's) are ``rumbo.programs.access``'s rules, which these functions
call too. The review's observations: ``observations.py``.
"""

from __future__ import annotations

from .activities import (
    UNSET,
    ActivityResult,
    activity_area_reassignable,
    activity_create,
    activity_delete,
    activity_set_calendar,
    activity_update,
)
from .observations import observation_answer, observation_create, observation_resolve
from .quantities import MAX_QUANTITY, QUANTUM, months_parse, quantity_parse
from .snapshots import activity_months, activity_snapshot
from .structure import node_create, program_create, unit_get_or_create

__all__ = [
    "MAX_QUANTITY",
    "QUANTUM",
    "UNSET",
    "ActivityResult",
    "activity_area_reassignable",
    "activity_create",
    "activity_delete",
    "activity_months",
    "activity_set_calendar",
    "activity_snapshot",
    "activity_update",
    "months_parse",
    "node_create",
    "observation_answer",
    "observation_create",
    "observation_resolve",
    "program_create",
    "quantity_parse",
    "unit_get_or_create",
]

"""Writes of strategic plans: the plan, its tree (políticas → programas → objetivos →
líneas de acción) and its FODA.

Every function validates before saving (``ValidationError`` with a dict of field → Spanish
message), writes in one transaction and records the change in the audit trail (changed
fields only on updates). Callers check ``Capability.EDIT_PLAN`` first.

Deleting is refused, with a message that says why, while an element still has children
(programs under a policy, objectives or lines under a program, lines under an objective)
or while a line of action has activities aligned to it: the user moves or deletes those
first. Nothing is ever deleted in cascade from here.
"""

from __future__ import annotations

from .common import (
    CODE_MAX_LENGTH,
    MAX_YEAR,
    MIN_YEAR,
    NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    UNSET,
    PlanElement,
)
from .elements import (
    general_program_create,
    general_program_delete,
    general_program_update,
    line_of_action_create,
    line_of_action_delete,
    line_of_action_update,
    objective_create,
    objective_delete,
    objective_update,
    policy_create,
    policy_delete,
    policy_update,
)
from .plans import plan_create, plan_update
from .swot import swot_item_create, swot_item_delete, swot_item_update
from .tree import element_snapshot

__all__ = [
    "CODE_MAX_LENGTH",
    "MAX_YEAR",
    "MIN_YEAR",
    "NAME_MAX_LENGTH",
    "TEXT_MAX_LENGTH",
    "UNSET",
    "PlanElement",
    "element_snapshot",
    "general_program_create",
    "general_program_delete",
    "general_program_update",
    "line_of_action_create",
    "line_of_action_delete",
    "line_of_action_update",
    "objective_create",
    "objective_delete",
    "objective_update",
    "plan_create",
    "plan_update",
    "policy_create",
    "policy_delete",
    "policy_update",
    "swot_item_create",
    "swot_item_delete",
    "swot_item_update",
]

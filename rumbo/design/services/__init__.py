"""Writes of program designs: every function validates, saves and audits in one transaction.

Creates take ``data`` (a mapping of the model's field names), updates take ``changes``
(only the fields to change) and return whether anything changed; deletes take an
optional ``reason`` for the audit trail.
"""

from __future__ import annotations

from .analysis import (
    ALTERNATIVE_FIELDS,
    POPULATION_FIELDS,
    STAKEHOLDER_FIELDS,
    alternative_create,
    alternative_delete,
    alternative_update,
    population_create,
    population_delete,
    population_update,
    stakeholder_create,
    stakeholder_delete,
    stakeholder_update,
)
from .designs import DESIGN_FIELDS, check_design_node, design_create, design_update
from .program import FromDesignResult, program_from_design
from .risks import (
    RISK_FIELDS,
    SCHEDULE_FIELDS,
    risk_create,
    risk_delete,
    risk_update,
    schedule_action_create,
    schedule_action_delete,
    schedule_action_update,
)
from .trees import TREE_FIELDS, tree_node_create, tree_node_delete, tree_node_update

__all__ = [
    "ALTERNATIVE_FIELDS",
    "DESIGN_FIELDS",
    "POPULATION_FIELDS",
    "RISK_FIELDS",
    "SCHEDULE_FIELDS",
    "STAKEHOLDER_FIELDS",
    "TREE_FIELDS",
    "FromDesignResult",
    "alternative_create",
    "alternative_delete",
    "alternative_update",
    "check_design_node",
    "design_create",
    "design_update",
    "population_create",
    "population_delete",
    "population_update",
    "program_from_design",
    "risk_create",
    "risk_delete",
    "risk_update",
    "schedule_action_create",
    "schedule_action_delete",
    "schedule_action_update",
    "stakeholder_create",
    "stakeholder_delete",
    "stakeholder_update",
    "tree_node_create",
    "tree_node_delete",
    "tree_node_update",
]

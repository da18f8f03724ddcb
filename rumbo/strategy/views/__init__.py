"""The strategic plan page, and editing it (Planeación): the plan's data, its tree and FODA.

Every write form works without JavaScript (POST, then redirect to the plan). With htmx,
«Editar» swaps an element for its form; a successful «Guardar» re-renders the section it
belongs to (the tree, FODA or the general data); a form with errors comes back in place.
"""

from __future__ import annotations

from .elements import plan_element_create, plan_element_delete, plan_element_edit
from .general import plan_create, plan_edit
from .kinds import KINDS, Kind, Parent
from .page import plan_detail
from .shared import FRAGMENTS

__all__ = [
    "FRAGMENTS",
    "KINDS",
    "Kind",
    "Parent",
    "plan_create",
    "plan_detail",
    "plan_edit",
    "plan_element_create",
    "plan_element_delete",
    "plan_element_edit",
]

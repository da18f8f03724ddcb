"""Program design pages (Metodología del Marco Lógico): the design, its risks and cronograma.

Every member of the institution reads them; Planeación, or the Enlace of the design
node's area, edits (``rumbo.institutions.access.can_edit_design``). Every form works
without JavaScript: POST, then redirect back to the section that changed.
"""

from __future__ import annotations

from .general import design_create, design_edit
from .items import KINDS, design_item_create, design_item_delete, design_item_edit
from .pages import design_detail, design_list, design_risks, design_schedule

__all__ = [
    "KINDS",
    "design_create",
    "design_detail",
    "design_edit",
    "design_item_create",
    "design_item_delete",
    "design_item_edit",
    "design_list",
    "design_risks",
    "design_schedule",
]

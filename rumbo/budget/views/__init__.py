"""The budget's pages: the program year's budget and its XLSX (``page``); the upload of a
budget file with its preview, and the partidas and fuentes catalogue (``upload``)."""

from .page import budget, budget_download
from .upload import (
    budget_item_edit,
    budget_items,
    budget_items_review,
    budget_source_create,
    budget_source_edit,
    budget_template,
    budget_upload,
    budget_upload_apply,
)

__all__ = [
    "budget",
    "budget_download",
    "budget_item_edit",
    "budget_items",
    "budget_items_review",
    "budget_source_create",
    "budget_source_edit",
    "budget_template",
    "budget_upload",
    "budget_upload_apply",
]

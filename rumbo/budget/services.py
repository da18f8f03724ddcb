"""Writes of the budget app besides the import (``importer``), each in one transaction."""

from __future__ import annotations

from django.db import transaction

from .catalog import cog_sync
from .models import Chapter, Concept, GenericItem


@transaction.atomic
def cog_load() -> dict[str, int]:
    """Sync CONAC's classifier (the same for every institution: it is reference data, like
    shipped with Rumbo, so it is not an institution's audited change)."""
    return cog_sync(Chapter, Concept, GenericItem)

"""Writes for institutions and areas. Area spellings resolve here, and only here."""

from __future__ import annotations

from .areas import (
    AMBIGUITY_MARGIN,
    NAME_SIMILARITY_ACCEPT,
    NAME_SIMILARITY_WITH_ACRONYM,
    AreaMatch,
    AreaSpelling,
    MatchKind,
    acronym_key,
    area_create,
    area_resolve_many,
    area_update,
    similarity,
    split_area_label,
)
from .institutions import (
    institution_create,
    institution_letterhead_update,
    institution_update,
    web_domains_parse,
)
from .users import user_ensure

__all__ = [
    "AMBIGUITY_MARGIN",
    "NAME_SIMILARITY_ACCEPT",
    "NAME_SIMILARITY_WITH_ACRONYM",
    "AreaMatch",
    "AreaSpelling",
    "MatchKind",
    "acronym_key",
    "area_create",
    "area_resolve_many",
    "area_update",
    "institution_create",
    "institution_letterhead_update",
    "institution_update",
    "similarity",
    "split_area_label",
    "user_ensure",
    "web_domains_parse",
]

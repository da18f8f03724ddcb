"""The one text normaliser: every comparison of names, units and keys goes through here."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def clean(text: str | None) -> str:
    """Collapse whitespace (including non-breaking spaces) and strip."""
    if not text:
        return ""
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=4096)
def normalize(text: str | None) -> str:
    """Accent-, case- and punctuation-insensitive form used for matching.

    Cached: a file's cells repeat (areas, units, links, dates) and the checkers normalise
    each cell several times (header detection, content rules, duplicates)."""
    return _NON_WORD.sub(" ", strip_accents(clean(text)).lower()).strip()


STOPWORDS = frozenset({"de", "del", "la", "las", "el", "los", "y", "e", "en", "para", "a", "al"})


def acronym(text: str | None) -> str:
    """Initials of the significant words: 'Dirección de Organización' -> 'DO'.

    Numbers are skipped ('Órganos Desconcentrados del 01 al 33' -> 'OD') unless the text
    has nothing else.
    """
    words = [w for w in normalize(text).split() if w not in STOPWORDS]
    letters = [w for w in words if w.isalpha()] or words
    return "".join(w[0] for w in letters).upper()


MAX_DIGITS = 18  # a whole number that fits a 64-bit database integer


def whole_number(raw: object) -> int | None:
    """The whole number a text spells in ASCII digits («12», « 7 »), or None: «²», «١٢»,
    «-1», «1.5», «abc» and numbers too long for a database integer are not one
    (``str.isdigit`` accepts «²», which ``int`` then refuses)."""
    text = str(raw).strip() if raw is not None else ""
    if not text or len(text) > MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)

"""Import the transparency format «Objetivos y metas institucionales» (LGT art. 70 fr. IV,
CDMX art. 121 fr. IV): one ``AreaObjective`` per data row.

Columns are found by their header texts (accent-, case- and punctuation-insensitive, so the
variants «Denominación del área» / «… del Área o Unidad Responsable», «genera(n)» /
«generen», with or without «Fecha de validación» all work); the header row may repeat on
every page and may change wording between pages. Lines without tabs are page furniture
(titles, legal basis, «Período de actualización») when they come before the first header,
after the last data row or more than once; otherwise they are reported.

Ejercicio rule: one file is one ejercicio. The rows are stored under ``year`` when given
(the operator's explicit choice), otherwise under the Ejercicio most rows carry. A row whose
Ejercicio differs is still stored under the file's ejercicio — so re-importing the file
replaces exactly its own rows (natural key institution + ejercicio + row number) — and gets
a finding saying so.

Hyperlinks are checked against ``Institution.web_domains``. When the institution has none,
the domain is inferred for this run only (the most frequent host of the file that contains
the institution's code) and every message says it was inferred; the institution is never
changed by an import.
"""

from __future__ import annotations

from .checks import (
    DATE_RE,
    DUPLICATE_FIELDS,
    FREQUENCIES,
    FREQUENCY_WORDS,
    META_SIMILARITY,
)
from .layout import (
    COLUMNS,
    DATE_FIELDS,
    HEADER_MIN_MATCHES,
    HEADER_REQUIRED,
    KIND,
    KIND_LABEL,
    OPTIONAL,
    TITLES,
    YEAR_MISMATCH_CODE,
    YEAR_RE,
    ObjectiveRow,
    ParsedObjectives,
)
from .links import HOST_RE, link_findings
from .parse import parse_sipot_objectives
from .write import import_sipot_objectives

__all__ = [
    "COLUMNS",
    "DATE_FIELDS",
    "DATE_RE",
    "DUPLICATE_FIELDS",
    "FREQUENCIES",
    "FREQUENCY_WORDS",
    "HEADER_MIN_MATCHES",
    "HEADER_REQUIRED",
    "HOST_RE",
    "KIND",
    "KIND_LABEL",
    "META_SIMILARITY",
    "OPTIONAL",
    "TITLES",
    "YEAR_MISMATCH_CODE",
    "YEAR_RE",
    "ObjectiveRow",
    "ParsedObjectives",
    "import_sipot_objectives",
    "link_findings",
    "parse_sipot_objectives",
]

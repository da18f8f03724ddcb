"""Importer of the IEEM «Programa Anual de Actividades» (subprograma → proyecto → actividad).

The text comes from a PDF, one table row per line with tab-separated cells:

- front matter with a structure table ``NO. ÁREA DESCRIPCIÓN PROYECTOS ACTIVIDADES`` (one
  row per subprogram and a ``Total``);
- per subprogram a summary (``Subprograma NN: nombre``, ``Área:``, ``Objetivo General:``,
  a ``Clave Proyectos Específicos: Activ.`` table with its ``Total``, ``Marco Legal:``) and
  the detail table (``Cantidad Anual Ene … Dic Tipo de Beneficiarios/Destinatarios
  Cantidad``) interrupted by page headers and repeated table headers;
- in the detail, project lines (``0101``) and activity lines (``010101`` description …
  unit) whose figures (annual, months, beneficiary type, beneficiary quantity) sit on the
  next line or on the same line.

``parse_paa`` is pure: text → dataclasses + finding drafts, ``ImportFailure`` when the file
is not this layout or looks truncated. ``import_paa`` writes the result with ``Syncer``.
"""

from __future__ import annotations

from .beneficiaries import is_quantity, pair_beneficiaries
from .calendar import calendar_certain_months
from .layout import (
    KIND,
    KIND_LABEL,
    MONTHS,
    QUANTUM,
    ParsedActivity,
    ParsedBeneficiary,
    ParsedProgram,
    ParsedProject,
    ParsedSubprogram,
)
from .parse import parse_paa
from .write import import_paa

__all__ = [
    "KIND",
    "KIND_LABEL",
    "MONTHS",
    "QUANTUM",
    "ParsedActivity",
    "ParsedBeneficiary",
    "ParsedProgram",
    "ParsedProject",
    "ParsedSubprogram",
    "calendar_certain_months",
    "import_paa",
    "is_quantity",
    "pair_beneficiaries",
    "parse_paa",
]

"""Import a Plan General de Desarrollo (PGD) from either layout the institutes publish.

* **Text layout** (the quarterly POA report, CDMX art. 121 fr. XXII): FODA headings
  (FORTALEZAS / DEBILIDADES / OPORTUNIDADES / AMENAZAS) with "‣" items, then the misión
  and the visión as *unlabelled* paragraphs, then objectives "OE1." … and items
  "Línea de acción N.M." (linked to objective OE{N}).
* **Table layout** (the PGD itself): tab-separated rows under the repeated header
  "Política General · Programas Generales · Objetivos Estratégicos · Líneas de acción";
  an empty cell is a merged cell (the value of the row above carries on); the last cell
  holds ``<p>`` paragraphs ("N.M. text" are líneas de acción, a paragraph without a key
  that repeats the program name is a subheading); footnotes (¹) at the end of the file.

Misión and visión (text layout) — this relies on position, because the format prints them
without labels: they are the first two prose paragraphs after the FODA (or after the start
of the document when there is no FODA) and before the first objective. A paragraph is a
run of wrapped lines that ends with a full stop; one-line fragments without a full stop
(the institution's name, the legal basis, a date: page furniture) separate paragraphs and
are ignored, as are their repetitions inside objectives and líneas. Lines labelled
"Misión:" / "Visión:" win over position. When two paragraphs are not found the import
fails and says how to label them.

Period: taken from the text "Plan General de Desarrollo AAAA-AAAA" (or "AAAA al AAAA").
When the document does not say it (the POA report does not), ``start_year``/``end_year``
are required (``rumbo import pgd --period AAAA-AAAA``); no other year range in the text is
trusted, because a POA also mentions electoral processes ("2023-2024") and its own year.
Arguments that contradict the document are refused.
"""

from __future__ import annotations

from .common import (
    KIND,
    KIND_LABEL,
    LineDraft,
    ObjectiveDraft,
    ParsedPlan,
    PolicyDraft,
    ProgramDraft,
    SwotDraft,
)
from .table_layout import (
    parse_pgd_table,
)
from .text_layout import (
    parse_pgd_text,
)
from .write import (
    import_pgd,
    parse_pgd,
)

__all__ = [
    "KIND",
    "KIND_LABEL",
    "LineDraft",
    "ObjectiveDraft",
    "ParsedPlan",
    "PolicyDraft",
    "ProgramDraft",
    "SwotDraft",
    "import_pgd",
    "parse_pgd",
    "parse_pgd_table",
    "parse_pgd_text",
]

"""``rumbo import presupuesto FILE --institution CODE --year YYYY [--dry-run] [--through M]``:
the budget of a program year from the financial system's export (docs/budget.md).

``plan`` says what a file would change (``preview_budget``: the dry run and its
``BudgetDiff``, for ``--dry-run`` and the web upload's preview).

Two steps, like every importer (``rumbo.imports.base``): ``read`` + ``parse`` check every
row (all errors listed with row and column, nothing written), then ``write`` stores it in
one transaction with its quality findings (``checks``), the audit trail and an ImportRun.
"""

from __future__ import annotations

from .layout import COLUMNS, HEADERS, KIND, BudgetFileError, BudgetRow, RowError
from .parse import parse_amount, parse_budget
from .plan import BudgetDiff, LineDiff, budget_diff, stored_fingerprint
from .read import read_table, table_from_bytes
from .template import template_xlsx
from .write import BudgetPreview, StalePreview, import_budget, preview_budget

__all__ = [
    "COLUMNS",
    "HEADERS",
    "KIND",
    "BudgetDiff",
    "BudgetFileError",
    "BudgetPreview",
    "BudgetRow",
    "LineDiff",
    "RowError",
    "StalePreview",
    "budget_diff",
    "import_budget",
    "parse_amount",
    "parse_budget",
    "preview_budget",
    "read_table",
    "stored_fingerprint",
    "table_from_bytes",
    "template_xlsx",
]

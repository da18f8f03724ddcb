"""``rumbo import presupuesto FILE --institution CODE --year YYYY [--dry-run] [--through M]``:
the budget of a program year from the financial system's export (docs/budget.md).

Two steps, like every importer (``rumbo.imports.base``): ``read`` + ``parse`` check every
row (all errors listed with row and column, nothing written), then ``write`` stores it in
one transaction with its quality findings (``checks``), the audit trail and an ImportRun.
"""

from __future__ import annotations

from .layout import COLUMNS, HEADERS, KIND, BudgetFileError, BudgetRow, RowError
from .parse import parse_amount, parse_budget
from .read import read_table
from .template import template_xlsx
from .write import import_budget

__all__ = [
    "COLUMNS",
    "HEADERS",
    "KIND",
    "BudgetFileError",
    "BudgetRow",
    "RowError",
    "import_budget",
    "parse_amount",
    "parse_budget",
    "read_table",
    "template_xlsx",
]

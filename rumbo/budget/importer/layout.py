"""The budget file's layout: its columns, a parsed row and the row-level errors.

One row per key, month and momento (docs/budget.md):

| Clave programática | Partida | Fuente | Mes | Momento | Importe | Nombre de la partida |

The last column is optional (the name a new partida específica is created with). Headers
are matched without accents, case or extra spaces; other columns are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rumbo.core.errors import ImportFailure
from rumbo.core.spreadsheets import Limits

KIND = "presupuesto"
KIND_LABEL = "un presupuesto (clave programática, partida, fuente, mes, momento, importe)"

# (field, header as written in the template, required)
COLUMNS = (
    ("key", "Clave programática", True),
    ("item", "Partida", True),
    ("source", "Fuente", True),
    ("month", "Mes", True),
    ("moment", "Momento", True),
    ("amount", "Importe", True),
    ("item_name", "Nombre de la partida", False),
)
HEADERS = {field: header for field, header, _ in COLUMNS}
REQUIRED = [field for field, _, required in COLUMNS if required]

# A financial system's export is long: one row per key, month and momento. The limits of
# rumbo.core.spreadsheets are raised for rows and cells only (the file's weight, XML
# safety and the time limit stay).
BUDGET_LIMITS = Limits(
    rows=150_000,
    cells=1_200_000,
    elements=3_000_000,
    unpacked_bytes=150 * 1024 * 1024,
    seconds=60.0,
)
MAX_ERRORS = 200  # listed; the count says how many more there were


@dataclass(frozen=True)
class BudgetRow:
    line: int  # the row as the user sees it (spreadsheet row, or text line)
    key: str
    item: str
    source: str
    month: int
    moment: str
    amount: Decimal
    item_name: str = ""


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str  # the header, as the template writes it ("" for the whole file)
    message: str  # what was found and what was expected

    def text(self, file: str) -> str:
        where = f"{file}, fila {self.row}" if self.row else file
        return (
            f"{where}, columna «{self.column}»: {self.message}"
            if self.column
            else (f"{where}: {self.message}")
        )


class BudgetFileError(ImportFailure):
    """Every problem of a budget file; nothing was written. ``errors`` lists them by row."""

    def __init__(self, file: str, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = total if total is not None else len(errors)
        shown = "; ".join(e.text(file) for e in errors[:5])
        more = f" (y {self.total - 5} errores más)" if self.total > 5 else ""
        super().__init__(file, f"{self.total} error(es), no se guardó nada: {shown}{more}")

    def lines(self, file: str) -> list[str]:
        out = [e.text(file) for e in self.errors]
        if self.total > len(self.errors):
            out.append(f"… y {self.total - len(self.errors)} errores más")
        return out

"""Rows of a budget file → ``BudgetRow`` list, or every row-level error (nothing written).

Pure: it reads the table and the catalogues it is given (the CONAC partidas genéricas, the
institution's fuentes); it never touches the database. What is suspicious but readable (a
key the program does not have, a partida new to the institution, amounts that do not add
up) is left to the findings (``checks.py``).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from decimal import Decimal

from rumbo.core.numbers import format_mx, parse_number
from rumbo.core.periods import MONTH_NAMES
from rumbo.core.text import normalize, whole_number

from ..models import AMOUNT_DIGITS, AMOUNT_PLACES, MOMENTS
from .layout import COLUMNS, HEADERS, MAX_ERRORS, REQUIRED, BudgetFileError, BudgetRow, RowError
from .read import Table

_HEADER_KEYS = {normalize(header): field for field, header, _ in COLUMNS}
# «Clave» alone and «Fuente de financiamiento» are read too.
_HEADER_KEYS.update(
    {"clave": "key", "fuente de financiamiento": "source", "partida especifica": "item"}
)
_MONTHS = {normalize(name): n for n, name in enumerate(MONTH_NAMES, 1)}
_MONTHS.update({normalize(name)[:3]: n for n, name in enumerate(MONTH_NAMES, 1)})
_MOMENTS = {normalize(m): m for m in MOMENTS}
_ITEM_RE = re.compile(r"^[1-9]\d{4}$")
# «1.234,56», «1234,5»: a decimal comma (and points as thousands), not es-MX.
# («1.234» alone reads as three decimals: refused for that, the message names both.)
_DECIMAL_COMMA_RE = re.compile(
    r"^\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?$|^\d{1,3}(?:\.\d{3})+,\d+$|^\d+,\d{1,2}$"
)
_MAX_AMOUNT = Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_PLACES)
CENT = Decimal("0.01")
EXAMPLE = "1,234,567.89"


def _amount_shape(text: str, value: str) -> str:
    """Why ``value`` (``text`` without its «$») is not written as es-MX pesos, or ""."""
    if not value:
        return f"está vacío; se esperaba un importe en pesos (p. ej. {EXAMPLE})"
    if value.startswith("-") or (value.startswith("(") and value.endswith(")")):
        return f"«{text}» es negativo; cada momento se registra en pesos, 0 o más"
    if _DECIMAL_COMMA_RE.match(value):
        return (
            f"«{text}» usa coma decimal (o punto de miles); en es-MX se escribe con punto "
            f"decimal y comas de miles: {EXAMPLE}"
        )
    return ""


def parse_amount(text: str) -> Decimal | str:
    """An importe in pesos as es-MX writes it («1,234,567.89», «1234567.89», «$ 1,200»), or
    the reason it is not one."""
    value = text.strip().removeprefix("$").strip()
    if reason := _amount_shape(text, value):
        return reason
    amount = parse_number(value)
    if amount is None:
        return f"«{text}» no es un importe; se esperaba p. ej. {EXAMPLE}"
    if amount != amount.quantize(CENT):
        return (
            f"«{text}» tiene más de dos decimales; los importes van en pesos y centavos (si "
            f"el punto separa miles, en es-MX se escribe con coma: {EXAMPLE})"
        )
    if amount >= _MAX_AMOUNT:
        return f"«{text}» pasa del máximo de {format_mx(_MAX_AMOUNT)} pesos"
    return amount.quantize(CENT)


_DIGIT_MONTHS = {str(n): n for n in range(1, 13)} | {f"{n:02d}": n for n in range(1, 10)}


def parse_month(text: str) -> int | str:
    if text in _DIGIT_MONTHS:  # the usual case, without normalising
        return _DIGIT_MONTHS[text]
    key = normalize(text)
    number = whole_number(key)
    if number is not None and 1 <= number <= 12:
        return number
    if key in _MONTHS:
        return _MONTHS[key]
    return f"«{text}» no es un mes; se esperaba un número del 1 al 12 (o enero … diciembre)"


def parse_moment(text: str) -> str:
    return _MOMENTS.get(text) or _MOMENTS.get(normalize(text), "")


class _Rows:
    """Collects the rows and the errors, up to ``MAX_ERRORS`` listed."""

    def __init__(self, name: str, generics: Collection[str], sources: Collection[str]) -> None:
        self.name = name
        self.generics = generics
        self.sources = sources
        self.errors: list[RowError] = []
        self.total = 0
        self.rows: list[BudgetRow] = []
        self.seen: dict[tuple[str, str, str, int, str], int] = {}

    def error(self, row: int | None, field: str, message: str) -> None:
        self.total += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, HEADERS.get(field, ""), message))

    def read(self, line: int, cells: dict[str, str]) -> None:
        before = self.total
        for field in REQUIRED:
            if not cells.get(field, ""):
                self.error(line, field, f"está vacía; se esperaba {_EXPECTED[field]}")
        if self.total > before:
            return
        item = self._item(line, cells["item"])
        source = self._source(line, cells["source"])
        month = parse_month(cells["month"])
        if isinstance(month, str):
            self.error(line, "month", month)
        moment = parse_moment(cells["moment"])
        if not moment:
            self.error(
                line,
                "moment",
                f"«{cells['moment']}» no es un momento; se esperaba " + ", ".join(MOMENTS),
            )
        amount = parse_amount(cells["amount"])
        if isinstance(amount, str):
            self.error(line, "amount", amount)
        if self.total > before:
            return
        assert isinstance(month, int) and isinstance(amount, Decimal)  # noqa: S101 - narrowed above
        self._add(
            BudgetRow(
                line, cells["key"], item, source, month, moment, amount, cells.get("item_name", "")
            )
        )

    def _item(self, line: int, text: str) -> str:
        if not _ITEM_RE.match(text):
            self.error(
                line,
                "item",
                f"«{text}» no es una partida específica; se esperaban 5 "
                "dígitos (p. ej. 21101: la partida genérica 211 y su número)",
            )
        elif text[:3] not in self.generics:
            self.error(
                line,
                "item",
                f"la partida genérica {text[:3]} de «{text}» no existe en "
                "el Clasificador por Objeto del Gasto del CONAC",
            )
        return text

    def _source(self, line: int, text: str) -> str:
        if text not in self.sources:
            known = ", ".join(sorted(self.sources)) or "ninguna"
            self.error(
                line,
                "source",
                f"la fuente «{text}» no está en el catálogo de la "
                f"institución; se esperaba una de: {known}",
            )
        return text

    def _add(self, row: BudgetRow) -> None:
        key = (row.key, row.item, row.source, row.month, row.moment)
        first = self.seen.setdefault(key, row.line)
        if first != row.line:
            self.error(
                row.line,
                "moment",
                f"repite la clave, partida, fuente, mes y momento de "
                f"la fila {first}; se esperaba una sola fila por cada uno",
            )
            return
        self.rows.append(row)


_EXPECTED = {
    "key": "la clave de un subprograma, proyecto o actividad (p. ej. 0101)",
    "item": "una partida específica de 5 dígitos (p. ej. 21101)",
    "source": "la clave de una fuente de financiamiento (p. ej. 11)",
    "month": "un mes del 1 al 12",
    "moment": "un momento: " + ", ".join(MOMENTS),
    "amount": f"un importe en pesos (p. ej. {EXAMPLE})",
}


def _header(table: Table) -> tuple[int, dict[str, int]]:
    """The first row with a value is the header: (its index in the rows, field → column)."""
    for index, (line, cells) in enumerate(table.rows):
        if not any(cells):
            continue
        columns: dict[str, int] = {}
        for column, cell in enumerate(cells):
            field = _HEADER_KEYS.get(normalize(cell))
            if field and field not in columns:
                columns[field] = column
        missing = [HEADERS[f] for f in REQUIRED if f not in columns]
        if missing:
            found = " · ".join(c for c in cells if c) or "nada"
            raise BudgetFileError(
                table.name,
                [
                    RowError(
                        line,
                        "",
                        (
                            f"faltan las columnas {', '.join(missing)}; el encabezado dice "
                            f"«{found}» y se esperaba " + " · ".join(HEADERS[f] for f in REQUIRED)
                        ),
                    )
                ],
            )
        return index, columns
    raise BudgetFileError(table.name, [RowError(None, "", "no tiene encabezado ni filas")])


def parse_budget(
    table: Table, *, generics: Collection[str], sources: Collection[str]
) -> list[BudgetRow]:
    """Every row of the file, or ``BudgetFileError`` with every bad row and column."""
    start, columns = _header(table)
    rows = _Rows(table.name, generics, sources)
    for line, cells in table.rows[start + 1 :]:
        if not any(cells):
            continue
        rows.read(line, {f: cells[i] if i < len(cells) else "" for f, i in columns.items()})
    if rows.total:
        raise BudgetFileError(table.name, rows.errors, rows.total)
    if not rows.rows:
        raise BudgetFileError(
            table.name, [RowError(None, "", "no tiene filas de datos bajo el encabezado")]
        )
    return rows.rows

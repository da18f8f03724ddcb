"""Quantities as users type them: one amount or a twelve-month calendar, as Decimals."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from rumbo.core.numbers import parse_number

QUANTUM = Decimal("0.0001")
MAX_QUANTITY = Decimal("9999999999.9999")  # max_digits=14, decimal_places=4


def quantity_parse(value: object, *, field: str, allow_none: bool = True) -> Decimal | None:
    """A user's quantity as a Decimal: 1,234.5 · 0.25 · 12 (numbers or es-MX text).

    Raises ``ValidationError({field: message})`` for negatives, text, too many decimals
    or too large values. Empty (None or '') is None when allowed.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_none:
            return None
        raise ValidationError({field: "Este dato es obligatorio."})
    if isinstance(value, bool):
        raise ValidationError({field: "Se esperaba una cantidad, no un valor lógico."})
    if isinstance(value, Decimal):
        number: Decimal | None = value
    elif isinstance(value, int | float):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = None
    else:
        number = parse_number(str(value))
    if number is None or not number.is_finite():
        raise ValidationError({field: f"«{value}» no es una cantidad (ejemplo: 1,234.5)."})
    if number < 0:
        raise ValidationError({field: "La cantidad no puede ser negativa."})
    if number > MAX_QUANTITY:
        raise ValidationError({field: "La cantidad es demasiado grande."})
    if number != number.quantize(QUANTUM):
        raise ValidationError({field: "Se admiten hasta 4 decimales."})
    return number.quantize(QUANTUM)


def months_parse(values: Sequence[object], *, field: str = "months") -> list[Decimal | None]:
    """Twelve monthly quantities (None = unknown). Errors name the month: ``months.3``."""
    if len(values) != 12:
        raise ValidationError({field: f"Se esperaban 12 meses, no {len(values)}."})
    errors: dict[str, list[str]] = {}
    months: list[Decimal | None] = []
    for i, value in enumerate(values, start=1):
        try:
            months.append(quantity_parse(value, field=f"{field}.{i}"))
        except ValidationError as exc:
            errors.update(exc.message_dict)
            months.append(None)
    if errors:
        raise ValidationError(errors)
    return months

"""Beneficiary-quantity rules of the PAA importer."""

from __future__ import annotations

import re

from rumbo.core.text import clean

from .layout import (
    _QTY_LOOSE_RE,
    _QTY_SEPARATORS_RE,
    _QTY_THOUSANDS_RE,
    ParsedBeneficiary,
    _plural,
    _short,
)


def _qty_items(text: str, pattern: re.Pattern[str]) -> list[str] | None:
    """The quantities of a beneficiary-quantity cell, or None if it holds something else."""
    items = [m.group(0).strip().rstrip(".") for m in pattern.finditer(text)]
    if not items or not _QTY_SEPARATORS_RE.match(pattern.sub(" ", text)):
        return None
    return items


def is_quantity(text: str) -> bool:
    """'13,1,S/C, S/C', '5,800 E', '8E y S/C', '2,300' — a beneficiary-quantity cell."""
    return _qty_items(text, _QTY_LOOSE_RE) is not None


def _looks_like_unit(text: str) -> bool:
    """A unit of measure is a short label: 'Reporte', 'Base de Datos', 'Sitio Web'."""
    return (
        len(text) <= 40
        and len(text.split()) <= 4
        and not text.endswith(".")
        and "," not in text
        and not any(ch.isdigit() for ch in text)
    )


def _strip_period(text: str) -> str:
    return clean(text).rstrip(" .")


def pair_beneficiaries(description: str, quantity: str) -> tuple[list[ParsedBeneficiary], str]:
    """Pair beneficiary types with their quantities; returns the rows and a problem ('' if none).

    Types split on commas (and on a ' y ' of the last part only when that makes the counts
    match);
    quantities split on commas and spaces. A comma followed by three digits may also be a
    thousands separator ('4,800'), and a single quantity belongs to the whole description;
    when two readings pair differently, the pairing is ambiguous. Unpaired or ambiguous: one
    row with the whole texts.
    """
    description = _strip_period(description)
    quantity = clean(quantity)
    if not description and not quantity:
        return [], ""
    whole = [ParsedBeneficiary(description, quantity)]
    if not quantity:
        return whole, f"Tipo de beneficiario «{_short(description)}» sin cantidad."
    if not description:
        return whole, f"Cantidad de beneficiarios «{quantity}» sin tipo de beneficiario."
    by_comma = [p.strip() for p in re.split(r"[,;]", description) if p.strip()]
    types_options = [by_comma]
    for y in re.finditer(r"\s+y\s+", by_comma[-1] if by_comma else ""):
        # Each ' y ' of the last part could be the one that separates two types.
        last = by_comma[-1]
        types_options.append([*by_comma[:-1], last[: y.start()], last[y.end() :]])
    loose = _qty_items(quantity, _QTY_LOOSE_RE)
    thousands = _qty_items(quantity, _QTY_THOUSANDS_RE)
    pairings: list[list[tuple[str, str]]] = []
    for types in types_options:
        for quantities in (loose, thousands):
            if quantities is not None and len(types) == len(quantities):
                pairings.append(list(zip(types, quantities, strict=True)))
    if thousands is not None and len(thousands) == 1:
        pairings.append([(description, quantity)])  # one quantity for the whole description
    distinct = [p for i, p in enumerate(pairings) if p not in pairings[:i]]
    if len(distinct) == 1:
        return [ParsedBeneficiary(d, q) for d, q in distinct[0]], ""
    if distinct:
        return whole, (
            f"Los beneficiarios «{_short(description)}» y las cantidades «{quantity}» se "
            "pueden emparejar de más de una forma; se guardaron juntos en un solo registro."
        )
    counted = (
        _plural(len(loose), "cantidad", "cantidades")
        if loose
        else "un texto que no es una lista de cantidades"
    )
    return whole, (
        f"Se leyeron {_plural(len(by_comma), 'tipo', 'tipos')} de beneficiario "
        f"(«{_short(description)}») y {counted} («{quantity}»); se guardaron juntos en un solo "
        "registro."
    )

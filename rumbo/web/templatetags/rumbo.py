"""Presentation helpers for Rumbo's templates (es-MX numbers, Spanish labels)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

from rumbo.core.numbers import format_mx, format_pesos
from rumbo.core.periods import MONTH_LABELS, MONTH_NAMES
from rumbo.imports.findings import FINDING_CODES
from rumbo.monitoring.simulated import progress_simulated_note as simulated_note
from rumbo.programs.models import AnnualProgram

register = template.Library()


_INVARIABLE = {"de", "del", "la", "las", "el", "los", "y", "e", "en", "para", "a", "al"}


@register.filter
def mx(value: Decimal | int | float | None) -> str:
    """A quantity as es-MX writes it: 4,060 · 0.25 · 1,234.5 (empty for None)."""
    return format_mx(value)


@register.filter
def mx_round(value: Decimal | int | float | None, places: int = 2) -> str:
    """Like ``mx`` but rounded half-up to at most ``places`` decimals: 89.5833 → 89.58."""
    if value is None:
        return ""
    exponent = Decimal(1).scaleb(-int(places))
    return format_mx(Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP))


@register.filter
def pesos(value: Decimal | int | float | None) -> str:
    """Pesos as es-MX writes them: $1,234,567.89 (empty for None)."""
    return format_pesos(value)


@register.simple_tag
def month_headers() -> list[tuple[str, str]]:
    """(abbreviation, full name) for Ene…Dic."""
    return list(zip(MONTH_LABELS, MONTH_NAMES, strict=True))


@register.filter
def month_name(index: int) -> str:
    """0 → 'enero' (for the zero-based positions of a calendar list)."""
    return MONTH_NAMES[index]


@register.filter
def finding_title(code: str) -> str:
    known = FINDING_CODES.get(code)
    return known.title if known else code


@register.filter
def plural_es(text: str) -> str:
    """Plural of a level name: 'Proyecto específico' → 'Proyectos específicos',
    'Acción' → 'Acciones', 'Línea de acción' → 'Líneas de acción'."""
    words = text.split()
    out: list[str] = []
    for i, word in enumerate(words):
        if word.lower() in _INVARIABLE:
            out.extend(words[i:])
            break
        out.append(_plural_word(word))
    return " ".join(out)


def _plural_word(word: str) -> str:
    lower = word.lower()
    if lower.endswith(("a", "e", "i", "o", "u", "é")):
        return word + "s"
    if lower.endswith("ón"):
        return word[:-2] + ("ONES" if word.isupper() else "ones")
    if lower.endswith("z"):
        return word[:-1] + "ces"
    if lower.endswith("s"):
        return word
    return word + "es"


@register.simple_tag
def progress_simulated_note(program: AnnualProgram | None) -> str:
    """The «Datos simulados» notice of a program whose progress is simulated; empty
    otherwise (``{% progress_simulated_note program as simulated_note %}``)."""
    return simulated_note(program) if program is not None else ""

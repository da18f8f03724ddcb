"""Stakeholders (análisis de involucrados), alternatives and target-population figures."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from rumbo.audit.services import Actor, audit_record
from rumbo.core.numbers import parse_number
from rumbo.core.versions import version_bump

from ..models import Alternative, PopulationFigure, ProgramDesign, Stakeholder
from .common import (
    create_item,
    delete_item,
    institution_id_of,
    line,
    lock_item,
    merged,
    order,
    paragraph,
    raise_if,
    score,
    update_item,
)

# --- stakeholders ----------------------------------------------------------------------------

STAKEHOLDER_FIELDS = (
    "actor",
    "interests",
    "perceived_problems",
    "resources_mandates",
    "expectations",
    "conflicts_alliances",
    "position",
    "power",
    "involvement",
    "importance",
    "notes",
    "order",
)
SCORE_LABELS = {
    "position": "la posición",
    "power": "el poder",
    "involvement": "el involucramiento",
    "importance": "la importancia",
}


def _clean_stakeholder(values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {
        "actor": line(
            errors, values, "actor", max_length=255, required="Escribe el nombre del actor."
        )
    }
    for name in (
        "interests",
        "perceived_problems",
        "resources_mandates",
        "expectations",
        "conflicts_alliances",
        "notes",
    ):
        cleaned[name] = paragraph(errors, values, name)
    for name, label in SCORE_LABELS.items():
        cleaned[name] = score(errors, values, name, label=label)
    cleaned["order"] = order(errors, values)
    raise_if(errors)
    return cleaned


@transaction.atomic
def stakeholder_create(
    *, actor: Actor, design: ProgramDesign, data: Mapping[str, Any]
) -> Stakeholder:
    """``data``: the ``STAKEHOLDER_FIELDS`` (``actor`` is the stakeholder's name)."""
    values = _clean_stakeholder(merged(None, STAKEHOLDER_FIELDS, data))
    return create_item(
        actor=actor,
        design=design,
        model=Stakeholder,
        values=values,
        action="stakeholder.create",
        fields=STAKEHOLDER_FIELDS,
    )


@transaction.atomic
def stakeholder_update(
    *,
    actor: Actor,
    stakeholder: Stakeholder,
    changes: Mapping[str, Any],
    version: int | None = None,
) -> bool:
    lock_item(stakeholder)
    values = _clean_stakeholder(merged(stakeholder, STAKEHOLDER_FIELDS, changes))
    return update_item(
        actor=actor,
        design=stakeholder.design,
        obj=stakeholder,
        values=values,
        action="stakeholder.update",
        fields=STAKEHOLDER_FIELDS,
        version=version,
        sent=changes,
    )


@transaction.atomic
def stakeholder_delete(*, actor: Actor, stakeholder: Stakeholder, reason: str = "") -> None:
    delete_item(
        actor=actor,
        design=stakeholder.design,
        obj=stakeholder,
        action="stakeholder.delete",
        fields=STAKEHOLDER_FIELDS,
        reason=reason,
    )


# --- alternatives ----------------------------------------------------------------------------

ALTERNATIVE_FIELDS = ("title", "actions", "chosen", "order")


def _clean_alternative(values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = {
        "title": paragraph(errors, values, "title", required="Describe la alternativa."),
        "actions": paragraph(errors, values, "actions"),
        "chosen": bool(values.get("chosen")),
        "order": order(errors, values),
    }
    raise_if(errors)
    return cleaned


def _unchoose_others(actor: Actor, design: ProgramDesign, keep: Alternative) -> None:
    """Only one alternative is the chosen one: choosing another unmarks the previous one."""
    chosen = Alternative.objects.select_for_update().filter(design=design, chosen=True)
    for other in chosen.exclude(pk=keep.pk):
        other.chosen = False
        version_bump(other, write=False)  # a page open on it now holds a stale version
        other.save(update_fields=["chosen", "version"])
        audit_record(
            actor=actor,
            institution_id=institution_id_of(design),
            action="alternative.update",
            obj=other,
            before={"chosen": True},
            after={"chosen": False},
            reason=f"Se eligió otra alternativa: «{keep.title[:80]}».",
        )


@transaction.atomic
def alternative_create(
    *, actor: Actor, design: ProgramDesign, data: Mapping[str, Any]
) -> Alternative:
    values = _clean_alternative(merged(None, ALTERNATIVE_FIELDS, data))
    alternative = create_item(
        actor=actor,
        design=design,
        model=Alternative,
        values=values,
        action="alternative.create",
        fields=ALTERNATIVE_FIELDS,
    )
    if alternative.chosen:
        _unchoose_others(actor, design, alternative)
    return alternative


@transaction.atomic
def alternative_update(
    *,
    actor: Actor,
    alternative: Alternative,
    changes: Mapping[str, Any],
    version: int | None = None,
) -> bool:
    lock_item(alternative)
    values = _clean_alternative(merged(alternative, ALTERNATIVE_FIELDS, changes))
    changed = update_item(
        actor=actor,
        design=alternative.design,
        obj=alternative,
        values=values,
        action="alternative.update",
        fields=ALTERNATIVE_FIELDS,
        version=version,
        sent=changes,
    )
    if changed and alternative.chosen:
        _unchoose_others(actor, alternative.design, alternative)
    return changed


@transaction.atomic
def alternative_delete(*, actor: Actor, alternative: Alternative, reason: str = "") -> None:
    delete_item(
        actor=actor,
        design=alternative.design,
        obj=alternative,
        action="alternative.delete",
        fields=ALTERNATIVE_FIELDS,
        reason=reason,
    )


# --- population figures ----------------------------------------------------------------------

POPULATION_FIELDS = ("group", "label", "value", "unit", "source", "cutoff", "order")
VALUE_LIMIT = Decimal("1e14")  # max_digits 16, 2 decimals


def _population_value(errors: dict[str, str], raw: Any) -> Decimal | None:
    if isinstance(raw, Decimal):
        value: Decimal | None = raw
    elif isinstance(raw, int) and not isinstance(raw, bool):
        value = Decimal(raw)
    else:
        value = parse_number(str(raw or ""))
    if value is None or not value.is_finite():
        errors["value"] = "Escribe la cifra como número: 1,234 o 1234.5."
        return None
    if value < 0 or value >= VALUE_LIMIT:
        errors["value"] = "La cifra va de 0 a 99,999,999,999,999.99."
        return None
    try:
        if value != value.quantize(Decimal("0.01")):
            errors["value"] = "La cifra admite hasta dos decimales."
            return None
    except InvalidOperation:  # pragma: no cover - the limit above keeps quantize in range
        errors["value"] = "La cifra no es válida."
        return None
    return value.quantize(Decimal("0.01"))


def _clean_population(values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = {
        "group": line(errors, values, "group", max_length=255),
        "label": line(
            errors, values, "label", max_length=255, required="Escribe qué se cuenta (concepto)."
        ),
        "value": _population_value(errors, values.get("value")),
        "unit": line(errors, values, "unit", max_length=60),
        "source": line(
            errors, values, "source", max_length=255, required="Toda cifra necesita su fuente."
        ),
        "cutoff": line(errors, values, "cutoff", max_length=60),
        "order": order(errors, values),
    }
    raise_if(errors)
    return cleaned


@transaction.atomic
def population_create(
    *, actor: Actor, design: ProgramDesign, data: Mapping[str, Any]
) -> PopulationFigure:
    values = _clean_population(merged(None, POPULATION_FIELDS, data))
    return create_item(
        actor=actor,
        design=design,
        model=PopulationFigure,
        values=values,
        action="population_figure.create",
        fields=POPULATION_FIELDS,
    )


@transaction.atomic
def population_update(
    *,
    actor: Actor,
    figure: PopulationFigure,
    changes: Mapping[str, Any],
    version: int | None = None,
) -> bool:
    lock_item(figure)
    values = _clean_population(merged(figure, POPULATION_FIELDS, changes))
    return update_item(
        actor=actor,
        design=figure.design,
        obj=figure,
        values=values,
        action="population_figure.update",
        fields=POPULATION_FIELDS,
        version=version,
        sent=changes,
    )


@transaction.atomic
def population_delete(*, actor: Actor, figure: PopulationFigure, reason: str = "") -> None:
    delete_item(
        actor=actor,
        design=figure.design,
        obj=figure,
        action="population_figure.delete",
        fields=POPULATION_FIELDS,
        reason=reason,
    )

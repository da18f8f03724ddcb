"""The institution's catalogue of units of measure: create and rename, list and look up."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet

from rumbo.audit.services import Actor, audit_record
from rumbo.core.text import clean, normalize
from rumbo.institutions.models import Institution

from .models import UnitOfMeasure
from .services import unit_get_or_create

UNIT_NAME_MAX_LENGTH = 120


def _unit_name_check(*, institution: Institution, name: str, unit: UnitOfMeasure | None) -> str:
    text = clean(name)
    if not text:
        raise ValidationError({"name": "El nombre de la unidad es obligatorio."})
    if len(text) > UNIT_NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": f"El nombre admite hasta {UNIT_NAME_MAX_LENGTH} caracteres."}
        )
    same = UnitOfMeasure.objects.filter(institution=institution, normalized=normalize(text))
    if unit is not None:
        same = same.exclude(pk=unit.pk)
    existing = same.first()
    if existing is not None:
        raise ValidationError({"name": f"Ya existe la unidad «{existing.name}»."})
    return text


@transaction.atomic
def unit_create(*, actor: Actor, institution: Institution, name: str) -> UnitOfMeasure:
    """A new unit; unlike ``unit_get_or_create``, an existing spelling is an error."""
    text = _unit_name_check(institution=institution, name=name, unit=None)
    return unit_get_or_create(actor=actor, institution=institution, name=text)


@transaction.atomic
def unit_rename(*, actor: Actor, unit: UnitOfMeasure, name: str) -> bool:
    """Rename a unit everywhere it is used; True if the name changed."""
    text = _unit_name_check(institution=unit.institution, name=name, unit=unit)
    if text == unit.name:
        return False
    before = unit.name
    unit.name = text
    unit.save()
    audit_record(
        actor=actor,
        institution_id=unit.institution_id,
        action="unit.update",
        obj=unit,
        before={"name": before},
        after={"name": text},
    )
    return True


def unit_list(*, institution: Institution) -> QuerySet[UnitOfMeasure]:
    """The institution's units by name with ``activity_count`` (one query)."""
    return (
        UnitOfMeasure.objects.filter(institution=institution)
        .annotate(activity_count=Count("activities"))
        .order_by("normalized")
    )


def unit_choices(*, institution: Institution) -> QuerySet[UnitOfMeasure]:
    """The institution's units by name, to choose from in a form (one query when read)."""
    return UnitOfMeasure.objects.filter(institution=institution).order_by("name")


def unit_by_name(*, institution: Institution, name: str) -> UnitOfMeasure | None:
    """The catalogue's unit with that name, ignoring case and accents."""
    return UnitOfMeasure.objects.filter(institution=institution, normalized=normalize(name)).first()

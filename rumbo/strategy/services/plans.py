"""Create and update a strategic plan: name, period (start and end year), misión, visión."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from rumbo.audit.services import Actor, audit_record
from rumbo.core.text import clean
from rumbo.institutions.models import Institution

from ..models import StrategicPlan
from .common import MAX_YEAR, MIN_YEAR, NAME_MAX_LENGTH, TEXT_MAX_LENGTH, UNSET


def _plan_snapshot(plan: StrategicPlan) -> dict[str, Any]:
    return {
        "name": plan.name,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "mission": plan.mission,
        "vision": plan.vision,
    }


def _year(value: object, field: str, errors: dict[str, str]) -> int | None:
    if isinstance(value, bool):
        value = None
    try:
        year = int(str(value).strip()) if value is not None and str(value).strip() else None
    except ValueError:
        year = None
    if year is None:
        errors[field] = "Escribe un año de cuatro cifras (por ejemplo, 2024)."
        return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        errors[field] = f"El año debe estar entre {MIN_YEAR} y {MAX_YEAR}."
        return None
    return year


def _validate_plan(
    *,
    institution: Institution,
    name: str,
    start_year: object,
    end_year: object,
    mission: str,
    vision: str,
    exclude_pk: int | None = None,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = clean(name)
    if not name:
        errors["name"] = "El nombre del plan es obligatorio."
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"El nombre admite hasta {NAME_MAX_LENGTH} caracteres."
    start = _year(start_year, "start_year", errors)
    end = _year(end_year, "end_year", errors)
    if start is not None and end is not None:
        if end < start:
            errors["end_year"] = "El año final no puede ser anterior al año inicial."
        else:
            clash = StrategicPlan.objects.filter(
                institution=institution, start_year=start, end_year=end
            )
            if exclude_pk is not None:
                clash = clash.exclude(pk=exclude_pk)
            if clash.exists():
                errors["start_year"] = f"Ya existe un plan con vigencia {start}–{end}."
    mission, vision = (mission or "").strip(), (vision or "").strip()
    for field, text in (("mission", mission), ("vision", vision)):
        if len(text) > TEXT_MAX_LENGTH:
            errors[field] = f"El texto admite hasta {TEXT_MAX_LENGTH:,} caracteres."
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "start_year": start,
        "end_year": end,
        "mission": mission,
        "vision": vision,
    }


@transaction.atomic
def plan_create(
    *,
    actor: Actor,
    institution: Institution,
    name: str,
    start_year: object,
    end_year: object,
    mission: str = "",
    vision: str = "",
) -> StrategicPlan:
    data = _validate_plan(
        institution=institution,
        name=name,
        start_year=start_year,
        end_year=end_year,
        mission=mission,
        vision=vision,
    )
    plan = StrategicPlan.objects.create(institution=institution, **data)
    audit_record(
        actor=actor,
        institution_id=institution.pk,
        action="plan.create",
        obj=plan,
        after=_plan_snapshot(plan),
    )
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: Actor,
    plan: StrategicPlan,
    name: str = UNSET,
    start_year: object = UNSET,
    end_year: object = UNSET,
    mission: str = UNSET,
    vision: str = UNSET,
) -> bool:
    """Change the given fields; returns whether anything changed (only then is it audited)."""
    before = _plan_snapshot(plan)
    given = {
        "name": name,
        "start_year": start_year,
        "end_year": end_year,
        "mission": mission,
        "vision": vision,
    }
    merged = {k: before[k] if v is UNSET else v for k, v in given.items()}
    data = _validate_plan(institution=plan.institution, exclude_pk=plan.pk, **merged)  # type: ignore[arg-type]  # UNSET resolved above
    changed = [k for k in data if data[k] != before[k]]
    if not changed:
        return False
    for k in changed:
        setattr(plan, k, data[k])
    plan.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        institution_id=plan.institution_id,
        action="plan.update",
        obj=plan,
        before={k: before[k] for k in changed},
        after={k: data[k] for k in changed},
    )
    return True

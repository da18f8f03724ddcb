"""Writes of a program's structure: units of measure, programs and their tree of nodes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from rumbo.audit.services import Actor, audit_record
from rumbo.core.text import clean, normalize
from rumbo.institutions.models import Area, Institution

from ..models import DEFAULT_LEVEL_NAMES, AnnualProgram, ProgramNode, UnitOfMeasure
from .keys import new_key_error

# --- units -----------------------------------------------------------------------------------


def unit_get_or_create(*, actor: Actor, institution: Institution, name: str) -> UnitOfMeasure:
    """The institution's unit with that name (accent/case-insensitive), created if new."""
    text = clean(name)
    if not text:
        raise ValidationError({"unit": "La unidad de medida no puede estar vacía."})
    if len(text) > 120:
        raise ValidationError({"unit": "La unidad de medida admite hasta 120 caracteres."})
    unit = UnitOfMeasure.objects.filter(institution=institution, normalized=normalize(text)).first()
    if unit is None:
        unit = UnitOfMeasure.objects.create(institution=institution, name=text)
        audit_record(
            actor=actor,
            institution_id=institution.pk,
            action="unit.create",
            obj=unit,
            after={"name": unit.name},
        )
    return unit


# --- programs and nodes ---------------------------------------------------------------------


@transaction.atomic
def program_create(
    *,
    actor: Actor,
    institution: Institution,
    year: int,
    name: str,
    level_names: Sequence[str] | None = None,
) -> AnnualProgram:
    if not 1990 <= year <= 2100:
        raise ValidationError({"year": "El ejercicio debe estar entre 1990 y 2100."})
    if AnnualProgram.objects.filter(institution=institution, year=year).exists():
        raise ValidationError({"year": f"Ya existe un programa anual {year}."})
    levels = [clean(n) for n in (level_names or DEFAULT_LEVEL_NAMES) if clean(n)]
    if len(levels) < 2:
        raise ValidationError({"level_names": "Se necesitan al menos dos niveles."})
    title = clean(name) or f"Programa Anual de Actividades {year}"
    program = AnnualProgram.objects.create(
        institution=institution, year=year, name=title, level_names=levels
    )
    audit_record(
        actor=actor,
        institution_id=institution.pk,
        action="program.create",
        obj=program,
        after={"year": year, "name": title, "level_names": levels},
    )
    return program


def _node_snapshot(node: ProgramNode) -> dict[str, Any]:
    return {
        "key": node.key,
        "name": node.name,
        "parent": node.parent.key if node.parent_id and node.parent else None,
        "area": node.area.code if node.area_id and node.area else None,
        "objective": node.objective,
    }


@transaction.atomic
def node_create(
    *,
    actor: Actor,
    program: AnnualProgram,
    parent: ProgramNode | None,
    key: str,
    name: str,
    area: Area | None = None,
    objective: str = "",
) -> ProgramNode:
    key = clean(key)
    errors: dict[str, str] = {}
    key_error = new_key_error(ProgramNode, program=program, key=key, noun="un nivel")
    if key_error:
        errors["key"] = key_error
    if not clean(name):
        errors["name"] = "El nombre es obligatorio."
    if parent is not None and parent.program_id != program.pk:
        errors["parent"] = "El nivel superior no pertenece a este programa."
    depth = 0 if parent is None else parent.depth + 1
    if depth >= len(program.level_names or DEFAULT_LEVEL_NAMES) - 1:
        errors["parent"] = "Ese nivel ya es el último antes de las actividades."
    if area is not None and area.institution_id != program.institution_id:
        errors["area"] = "El área no pertenece a esta institución."
    if errors:
        raise ValidationError(errors)
    order = ProgramNode.objects.filter(program=program, parent=parent).count() + 1
    node = ProgramNode.objects.create(
        program=program,
        parent=parent,
        depth=depth,
        key=key,
        name=clean(name),
        area=area,
        objective=objective.strip(),
        order=order,
    )
    audit_record(
        actor=actor,
        institution_id=program.institution_id,
        action="node.create",
        obj=node,
        after=_node_snapshot(node),
    )
    return node

"""Create a program design on a top-level program node, and edit its general fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from rumbo.audit.services import Actor, audit_record
from rumbo.institutions.models import Institution
from rumbo.programs.models import ProgramNode

from ..models import ProgramDesign
from .common import line, merged, paragraph, raise_if, snapshot

DESIGN_FIELDS = (
    "title",
    "problem_statement",
    "diagnosis",
    "selection_rationale",
    "population_description",
    "source_note",
)


def _clean_design(values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {
        "title": line(errors, values, "title", max_length=255, required="El título es obligatorio.")
    }
    for name in DESIGN_FIELDS[1:]:
        cleaned[name] = paragraph(errors, values, name)
    raise_if(errors)
    return cleaned


def check_design_node(node: ProgramNode, institution: Institution | None = None) -> None:
    """A design hangs from a top-level node of one of the institution's programs, one per node."""
    if institution is not None and node.program.institution_id != institution.pk:
        raise ValidationError({"node": "Ese nivel no pertenece a un programa de esta institución."})
    if node.depth != 0 or node.parent_id is not None:
        raise ValidationError(
            {"node": "El diseño se hace sobre un nivel superior del programa (p. ej. subprograma)."}
        )
    if ProgramDesign.objects.filter(node=node).exists():
        raise ValidationError({"node": f"El nivel {node.key} ya tiene un diseño."})


@transaction.atomic
def design_create(
    *,
    actor: Actor,
    node: ProgramNode,
    title: str,
    institution: Institution | None = None,
    problem_statement: str = "",
    diagnosis: str = "",
    selection_rationale: str = "",
    population_description: str = "",
    source_note: str = "",
) -> ProgramDesign:
    """A new design; ``institution``, when given, must own the node's program."""
    check_design_node(node, institution)
    values = _clean_design(
        {
            "title": title,
            "problem_statement": problem_statement,
            "diagnosis": diagnosis,
            "selection_rationale": selection_rationale,
            "population_description": population_description,
            "source_note": source_note,
        }
    )
    design = ProgramDesign.objects.create(node=node, **values)
    audit_record(
        actor=actor,
        institution_id=node.program.institution_id,
        action="design.create",
        obj=design,
        after={"node": node.key, "year": node.program.year, **snapshot(design, DESIGN_FIELDS)},
    )
    return design


@transaction.atomic
def design_update(
    *, actor: Actor, design: ProgramDesign, changes: Mapping[str, Any], reason: str = ""
) -> bool:
    """Change general fields (``DESIGN_FIELDS``); False when nothing changed."""
    values = _clean_design(merged(design, DESIGN_FIELDS, changes))
    before = snapshot(design, DESIGN_FIELDS)
    for name, value in values.items():
        setattr(design, name, value)
    after = snapshot(design, DESIGN_FIELDS)
    changed = [k for k in DESIGN_FIELDS if before[k] != after[k]]
    if not changed:
        return False
    design.save()
    audit_record(
        actor=actor,
        institution_id=design.node.program.institution_id,
        action="design.update",
        obj=design,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
        reason=reason,
    )
    return True

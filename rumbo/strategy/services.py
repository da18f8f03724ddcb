"""Writes of strategic plans: the plan, its tree (políticas → programas → objetivos →
líneas de acción) and its FODA.

Every function validates before saving (``ValidationError`` with a dict of field → Spanish
message), writes in one transaction and records the change in the audit trail (changed
fields only on updates). Callers check ``Capability.EDIT_PLAN`` first.

Deleting is refused, with a message that says why, while an element still has children
(programs under a policy, objectives or lines under a program, lines under an objective)
or while a line of action has activities aligned to it: the user moves or deletes those
first. Nothing is ever deleted in cascade from here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max

from rumbo.audit.services import Actor, audit_record
from rumbo.core.text import clean
from rumbo.institutions.models import Institution

from .models import (
    GeneralProgram,
    LineOfAction,
    Policy,
    StrategicObjective,
    StrategicPlan,
    SwotItem,
    SwotKind,
)

UNSET: Any = object()
MIN_YEAR, MAX_YEAR = 1990, 2100
CODE_MAX_LENGTH = 20
NAME_MAX_LENGTH = 255
TEXT_MAX_LENGTH = 5000

PlanElement = Policy | GeneralProgram | StrategicObjective | LineOfAction


# --- the plan ------------------------------------------------------------------------------


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


# --- elements of the tree -------------------------------------------------------------------

_TEXT_FIELD: dict[type[models.Model], str] = {
    Policy: "name",
    GeneralProgram: "name",
    StrategicObjective: "text",
    LineOfAction: "text",
}
_ACTION: dict[type[models.Model], str] = {
    Policy: "policy",
    GeneralProgram: "general_program",
    StrategicObjective: "objective",
    LineOfAction: "line_of_action",
}
_LABEL: dict[type[models.Model], str] = {
    Policy: "una política general",
    GeneralProgram: "un programa general",
    StrategicObjective: "un objetivo estratégico",
    LineOfAction: "una línea de acción",
}
# Parent foreign keys of each element: field → the parent's model.
_PARENTS: dict[type[models.Model], dict[str, type[models.Model]]] = {
    Policy: {},
    GeneralProgram: {"policy": Policy},
    StrategicObjective: {"program": GeneralProgram},
    LineOfAction: {"objective": StrategicObjective, "program": GeneralProgram},
}


def element_snapshot(element: PlanElement) -> dict[str, Any]:
    """Code, text and parents (by code) of a plan element, as the history shows them."""
    model = type(element)
    snapshot: dict[str, Any] = {
        "code": element.code,
        _TEXT_FIELD[model]: getattr(element, _TEXT_FIELD[model]),
    }
    for field in _PARENTS[model]:
        parent = getattr(element, field) if getattr(element, f"{field}_id") else None
        snapshot[field] = parent.code if parent is not None else None
    return snapshot


def _validate_element(
    model: type[PlanElement],
    plan: StrategicPlan,
    *,
    code: str,
    text: str,
    parents: dict[str, Any],
    exclude_pk: int | None = None,
) -> tuple[str, str]:
    errors: dict[str, str] = {}
    code = clean(code)
    text = (text or "").strip()
    if not code:
        errors["code"] = "La clave es obligatoria."
    elif len(code) > CODE_MAX_LENGTH:
        errors["code"] = f"La clave admite hasta {CODE_MAX_LENGTH} caracteres."
    elif model.objects.filter(plan=plan, code=code).exclude(pk=exclude_pk or 0).exists():
        errors["code"] = f"Ya existe {_LABEL[model]} con la clave {code} en este plan."
    if not text:
        errors["text"] = "El texto es obligatorio."
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = f"El texto admite hasta {TEXT_MAX_LENGTH:,} caracteres."
    for field, parent in parents.items():
        if parent is not None and parent.plan_id != plan.pk:
            errors[field] = "Ese elemento pertenece a otro plan."
    if errors:
        raise ValidationError(errors)
    return code, text


def _element_create(
    model: type[PlanElement],
    *,
    actor: Actor,
    plan: StrategicPlan,
    code: str,
    text: str,
    parents: dict[str, Any],
) -> Any:
    code, text = _validate_element(model, plan, code=code, text=text, parents=parents)
    last = model.objects.filter(plan=plan).aggregate(m=Max("order"))["m"]
    element = model.objects.create(
        plan=plan,
        code=code,
        order=(last or 0) + 1,
        **{_TEXT_FIELD[model]: text},
        **parents,
    )
    audit_record(
        actor=actor,
        institution_id=plan.institution_id,
        action=f"{_ACTION[model]}.create",
        obj=element,
        after=element_snapshot(element),
    )
    return element


def _element_update(
    element: PlanElement,
    *,
    actor: Actor,
    code: str,
    text: str,
    parents: dict[str, Any],
) -> bool:
    model = type(element)
    plan = element.plan
    text_field = _TEXT_FIELD[model]
    given_parents = {k: v for k, v in parents.items() if v is not UNSET}
    code, text = _validate_element(
        model,
        plan,
        code=element.code if code is UNSET else code,
        text=getattr(element, text_field) if text is UNSET else text,
        parents=given_parents,
        exclude_pk=element.pk,
    )
    before = element_snapshot(element)
    element.code = code
    setattr(element, text_field, text)
    for field, parent in given_parents.items():
        setattr(element, field, parent)
    after = element_snapshot(element)
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        return False
    element.save()
    audit_record(
        actor=actor,
        institution_id=plan.institution_id,
        action=f"{_ACTION[model]}.update",
        obj=element,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return True


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n:,} {singular if n == 1 else plural}"


def _children_message(element: PlanElement) -> str | None:
    """Why an element cannot be deleted yet, or None when it can."""
    what = ""
    if isinstance(element, Policy):
        n = GeneralProgram.objects.filter(policy=element).count()
        if n:
            what = _count(n, "programa general", "programas generales")
    elif isinstance(element, GeneralProgram):
        objectives = StrategicObjective.objects.filter(program=element).count()
        lines = LineOfAction.objects.filter(program=element).count()
        parts = [
            _count(objectives, "objetivo", "objetivos") if objectives else "",
            _count(lines, "línea de acción", "líneas de acción") if lines else "",
        ]
        what = " y ".join(p for p in parts if p)
    elif isinstance(element, StrategicObjective):
        n = LineOfAction.objects.filter(objective=element).count()
        if n:
            what = _count(n, "línea de acción", "líneas de acción")
    elif isinstance(element, LineOfAction):
        n = element.activities.count()
        if n:
            return (
                f"No se puede eliminar la línea {element.code}: tiene "
                f"{_count(n, 'actividad alineada', 'actividades alineadas')}. "
                "Quita primero esa alineación en las actividades."
            )
    if what:
        return (
            f"No se puede eliminar {element.code}: tiene {what}. "
            "Muévelos a otro elemento o elimínalos primero."
        )
    return None


def _element_delete(element: PlanElement, *, actor: Actor) -> None:
    message = _children_message(element)
    if message:
        raise ValidationError({"__all__": message})
    before = element_snapshot(element)
    model = type(element)
    institution_id = element.plan.institution_id
    pk = element.pk
    element.delete()
    element.pk = pk  # the audit event still points at the deleted row's id
    audit_record(
        actor=actor,
        institution_id=institution_id,
        action=f"{_ACTION[model]}.delete",
        obj=element,
        before=before,
    )


@transaction.atomic
def policy_create(*, actor: Actor, plan: StrategicPlan, code: str, name: str) -> Policy:
    return _element_create(Policy, actor=actor, plan=plan, code=code, text=name, parents={})


@transaction.atomic
def policy_update(*, actor: Actor, policy: Policy, code: str = UNSET, name: str = UNSET) -> bool:
    return _element_update(policy, actor=actor, code=code, text=name, parents={})


@transaction.atomic
def policy_delete(*, actor: Actor, policy: Policy) -> None:
    _element_delete(policy, actor=actor)


@transaction.atomic
def general_program_create(
    *, actor: Actor, plan: StrategicPlan, code: str, name: str, policy: Policy | None = None
) -> GeneralProgram:
    return _element_create(
        GeneralProgram, actor=actor, plan=plan, code=code, text=name, parents={"policy": policy}
    )


@transaction.atomic
def general_program_update(
    *,
    actor: Actor,
    program: GeneralProgram,
    code: str = UNSET,
    name: str = UNSET,
    policy: Policy | None = UNSET,
) -> bool:
    return _element_update(program, actor=actor, code=code, text=name, parents={"policy": policy})


@transaction.atomic
def general_program_delete(*, actor: Actor, program: GeneralProgram) -> None:
    _element_delete(program, actor=actor)


@transaction.atomic
def objective_create(
    *,
    actor: Actor,
    plan: StrategicPlan,
    code: str,
    text: str,
    program: GeneralProgram | None = None,
) -> StrategicObjective:
    return _element_create(
        StrategicObjective,
        actor=actor,
        plan=plan,
        code=code,
        text=text,
        parents={"program": program},
    )


@transaction.atomic
def objective_update(
    *,
    actor: Actor,
    objective: StrategicObjective,
    code: str = UNSET,
    text: str = UNSET,
    program: GeneralProgram | None = UNSET,
) -> bool:
    return _element_update(
        objective, actor=actor, code=code, text=text, parents={"program": program}
    )


@transaction.atomic
def objective_delete(*, actor: Actor, objective: StrategicObjective) -> None:
    _element_delete(objective, actor=actor)


@transaction.atomic
def line_of_action_create(
    *,
    actor: Actor,
    plan: StrategicPlan,
    code: str,
    text: str,
    objective: StrategicObjective | None = None,
    program: GeneralProgram | None = None,
) -> LineOfAction:
    return _element_create(
        LineOfAction,
        actor=actor,
        plan=plan,
        code=code,
        text=text,
        parents={"objective": objective, "program": program},
    )


@transaction.atomic
def line_of_action_update(
    *,
    actor: Actor,
    line: LineOfAction,
    code: str = UNSET,
    text: str = UNSET,
    objective: StrategicObjective | None = UNSET,
    program: GeneralProgram | None = UNSET,
) -> bool:
    return _element_update(
        line,
        actor=actor,
        code=code,
        text=text,
        parents={"objective": objective, "program": program},
    )


@transaction.atomic
def line_of_action_delete(*, actor: Actor, line: LineOfAction) -> None:
    _element_delete(line, actor=actor)


# --- FODA -------------------------------------------------------------------------------------


def _swot_snapshot(item: SwotItem) -> dict[str, Any]:
    return {"kind": item.kind, "text": item.text}


def _validate_swot(kind: str, text: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    if kind not in SwotKind.values:
        errors["kind"] = "Escoge fortaleza, oportunidad, debilidad o amenaza."
    text = (text or "").strip()
    if not text:
        errors["text"] = "El texto es obligatorio."
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = f"El texto admite hasta {TEXT_MAX_LENGTH:,} caracteres."
    if errors:
        raise ValidationError(errors)
    return kind, text


def _next_swot_order(plan: StrategicPlan, kind: str) -> int:
    last = SwotItem.objects.filter(plan=plan, kind=kind).aggregate(m=Max("order"))["m"]
    return (last or 0) + 1


@transaction.atomic
def swot_item_create(*, actor: Actor, plan: StrategicPlan, kind: str, text: str) -> SwotItem:
    kind, text = _validate_swot(kind, text)
    item = SwotItem.objects.create(
        plan=plan, kind=kind, text=text, order=_next_swot_order(plan, kind)
    )
    audit_record(
        actor=actor,
        institution_id=plan.institution_id,
        action="swot_item.create",
        obj=item,
        after=_swot_snapshot(item),
    )
    return item


@transaction.atomic
def swot_item_update(*, actor: Actor, item: SwotItem, kind: str = UNSET, text: str = UNSET) -> bool:
    new_kind, new_text = _validate_swot(
        item.kind if kind is UNSET else kind, item.text if text is UNSET else text
    )
    before = _swot_snapshot(item)
    if new_kind != item.kind:
        item.order = _next_swot_order(item.plan, new_kind)
    item.kind, item.text = new_kind, new_text
    after = _swot_snapshot(item)
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        return False
    item.save()
    audit_record(
        actor=actor,
        institution_id=item.plan.institution_id,
        action="swot_item.update",
        obj=item,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return True


@transaction.atomic
def swot_item_delete(*, actor: Actor, item: SwotItem) -> None:
    before = _swot_snapshot(item)
    institution_id = item.plan.institution_id
    pk = item.pk
    item.delete()
    item.pk = pk
    audit_record(
        actor=actor,
        institution_id=institution_id,
        action="swot_item.delete",
        obj=item,
        before=before,
    )

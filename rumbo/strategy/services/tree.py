"""Create, update and delete any element of the plan's tree, whatever its kind.

An element has a code, a text and parents (by foreign key); the tables below say which
field holds the text, which parents it has and how the audit trail and messages name it.
Deleting is refused while the element still has children or aligned activities.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max

from rumbo.audit.services import Actor, audit_record
from rumbo.core.text import clean
from rumbo.core.versions import version_bump, version_check

from ..models import (
    GeneralProgram,
    LineOfAction,
    Policy,
    StrategicObjective,
    StrategicPlan,
)
from .common import CODE_MAX_LENGTH, TEXT_MAX_LENGTH, UNSET, PlanElement

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
    version: int | None = None,
) -> bool:
    """Change what is given (``UNSET``: kept) under the row lock; ``version``: the one the
    user read (``StaleVersion`` if someone saved since; None: not checked —
    ``rumbo.core.versions``). Only the changed fields are written, with one more version."""
    model = type(element)
    plan = element.plan
    locked: Any = model._default_manager.select_for_update()
    element.refresh_from_db(from_queryset=locked)
    element.plan = plan  # read again under the lock; its plan stays the one loaded
    text_field = _TEXT_FIELD[model]
    given_parents = {k: v for k, v in parents.items() if v is not UNSET}
    before = element_snapshot(element)
    sent: dict[str, Any] = {}
    if code is not UNSET:
        sent["code"] = code
    if text is not UNSET:
        sent[text_field] = text
    for field, parent in given_parents.items():
        sent[field] = parent.code if parent is not None else None
    version_check(
        element,
        version,
        noun=_LABEL[model].replace("una ", "esta ", 1).replace("un ", "este ", 1),
        current_values=before,
        submitted_values=sent,
        labels={
            name: str(getattr(model._meta.get_field(name), "verbose_name", name)) for name in before
        },
    )
    code, text = _validate_element(
        model,
        plan,
        code=element.code if code is UNSET else code,
        text=getattr(element, text_field) if text is UNSET else text,
        parents=given_parents,
        exclude_pk=element.pk,
    )
    element.code = code
    setattr(element, text_field, text)
    for field, parent in given_parents.items():
        setattr(element, field, parent)
    after = element_snapshot(element)
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        return False
    version_bump(element, write=False)
    element.save(update_fields=[*changed, "version"])
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

"""One create, update and delete per kind of element: políticas generales, programas
generales, objetivos estratégicos and líneas de acción."""

from __future__ import annotations

from django.db import transaction

from rumbo.audit.services import Actor

from ..models import (
    GeneralProgram,
    LineOfAction,
    Policy,
    StrategicObjective,
    StrategicPlan,
)
from .common import UNSET
from .tree import _element_create, _element_delete, _element_update


@transaction.atomic
def policy_create(*, actor: Actor, plan: StrategicPlan, code: str, name: str) -> Policy:
    return _element_create(Policy, actor=actor, plan=plan, code=code, text=name, parents={})


@transaction.atomic
def policy_update(
    *,
    actor: Actor,
    policy: Policy,
    code: str = UNSET,
    name: str = UNSET,
    version: int | None = None,
) -> bool:
    return _element_update(policy, actor=actor, code=code, text=name, parents={}, version=version)


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
    version: int | None = None,
) -> bool:
    return _element_update(
        program,
        actor=actor,
        code=code,
        text=name,
        parents={"policy": policy},
        version=version,
    )


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
    version: int | None = None,
) -> bool:
    return _element_update(
        objective,
        actor=actor,
        code=code,
        text=text,
        parents={"program": program},
        version=version,
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
    version: int | None = None,
) -> bool:
    return _element_update(
        line,
        actor=actor,
        code=code,
        text=text,
        parents={"objective": objective, "program": program},
        version=version,
    )


@transaction.atomic
def line_of_action_delete(*, actor: Actor, line: LineOfAction) -> None:
    _element_delete(line, actor=actor)

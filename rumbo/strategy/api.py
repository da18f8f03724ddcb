"""An institution's strategic plans (PGD): the list, and one plan as a tree with its FODA."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

from rumbo.core.api.auth import api_user
from rumbo.core.api.errors import responses
from rumbo.core.api.schemas import CodePath, IdPath
from rumbo.institutions.access import institution_for_user

from .api_schemas import PlanDetailOut, PlanOut
from .models import GeneralProgram
from .selectors import (
    ObjectiveBranch,
    PlanTree,
    ProgramBranch,
    plan_get,
    plan_list,
    plan_tree,
)

# Each operation keeps the OpenAPI operation id it had in rumbo/api/institutions.py (ninja
# derives it from the module): the ids are public.
router = Router(tags=["Instituciones"])


@router.get(
    "/institutions/{code}/plans",
    response={200: list[PlanOut], **responses()},
    summary="Planes generales de desarrollo",
    operation_id="rumbo_api_institutions_plans",
)
def plans(request: HttpRequest, code: CodePath) -> Any:
    inst = institution_for_user(api_user(request), code)
    return [
        {
            "id": p.pk,
            "name": str(p),
            "start_year": p.start_year,
            "end_year": p.end_year,
            "objective_count": p.objective_count,  # type: ignore[attr-defined]  # annotated by plan_list
            "line_count": p.line_count,  # type: ignore[attr-defined]  # annotated by plan_list
        }
        for p in plan_list(institution=inst)
    ]


@router.get(
    "/institutions/{code}/plans/{plan_id}",
    response={200: PlanDetailOut, **responses()},
    summary="Un plan: misión, visión, políticas → programas → objetivos → líneas, FODA",
    operation_id="rumbo_api_institutions_plan",
)
def plan(request: HttpRequest, code: CodePath, plan_id: IdPath) -> Any:
    inst = institution_for_user(api_user(request), code)
    found = plan_get(institution=inst, plan_id=plan_id)
    if found is None:
        raise Http404("No existe el plan.")
    return _plan_dict(plan_tree(plan=found))


def _objective(branch: ObjectiveBranch) -> dict[str, Any]:
    return {
        "code": branch.objective.code,
        "text": branch.objective.text,
        "lines": [{"code": line.code, "text": line.text} for line in branch.lines],
    }


def _program(branch: ProgramBranch) -> dict[str, Any]:
    program: GeneralProgram = branch.program
    return {
        "code": program.code,
        "name": program.name,
        "objectives": [_objective(o) for o in branch.objectives],
        "other_lines": [
            {
                "code": line.code,
                "text": line.text,
                "objective": line.objective.code if line.objective else None,
            }
            for line in branch.other_lines
        ],
    }


def _plan_dict(tree: PlanTree) -> dict[str, Any]:
    p = tree.plan
    return {
        "id": p.pk,
        "name": str(p),
        "start_year": p.start_year,
        "end_year": p.end_year,
        "mission": p.mission,
        "vision": p.vision,
        "policies": [
            {
                "code": b.policy.code,
                "name": b.policy.name,
                "programs": [_program(pb) for pb in b.programs],
            }
            for b in tree.policies
        ],
        "programs": [_program(pb) for pb in tree.programs],
        "objectives": [_objective(o) for o in tree.objectives],
        "lines": [{"code": line.code, "text": line.text} for line in tree.lines],
        "swot": [
            {"kind": q.kind, "label": q.label, "items": [i.text for i in q.items]}
            for q in tree.swot
        ],
    }

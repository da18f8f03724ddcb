"""Institutions, their areas and their strategic plans."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router

from rumbo.core.api.auth import api_user
from rumbo.core.api.errors import responses
from rumbo.core.api.pagination import paginate
from rumbo.core.api.schemas import CodePath, IdPath
from rumbo.institutions.access import (
    capabilities,
    institution_for_user,
    user_institutions,
    user_roles,
)
from rumbo.institutions.selectors import area_search
from rumbo.strategy.models import GeneralProgram
from rumbo.strategy.selectors import (
    ObjectiveBranch,
    PlanTree,
    ProgramBranch,
    plan_get,
    plan_list,
    plan_tree,
)

from .schemas import (
    AreaPage,
    AreaQuery,
    InstitutionDetailOut,
    InstitutionOut,
    PlanDetailOut,
    PlanOut,
)

router = Router(tags=["Instituciones"])


@router.get(
    "/institutions",
    response={
        200: list[InstitutionOut],
        **responses(forbidden=False, not_found=False, invalid=False),
    },
    summary="Instituciones del usuario",
)
def institutions(request: HttpRequest) -> Any:
    return list(user_institutions(api_user(request)))


@router.get(
    "/institutions/{code}",
    response={200: InstitutionDetailOut, **responses()},
    summary="Una institución, con los roles y capacidades del usuario",
)
def institution(request: HttpRequest, code: CodePath) -> Any:
    inst = institution_for_user(api_user(request), code)
    return {
        "code": inst.code,
        "name": inst.name,
        "short_name": inst.short_name,
        "web_domains": list(inst.web_domains or []),
        "roles": sorted(user_roles(api_user(request), inst)),
        "capabilities": sorted(capabilities(api_user(request), inst)),
    }


@router.get(
    "/institutions/{code}/areas",
    response={200: AreaPage, **responses()},
    summary="Áreas de la institución (paginadas)",
)
def areas(request: HttpRequest, code: CodePath, query: Query[AreaQuery]) -> Any:
    inst = institution_for_user(api_user(request), code)
    page = paginate(
        area_search(institution=inst, q=query.q), page=query.page, page_size=query.page_size
    )
    return {
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
        "items": [
            {"code": a.code, "name": a.name, "parent": a.parent.code if a.parent else None}
            for a in page.items
        ],
    }


@router.get(
    "/institutions/{code}/plans",
    response={200: list[PlanOut], **responses()},
    summary="Planes generales de desarrollo",
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

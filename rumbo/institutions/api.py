"""Institutions and their areas (the user's institutions, roles and capabilities)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from rumbo.core.api.auth import api_user
from rumbo.core.api.errors import responses
from rumbo.core.api.pagination import paginate
from rumbo.core.api.schemas import CodePath

from .access import (
    capabilities,
    institution_for_user,
    user_institutions,
    user_roles,
)
from .api_schemas import AreaPage, AreaQuery, InstitutionDetailOut, InstitutionOut
from .selectors import area_search

# Each operation keeps the OpenAPI operation id it had in rumbo/api/institutions.py (ninja
# derives it from the module): the ids are public.
router = Router(tags=["Instituciones"])


@router.get(
    "/institutions",
    response={
        200: list[InstitutionOut],
        **responses(forbidden=False, not_found=False, invalid=False),
    },
    summary="Instituciones del usuario",
    operation_id="rumbo_api_institutions_institutions",
)
def institutions(request: HttpRequest) -> Any:
    return list(user_institutions(api_user(request)))


@router.get(
    "/institutions/{code}",
    response={200: InstitutionDetailOut, **responses()},
    summary="Una institución, con los roles y capacidades del usuario",
    operation_id="rumbo_api_institutions_institution",
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
    operation_id="rumbo_api_institutions_areas",
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

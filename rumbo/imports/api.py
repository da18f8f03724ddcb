"""Quality findings: list, read, review (accept, resolve, reopen)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router

from rumbo.audit.services import Actor
from rumbo.core.api.auth import api_user
from rumbo.core.api.errors import responses
from rumbo.core.api.pagination import paginate
from rumbo.core.api.schemas import CodePath, IdPath
from rumbo.institutions.access import Capability, institution_for_user
from rumbo.institutions.models import Institution

from .api_schemas import FindingOut, FindingPage, FindingQuery, FindingReviewIn
from .findings import FINDING_CODES
from .models import QualityFinding
from .review import finding_review
from .selectors import (
    ActivityLink,
    FindingFilters,
    finding_activity_links,
    finding_get,
    finding_list,
)

# Each operation keeps the OpenAPI operation id it had in rumbo/api/findings.py (ninja
# derives it from the module): the ids are public.
router = Router(tags=["Hallazgos de calidad"])


def finding_dict(finding: QualityFinding, link: ActivityLink | None) -> dict[str, Any]:
    known = FINDING_CODES.get(finding.code)
    return {
        "id": finding.pk,
        "code": finding.code,
        "title": known.title if known else finding.code,
        "severity": finding.severity,
        "status": finding.status,
        "message": finding.message,
        "year": finding.year,
        "source_file": finding.source_file,
        "source_line": finding.source_line,
        "object_label": finding.object_label,
        "activity": {"key": link.key, "year": link.year} if link else None,
        "resolved_by": finding.resolved_by.get_username() if finding.resolved_by else None,
        "resolved_at": finding.resolved_at,
        "resolution_comment": finding.resolution_comment,
    }


def _finding(institution: Institution, pk: int) -> QualityFinding:
    finding = finding_get(institution=institution, pk=pk)
    if finding is None:
        raise Http404("No existe el hallazgo.")
    return finding


def _one(finding: QualityFinding) -> dict[str, Any]:
    return finding_dict(finding, finding_activity_links([finding]).get(finding.pk))


@router.get(
    "/institutions/{code}/findings",
    response={200: FindingPage, **responses()},
    summary="Hallazgos de calidad (paginados; filtros código, severidad, estado, año, archivo)",
    operation_id="rumbo_api_findings_findings",
)
def findings(request: HttpRequest, code: CodePath, query: Query[FindingQuery]) -> Any:
    inst = institution_for_user(api_user(request), code)
    filters = FindingFilters(
        code=query.code.strip(),
        severity=query.severity,
        status=query.status,
        year=query.year,
        source_file=query.file.strip(),
    )
    page = paginate(
        finding_list(institution=inst, filters=filters),
        page=query.page,
        page_size=query.page_size,
    )
    links = finding_activity_links(page.items)
    return {
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
        "items": [finding_dict(f, links.get(f.pk)) for f in page.items],
    }


@router.get(
    "/institutions/{code}/findings/{finding_id}",
    response={200: FindingOut, **responses()},
    summary="Un hallazgo",
    operation_id="rumbo_api_findings_finding",
)
def finding(request: HttpRequest, code: CodePath, finding_id: IdPath) -> Any:
    inst = institution_for_user(api_user(request), code)
    return _one(_finding(inst, finding_id))


@router.post(
    "/institutions/{code}/findings/{finding_id}/review",
    response={200: FindingOut, **responses()},
    summary="Acepta, resuelve o reabre un hallazgo",
    description="Requiere Planeación o Revisión. Aceptar o resolver exige un comentario.",
    operation_id="rumbo_api_findings_finding_review_view",
)
def finding_review_view(
    request: HttpRequest, code: CodePath, finding_id: IdPath, payload: FindingReviewIn
) -> Any:
    inst = institution_for_user(api_user(request), code, Capability.REVIEW_FINDINGS)
    found = _finding(inst, finding_id)
    reviewed = finding_review(
        actor=Actor.for_user(api_user(request)),
        finding=found,
        status=payload.status,
        comment=payload.comment,
    )
    return _one(reviewed)

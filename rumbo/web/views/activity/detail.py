"""The activity's detail page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from rumbo.imports.models import FindingStatus, QualityFinding
from rumbo.imports.selectors import FindingFilters, finding_list
from rumbo.institutions.access import Capability, can
from rumbo.institutions.models import Institution
from rumbo.monitoring.figures import program_figures
from rumbo.monitoring.history import activity_history
from rumbo.programs.access import access_activity, can_access_activity

from .base import ActivityData, explain_denial, load_activity, page


def _open_findings(data: ActivityData) -> list[QualityFinding]:
    filters = FindingFilters(activity_id=data.activity.pk, status=FindingStatus.OPEN)
    return list(finding_list(institution=data.institution, filters=filters))


@login_required
@require_http_methods(["GET", "HEAD"])
@explain_denial
def activity_detail(
    request: HttpRequest, institution: Institution, year: int, key: str
) -> HttpResponse:
    data = load_activity(institution, year, key)
    access_activity(request.user, data.activity, for_write=False, nodes=data.nodes)
    figures = program_figures(program=data.program, month=12, activity=data.activity)
    return page(
        request,
        data,
        "web/activity_detail.html",
        status=data.row.calendar_status,
        months_total=data.row.months_total,
        missing_months=sum(1 for m in data.months if m is None),
        findings=_open_findings(data),
        history=list(activity_history(activity=data.activity)),
        progress_months=figures.months(data.activity),
        can_write=can_access_activity(
            request.user, data.activity, for_write=True, nodes=data.nodes
        ),
        can_structure=can(request.user, institution, Capability.EDIT_PROGRAM),
    )

"""The activity's detail page: its data and calendar here; its open findings, progress month
by month and history from the apps that own them (``rumbo.programs.pages``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from rumbo.institutions.access import Capability, can
from rumbo.institutions.models import Institution
from rumbo.programs.access import access_activity, can_access_activity
from rumbo.programs.pages import activity_content

from .base import explain_denial, load_activity, page


@login_required
@require_http_methods(["GET", "HEAD"])
@explain_denial
def activity_detail(
    request: HttpRequest, institution: Institution, year: int, key: str
) -> HttpResponse:
    data = load_activity(institution, year, key)
    access_activity(request.user, data.activity, for_write=False, nodes=data.nodes)
    content = activity_content(
        institution=data.institution, program=data.program, activity=data.activity
    )
    return page(
        request,
        data,
        "web/activity_detail.html",
        status=data.row.calendar_status,
        months_total=data.row.months_total,
        missing_months=sum(1 for m in data.months if m is None),
        **content,
        can_write=can_access_activity(
            request.user, data.activity, for_write=True, nodes=data.nodes
        ),
        can_structure=can(request.user, institution, Capability.EDIT_PROGRAM),
    )

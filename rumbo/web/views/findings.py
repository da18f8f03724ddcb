"""Quality findings of an institution."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rumbo.imports.selectors import (
    finding_activity_links,
    finding_choices,
    finding_list,
    finding_severity_counts,
)
from rumbo.institutions.access import institution_for_user
from rumbo.web.forms.findings import FindingFilterForm

from .common import institution_context

FINDINGS_PER_PAGE = 50


@login_required
def finding_list_view(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    form = FindingFilterForm(request.GET or None, choices=finding_choices(institution=institution))
    filters = form.filters()
    findings = finding_list(institution=institution, filters=filters)
    counts = finding_severity_counts(findings)
    paginator = Paginator(findings, FINDINGS_PER_PAGE, allow_empty_first_page=True)
    paginator.count = counts["total"]  # already counted above; saves a COUNT query
    page = paginator.get_page(request.GET.get("pagina"))
    links = finding_activity_links(list(page.object_list))
    rows = [(finding, links.get(finding.pk)) for finding in page.object_list]
    return render(
        request,
        "web/findings.html",
        institution_context(
            request,
            institution,
            "findings",
            form=form,
            filters=filters,
            counts=counts,
            page=page,
            rows=rows,
        ),
    )

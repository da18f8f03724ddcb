"""Quality findings of an institution: the filtered list, and accepting or resolving them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from rumbo.audit.services import Actor
from rumbo.institutions.access import Capability, can, capabilities, institution_for_user
from rumbo.institutions.pages import institution_context

from .forms import FindingFilterForm, FindingReviewForm
from .review import finding_review
from .selectors import (
    finding_choices,
    finding_get,
    finding_list,
    finding_object_links,
    finding_severity_counts,
)

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
    links = finding_object_links(list(page.object_list))
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
            back=request.GET.urlencode(),
            can_review=can(request.user, institution, Capability.REVIEW_FINDINGS),
        ),
    )


def _back_url(code: str, query: str) -> str:
    url = reverse("web:findings", args=[code])
    query = query.lstrip("?")
    candidate = f"{url}?{query}" if query else url
    # The query string is echoed back from a hidden field: never let it leave the list.
    if "\n" in query or "#" in query or not url_has_allowed_host_and_scheme(candidate, None):
        return url
    return candidate


@login_required
@require_POST
def finding_review_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.REVIEW_FINDINGS)
    finding = finding_get(institution=institution, pk=pk)
    if finding is None:
        raise Http404("No existe ese hallazgo en esta institución.")
    form = FindingReviewForm(request.POST)
    htmx = request.headers.get("HX-Request") == "true"
    errors: dict[str, Any] = {}
    if form.is_valid():
        try:
            finding_review(
                actor=Actor.for_user(request.user),
                finding=finding,
                status=form.cleaned_data["estado"],
                comment=form.cleaned_data["comentario"],
            )
        except ValidationError as exc:
            errors = exc.message_dict
    else:
        errors = {
            {"estado": "status", "comentario": "comment"}.get(k, k): v
            for k, v in form.errors.items()
        }
    if htmx:
        links = finding_object_links([finding])
        return render(
            request,
            "web/_finding_row.html",
            {
                "institution": institution,
                "caps": capabilities(request.user, institution),
                "finding": finding,
                "link": links.get(finding.pk),
                "can_review": True,
                "back": form.data.get("volver", ""),
                "review_errors": errors,
                "review_data": form.data if errors else {},
                "just_reviewed": not errors,
            },
            # htmx 2 does not swap 4xx responses: the row with its errors comes back as 200.
        )
    if errors:
        for messages_ in errors.values():
            for message in messages_:
                messages.error(request, f"Hallazgo {finding.code}: {message}")
    else:
        messages.success(
            request, f"Hallazgo {finding.code}: {finding.get_status_display().lower()}."
        )
    return HttpResponseRedirect(_back_url(code, form.data.get("volver", "")))

"""The institution's audit log: who changed what, when, before, after and why, in Spanish
(``rumbo.audit.display``); filtered, paginated, and downloadable with the same filters as
CSV, XLSX or PDF (``..audit_export``). Whoever holds ``Capability.VIEW_AUDIT``
(Planeación, Revisión, Fiscalización); everybody else gets 403."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rumbo.audit.display import event_views
from rumbo.audit.forms import AuditFilterForm
from rumbo.audit.selectors import institution_log

from ..access import Capability, institution_for_user
from ..audit_export import PDF_MAX_EVENTS, audit_csv, audit_pdf, audit_xlsx
from ..pages import institution_context

EVENTS_PER_PAGE = 50


def _filters(form: AuditFilterForm) -> dict[str, Any]:
    if not (form.is_bound and form.is_valid()):
        return {}
    data = form.cleaned_data
    return {
        "start": data["desde"],
        "end": data["hasta"],
        "actor": data["actor"],
        "action_prefix": data["accion"],
        "object_text": data["objeto"],
    }


@login_required
@require_GET
def audit_log(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None)
    events = institution_log(institution_id=institution.pk, **_filters(form))
    valid = not form.errors
    export = request.GET.get("formato")
    too_many = 0  # a PDF asked for more events than it prints
    if valid and export in {"csv", "xlsx", "pdf"}:
        everything = events.iterator(chunk_size=2000)
        if export == "csv":
            return audit_csv(institution.code, everything)
        if export == "xlsx":
            return audit_xlsx(institution.code, everything)
        too_many = events.count()
        if too_many <= PDF_MAX_EVENTS:
            return audit_pdf(institution, everything, form.description())
    if not valid:
        events = events.none()
    page = Paginator(events, EVENTS_PER_PAGE, allow_empty_first_page=True).get_page(
        request.GET.get("pagina")
    )
    return render(
        request,
        "web/audit_log.html",
        institution_context(
            request,
            institution,
            "audit",
            form=form,
            page=page,
            rows=event_views(page),
            pdf_too_many=too_many,
            pdf_max=PDF_MAX_EVENTS,
        ),
        status=200 if valid else 400,
    )

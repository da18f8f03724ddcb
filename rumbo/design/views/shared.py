"""What the design views share: the design lookup, its URLs and the form page."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from rumbo.design.models import ProgramDesign
from rumbo.design.selectors import design_get
from rumbo.institutions.access import Capability, institution_for_user
from rumbo.institutions.models import Institution
from rumbo.institutions.pages import institution_context

SECTION = "design"


def design_or_404(
    request: HttpRequest, code: str, design_id: int
) -> tuple[Institution, ProgramDesign]:
    """The institution (403 unless a member) and its design (404 if not there)."""
    institution = institution_for_user(request.user, code, Capability.VIEW)
    design = design_get(institution=institution, design_id=design_id)
    if design is None:
        raise Http404("No existe ese diseño en esta institución.")
    return institution, design


def design_url(
    institution: Institution, design: ProgramDesign, page: str = "design", anchor: str = ""
) -> str:
    url = reverse(f"web:{page}", args=[institution.code, design.pk])
    return f"{url}#{anchor}" if anchor else url


def form_page(
    request: HttpRequest,
    institution: Institution,
    *,
    design: ProgramDesign | None,
    form: Any,
    title: str,
    action: str,
    cancel_url: str,
    form_id: str,
    submit: str = "Guardar",
    lead: str = "",
    status: int | None = None,
) -> HttpResponse:
    """A form on a page of its own (the pages work without JavaScript); ``status``: the
    answer's, when not 200 / 400 (a stale save's 409)."""
    form.auto_id = f"{form_id}-%s"
    for bound in form:
        if bound.errors:
            bound.field.widget.attrs["aria-describedby"] = f"{bound.auto_id}-error"
            bound.field.widget.attrs["aria-invalid"] = "true"
    context = institution_context(
        request,
        institution,
        SECTION,
        design=design,
        form=form,
        title=title,
        action=action,
        cancel_url=cancel_url,
        form_id=form_id,
        submit=submit,
        lead=lead,
    )
    status = status or (400 if form.errors else 200)
    return render(request, "web/design_form.html", context, status=status)

"""Home and institution pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rumbo.institutions.access import (
    can_create_institution,
    institution_for_user,
    user_institutions,
)
from rumbo.institutions.pages import institution_context
from rumbo.web.selectors import institution_overview


@login_required
def home(request: HttpRequest) -> HttpResponse:
    institutions = list(user_institutions(request.user))
    creator = can_create_institution(request.user)
    if len(institutions) == 1 and not creator:
        return redirect("web:institution", code=institutions[0].code)
    return render(
        request,
        "web/home.html",
        {"institutions": institutions, "can_create_institution": creator},
    )


@login_required
def institution_detail(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    overview = institution_overview(institution=institution)
    return render(
        request,
        "web/institution.html",
        institution_context(request, institution, "institution", overview=overview),
    )

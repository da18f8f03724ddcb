"""The institution's own pages: create one from scratch, edit its data, its areas (units
and new programs: ``rumbo.programs.views.setup``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rumbo.audit.services import Actor
from rumbo.core.errors import form_add_errors

from .. import services
from ..access import (
    Capability,
    can,
    can_create_institution,
    forget_grants,
    institution_for_user,
)
from ..forms import AreaForm, InstitutionForm
from ..pages import institution_context
from ..selectors import area_get, area_list


@login_required
@require_http_methods(["GET", "POST"])
def institution_create(request: HttpRequest) -> HttpResponse:
    if not can_create_institution(request.user):
        raise PermissionDenied("Solo Planeación puede crear instituciones.")
    form = InstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            institution = services.institution_create(
                actor=Actor.for_user(request.user),
                founder=request.user,  # type: ignore[arg-type]  # login_required
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            forget_grants(request.user)
            messages.success(
                request,
                f"Se creó la institución {institution.code}. Tienes el rol de Planeación en ella.",
            )
            return redirect("web:institution", code=institution.code)
    return render(
        request,
        "web/setup_institution.html",
        {"form": form, "creating": True},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def institution_edit(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.MANAGE_INSTITUTION)
    form = InstitutionForm(
        request.POST or None, initial=InstitutionForm.initial_for(institution), editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.institution_update(
                actor=Actor.for_user(request.user), institution=institution, **form.cleaned_data
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request, "Se guardaron los datos." if changed else "No había cambios que guardar."
            )
            return redirect("web:institution", code=institution.code)
    return render(
        request,
        "web/setup_institution.html",
        institution_context(request, institution, "institution", form=form, creating=False),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def areas(request: HttpRequest, code: str) -> HttpResponse:
    """Read: any member. POST creates an area (Planeación)."""
    institution = institution_for_user(request.user, code)
    writable = can(request.user, institution, Capability.MANAGE_INSTITUTION)
    form = AreaForm(request.POST or None, institution=institution) if writable else None
    if request.method == "POST":
        institution_for_user(request.user, code, Capability.MANAGE_INSTITUTION)
        if form is not None and form.is_valid():
            try:
                area = services.area_create(
                    actor=Actor.for_user(request.user), institution=institution, **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, f"Se creó el área «{area.name}» ({area.code}).")
                return redirect("web:areas", code=institution.code)
    return render(
        request,
        "web/areas.html",
        institution_context(
            request, institution, "areas", areas=list(area_list(institution=institution)), form=form
        ),
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_edit(request: HttpRequest, code: str, area_id: int) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.MANAGE_INSTITUTION)
    area = area_get(institution=institution, area_id=area_id)
    if area is None:
        raise Http404("No existe esa área.")
    initial = {"name": area.name, "code": area.code, "parent": area.parent_id}
    form = AreaForm(request.POST or None, initial=initial, institution=institution, area=area)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.area_update(
                actor=Actor.for_user(request.user), area=area, **form.cleaned_data
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            if changed:
                messages.success(request, f"Se guardó el área «{area.name}» ({area.code}).")
            return redirect("web:areas", code=institution.code)
    return render(
        request,
        "web/areas_edit.html",
        institution_context(request, institution, "areas", area=area, form=form),
        status=400 if form.errors else 200,
    )

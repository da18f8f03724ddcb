"""The institution's own pages: create one from scratch, edit its data, its areas (units
and new programs: ``rumbo.programs.views.setup``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
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
from ..forms import AreaForm, InstitutionForm, LetterheadForm
from ..letterhead import SIGNER_FIELDS
from ..models import Institution
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
    """Its names and domains, and the reports' letterhead (logo and signers)."""
    institution = institution_for_user(request.user, code, Capability.MANAGE_INSTITUTION)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = InstitutionForm(data, initial=InstitutionForm.initial_for(institution), editing=True)
    letterhead = LetterheadForm(
        data, files, initial=LetterheadForm.initial_for(institution), institution=institution
    )
    if request.method == "POST" and form.is_valid() and letterhead.is_valid():
        changed = _institution_save(request, institution, form, letterhead)
        if changed is not None:
            messages.success(
                request, "Se guardaron los datos." if changed else "No había cambios que guardar."
            )
            return redirect("web:institution", code=institution.code)
    return render(
        request,
        "web/setup_institution.html",
        institution_context(
            request, institution, "institution", form=form, letterhead=letterhead, creating=False
        ),
        status=400 if form.errors or letterhead.errors else 200,
    )


def _institution_save(
    request: HttpRequest,
    institution: Institution,
    form: InstitutionForm,
    letterhead: LetterheadForm,
) -> bool | None:
    """Both services in one transaction; None (errors on the forms) when one refuses."""
    actor = Actor.for_user(request.user)
    signers = {k: v for k, v in letterhead.cleaned_data.items() if k in SIGNER_FIELDS}
    try:
        with transaction.atomic():
            names = services.institution_update(
                actor=actor, institution=institution, **form.cleaned_data
            )
            marks = services.institution_letterhead_update(
                actor=actor,
                institution=institution,
                signers=signers,
                logo=letterhead.cleaned_data.get("logo"),
                remove_logo=bool(letterhead.cleaned_data.get("remove_logo")),
            )
    except ValidationError as exc:
        institution.refresh_from_db()
        errors = exc.message_dict
        for target, keys in (
            (letterhead, [k for k in errors if k in letterhead.fields]),
            (form, [k for k in errors if k not in letterhead.fields]),
        ):
            if keys:
                form_add_errors(target, ValidationError({k: errors[k] for k in keys}))
        return None
    return names or marks


@login_required
@require_http_methods(["GET"])
def institution_logo(request: HttpRequest, code: str) -> HttpResponseBase:
    """The institution's logo, for any member (its edit page shows it)."""
    institution = institution_for_user(request.user, code)
    if not institution.logo:
        raise Http404("La institución no tiene logotipo.")
    try:
        handle = institution.logo.open("rb")
    except OSError:
        raise Http404("No se encontró el archivo del logotipo.") from None
    extension = institution.logo.name.rsplit(".", 1)[-1].lower()
    content_type = "image/png" if extension == "png" else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response


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

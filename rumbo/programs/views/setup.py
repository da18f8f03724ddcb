"""Setup pages of programs: the institution's catalogue of units of measure and a new,
empty annual program (the institution and its areas: ``rumbo.institutions.views``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rumbo.audit.services import Actor
from rumbo.core.errors import form_add_errors
from rumbo.institutions.access import Capability, can, institution_for_user
from rumbo.institutions.pages import institution_context
from rumbo.programs import services as program_services
from rumbo.programs.catalog import unit_create, unit_list, unit_rename
from rumbo.programs.forms.setup import ProgramCreateForm, UnitForm
from rumbo.programs.models import UnitOfMeasure


@login_required
@require_http_methods(["GET", "POST"])
def units(request: HttpRequest, code: str) -> HttpResponse:
    """Read: any member. POST adds a unit (Planeación)."""
    institution = institution_for_user(request.user, code)
    writable = can(request.user, institution, Capability.MANAGE_INSTITUTION)
    form = UnitForm(request.POST or None) if writable else None
    if request.method == "POST":
        institution_for_user(request.user, code, Capability.MANAGE_INSTITUTION)
        if form is not None and form.is_valid():
            try:
                unit = unit_create(
                    actor=Actor.for_user(request.user),
                    institution=institution,
                    name=form.cleaned_data["name"],
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, f"Se agregó la unidad «{unit.name}».")
                return redirect("web:units", code=institution.code)
    return render(
        request,
        "web/units.html",
        institution_context(
            request, institution, "units", units=list(unit_list(institution=institution)), form=form
        ),
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, code: str, unit_id: int) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.MANAGE_INSTITUTION)
    unit = UnitOfMeasure.objects.filter(institution=institution, pk=unit_id).first()
    if unit is None:
        raise Http404("No existe esa unidad de medida.")
    form = UnitForm(request.POST or None, initial={"name": unit.name})
    if request.method == "POST" and form.is_valid():
        old = unit.name
        try:
            changed = unit_rename(
                actor=Actor.for_user(request.user), unit=unit, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            if changed:
                messages.success(request, f"La unidad «{old}» ahora se llama «{unit.name}».")
            return redirect("web:units", code=institution.code)
    return render(
        request,
        "web/units_edit.html",
        institution_context(request, institution, "units", unit=unit, form=form),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.EDIT_PROGRAM)
    form = ProgramCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = program_services.program_create(
                actor=Actor.for_user(request.user),
                institution=institution,
                year=form.cleaned_data["year"],
                name=form.cleaned_data["name"],
                level_names=form.level_names(),
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, f"Se creó el programa anual {program.year}.")
            return redirect("web:program", code=institution.code, year=program.year)
    return render(
        request,
        "web/setup_program.html",
        institution_context(request, institution, "program", form=form),
        status=400 if form.errors else 200,
    )

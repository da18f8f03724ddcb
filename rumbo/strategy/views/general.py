"""Create a plan, and edit its general data (name, period, misión, visión)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from rumbo.audit.services import Actor
from rumbo.core.errors import form_add_errors
from rumbo.institutions.access import Capability, institution_for_user
from rumbo.strategy import services

from ..forms import SERVICE_FIELDS, PlanForm
from .shared import _form_response, _is_htmx, _plan_or_404, _plan_url, _render_section


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.EDIT_PLAN)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                actor=Actor.for_user(request.user),
                institution=institution,
                name=data["nombre"],
                start_year=data["inicio"],
                end_year=data["fin"],
                mission=data["mision"],
                vision=data["vision"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc, rename=SERVICE_FIELDS)
        else:
            messages.success(request, f"Se creó el plan «{plan.name}».")
            if _is_htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = _plan_url(institution, plan)
                return response
            return HttpResponseRedirect(_plan_url(institution, plan))
    return _form_response(
        request,
        institution,
        form=form,
        title="Nuevo plan general de desarrollo",
        action=reverse("web:plan_create", args=[institution.code]),
        cancel_url=reverse("web:institution", args=[institution.code]),
        fragment="",
        plan=None,
        form_id="plan-nuevo",
        submit="Crear plan",
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, code: str, plan_id: int) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.EDIT_PLAN)
    plan = _plan_or_404(institution, plan_id)
    initial = {
        "nombre": plan.name,
        "inicio": plan.start_year,
        "fin": plan.end_year,
        "mision": plan.mission,
        "vision": plan.vision,
    }
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_update(
                actor=Actor.for_user(request.user),
                plan=plan,
                name=data["nombre"],
                start_year=data["inicio"],
                end_year=data["fin"],
                mission=data["mision"],
                vision=data["vision"],
            )
        except ValidationError as exc:
            plan.refresh_from_db()
            form_add_errors(form, exc, rename=SERVICE_FIELDS)
        else:
            if _is_htmx(request):
                return _render_section(
                    request, institution, plan, "general", saved="Se guardaron los datos del plan."
                )
            messages.success(request, "Se guardaron los datos del plan.")
            return HttpResponseRedirect(_plan_url(institution, plan))
    return _form_response(
        request,
        institution,
        form=form,
        title="Editar datos del plan",
        action=reverse("web:plan_edit", args=[institution.code, plan.pk]),
        cancel_url=_plan_url(institution, plan),
        fragment="general",
        plan=plan,
        form_id="plan-general",
    )

"""Planeación's page to publish or withdraw program years and their MIRs (``web`` namespace).

It shows, per program year, what publishing would make public (activities, approved
months, MIRs and their indicators) and calls ``publication_publish`` /
``publication_withdraw``, which check the capability and write the audit trail.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from rumbo.audit.services import Actor
from rumbo.core.errors import error_messages
from rumbo.indicators.models import Mir
from rumbo.institutions.access import Capability, institution_for_user
from rumbo.institutions.pages import institution_context
from rumbo.programs.models import AnnualProgram

from .selectors import publication_overview
from .services import publication_publish, publication_withdraw


class PublicationForm(forms.Form):
    accion = forms.ChoiceField(choices=[("publicar", "Publicar"), ("retirar", "Retirar")])
    ejercicio = forms.IntegerField(min_value=1990, max_value=2100)
    mir = forms.IntegerField(required=False, min_value=1)
    motivo = forms.CharField(max_length=2000)


@login_required
def publication_page(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.PUBLISH_OPEN_DATA)
    return render(
        request,
        "opendata/manage.html",
        institution_context(
            request, institution, "institution", programs=publication_overview(institution)
        ),
    )


@login_required
@require_POST
def publication_action(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.PUBLISH_OPEN_DATA)
    back = HttpResponseRedirect(reverse("web:opendata_publish", args=[code]))
    form = PublicationForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{field}: {error}")
        return back
    data = form.cleaned_data
    program = AnnualProgram.objects.filter(institution=institution, year=data["ejercicio"]).first()
    if program is None:
        messages.error(request, f"No hay programa anual del ejercicio {data['ejercicio']}.")
        return back
    mir = None
    if data["mir"]:
        mir = Mir.objects.filter(pk=data["mir"], design__node__program=program).first()
        if mir is None:
            messages.error(request, "Esa MIR no pertenece al programa anual.")
            return back
    service = publication_publish if data["accion"] == "publicar" else publication_withdraw
    try:
        service(
            user=request.user,
            program=program,
            mir=mir,
            reason=data["motivo"],
            actor=Actor.for_user(request.user),
        )
    except ValidationError as exc:
        for problem in error_messages(exc):
            messages.error(request, problem)
        return back
    what = f"la MIR «{mir.design.title}»" if mir else f"el programa anual {program.year}"
    done = "publicado" if data["accion"] == "publicar" else "retirado"
    messages.success(request, f"Se ha {done} {what}.")
    return back

"""An indicator's own semáforo bands: the twin of an activity's (monitoring_admin)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rumbo.audit.services import Actor
from rumbo.core.semaforo import DEFAULT_BANDS
from rumbo.indicators.models import IndicatorBands
from rumbo.indicators.selectors import bands_for_indicators
from rumbo.indicators.services import bands_clear_indicator, bands_set_indicator
from rumbo.institutions.access import Capability, require
from rumbo.monitoring.selectors import policy_for
from rumbo.web.forms.monitoring import ActivityBandsForm, BandsClearForm
from rumbo.web.forms.users import service_errors

from ..common import institution_context
from ..monitoring_admin import band_profiles, preview, typed_bands
from .shared import indicator_for


@login_required
@require_http_methods(["GET", "POST"])
def indicator_bands(request: HttpRequest, code: str, indicator_id: int) -> HttpResponse:
    institution, indicator = indicator_for(request, code, indicator_id)
    require(request.user, institution, Capability.MANAGE_MONITORING)
    override = IndicatorBands.objects.filter(indicator=indicator).first()
    effective = bands_for_indicators([indicator])[indicator.pk]
    action = request.POST.get("accion") if request.method == "POST" else None
    set_form = ActivityBandsForm(
        request.POST if action == "guardar" else None,
        initial=ActivityBandsForm.initial_for(effective),
        prefix="propio",
    )
    clear_form = BandsClearForm(request.POST if action == "quitar" else None, prefix="quitar")
    actor = Actor.for_user(request.user)
    if action == "guardar" and set_form.is_valid():
        try:
            bands_set_indicator(
                actor=actor,
                indicator=indicator,
                reason=set_form.cleaned_data["reason"],
                **set_form.edges(),
            )
        except ValidationError as exc:
            service_errors(set_form, exc)
        else:
            messages.success(request, f"El indicador «{indicator.name}» tiene su propio semáforo.")
            return redirect("web:indicator_bands", code=institution.code, indicator_id=indicator.pk)
    elif action == "quitar" and clear_form.is_valid():
        bands_clear_indicator(
            actor=actor, indicator=indicator, reason=clear_form.cleaned_data["reason"]
        )
        messages.success(
            request, f"El indicador «{indicator.name}» vuelve a usar el semáforo de la institución."
        )
        return redirect("web:indicator_bands", code=institution.code, indicator_id=indicator.pk)
    typed = request.POST if action == "guardar" else request.GET
    shown = typed_bands(typed, "propio-") or effective
    failed = bool(set_form.errors or clear_form.errors)
    template = (
        "web/monitoring_preview.html"
        if request.method == "GET" and request.headers.get("HX-Request")
        else "web/indicator_bands.html"
    )
    return render(
        request,
        template,
        institution_context(
            request,
            institution,
            "program",
            ind=indicator,
            design=indicator.row.mir.design,
            override=override,
            effective=effective,
            institution_bands=policy_for(institution).bands,
            default_bands=DEFAULT_BANDS,
            form=set_form,
            clear_form=clear_form,
            shown=shown,
            preview=preview(shown),
            profiles=band_profiles(),
        ),
        status=400 if failed else 200,
    )

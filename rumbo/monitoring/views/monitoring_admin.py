"""Planeación's monitoring settings: capture close day, evidence limit and semáforo bands of
the institution, capture-window extensions, and an activity's own bands. Only Planeación
(``Capability.MANAGE_MONITORING``); everybody else gets 403."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rumbo.audit.services import Actor
from rumbo.core.errors import form_add_errors
from rumbo.core.semaforo import DEFAULT_BANDS, EDGES, PROFILES, Bands, Light, grade
from rumbo.institutions.access import Capability, institution_for_user
from rumbo.institutions.models import Institution
from rumbo.institutions.pages import institution_context

from ..bands import bands_for_activities
from ..forms.monitoring_admin import ActivityBandsForm, BandsClearForm, ExtensionForm, PolicyForm
from ..models import BandFields
from ..policy import policy_update
from ..selectors import (
    activity_bands_get,
    activity_in_institution,
    policy_for,
    window_extension_list,
)
from ..services import (
    bands_clear_activity,
    bands_set_activity,
    bands_set_institution,
    window_extend,
)
from ..services.policy import bands_parse

PREVIEW_PERCENTS = (75, 85, 95, 105, 115, 125)


@dataclass(frozen=True)
class PreviewRow:
    percent: int
    light: Light


def preview(bands: Bands | None) -> list[PreviewRow]:
    """What colour each sample compliance gets under ``bands`` (graded by THE semáforo)."""
    if bands is None:
        return []
    return [
        PreviewRow(p, grade(programmed=Decimal(100), achieved=Decimal(p), bands=bands).light)
        for p in PREVIEW_PERCENTS
    ]


def typed_bands(data: QueryDict, prefix: str = "") -> Bands | None:
    """The bands typed in a form (a profile or four edges), for the preview; None if the
    data has none or they are not valid yet."""
    profile = data.get(prefix + "profile")
    if profile is None:
        return None
    if profile in PROFILES:
        return PROFILES[profile][1]
    try:
        return bands_parse({name: data.get(prefix + name, "") for name in EDGES})
    except ValidationError:
        return None


def _manage(request: HttpRequest, code: str) -> Institution:
    return institution_for_user(request.user, code, Capability.MANAGE_MONITORING)


def band_profiles() -> list[tuple[str, str, Bands]]:
    return [(key, label, bands) for key, (label, bands) in PROFILES.items()]


@login_required
@require_http_methods(["GET", "POST"])
def monitoring_settings(request: HttpRequest, code: str) -> HttpResponse:
    institution = _manage(request, code)
    policy = policy_for(institution)
    current = policy.bands
    initial = {
        "close_day": policy.close_day,
        "evidence_max_mb": policy.evidence_max_mb,
        **PolicyForm.initial_for(current),
    }
    if request.method == "GET" and "profile" in request.GET:  # the no-JS "preview" button
        initial.update({name: request.GET.get(name, "") for name in PolicyForm.base_fields})
    form = PolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actor = Actor.for_user(request.user)
        reason = form.cleaned_data["reason"]
        try:
            with transaction.atomic():
                policy_update(
                    actor=actor,
                    institution=institution,
                    close_day=form.cleaned_data["close_day"],
                    evidence_max_mb=form.cleaned_data["evidence_max_mb"],
                    reason=reason,
                )
                edges = form.edges()
                if bands_parse(edges) != current or policy.pk is None:
                    bands_set_institution(
                        actor=actor, institution=institution, reason=reason, **edges
                    )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, "Se guardó la configuración del seguimiento.")
            return redirect("web:monitoring_settings", code=institution.code)
    shown = typed_bands(request.POST if request.method == "POST" else request.GET) or current
    context = institution_context(
        request,
        institution,
        "monitoring",
        form=form,
        policy=policy,
        current=current,
        shown=shown,
        preview=preview(shown),
        profiles=band_profiles(),
        stored=policy.pk is not None,
    )
    if request.headers.get("HX-Request") and request.method == "GET":
        return render(request, "web/monitoring_preview.html", context)
    return render(
        request, "web/monitoring_settings.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def window_extensions(request: HttpRequest, code: str) -> HttpResponse:
    institution = _manage(request, code)
    today = timezone.localdate()
    form = ExtensionForm(
        request.POST if request.method == "POST" else None,
        institution=institution,
        initial={
            "year": today.year if today.month > 1 else today.year - 1,
            "month": today.month - 1 or 12,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ext = window_extend(
                actor=Actor.for_user(request.user),
                institution=institution,
                year=data["year"],
                month=data["month"],
                area=data["area"],
                until=data["until"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            who = ext.area.name if ext.area else "todas las áreas"
            messages.success(
                request,
                f"Prórroga otorgada: {ext.month:02d}/{ext.year} para {who} "
                f"hasta el {ext.until:%d/%m/%Y}.",
            )
            return redirect("web:window_extensions", code=institution.code)
    extensions = window_extension_list(institution=institution)
    return render(
        request,
        "web/monitoring_extensions.html",
        institution_context(
            request, institution, "monitoring", form=form, extensions=extensions, today=today
        ),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_bands(request: HttpRequest, code: str, year: int, key: str) -> HttpResponse:
    institution = _manage(request, code)
    activity = activity_in_institution(institution=institution, year=year, key=key)
    if activity is None:
        raise Http404("No existe esa actividad en el programa.")
    return bands_override_page(
        request,
        institution,
        override=activity_bands_get(activity=activity),
        effective=bands_for_activities([activity])[activity.pk],
        set_bands=partial(bands_set_activity, activity=activity),
        clear_bands=partial(bands_clear_activity, activity=activity),
        set_message=f"La actividad {activity.key} tiene ahora su propio semáforo.",
        clear_message=f"La actividad {activity.key} vuelve a usar el semáforo de la institución.",
        page_url=reverse(
            "web:activity_bands", kwargs={"code": institution.code, "year": year, "key": key}
        ),
        template="web/monitoring_activity_bands.html",
        activity=activity,
        program=activity.program,
    )


def bands_override_page(
    request: HttpRequest,
    institution: Institution,
    *,
    override: BandFields | None,
    effective: Bands,
    set_bands: Callable[..., object],
    clear_bands: Callable[..., object],
    set_message: str,
    clear_message: str,
    page_url: str,
    template: str,
    **context: Any,
) -> HttpResponse:
    """The page of an object's own bands (an activity's, an indicator's): set them with a
    profile or four edges and a reason, preview them, or drop them with a reason.
    ``set_bands`` and ``clear_bands`` are the object's services with the object bound."""
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
            set_bands(actor=actor, reason=set_form.cleaned_data["reason"], **set_form.edges())
        except ValidationError as exc:
            form_add_errors(set_form, exc)
        else:
            messages.success(request, set_message)
            return redirect(page_url)
    elif action == "quitar" and clear_form.is_valid():
        clear_bands(actor=actor, reason=clear_form.cleaned_data["reason"])
        messages.success(request, clear_message)
        return redirect(page_url)
    typed = request.POST if action == "guardar" else request.GET
    shown = typed_bands(typed, "propio-") or effective
    failed = bool(set_form.errors or clear_form.errors)
    if request.method == "GET" and request.headers.get("HX-Request"):
        template = "web/monitoring_preview.html"
    return render(
        request,
        template,
        institution_context(
            request,
            institution,
            "program",
            **context,
            page_url=page_url,
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

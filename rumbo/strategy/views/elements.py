"""Add, edit and delete the elements of a plan: its tree (políticas → programas →
objetivos → líneas de acción) and its FODA."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from rumbo.audit.services import Actor
from rumbo.core.errors import error_text, form_add_errors
from rumbo.core.forms import form_stale
from rumbo.core.text import whole_number
from rumbo.core.versions import StaleVersion
from rumbo.institutions.access import Capability, institution_for_user
from rumbo.institutions.models import Institution
from rumbo.institutions.pages import institution_context
from rumbo.strategy.models import StrategicPlan, SwotItem, SwotKind
from rumbo.strategy.selectors import plan_element_get, plan_parent_options

from ..forms import SERVICE_FIELDS, ElementForm, SwotForm
from .kinds import Kind, _article, _kind_or_404
from .shared import _form_response, _is_htmx, _plan_or_404, _plan_url, _render_section


def _element_form(
    spec: Kind, plan: StrategicPlan, data: Any, initial: dict[str, Any]
) -> ElementForm | SwotForm:
    if spec.model is SwotItem:
        return SwotForm(data, initial=initial)
    options = plan_parent_options(plan=plan, models=[p.model for p in spec.parents])
    return ElementForm(
        data,
        initial=initial,
        text_label=spec.text_label,
        parents=[(p.field, p.label, options[p.model]) for p in spec.parents],
    )


def _service_kwargs(spec: Kind, plan: StrategicPlan, form: Any) -> dict[str, Any]:
    data = form.cleaned_data
    if spec.model is SwotItem:
        return {"kind": data["tipo"], "text": data["texto"]}
    kwargs: dict[str, Any] = {"code": data["clave"], spec.text_kwarg: data["texto"]}
    for parent in spec.parents:
        pk = data.get(parent.field)
        kwargs[parent.kwarg] = (
            plan_element_get(plan=plan, model=parent.model, pk=pk) if pk is not None else None
        )
    return kwargs


def _initial_for(spec: Kind, element: Any) -> dict[str, Any]:
    if spec.model is SwotItem:
        return {"tipo": element.kind, "texto": element.text, "version": element.version}
    initial = {
        "clave": element.code,
        "texto": getattr(element, spec.text_kwarg),
        "version": element.version,
    }
    for parent in spec.parents:
        initial[parent.field] = getattr(element, f"{parent.kwarg}_id")
    return initial


def _initial_from_query(spec: Kind, request: HttpRequest) -> dict[str, Any]:
    """«Agregar línea» under an objective preselects it: ``?objetivo=<id>``, ``?tipo=amenaza``."""
    initial: dict[str, Any] = {}
    for parent in spec.parents:
        value = whole_number(request.GET.get(parent.field))
        if value is not None:
            initial[parent.field] = value
    if spec.model is SwotItem and request.GET.get("tipo") in SwotKind.values:
        initial["tipo"] = request.GET["tipo"]
    return initial


def _saved(
    request: HttpRequest, institution: Institution, plan: StrategicPlan, spec: Kind, message: str
) -> HttpResponse:
    if _is_htmx(request):
        return _render_section(request, institution, plan, spec.fragment, saved=message)
    messages.success(request, message)
    anchor = "foda" if spec.fragment == "foda" else "estructura"
    return HttpResponseRedirect(_plan_url(institution, plan, anchor))


@login_required
@require_http_methods(["GET", "POST"])
def plan_element_create(request: HttpRequest, code: str, plan_id: int, kind: str) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.EDIT_PLAN)
    plan = _plan_or_404(institution, plan_id)
    spec = _kind_or_404(kind)
    form = _element_form(spec, plan, request.POST or None, _initial_from_query(spec, request))
    if request.method == "POST" and form.is_valid():
        try:
            spec.create(
                actor=Actor.for_user(request.user), plan=plan, **_service_kwargs(spec, plan, form)
            )
        except ValidationError as exc:
            form_add_errors(form, exc, rename=SERVICE_FIELDS)
        else:
            return _saved(request, institution, plan, spec, f"Se agregó {_article(spec)}.")
    suffix = "-".join(f"{k}{v}" for k, v in sorted(_initial_from_query(spec, request).items()))
    return _form_response(
        request,
        institution,
        form=form,
        title=f"Agregar {spec.label}",
        action=request.get_full_path(),
        cancel_url=_plan_url(institution, plan),
        fragment=spec.fragment,
        plan=plan,
        form_id=f"nuevo-{kind}{'-' + suffix if suffix else ''}",
    )


def _element_or_404(plan: StrategicPlan, spec: Kind, pk: int) -> Any:
    element = plan_element_get(plan=plan, model=spec.model, pk=pk)
    if element is None:
        raise Http404(f"No existe ese {spec.label} en este plan.")
    return element


@login_required
@require_http_methods(["GET", "POST"])
def plan_element_edit(
    request: HttpRequest, code: str, plan_id: int, kind: str, pk: int
) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.EDIT_PLAN)
    plan = _plan_or_404(institution, plan_id)
    spec = _kind_or_404(kind)
    element = _element_or_404(plan, spec, pk)
    form = _element_form(spec, plan, request.POST or None, _initial_for(spec, element))
    status = 200
    if request.method == "POST" and form.is_valid():
        kwargs = _service_kwargs(spec, plan, form)
        kwargs["version"] = form.cleaned_data["version"]
        try:
            spec.update(actor=Actor.for_user(request.user), **{spec.obj_kwarg: element}, **kwargs)
        except ValidationError as exc:
            form_add_errors(form, exc, rename=SERVICE_FIELDS)
        except StaleVersion as exc:  # someone saved in between: show what, answer 409
            form_stale(form, exc)
            # htmx swaps no 4xx: the in-place form comes back as 200 (like its other errors)
            status = 200 if _is_htmx(request) else 409
        else:
            return _saved(request, institution, plan, spec, f"Se guardó {_article(spec)}.")
    name = getattr(element, "code", "") if spec.model is not SwotItem else ""
    return _form_response(
        request,
        institution,
        form=form,
        title=f"Editar {spec.label} {name}".strip(),
        action=reverse("web:plan_element_edit", args=[institution.code, plan.pk, kind, pk]),
        cancel_url=_plan_url(institution, plan),
        fragment=spec.fragment,
        plan=plan,
        form_id=f"el-{kind}-{pk}",
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_element_delete(
    request: HttpRequest, code: str, plan_id: int, kind: str, pk: int
) -> HttpResponse:
    """GET: a confirmation page (without JS). POST: delete, or say why it cannot be deleted."""
    institution = institution_for_user(request.user, code, Capability.EDIT_PLAN)
    plan = _plan_or_404(institution, plan_id)
    spec = _kind_or_404(kind)
    element = _element_or_404(plan, spec, pk)
    if request.method == "GET":
        return render(
            request,
            "web/plan_delete.html",
            institution_context(
                request, institution, "plan", plan=plan, spec=spec, element=element, kind=kind
            ),
        )
    try:
        spec.delete(actor=Actor.for_user(request.user), **{spec.obj_kwarg: element})
    except ValidationError as exc:
        message = error_text(exc)
        if _is_htmx(request):
            return _render_section(request, institution, plan, spec.fragment, refused=message)
        messages.error(request, message)
        return HttpResponseRedirect(_plan_url(institution, plan))
    return _saved(request, institution, plan, spec, f"Se eliminó {_article(spec)}.")

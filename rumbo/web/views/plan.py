"""The strategic plan page, and editing it (Planeación): the plan's data, its tree and FODA.

Every write form works without JavaScript (POST, then redirect to the plan). With htmx,
«Editar» swaps an element for its form; a successful «Guardar» re-renders the section it
belongs to (the tree, FODA or the general data); a form with errors comes back in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from rumbo.audit.services import Actor
from rumbo.institutions.access import Capability, institution_for_user
from rumbo.institutions.models import Institution
from rumbo.strategy import services
from rumbo.strategy.models import (
    GeneralProgram,
    LineOfAction,
    Policy,
    StrategicObjective,
    StrategicPlan,
    SwotItem,
    SwotKind,
)
from rumbo.strategy.selectors import plan_element_get, plan_get, plan_parent_options, plan_tree
from rumbo.web.forms.plan import ElementForm, PlanForm, SwotForm, add_service_errors

from .common import institution_context

FRAGMENTS = {
    "general": "web/_plan_general.html",
    "estructura": "web/_plan_structure.html",
    "foda": "web/_plan_swot.html",
}


@dataclass(frozen=True)
class Parent:
    field: str  # form field
    kwarg: str  # service keyword
    model: type
    label: str


@dataclass(frozen=True)
class Kind:
    """One kind of plan element, as the URLs name it (``politica``, ``linea``, ``foda``…)."""

    model: type
    label: str  # «objetivo estratégico»
    text_label: str
    fragment: str  # the section re-rendered after a change
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    obj_kwarg: str
    text_kwarg: str
    parents: list[Parent] = field(default_factory=list)


KINDS: dict[str, Kind] = {
    "politica": Kind(
        Policy,
        "política general",
        "Nombre",
        "estructura",
        services.policy_create,
        services.policy_update,
        services.policy_delete,
        "policy",
        "name",
    ),
    "programa": Kind(
        GeneralProgram,
        "programa general",
        "Nombre",
        "estructura",
        services.general_program_create,
        services.general_program_update,
        services.general_program_delete,
        "program",
        "name",
        [Parent("politica", "policy", Policy, "Política general")],
    ),
    "objetivo": Kind(
        StrategicObjective,
        "objetivo estratégico",
        "Objetivo",
        "estructura",
        services.objective_create,
        services.objective_update,
        services.objective_delete,
        "objective",
        "text",
        [Parent("programa", "program", GeneralProgram, "Programa general")],
    ),
    "linea": Kind(
        LineOfAction,
        "línea de acción",
        "Línea de acción",
        "estructura",
        services.line_of_action_create,
        services.line_of_action_update,
        services.line_of_action_delete,
        "line",
        "text",
        [
            Parent("objetivo", "objective", StrategicObjective, "Objetivo estratégico"),
            Parent("programa", "program", GeneralProgram, "Programa general"),
        ],
    ),
    "foda": Kind(
        SwotItem,
        "elemento FODA",
        "Texto",
        "foda",
        services.swot_item_create,
        services.swot_item_update,
        services.swot_item_delete,
        "item",
        "text",
    ),
}


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _plan_or_404(institution: Institution, plan_id: int) -> StrategicPlan:
    plan = plan_get(institution=institution, plan_id=plan_id)
    if plan is None:
        raise Http404("No existe ese plan en esta institución.")
    return plan


def _plan_url(institution: Institution, plan: StrategicPlan, anchor: str = "") -> str:
    url = reverse("web:plan", args=[institution.code, plan.pk])
    return f"{url}#{anchor}" if anchor else url


def _render_section(
    request: HttpRequest, institution: Institution, plan: StrategicPlan, fragment: str, **extra: Any
) -> HttpResponse:
    """A section of the plan page, retargeted over the current one (htmx)."""
    context = institution_context(
        request, institution, "plan", tree=plan_tree(plan=plan), plan=plan, **extra
    )
    response = render(request, FRAGMENTS[fragment], context)
    response["HX-Retarget"] = f"#plan-{fragment}"
    response["HX-Reswap"] = "outerHTML"
    return response


@login_required
def plan_detail(request: HttpRequest, code: str, plan_id: int) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    plan = _plan_or_404(institution, plan_id)
    tree = plan_tree(plan=plan)
    context = institution_context(request, institution, "plan", tree=tree, plan=plan)
    fragment = request.GET.get("fragmento", "")
    if _is_htmx(request) and fragment in FRAGMENTS:
        return render(request, FRAGMENTS[fragment], context)
    return render(request, "web/plan.html", context)


def _form_response(
    request: HttpRequest,
    institution: Institution,
    *,
    form: Any,
    title: str,
    action: str,
    cancel_url: str,
    fragment: str,
    plan: StrategicPlan | None,
    form_id: str,
    submit: str = "Guardar",
    status: int = 200,
) -> HttpResponse:
    form.auto_id = f"{form_id}-%s"
    for bound in form:
        if bound.errors:
            bound.field.widget.attrs["aria-describedby"] = f"{bound.auto_id}-error"
    context = institution_context(
        request,
        institution,
        "plan",
        form=form,
        title=title,
        action=action,
        cancel_url=cancel_url,
        fragment=fragment,
        plan=plan,
        form_id=form_id,
        submit=submit,
    )
    template = "web/_plan_form.html" if _is_htmx(request) else "web/plan_form.html"
    return render(request, template, context, status=status)


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
            add_service_errors(form, exc.message_dict)
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
            add_service_errors(form, exc.message_dict)
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


def _kind_or_404(kind: str) -> Kind:
    if kind not in KINDS:
        raise Http404("No existe ese tipo de elemento del plan.")
    return KINDS[kind]


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
        return {"tipo": element.kind, "texto": element.text}
    initial = {"clave": element.code, "texto": getattr(element, spec.text_kwarg)}
    for parent in spec.parents:
        initial[parent.field] = getattr(element, f"{parent.kwarg}_id")
    return initial


def _initial_from_query(spec: Kind, request: HttpRequest) -> dict[str, Any]:
    """«Agregar línea» under an objective preselects it: ``?objetivo=<id>``, ``?tipo=amenaza``."""
    initial: dict[str, Any] = {}
    for parent in spec.parents:
        value = request.GET.get(parent.field, "")
        if value.isdigit():
            initial[parent.field] = int(value)
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
            add_service_errors(form, exc.message_dict)
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


def _article(spec: Kind) -> str:
    feminine = spec.model in (Policy, LineOfAction)
    return f"{'la' if feminine else 'el'} {spec.label}"


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
    if request.method == "POST" and form.is_valid():
        try:
            spec.update(
                actor=Actor.for_user(request.user),
                **{spec.obj_kwarg: element},
                **_service_kwargs(spec, plan, form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc.message_dict)
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
        message = " ".join(m for ms in exc.message_dict.values() for m in ms)
        if _is_htmx(request):
            return _render_section(request, institution, plan, spec.fragment, refused=message)
        messages.error(request, message)
        return HttpResponseRedirect(_plan_url(institution, plan))
    return _saved(request, institution, plan, spec, f"Se eliminó {_article(spec)}.")

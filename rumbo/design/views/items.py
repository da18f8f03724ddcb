"""Add, edit and delete the items of a design, one generic view per verb.

The URL names the kind (``involucrado``, ``arbol``, ``alternativa``, ``poblacion``,
``riesgo``, ``accion``); ``KINDS`` maps it to its form, its services and the page the
user returns to. Only those who may edit the design (``require_edit_design``) get here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from rumbo.audit.services import Actor
from rumbo.core.errors import error_text, form_add_errors
from rumbo.core.forms import form_stale
from rumbo.core.text import whole_number
from rumbo.core.versions import StaleVersion
from rumbo.design import selectors, services
from rumbo.design.forms import (
    AlternativeForm,
    ItemForm,
    PopulationForm,
    RiskForm,
    ScheduleActionForm,
    StakeholderForm,
    TreeNodeForm,
)
from rumbo.design.models import (
    Alternative,
    PopulationFigure,
    ProgramDesign,
    Risk,
    ScheduleAction,
    Stakeholder,
    TreeKind,
    TreeNode,
    TreeRole,
)
from rumbo.institutions.access import require_edit_design
from rumbo.institutions.models import Institution
from rumbo.institutions.pages import institution_context

from .shared import SECTION, design_or_404, design_url, form_page

Options = dict[str, dict[int, tuple[str, Any]]]  # pick field → id → (label, object)


def _no_options(design: ProgramDesign) -> Options:
    return {}


def _tree_options(design: ProgramDesign) -> Options:
    trees, roles = dict(TreeKind.choices), dict(TreeRole.choices)
    return {
        "parent": {
            n.pk: (f"{trees[n.tree]} · {roles[n.role]}: {n.text[:80]}", n)
            for n in selectors.tree_node_options(design=design)
        }
    }


def _schedule_options(design: ProgramDesign) -> Options:
    return {
        "component": {
            r.pk: (f"{r.get_level_display()} {r.code}: {r.summary[:80]}".strip(), r)
            for r in selectors.schedule_component_options(design=design)
        },
        "activity": {
            a.pk: (f"{a.key} {a.description[:80]}", a)
            for a in selectors.schedule_activity_options(design=design)
        },
    }


@dataclass(frozen=True)
class ItemKind:
    label: str  # «involucrado»
    article: str  # «el involucrado»
    model: type[Model]
    form: type[ItemForm]
    fields: tuple[str, ...]  # the service's field names (the form's are the same)
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    obj_kwarg: str
    page: str  # the URL name the user returns to
    anchor: str
    options: Callable[[ProgramDesign], Options] = field(default=_no_options)

    def anchor_for(self, obj: Any) -> str:
        if isinstance(obj, TreeNode):
            return f"arbol-{obj.tree}"
        if isinstance(obj, Risk):
            return f"riesgo-{obj.pk}"
        return self.anchor


KINDS: dict[str, ItemKind] = {
    "involucrado": ItemKind(
        "involucrado",
        "el involucrado",
        Stakeholder,
        StakeholderForm,
        services.STAKEHOLDER_FIELDS,
        services.stakeholder_create,
        services.stakeholder_update,
        services.stakeholder_delete,
        "stakeholder",
        "design",
        "involucrados",
    ),
    "arbol": ItemKind(
        "elemento del árbol",
        "el elemento del árbol",
        TreeNode,
        TreeNodeForm,
        services.TREE_FIELDS,
        services.tree_node_create,
        services.tree_node_update,
        services.tree_node_delete,
        "node",
        "design",
        "arboles",
        _tree_options,
    ),
    "alternativa": ItemKind(
        "alternativa",
        "la alternativa",
        Alternative,
        AlternativeForm,
        services.ALTERNATIVE_FIELDS,
        services.alternative_create,
        services.alternative_update,
        services.alternative_delete,
        "alternative",
        "design",
        "alternativas",
    ),
    "poblacion": ItemKind(
        "cifra de población",
        "la cifra de población",
        PopulationFigure,
        PopulationForm,
        services.POPULATION_FIELDS,
        services.population_create,
        services.population_update,
        services.population_delete,
        "figure",
        "design",
        "poblacion",
    ),
    "riesgo": ItemKind(
        "riesgo",
        "el riesgo",
        Risk,
        RiskForm,
        services.RISK_FIELDS,
        services.risk_create,
        services.risk_update,
        services.risk_delete,
        "risk",
        "design_risks",
        "matriz",
    ),
    "accion": ItemKind(
        "acción del cronograma",
        "la acción del cronograma",
        ScheduleAction,
        ScheduleActionForm,
        services.SCHEDULE_FIELDS,
        services.schedule_action_create,
        services.schedule_action_update,
        services.schedule_action_delete,
        "action",
        "design_schedule",
        "cronograma",
        _schedule_options,
    ),
}


def _kind_or_404(kind: str) -> ItemKind:
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404("No existe ese tipo de elemento del diseño.")
    return spec


def _editable_design(
    request: HttpRequest, code: str, design_id: int, kind: str
) -> tuple[Institution, ProgramDesign, ItemKind]:
    institution, design = design_or_404(request, code, design_id)
    require_edit_design(request.user, design)
    return institution, design, _kind_or_404(kind)


def _item_or_404(spec: ItemKind, design: ProgramDesign, item_id: int) -> Any:
    obj: Any = spec.model._default_manager.filter(design=design, pk=item_id).first()
    if obj is None:
        raise Http404(f"No existe ese {spec.label} en este diseño.")
    obj.design = design  # the services read its institution from here: no extra query
    return obj


def _initial_for(spec: ItemKind, obj: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for name in spec.fields:
        if name in spec.form.PICKS:
            initial[name] = getattr(obj, f"{name}_id")
        elif name == "months":
            initial[name] = [str(m) for m in obj.months or []]
        else:
            value = getattr(obj, name)
            initial[name] = "" if value is None else value
    initial["version"] = obj.version
    return initial


def _initial_from_query(spec: ItemKind, request: HttpRequest) -> dict[str, Any]:
    """«Agregar causa» under a box preselects it: ``?arbol=problema&tipo=causa&superior=7``."""
    if spec.model is not TreeNode:
        return {}
    initial: dict[str, Any] = {}
    if request.GET.get("arbol") in TreeKind.values:
        initial["tree"] = request.GET["arbol"]
    if request.GET.get("tipo") in TreeRole.values:
        initial["role"] = request.GET["tipo"]
    parent = whole_number(request.GET.get("superior"))
    if parent is not None:
        initial["parent"] = parent
    return initial


def _service_data(spec: ItemKind, form: ItemForm, options: Options) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in spec.fields:
        value = form.cleaned_data.get(name)
        if name in spec.form.PICKS:
            found = options.get(name, {}).get(value) if value is not None else None
            value = found[1] if found is not None else None
        data[name] = value
    return data


def _back(institution: Institution, design: ProgramDesign, spec: ItemKind, obj: Any = None) -> str:
    anchor = spec.anchor_for(obj) if obj is not None else spec.anchor
    return design_url(institution, design, spec.page, anchor)


def _form(
    spec: ItemKind, request: HttpRequest, options: Options, initial: dict[str, Any]
) -> ItemForm:
    labels = {
        name: [(pk, label) for pk, (label, _) in opts.items()] for name, opts in options.items()
    }
    return spec.form(request.POST or None, initial=initial, options=labels)


@login_required
@require_http_methods(["GET", "POST"])
def design_item_create(request: HttpRequest, code: str, design_id: int, kind: str) -> HttpResponse:
    institution, design, spec = _editable_design(request, code, design_id, kind)
    options = spec.options(design)
    form = _form(spec, request, options, _initial_from_query(spec, request))
    if request.method == "POST" and form.is_valid():
        try:
            obj = spec.create(
                actor=Actor.for_user(request.user),
                design=design,
                data=_service_data(spec, form, options),
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, f"Se agregó {spec.article}.")
            return HttpResponseRedirect(_back(institution, design, spec, obj))
    return form_page(
        request,
        institution,
        design=design,
        form=form,
        title=f"Agregar {spec.label}",
        action=request.get_full_path(),
        cancel_url=_back(institution, design, spec),
        form_id=f"nuevo-{kind}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def design_item_edit(
    request: HttpRequest, code: str, design_id: int, kind: str, item_id: int
) -> HttpResponse:
    institution, design, spec = _editable_design(request, code, design_id, kind)
    obj = _item_or_404(spec, design, item_id)
    options = spec.options(design)
    form = _form(spec, request, options, _initial_for(spec, obj))
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            spec.update(
                actor=Actor.for_user(request.user),
                **{spec.obj_kwarg: obj},
                changes=_service_data(spec, form, options),
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        except StaleVersion as exc:  # someone saved in between: show what, answer 409
            form_stale(form, exc)
            status = 409
        else:
            messages.success(request, f"Se guardó {spec.article}.")
            return HttpResponseRedirect(_back(institution, design, spec, obj))
    return form_page(
        request,
        institution,
        design=design,
        form=form,
        title=f"Editar {spec.label}",
        action=reverse("web:design_item_edit", args=[institution.code, design.pk, kind, obj.pk]),
        cancel_url=_back(institution, design, spec, obj),
        form_id=f"{kind}-{obj.pk}",
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def design_item_delete(
    request: HttpRequest, code: str, design_id: int, kind: str, item_id: int
) -> HttpResponse:
    """GET: a confirmation page. POST: delete, or say why it cannot be deleted."""
    institution, design, spec = _editable_design(request, code, design_id, kind)
    obj = _item_or_404(spec, design, item_id)
    if request.method == "GET":
        context = institution_context(
            request,
            institution,
            SECTION,
            design=design,
            spec=spec,
            kind=kind,
            item=obj,
            cancel_url=_back(institution, design, spec, obj),
        )
        return render(request, "web/design_delete.html", context)
    try:
        spec.delete(actor=Actor.for_user(request.user), **{spec.obj_kwarg: obj})
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return HttpResponseRedirect(_back(institution, design, spec, obj))
    messages.success(request, f"Se eliminó {spec.article}.")
    return HttpResponseRedirect(_back(institution, design, spec))

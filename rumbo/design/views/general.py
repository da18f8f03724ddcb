"""Start a design on a top-level program node, and edit a design's general fields."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from rumbo.audit.services import Actor
from rumbo.core.errors import form_add_errors
from rumbo.design import selectors, services
from rumbo.design.forms import DesignCreateForm, DesignForm
from rumbo.institutions.access import (
    Capability,
    institution_for_user,
    require_edit_design,
    user_roles,
)
from rumbo.institutions.models import Role

from .shared import design_or_404, design_url, form_page

DESIGNERS = {Role.PLANEACION.value, Role.ENLACE.value}


@login_required
@require_http_methods(["GET", "POST"])
def design_create(request: HttpRequest, code: str) -> HttpResponse:
    """Planeación on any free top-level node; an Enlace on its own area's nodes only."""
    institution = institution_for_user(request.user, code, Capability.VIEW)
    if not user_roles(request.user, institution) & DESIGNERS:
        raise PermissionDenied("Solo Planeación o un enlace de área pueden iniciar un diseño.")
    nodes = {
        n.pk: n for n in selectors.design_node_options(institution=institution, user=request.user)
    }
    labels = [
        (pk, f"{n.program.year} · {n.key} {n.name}{f' ({n.area.code})' if n.area else ''}")
        for pk, n in nodes.items()
    ]
    form = DesignCreateForm(request.POST or None, options={"node": labels})
    if request.method == "POST" and form.is_valid():
        node = nodes.get(form.cleaned_data["node"] or 0)
        if node is None:
            form.add_error("node", "Escoge el nivel del programa que se va a diseñar.")
        else:
            try:
                design = services.design_create(
                    actor=Actor.for_user(request.user),
                    institution=institution,
                    node=node,
                    title=form.cleaned_data["title"],
                    problem_statement=form.cleaned_data["problem_statement"],
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, f"Se creó el diseño «{design.title}».")
                return HttpResponseRedirect(design_url(institution, design))
    lead = (
        "Escoge un nivel superior del programa anual (subprograma o programa específico) que "
        "aún no tenga diseño."
        if nodes
        else "No hay niveles del programa sin diseño que puedas diseñar."
    )
    return form_page(
        request,
        institution,
        design=None,
        form=form,
        title="Nuevo diseño de programa",
        action=reverse("web:design_create", args=[institution.code]),
        cancel_url=reverse("web:design_list", args=[institution.code]),
        form_id="diseno-nuevo",
        submit="Crear diseño",
        lead=lead,
    )


@login_required
@require_http_methods(["GET", "POST"])
def design_edit(request: HttpRequest, code: str, design_id: int) -> HttpResponse:
    institution, design = design_or_404(request, code, design_id)
    require_edit_design(request.user, design)
    initial = {name: getattr(design, name) for name in services.DESIGN_FIELDS}
    form = DesignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.design_update(
                actor=Actor.for_user(request.user), design=design, changes=form.cleaned_data
            )
        except ValidationError as exc:
            design.refresh_from_db()
            form_add_errors(form, exc)
        else:
            messages.success(request, "Se guardaron los datos del diseño.")
            return HttpResponseRedirect(design_url(institution, design, anchor="problema"))
    return form_page(
        request,
        institution,
        design=design,
        form=form,
        title="Editar datos del diseño",
        action=reverse("web:design_edit", args=[institution.code, design.pk]),
        cancel_url=design_url(institution, design),
        form_id="diseno-general",
    )

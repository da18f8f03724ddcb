"""What the plan's views share: the page's sections, htmx, the plan lookup and the form page."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from rumbo.institutions.models import Institution
from rumbo.institutions.pages import institution_context
from rumbo.strategy.models import StrategicPlan
from rumbo.strategy.selectors import plan_get, plan_tree

FRAGMENTS = {
    "general": "web/_plan_general.html",
    "estructura": "web/_plan_structure.html",
    "foda": "web/_plan_swot.html",
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

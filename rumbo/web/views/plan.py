"""The strategic plan page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from rumbo.institutions.access import institution_for_user
from rumbo.strategy.selectors import plan_get, plan_tree

from .common import institution_context


@login_required
def plan_detail(request: HttpRequest, code: str, plan_id: int) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    plan = plan_get(institution=institution, plan_id=plan_id)
    if plan is None:
        raise Http404("No existe ese plan en esta institución.")
    tree = plan_tree(plan=plan)
    return render(
        request, "web/plan.html", institution_context(request, institution, "plan", tree=tree)
    )

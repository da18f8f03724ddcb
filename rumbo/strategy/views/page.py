"""The strategic plan page, whole or one of its sections (htmx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rumbo.institutions.access import institution_for_user
from rumbo.institutions.pages import institution_context
from rumbo.strategy.selectors import plan_tree

from .shared import FRAGMENTS, _is_htmx, _plan_or_404


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

"""The design pages: list, overview, risk matrix and cronograma. Any member reads them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rumbo.core.periods import MONTH_LABELS, MONTH_NAMES
from rumbo.design import selectors
from rumbo.design.models import Treatment
from rumbo.institutions.access import Capability, can_edit_design, institution_for_user
from rumbo.institutions.pages import institution_context

from .shared import SECTION, design_or_404


@login_required
def design_list(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.VIEW)
    designs = list(selectors.design_list(institution=institution))
    for design in designs:
        design.can_edit = can_edit_design(request.user, design)  # type: ignore[attr-defined]  # template flag
    options = selectors.design_node_options(institution=institution, user=request.user)
    context = institution_context(
        request, institution, SECTION, designs=designs, can_create=bool(options)
    )
    return render(request, "web/design_list.html", context)


@login_required
def design_detail(request: HttpRequest, code: str, design_id: int) -> HttpResponse:
    institution, design = design_or_404(request, code, design_id)
    context = institution_context(
        request,
        institution,
        SECTION,
        design=design,
        detail=selectors.design_detail(design=design),
        can_edit=can_edit_design(request.user, design),
    )
    return render(request, "web/design.html", context)


@login_required
def design_risks(request: HttpRequest, code: str, design_id: int) -> HttpResponse:
    institution, design = design_or_404(request, code, design_id)
    context = institution_context(
        request,
        institution,
        SECTION,
        design=design,
        matrix=selectors.risk_matrix(design=design),
        treatments=Treatment,
        can_edit=can_edit_design(request.user, design),
    )
    return render(request, "web/design_risks.html", context)


@login_required
def design_schedule(request: HttpRequest, code: str, design_id: int) -> HttpResponse:
    institution, design = design_or_404(request, code, design_id)
    groups = selectors.schedule(design=design)
    context = institution_context(
        request,
        institution,
        SECTION,
        design=design,
        groups=groups,
        has_simulated=any(row.action.months_simulated for g in groups for row in g.rows),
        months=list(zip(MONTH_LABELS, MONTH_NAMES, strict=True)),
        can_edit=can_edit_design(request.user, design),
    )
    return render(request, "web/design_schedule.html", context)

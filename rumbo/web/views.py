"""Pages: parse the request, check access, call one selector, render. Nothing else."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rumbo.imports.selectors import (
    finding_activity_links,
    finding_choices,
    finding_counts_by_activity,
    finding_list,
    finding_severity_counts,
)
from rumbo.institutions.access import institution_for_user, user_institutions, user_roles
from rumbo.institutions.models import Institution, Role
from rumbo.programs.selectors import program_get, program_tree
from rumbo.strategy.selectors import plan_get, plan_tree

from .forms import FindingFilterForm, ProgramFilterForm
from .selectors import institution_overview
from .tree import program_page

FINDINGS_PER_PAGE = 50


def _context(request: HttpRequest, institution: Institution, section: str, **extra: object) -> dict:
    """What every institution page shares: the institution, the user's roles, the nav section."""
    roles = user_roles(request.user, institution)
    return {
        "institution": institution,
        "roles": [label for value, label in Role.choices if value in roles],
        "section": section,
        **extra,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    institutions = list(user_institutions(request.user))
    if len(institutions) == 1:
        return redirect("web:institution", code=institutions[0].code)
    return render(request, "web/home.html", {"institutions": institutions})


@login_required
def institution_detail(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    overview = institution_overview(institution=institution)
    return render(
        request,
        "web/institution.html",
        _context(request, institution, "institution", overview=overview),
    )


@login_required
def program_detail(request: HttpRequest, code: str, year: int) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    program = program_get(institution=institution, year=year)
    if program is None:
        raise Http404("No hay programa anual para ese ejercicio.")
    roots = program_tree(program=program)
    findings = finding_counts_by_activity(institution=institution, year=year)
    unfiltered = program_page(program=program, roots=roots, findings_by_activity=findings)
    form = ProgramFilterForm(request.GET or None, areas=unfiltered.areas)
    area_code, text = form.filters()
    page = (
        program_page(
            program=program,
            roots=roots,
            findings_by_activity=findings,
            area_code=area_code,
            text=text,
        )
        if area_code or text
        else unfiltered
    )
    return render(
        request,
        "web/program.html",
        _context(
            request,
            institution,
            "program",
            program=program,
            page=page,
            form=form,
            filtering=bool(area_code or text),
        ),
    )


@login_required
def plan_detail(request: HttpRequest, code: str, plan_id: int) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    plan = plan_get(institution=institution, plan_id=plan_id)
    if plan is None:
        raise Http404("No existe ese plan en esta institución.")
    tree = plan_tree(plan=plan)
    return render(request, "web/plan.html", _context(request, institution, "plan", tree=tree))


@login_required
def finding_list_view(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    form = FindingFilterForm(request.GET or None, choices=finding_choices(institution=institution))
    filters = form.filters()
    findings = finding_list(institution=institution, filters=filters)
    counts = finding_severity_counts(findings)
    paginator = Paginator(findings, FINDINGS_PER_PAGE, allow_empty_first_page=True)
    paginator.count = counts["total"]  # already counted above; saves a COUNT query
    page = paginator.get_page(request.GET.get("pagina"))
    links = finding_activity_links(list(page.object_list))
    rows = [(finding, links.get(finding.pk)) for finding in page.object_list]
    return render(
        request,
        "web/findings.html",
        _context(
            request,
            institution,
            "findings",
            form=form,
            filters=filters,
            counts=counts,
            page=page,
            rows=rows,
        ),
    )

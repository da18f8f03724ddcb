"""The annual program page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from rumbo.imports.selectors import finding_counts_by_activity
from rumbo.institutions.access import institution_for_user
from rumbo.programs.selectors import program_get, program_tree
from rumbo.web.forms.program import ProgramFilterForm
from rumbo.web.tree import program_page

from .common import institution_context


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
        institution_context(
            request,
            institution,
            "program",
            program=program,
            page=page,
            form=form,
            filtering=bool(area_code or text),
        ),
    )

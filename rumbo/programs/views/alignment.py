"""The alignment matrix of an annual program against the plan in force."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from rumbo.institutions.access import institution_for_user
from rumbo.institutions.pages import institution_context
from rumbo.programs.alignment import alignment_matrix
from rumbo.programs.selectors import program_get


@login_required
def alignment_detail(request: HttpRequest, code: str, year: int) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    program = program_get(institution=institution, year=year)
    if program is None:
        raise Http404("No hay programa anual para ese ejercicio.")
    matrix = alignment_matrix(institution=institution, program=program)
    return render(
        request,
        "web/alignment.html",
        institution_context(request, institution, "alignment", program=program, matrix=matrix),
    )

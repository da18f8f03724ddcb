"""The budget page of a program year (``…/presupuesto/``) and its XLSX download.

Whoever may read the program (any role of the institution) reads it. The table comes from
``selectors.budget_table`` (every amount from ``figures``); the XLSX writes the same rows.
Filters are GET parameters: ``nodo`` (a node key), ``capitulo`` («2000»), ``mes`` (1–12,
default the last closed month).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rumbo.core.exportfile import attachment
from rumbo.core.periods import MONTH_NAMES
from rumbo.institutions.access import Capability, can, institution_for_user
from rumbo.institutions.pages import institution_context
from rumbo.programs.selectors import program_or_404

from ..exports import budget_xlsx, columns, row_values
from ..selectors import budget_table


def _filters(request: HttpRequest) -> dict[str, str]:
    return {
        "node": request.GET.get("nodo", ""),
        "chapter": request.GET.get("capitulo", ""),
        "month": request.GET.get("mes", ""),
    }


PARAMS = {"node": "nodo", "chapter": "capitulo", "month": "mes"}


@login_required
def budget(request: HttpRequest, code: str, year: int) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.VIEW)
    program = program_or_404(institution=institution, year=year)
    filters = _filters(request)
    errors: dict[str, list[str]] = {}
    try:
        table = budget_table(program=program, **filters)
    except ValidationError as exc:  # a bad filter: say which, show the whole budget
        errors = {PARAMS[k]: v for k, v in exc.message_dict.items()}
        table = budget_table(program=program)
    query = urlencode({PARAMS[k]: v for k, v in filters.items() if v and PARAMS[k] not in errors})
    context = institution_context(
        request,
        institution,
        "program",
        program=program,
        table=table,
        heads=columns(table),
        node_rows=[(r, row_values(r)) for r in table.nodes],
        chapter_rows=[(r, row_values(r)) for r in table.chapters],
        total_values=row_values(table.total),
        months=list(enumerate(MONTH_NAMES, start=1)),
        month_name=MONTH_NAMES[table.month - 1],
        filter_errors=errors,
        query=query,
        can_upload=can(request.user, institution, Capability.EDIT_PROGRAM),
    )
    return render(request, "web/budget.html", context, status=400 if errors else 200)


@login_required
def budget_download(request: HttpRequest, code: str, year: int) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.VIEW)
    program = program_or_404(institution=institution, year=year)
    try:
        table = budget_table(program=program, **_filters(request))
    except ValidationError as exc:
        text = " ".join(m for ms in exc.message_dict.values() for m in ms)
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    export = budget_xlsx(table)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = attachment(export.filename)
    return response

"""Transparency formats of an institution: the list with downloads for a period (the same
``build_sipot`` as the CLI) and the publication checker for an uploaded file (not stored)."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rumbo.institutions.access import institution_for_user
from rumbo.programs.models import AnnualProgram, AreaObjective
from rumbo.transparency.checker import UnreadableFile, check_file
from rumbo.transparency.formats import FormatDefinition, definition_for, format_ids
from rumbo.transparency.generate import FORMATS, ExportError, build_sipot
from rumbo.web.forms.transparency import CheckUploadForm, PeriodForm

from .common import institution_context


def _current(on: date) -> list[FormatDefinition]:
    return [definition_for(i, on=on) for i in format_ids()]


def _years(institution_id: int) -> list[int]:
    """Years with a program or fr. IV rows, newest first (two queries); else this year."""
    years = set(
        AnnualProgram.objects.filter(institution_id=institution_id).values_list("year", flat=True)
    )
    years |= set(
        AreaObjective.objects.filter(institution_id=institution_id).values_list("year", flat=True)
    )
    return sorted(years, reverse=True) or [timezone.localdate().year]


def _period(request: HttpRequest, years: list[int]) -> tuple[PeriodForm, int, int | None]:
    """The chosen year and quarter (default: the newest year, whole); 404 when invalid.

    Only the two parameters the form knows are read: any other one in the query string (a
    campaign tag, a typo) is ignored instead of leaving the form without its year."""
    data = {
        "ejercicio": request.GET.get("ejercicio") or str(years[0]),
        "trimestre": request.GET.get("trimestre", ""),
    }
    form = PeriodForm(data, years=years)
    if not form.is_valid():
        raise Http404("Periodo inválido: elija un ejercicio de la lista y un trimestre de 1 a 4.")
    return form, form.cleaned_data["ejercicio"], form.cleaned_data["trimestre"]


@login_required
def transparency_view(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    years = _years(institution.pk)
    form, year, quarter = _period(request, years)
    query = f"ejercicio={year}" + (f"&trimestre={quarter}" if quarter else "")
    return render(
        request,
        "web/transparency.html",
        institution_context(
            request,
            institution,
            "transparency",
            form=form,
            year=year,
            quarter=quarter,
            query=query,
            formats=_current(date(year, 1, 1)),
            file_formats=FORMATS,
        ),
    )


@login_required
def transparency_download_view(
    request: HttpRequest, code: str, format_id: str, fmt: str
) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    if format_id not in format_ids() or fmt not in ("xlsx", "csv"):
        raise Http404("No existe ese formato.")
    _, year, quarter = _period(request, _years(institution.pk))
    try:
        export = build_sipot(
            format_id=format_id, institution=institution.code, year=year, quarter=quarter, fmt=fmt
        )
    except ExportError as exc:
        raise Http404(str(exc)) from None
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{export.filename}\"; filename*=UTF-8''{quote(export.filename)}"
    )
    return response


@login_required
def transparency_check_view(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    formats = _current(timezone.localdate())
    result = None
    error = ""
    if request.method == "POST":
        form = CheckUploadForm(request.POST, request.FILES, formats=formats)
        if form.is_valid():
            upload = form.cleaned_data["archivo"]
            try:
                result = check_file(
                    name=upload.name,
                    content=upload.read(),
                    format_id=form.cleaned_data["formato"],
                    institution=institution,
                )
            except UnreadableFile as exc:
                error = str(exc)
    else:
        form = CheckUploadForm(formats=formats)
    status = 400 if request.method == "POST" and (error or form.errors) else 200
    return render(
        request,
        "web/transparency_check.html",
        institution_context(
            request, institution, "transparency", form=form, result=result, error=error
        ),
        status=status,
    )

"""Transparency formats of an institution: the list with downloads for a period (the same
``build_sipot`` as the CLI), the review of a format before downloading it (the publication
checker on the file Rumbo would generate, each finding linked to where it is fixed), the
correction of an imported fr. IV row, and the checker for an uploaded file (not stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from rumbo.audit.selectors import object_history
from rumbo.audit.services import Actor
from rumbo.core.errors import form_add_errors
from rumbo.core.exportfile import attachment
from rumbo.imports.selectors import findings_of
from rumbo.imports.sipot_objectives.corrections import area_objective_update
from rumbo.institutions.access import Capability, can, institution_for_user
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.pages import institution_context
from rumbo.programs.models import AnnualProgram, AreaObjective
from rumbo.programs.selectors import program_get
from rumbo.transparency.checker import UnreadableFile, check_file
from rumbo.transparency.fixes import Fix
from rumbo.transparency.formats import FormatDefinition, definition_for, format_ids
from rumbo.transparency.forms import AreaObjectiveForm, CheckUploadForm, PeriodForm
from rumbo.transparency.generate import FORMATS, ExportError, build_sipot
from rumbo.transparency.review import ReviewFinding, format_review
from rumbo.transparency.selectors import PeriodRefused, ReportPeriod


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
            program=program_get(institution=institution, year=year),
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
    response["Content-Disposition"] = attachment(export.filename)
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


# Where each kind of fix is made: URL name, link text, the capability the page needs (None:
# the page itself decides, e.g. an Enlace edits the activities of its own area).
FIX_PAGES: dict[str, tuple[str, str, Capability | None]] = {
    "area_objective": ("web:area_objective_edit", "Corregir la fila", Capability.EDIT_TRANSPARENCY),
    "activity": ("web:activity_edit", "Editar la actividad", None),
    "activity_calendar": (
        "web:activity_calendar",
        "Editar la cantidad anual y el calendario",
        None,
    ),
    "indicator": ("web:indicator_edit", "Editar la ficha del indicador", None),
    "mir_row": ("web:mir_row_edit", "Editar el renglón de la MIR", None),
    "design": ("web:design_edit", "Editar el diseño del programa", None),
    "institution": (
        "web:institution_edit",
        "Registrar el dominio web de la institución",
        Capability.MANAGE_INSTITUTION,
    ),
}


@dataclass(frozen=True)
class FixLink:
    url: str  # "" when the user may not open the page
    label: str


def _fix_link(
    request: HttpRequest, institution: Institution, fix: Fix | None, back: str
) -> FixLink | None:
    if fix is None or fix.kind not in FIX_PAGES:
        return None
    name, label, capability = FIX_PAGES[fix.kind]
    if capability is not None and not can(request.user, institution, capability):
        return FixLink("", f"{label} (Planeación)")
    url = reverse(name, args=[institution.code, *fix.args])
    if fix.kind == "area_objective":
        url += f"?volver={quote(back, safe='')}"
    return FixLink(url, label)


@login_required
def transparency_review_view(request: HttpRequest, code: str, format_id: str) -> HttpResponse:
    institution = institution_for_user(request.user, code)
    if format_id not in format_ids():
        raise Http404("No existe ese formato.")
    form, year, quarter = _period(request, _years(institution.pk))
    query = f"ejercicio={year}" + (f"&trimestre={quarter}" if quarter else "")
    back = f"{reverse('web:transparency_review', args=[institution.code, format_id])}?{query}"

    def page(**shown: object) -> HttpResponse:
        return render(
            request,
            "web/transparency_review.html",
            institution_context(
                request,
                institution,
                "transparency",
                form=form,
                year=year,
                quarter=quarter,
                query=query,
                file_formats=FORMATS,
                program=program_get(institution=institution, year=year),
                **shown,
            ),
        )

    try:
        review = format_review(
            format_id=format_id,
            institution=institution,
            period=ReportPeriod(year, quarter),
            today=timezone.localdate(),
        )
    except PeriodRefused as exc:  # not generated for this period: say why, offer no download
        return page(
            refused=str(exc),
            groups=[],
            f=definition_for(format_id, on=ReportPeriod(year, quarter).start),
        )
    items: list[tuple[ReviewFinding, FixLink | None]] = [
        (f, _fix_link(request, institution, f.fix, back)) for f in review.findings
    ]
    groups = [
        {
            "id": "errores",
            "title": "Errores",
            "caption": "Errores del formato",
            "help": "Cada error hace que su fila no pase la revisión de publicación.",
            "items": [(f, link) for f, link in items if f.is_error],
        },
        {
            "id": "advertencias",
            "title": "Advertencias",
            "caption": "Advertencias del formato",
            "help": "La fila se publica, pero conviene revisarla.",
            "items": [(f, link) for f, link in items if not f.is_error],
        },
    ]
    return page(review=review, groups=groups, f=review.definition)


def _back(request: HttpRequest, institution: Institution) -> str:
    """The transparency page to return to (``volver``), only inside this institution's."""
    back = request.POST.get("volver") or request.GET.get("volver") or ""
    prefix = reverse("web:transparency", args=[institution.code])
    if (
        not back.startswith(prefix)
        or any(ch in back for ch in "\n\r#\\")
        or not url_has_allowed_host_and_scheme(back, None)
    ):
        return ""
    return back


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def area_objective_edit_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.EDIT_TRANSPARENCY)
    row = get_object_or_404(
        AreaObjective.objects.select_related("area"), pk=pk, institution=institution
    )
    back = _back(request, institution)
    areas = Area.objects.filter(institution=institution).order_by("name")
    form = AreaObjectiveForm(
        request.POST if request.method == "POST" else None,
        initial=AreaObjectiveForm.initial_for(row),
        areas=areas,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = area_objective_update(
                actor=Actor.for_user(request.user),
                row=row,
                area=data["area"],
                reason=data["reason"],
                **{name: data[name] for name in AreaObjectiveForm.FIELDS},
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            if not result.changed:
                messages.info(request, "No había cambios que guardar.")
            else:
                text = f"Se guardó la corrección de la fila {row.row_number}."
                if result.resolved:
                    text += f" Hallazgos resueltos: {len(result.resolved)}."
                if result.still_open:
                    text += f" Siguen abiertos: {len(result.still_open)}."
                messages.success(request, text)
            here = reverse("web:area_objective_edit", args=[institution.code, row.pk])
            return HttpResponseRedirect(back or here)
    return render(
        request,
        "web/area_objective_edit.html",
        institution_context(
            request,
            institution,
            "transparency",
            row=row,
            form=form,
            back=back,
            findings=findings_of(row),
            events=object_history(row),
        ),
        status=400 if request.method == "POST" else 200,
    )

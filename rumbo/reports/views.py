"""Report pages: an index to choose a report and its period, a page per report showing it in
HTML, and its downloads (XLSX, PDF) — the same ``rumbo.reports.builders`` functions the
CLI calls. Anyone with a role in the institution reads them; other institutions get 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from rumbo.core.exportfile import attachment
from rumbo.core.periods import MONTH_ABBR, MONTH_NAMES, quarter_of
from rumbo.core.text import whole_number
from rumbo.indicators.selectors import institution_mirs
from rumbo.institutions.access import Capability, institution_for_user
from rumbo.institutions.models import Institution
from rumbo.institutions.pages import institution_context
from rumbo.institutions.selectors import area_choices
from rumbo.monitoring.dashboard import dashboard_month
from rumbo.programs.selectors import program_list
from rumbo.reports.builders import build_report, report_data
from rumbo.reports.common import FORMATS, MONTH_KINDS, ReportError
from rumbo.reports.monthly import MonthlyReport
from rumbo.reports.render.html import body_context

# URL slug (Spanish) ↔ report kind (the CLI's names)
SLUGS = {
    "mensual": "monthly",
    "trimestral": "quarterly",
    "programa": "program",
    "mir": "mir",
    "fisico-financiero": "fisico-financiero",
}
KIND_SLUG = {kind: slug for slug, kind in SLUGS.items()}
TITLES = {
    "monthly": "Informe mensual de avance programático",
    "quarterly": "Informe trimestral de indicadores (SED)",
    "program": "Programa anual (POA) con su calendario",
    "mir": "MIR y fichas técnicas",
    "fisico-financiero": "Informe de avance físico-financiero",
}
DESCRIPTIONS = {
    "monthly": "Programado contra alcanzado por actividad, acumulado y semáforo, por área.",
    "quarterly": "Meta, valor, semáforo y tendencia de cada indicador de las MIR del ejercicio.",
    "program": "El árbol del programa con cada actividad, su meta anual y sus doce meses.",
    "mir": "La matriz de cada diseño de programa y la ficha técnica de cada indicador.",
    "fisico-financiero": "Avance físico junto al financiero por subprograma y proyecto, su"
    " brecha con semáforo y el costo por unidad.",
}


def _int(raw: str | None) -> int | str | None:
    """An integer query parameter: None when absent, the text itself when not a number."""
    if raw is None or not raw.strip():
        return None
    number = whole_number(raw)
    return raw if number is None else number


def _scope(request: HttpRequest, kind: str) -> dict[str, Any]:
    """The report's optional arguments from the query string, each only where it applies."""
    get = request.GET
    return {
        "month": _int(get.get("mes")) if kind in MONTH_KINDS else None,
        "quarter": _int(get.get("trimestre")) if kind == "quarterly" else None,
        "area": (get.get("area") or "").strip() or None if kind == "monthly" else None,
        "mir": _int(get.get("mir")) if kind == "mir" else None,
    }


def _query(scope: dict[str, Any]) -> str:
    names = {"month": "mes", "quarter": "trimestre", "area": "area", "mir": "mir"}
    params = {names[k]: v for k, v in scope.items() if v is not None}
    return f"?{urlencode(params)}" if params else ""


def _drill_url(institution: Institution, year: int, report: object) -> str:
    """The activities behind the monthly report's counts: its month and area; the summary
    cells add ``&semaforo=``, ``&area=`` and ``&estado=`` (``web:progress_activities``)."""
    if not isinstance(report, MonthlyReport):
        return ""
    params = [("mes", str(report.month))]
    if report.area is not None:
        params.append(("area", report.area.code))
    url = reverse("web:progress_activities", args=[institution.code, year])
    return f"{url}?{urlencode(params)}"


def _index_context(request: HttpRequest, institution: Institution, **extra: Any) -> dict:
    programs = list(program_list(institution=institution))
    # Open on the last month reported of the newest year (as the dashboards do).
    month = (dashboard_month(program=programs[0]) if programs else 0) or 1
    return institution_context(
        request,
        institution,
        "reports",
        kinds=[(KIND_SLUG[k], TITLES[k], DESCRIPTIONS[k]) for k in TITLES],
        years=[p.year for p in programs],
        default_month=month,
        default_quarter=quarter_of(month),
        months=[(i, name) for i, name in enumerate(MONTH_NAMES, start=1)],
        areas=list(area_choices(institution=institution)),
        mirs=institution_mirs(institution),
        **extra,
    )


@login_required
def report_index(request: HttpRequest, code: str) -> HttpResponse:
    """Choose a report, its year and period; a complete choice goes to the report's page."""
    institution = institution_for_user(request.user, code, Capability.VIEW)
    slug = request.GET.get("informe")
    if slug:
        if slug not in SLUGS:
            context = _index_context(request, institution, error=f"No existe el informe {slug}.")
            return render(request, "web/reports/index.html", context, status=400)
        year = _int(request.GET.get("anio"))
        if not isinstance(year, int):
            context = _index_context(request, institution, error="Elija el ejercicio.")
            return render(request, "web/reports/index.html", context, status=400)
        url = reverse("web:report", args=[institution.code, slug, year])
        return redirect(url + _query(_scope(request, SLUGS[slug])))
    return render(request, "web/reports/index.html", _index_context(request, institution))


def _kind(slug: str) -> str:
    if slug not in SLUGS:
        raise Http404("No existe ese informe.")
    return SLUGS[slug]


@login_required
def report_page(request: HttpRequest, code: str, slug: str, year: int) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.VIEW)
    kind = _kind(slug)
    scope = _scope(request, kind)
    try:
        data = report_data(kind=kind, institution=institution.code, year=year, **scope)
    except ReportError as exc:
        context = _index_context(request, institution, error=str(exc))
        return render(request, "web/reports/index.html", context, status=400)
    # The buttons ask for an export job (queued when Redis is configured, else answered at
    # once with the file); report_download stays as the direct link for scripts.
    job_params = [("year", year)] + [(k, v) for k, v in scope.items() if v is not None]
    downloads = [(fmt.upper(), fmt) for fmt in FORMATS[::-1]]
    context = institution_context(
        request,
        institution,
        "reports",
        title=TITLES[kind],
        year=year,
        downloads=downloads,
        job_kind=f"report-{kind}",
        job_params=job_params,
        month_abbr=MONTH_ABBR,
        **body_context(kind, data, drill_url=_drill_url(institution, year, data)),
    )
    return render(request, "web/reports/report.html", context)


@login_required
def report_download(
    request: HttpRequest, code: str, slug: str, year: int, fmt: str
) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.VIEW)
    kind = _kind(slug)
    if fmt not in FORMATS:
        raise Http404("Formato no disponible.")
    try:
        file = build_report(
            kind=kind, institution=institution.code, year=year, fmt=fmt, **_scope(request, kind)
        )
    except ReportError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = attachment(file.filename)
    return response

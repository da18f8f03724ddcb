"""Public open-data pages and downloads: no login, explicitly anonymous.

The rest of the web app requires a login view by view (``login_required``); these views
do not, and they read only through ``rumbo.opendata.selectors``, which knows nothing but
published program years, approved months and published MIRs. Anything not published is
a 404 — the same answer as a URL that never existed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from rumbo.core.exportfile import ExportFile, attachment
from rumbo.core.numbers import to_json_number

from .datasets import (
    DATASETS,
    DICTIONARY_FORMATS,
    FORMATS,
    LICENCE_NAME,
    LICENCE_NOTE,
    LICENCE_URL,
    SIMULATED_NOTE,
)
from .exports import build_open_dataset, build_open_dictionary, dataset_simulated
from .selectors import (
    PublicIndicator,
    PublicProgram,
    PublicProgress,
    comparison_years,
    public_comparison,
    public_indicators,
    public_institution,
    public_institutions,
    public_originals,
    public_program,
    public_progress,
    public_tree,
)

NOT_PUBLISHED = "No hay datos abiertos publicados en esta dirección."


def _context(**extra: object) -> dict[str, object]:
    return {
        "licence_name": LICENCE_NAME,
        "licence_url": LICENCE_URL,
        "licence_note": LICENCE_NOTE,
        "simulated_note": SIMULATED_NOTE,
        **extra,
    }


def _public(code: str, year: int) -> PublicProgram:
    public = public_program(code=code, year=year)
    if public is None:
        raise Http404(NOT_PUBLISHED)
    return public


def _download(export: ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = attachment(export.filename)
    return response


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "opendata/index.html", _context(institutions=public_institutions()))


@require_safe
def institution(request: HttpRequest, code: str) -> HttpResponse:
    found = public_institution(code=code)
    if found is None:
        raise Http404(NOT_PUBLISHED)
    return render(request, "opendata/institution.html", _context(public_institution=found))


@require_safe
def program(request: HttpRequest, code: str, year: int) -> HttpResponse:
    public = _public(code, year)
    return render(
        request,
        "opendata/program.html",
        _context(
            public=public,
            tree=public_tree(public),
            originals=public_originals(public),
            section="programa",
        ),
    )


def progress_chart(progress: PublicProgress) -> dict[str, object]:
    """What the chart draws: the same figures the table prints."""
    months = progress.months
    return {
        "months": [m.label for m in months],
        "average_compliance": [
            to_json_number(m.summary.average_compliance) if m.published else None for m in months
        ],
        "on_track": [to_json_number(m.summary.on_track) if m.published else None for m in months],
    }


@require_safe
def progress(request: HttpRequest, code: str, year: int) -> HttpResponse:
    public = _public(code, year)
    data = public_progress(public)
    return render(
        request,
        "opendata/progress.html",
        _context(public=public, progress=data, chart=progress_chart(data), section="avance"),
    )


def indicators_chart(items: list[PublicIndicator]) -> list[dict[str, object]]:
    return [
        {
            "id": f"grafica-indicador-{pi.indicator.pk}",
            "name": pi.indicator.name,
            "labels": [line.period.short_label for line in pi.periods],
            "targets": [to_json_number(line.target) for line in pi.periods],
            "values": [to_json_number(line.value) for line in pi.periods],
        }
        for pi in items
    ]


def _simulated_mirs(public: PublicProgram) -> str:
    titles = [m.title for m in public.mirs if m.simulated]
    if not titles:
        return ""
    return f"Mediciones simuladas: {'; '.join(titles)}."


@require_safe
def indicators(request: HttpRequest, code: str, year: int) -> HttpResponse:
    public = _public(code, year)
    items = public_indicators(public)
    return render(
        request,
        "opendata/indicators.html",
        _context(
            public=public,
            indicators=items,
            chart=indicators_chart(items),
            simulated_mirs=_simulated_mirs(public),
            section="indicadores",
        ),
    )


@require_safe
def downloads(request: HttpRequest, code: str, year: int) -> HttpResponse:
    public = _public(code, year)
    return render(
        request,
        "opendata/downloads.html",
        _context(
            public=public,
            datasets=list(DATASETS.values()),
            formats=FORMATS,
            dictionary_formats=DICTIONARY_FORMATS,
            simulated_datasets={
                slug for slug in DATASETS if dataset_simulated(public=public, dataset=slug)
            },
            section="descargas",
        ),
    )


@require_safe
def dataset(request: HttpRequest, code: str, year: int, dataset: str, fmt: str) -> HttpResponse:
    if dataset not in DATASETS or fmt not in FORMATS:
        raise Http404(NOT_PUBLISHED)
    export = build_open_dataset(
        institution=code,
        year=year,
        dataset=dataset,
        fmt=fmt,
        base_url=request.build_absolute_uri("/"),
    )
    return _download(export)


@require_safe
def dictionary(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    if dataset not in DATASETS or fmt not in DICTIONARY_FORMATS:
        raise Http404(NOT_PUBLISHED)
    return _download(build_open_dictionary(dataset=dataset, fmt=fmt))


@dataclass(frozen=True)
class ComparedFigure:
    """One of the comparison's figures as the page offers it (docs/open-data.md)."""

    key: str  # the ComparedMonth attribute (the API's field)
    slug: str  # ?cifra=
    label: str
    explanation: str


COMPARED_FIGURES = (
    ComparedFigure(
        "average_compliance",
        "cumplimiento",
        "Cumplimiento promedio",
        "El promedio del cumplimiento acumulado de las actividades con cifras oficiales"
        " (alcanzado ÷ programado de enero al mes), cada una con tope de 100 % para que lo"
        " que una rebasa no compense el atraso de otra.",
    ),
    ComparedFigure(
        "on_track_share",
        "en-meta",
        "Actividades en meta",
        "De las actividades calificadas en el semáforo del mes, las que están en verde.",
    ),
    ComparedFigure(
        "timeliness",
        "puntualidad",
        "Puntualidad",
        "De las capturas aprobadas del mes (una por área), las enviadas a más tardar el día"
        " en que cerraba su periodo de captura; una prórroga no cuenta como a tiempo.",
    ),
    ComparedFigure(
        "completeness",
        "completitud",
        "Completitud",
        "De las actividades con meta programada en el mes, las que tienen cifra oficial"
        " (su área tiene aprobadas las capturas de enero a ese mes).",
    ),
)


@require_safe
def comparison_latest(request: HttpRequest) -> HttpResponse:
    """The newest year some institution publishes (this year when none does yet)."""
    years = comparison_years()
    return redirect("opendata:comparison", years[0] if years else timezone.localdate().year)


@require_safe
def comparison(request: HttpRequest, year: int) -> HttpResponse:
    if not 1990 <= year <= 2100:
        raise Http404(NOT_PUBLISHED)
    chosen = next(
        (f for f in COMPARED_FIGURES if f.slug == request.GET.get("cifra")), COMPARED_FIGURES[0]
    )
    institutions = public_comparison(year=year)
    rows = [(inst, [getattr(m, chosen.key) for m in inst.months]) for inst in institutions]
    return render(
        request,
        "opendata/comparison.html",
        _context(
            year=year,
            years=comparison_years(),
            figures=COMPARED_FIGURES,
            chosen=chosen,
            rows=rows,
            simulated=[inst for inst in institutions if inst.simulated],
        ),
    )

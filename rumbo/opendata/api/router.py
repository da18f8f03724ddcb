"""Open data under /api/v1/open/: anonymous, read-only, published data only.

The same selectors as the public pages (``rumbo.opendata.selectors``), so an endpoint can
never show what its page does not: unpublished institutions and years are 404, progress
counts approved months only, indicators come from published MIRs with approved
measurements only. No operation here takes credentials (``auth=None``).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Router

from rumbo.core.api.errors import ErrorOut, ValidationErrorOut
from rumbo.core.api.schemas import CodePath, YearPath
from rumbo.core.numbers import to_json_number
from rumbo.core.semaforo import Grade
from rumbo.monitoring.figures import LIGHTS, Summary
from rumbo.opendata.datasets import DATASETS, DICTIONARY_FORMATS, FORMATS
from rumbo.opendata.exports import (
    dataset_simulated,
    dictionary_rows,
    licence_dict,
    version_metadata,
)
from rumbo.opendata.selectors import (
    ActivityOriginal,
    PublicProgram,
    public_comparison,
    public_indicators,
    public_institution,
    public_institutions,
    public_originals,
    public_program,
    public_progress,
    public_tree,
)
from rumbo.programs.selectors import TreeNode

from .schemas import (
    ComparisonOut,
    OpenDatasetsOut,
    OpenIndicatorsOut,
    OpenInstitutionOut,
    OpenProgramOut,
    OpenProgressOut,
)

router = Router(tags=["Datos abiertos"])

# The operation ids the API has always published: ninja derives them from the module,
# and these operations lived in rumbo/api/open/router.py;
# clients generated from the document keep their names.
OPERATION_ID = "rumbo_api_open_router_{}"

NOT_PUBLISHED = "No hay datos abiertos publicados en esta dirección."
OPEN_RESPONSES: dict[int, Any] = {404: ErrorOut, 422: ValidationErrorOut}


def _public(code: str, year: int) -> PublicProgram:
    public = public_program(code=code, year=year)
    if public is None:
        raise Http404(NOT_PUBLISHED)
    return public


def _grade(g: Grade) -> dict[str, Any]:
    return {"ratio": to_json_number(g.ratio), "light": g.light.value}


@router.get(
    "/open/institutions",
    auth=None,
    response={200: list[OpenInstitutionOut], 422: ValidationErrorOut},
    summary="Instituciones con datos abiertos publicados",
    operation_id=OPERATION_ID.format("open_institutions"),
)
def open_institutions(request: HttpRequest) -> Any:
    return public_institutions()


@router.get(
    "/open/institutions/{code}",
    auth=None,
    response={200: OpenInstitutionOut, **OPEN_RESPONSES},
    summary="Una institución con sus ejercicios publicados",
    operation_id=OPERATION_ID.format("open_institution"),
)
def open_institution(request: HttpRequest, code: CodePath) -> Any:
    found = public_institution(code=code)
    if found is None:
        raise Http404(NOT_PUBLISHED)
    return found


def _original_dict(original: ActivityOriginal | None) -> dict[str, Any]:
    if original is None:
        return {"original_annual_target": None, "original_monthly_targets": None}
    return {
        "original_annual_target": to_json_number(original.annual),
        "original_monthly_targets": [to_json_number(m) for m in original.months],
    }


def _flatten(public: PublicProgram) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes: list[dict[str, Any]] = []
    activities: list[dict[str, Any]] = []
    originals = public_originals(public)

    def walk(item: TreeNode, parent_key: str | None, area: str | None) -> None:
        here = item.node.area.name if item.node.area else area
        nodes.append(
            {
                "key": item.node.key,
                "name": item.node.name,
                "depth": item.node.depth,
                "parent_key": parent_key,
                "area": here,
                "objective": item.node.objective,
            }
        )
        for row in item.activities:
            a = row.activity
            activities.append(
                {
                    "key": a.key,
                    "node_key": item.node.key,
                    "area": a.area.name if a.area else here,
                    "description": a.description,
                    "unit": a.unit.name if a.unit else None,
                    "annual_target": to_json_number(a.annual_target),
                    "monthly_targets": [to_json_number(m) for m in row.months],
                    "calendar_simulated": a.calendar_simulated,
                    "beneficiaries": [f"{b.description}: {b.quantity}" for b in row.beneficiaries],
                    **_original_dict(originals.get(a.key)),
                }
            )
        for child in item.children:
            walk(child, item.node.key, here)

    for root in public_tree(public):
        walk(root, None, None)
    return nodes, activities


@router.get(
    "/open/institutions/{code}/programs/{year}",
    auth=None,
    response={200: OpenProgramOut, **OPEN_RESPONSES},
    summary="Programa anual publicado: niveles y actividades con su calendario",
    operation_id=OPERATION_ID.format("open_program"),
)
def open_program(request: HttpRequest, code: CodePath, year: YearPath) -> Any:
    public = _public(code, year)
    nodes, activities = _flatten(public)
    return {
        "institution": public.institution.code,
        "institution_name": public.institution.name,
        "year": public.program.year,
        "name": public.program.name,
        "published_at": public.published_at,
        "mirs": [
            {
                "id": m.mir.pk,
                "title": m.title,
                "published_at": m.published_at,
                "simulated": m.simulated,
            }
            for m in public.mirs
        ],
        "nodes": nodes,
        "activities": activities,
        "licence": licence_dict(),
        "simulated": public.simulated,
        **version_metadata(public),
    }


def _summary_dict(summary: Summary | None) -> dict[str, Any]:
    """The unit-free summary of a set of activities (rumbo.monitoring.figures)."""
    if summary is None:
        return {"activities": 0, "lights": None, "average_compliance": None, "on_track": None}
    return {
        "activities": summary.activities,
        "lights": {light.value: summary.lights[light] for light in LIGHTS},
        "average_compliance": to_json_number(summary.average_compliance),
        "on_track": to_json_number(summary.on_track),
    }


@router.get(
    "/open/institutions/{code}/programs/{year}/progress",
    auth=None,
    response={200: OpenProgressOut, **OPEN_RESPONSES},
    summary="Avance de los meses aprobados (por mes y por área)",
    operation_id=OPERATION_ID.format("open_progress"),
)
def open_progress(request: HttpRequest, code: CodePath, year: YearPath) -> Any:
    public = _public(code, year)
    progress = public_progress(public)
    b = progress.bands
    return {
        "institution": public.institution.code,
        "year": public.program.year,
        "bands": {
            "yellow_low": to_json_number(b.yellow_low),
            "green_low": to_json_number(b.green_low),
            "green_high": to_json_number(b.green_high),
            "yellow_high": to_json_number(b.yellow_high),
        },
        "months": [
            {
                "month": m.month,
                "published": m.published,
                "areas": [a.name for a in m.areas],
                "programmed": to_json_number(m.programmed),
                "achieved": to_json_number(m.achieved),
                "cumulative_programmed": to_json_number(m.cumulative_programmed),
                "cumulative_achieved": to_json_number(m.cumulative_achieved),
                "grade": _grade(m.grade),
                **_summary_dict(m.summary if m.published else None),
            }
            for m in progress.months
        ],
        "areas": [
            {
                "area": a.area.name,
                "area_code": a.area.code,
                "months": a.months,
                "cumulative_programmed": to_json_number(a.cumulative_programmed),
                "cumulative_achieved": to_json_number(a.cumulative_achieved),
                "grade": _grade(a.grade),
                **_summary_dict(a.summary),
            }
            for a in progress.areas
        ],
        "licence": licence_dict(),
        "simulated": public.progress_simulated,
        **version_metadata(public),
    }


@router.get(
    "/open/institutions/{code}/programs/{year}/indicators",
    auth=None,
    response={200: OpenIndicatorsOut, **OPEN_RESPONSES},
    summary="Indicadores de las MIR publicadas, con mediciones aprobadas",
    operation_id=OPERATION_ID.format("open_indicators"),
)
def open_indicators(request: HttpRequest, code: CodePath, year: YearPath) -> Any:
    public = _public(code, year)
    simulated = {m.mir.pk: m.simulated for m in public.mirs}
    items = []
    for pi in public_indicators(public):
        ind = pi.indicator
        items.append(
            {
                "id": ind.pk,
                "mir_id": ind.row.mir_id,
                "program": pi.mir_title,
                "level": pi.level_label,
                "summary": ind.row.summary,
                "name": ind.name,
                "definition": ind.definition,
                "formula": ind.formula,
                "unit": ind.unit,
                "kind": ind.get_kind_display(),
                "dimension": ind.get_dimension_display() if ind.dimension else "",
                "frequency": ind.frequency,
                "direction": ind.direction,
                "baseline_value": to_json_number(ind.baseline_value),
                "baseline_year": ind.baseline_year,
                "area": ind.area.name,
                "annual_target": to_json_number(pi.annual),
                "periods": [
                    {
                        "period": line.period.number,
                        "label": line.period.label,
                        "target": to_json_number(line.target),
                        "value": to_json_number(line.value),
                        "published": line.published,
                        "grade": _grade(line.grade),
                        "original_target": to_json_number(line.original_target),
                    }
                    for line in pi.periods
                ],
                "simulated": simulated[ind.row.mir_id],
                "original_annual_target": to_json_number(pi.original_annual),
            }
        )
    return {
        "institution": public.institution.code,
        "year": public.program.year,
        "indicators": items,
        "licence": licence_dict(),
        "simulated": public.measurements_simulated,
        **version_metadata(public),
    }


@router.get(
    "/open/institutions/{code}/programs/{year}/datasets",
    auth=None,
    response={200: OpenDatasetsOut, **OPEN_RESPONSES},
    summary="Conjuntos de datos descargables, con su diccionario y licencia",
    operation_id=OPERATION_ID.format("open_datasets"),
)
def open_datasets(request: HttpRequest, code: CodePath, year: YearPath) -> Any:
    public = _public(code, year)
    absolute = request.build_absolute_uri
    inst, y = public.institution.code, public.program.year
    simulated = {slug: dataset_simulated(public=public, dataset=slug) for slug in DATASETS}
    return {
        "institution": inst,
        "year": y,
        "datasets": [
            {
                "slug": ds.slug,
                "title": ds.title,
                "description": ds.description,
                "downloads": {
                    fmt: absolute(reverse("opendata:dataset", args=[inst, y, ds.slug, fmt]))
                    for fmt in FORMATS
                },
                "dictionary": {
                    fmt: absolute(reverse("opendata:dictionary", args=[ds.slug, fmt]))
                    for fmt in DICTIONARY_FORMATS
                },
                "fields": dictionary_rows(ds),
                "simulated": simulated[ds.slug],
            }
            for ds in DATASETS.values()
        ],
        "licence": licence_dict(),
        "simulated": any(simulated.values()),
        **version_metadata(public),
    }


@router.get(
    "/open/comparison/{year}",
    auth=None,
    response={200: ComparisonOut, 422: ValidationErrorOut},
    summary="Comparativo nacional: cifras mensuales de cada institución que publica el ejercicio",
    operation_id=OPERATION_ID.format("open_comparison"),
)
def open_comparison(request: HttpRequest, year: YearPath) -> Any:
    """Compliance, activities on track, timeliness and completeness of each month, from
    approved captures only (docs/open-data.md, «Comparativo nacional»); an institution
    that does not publish the year is absent, a month without approved captures is null."""
    return {
        "year": year,
        "institutions": [
            {
                "code": inst.code,
                "name": inst.name,
                "months": [
                    {
                        "month": m.month,
                        "average_compliance": to_json_number(m.average_compliance),
                        "on_track_share": to_json_number(m.on_track_share),
                        "timeliness": to_json_number(m.timeliness),
                        "completeness": to_json_number(m.completeness),
                    }
                    for m in inst.months
                ],
            }
            for inst in public_comparison(year=year)
        ],
    }

"""Indicator endpoints: the ficha técnica, its writes and the measurements."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query

from rumbo.audit.services import Actor
from rumbo.core.api.auth import api_user
from rumbo.core.api.errors import responses
from rumbo.core.api.schemas import CodePath
from rumbo.core.numbers import to_json_number
from rumbo.indicators.models import CREMAA_FIELDS, Indicator
from rumbo.indicators.selectors import (
    IndicatorDetail,
    PeriodLine,
    indicator_detail,
)
from rumbo.indicators.services import (
    indicator_create,
    indicator_delete,
    indicator_update,
    measurement_save,
)
from rumbo.institutions.access import institution_for_user, require_edit_design
from rumbo.institutions.models import Institution
from rumbo.institutions.selectors import area_by_code

from . import common
from .common import INSTITUTION, router
from .mirs import EDIT_DESIGN, MIR, MIR_FROZEN, _editable_mir, _row, baseline_dict, targets_list
from .schemas import (
    DeletedOut,
    IndicatorFields,
    IndicatorIn,
    IndicatorOut,
    IndicatorPatchIn,
    IndicatorPath,
    MeasurementIn,
    MeasurementOut,
    MirPath,
    PeriodPath,
    ReasonQuery,
    RowPath,
)

# The operation ids the API has always published: ninja derives them from the module,
# and these operations lived in rumbo/api/mirs/indicators.py;
# clients generated from the document keep their names.
OPERATION_ID = "rumbo_api_mirs_indicators_{}"

# --- indicators: the ficha técnica and its measurements ------------------------------------

INDICATOR = f"{INSTITUTION}/indicators/{{indicator_id}}"


def _indicator(institution: Institution, pk: int) -> Indicator:
    found = (
        Indicator.objects.filter(pk=pk, row__mir__design__node__program__institution=institution)
        .select_related("row__mir__design__node__program")
        .first()
    )
    if found is None:
        raise Http404("No existe el indicador.")
    return found


def _indicator_data(institution: Institution, payload: IndicatorFields) -> dict[str, Any]:
    """The fields sent, as the service takes them (the area by code → the Area)."""
    data = payload.model_dump(exclude_unset=True, exclude={"reason", "version"})
    if "area" in data:
        area = area_by_code(institution=institution, code=data["area"])
        if area is None:
            raise ValidationError({"area": f"No existe el área {data['area']}."})
        data["area"] = area
    return data


def measurement_dict(line: PeriodLine) -> dict[str, Any]:
    m = line.measurement
    return {
        "period": line.period.number,
        "label": line.period.label,
        "month": line.month,
        "target": to_json_number(line.target),
        "values": {v.name: None if raw is None else str(raw) for v, raw in line.values},
        "value": to_json_number(line.value),
        "ratio": to_json_number(line.grade.ratio),
        "semaforo": line.grade.light.value,
        "trend": (
            {"arrow": line.trend.arrow, "improved": line.trend.improved, "label": line.trend.label}
            if line.trend
            else None
        ),
        "state": line.report.state if line.report else None,
        "window_open": line.window.open,
        "version": m.version if m else None,
        "comment": m.comment if m else "",
        "justification": m.justification if m else "",
    }


def indicator_dict(detail: IndicatorDetail) -> dict[str, Any]:
    ind = detail.indicator
    row = ind.row
    return {
        "id": ind.pk,
        "version": ind.version,
        "mir": row.mir_id,
        "row": row.pk,
        "level": row.level,
        "row_code": row.code,
        "name": ind.name,
        "definition": ind.definition,
        "formula": ind.formula,
        "formula_as_printed": ind.formula_as_printed,
        "formula_type": ind.formula_type,
        "unit": ind.unit,
        "kind": ind.kind,
        "dimension": ind.dimension,
        "frequency": ind.frequency,
        "direction": ind.direction,
        "accumulation": ind.accumulation,
        "baseline": baseline_dict(ind),
        "area": ind.area.code,
        "cremaa": {f.removeprefix("cremaa_"): getattr(ind, f) for f in CREMAA_FIELDS},
        "variables": [
            {"name": v.name, "description": v.description, "unit": v.unit, "source": v.source}
            for v in detail.variables
        ],
        "targets": targets_list(ind),
        "annual_target": to_json_number(detail.annual),
        "bands": {
            "yellow_low": to_json_number(detail.bands.yellow_low),
            "green_low": to_json_number(detail.bands.green_low),
            "green_high": to_json_number(detail.bands.green_high),
            "yellow_high": to_json_number(detail.bands.yellow_high),
            "own": detail.own_bands,
        },
        "measurements": [measurement_dict(line) for line in detail.lines],
    }


@router.post(
    f"{MIR}/rows/{{row_id}}/indicators",
    response={200: IndicatorOut, **responses(conflict=True)},
    summary="Agrega un indicador a un renglón, con su ficha técnica, variables y metas",
    description=(
        f"{EDIT_DESIGN} La fórmula se revisa: debe usar solo las variables declaradas "
        "(422 en `formula` si no). Las metas van por periodo de la frecuencia; 0 = anual. "
        f"{MIR_FROZEN}"
    ),
    operation_id=OPERATION_ID.format("indicator_create_view"),
)
def indicator_create_view(
    request: HttpRequest, code: CodePath, mir_id: MirPath, row_id: RowPath, payload: IndicatorIn
) -> Any:
    found = _editable_mir(request, code, mir_id)
    row = _row(found, row_id)
    inst = found.design.node.program.institution
    created = indicator_create(
        actor=Actor.for_user(api_user(request)), row=row, data=_indicator_data(inst, payload)
    )
    return indicator_dict(indicator_detail(created, today=common.today()))


@router.get(
    INDICATOR,
    response={200: IndicatorOut, **responses()},
    summary="Ficha técnica de un indicador, con sus mediciones y semáforo por periodo",
    description=(
        "Un renglón por periodo del año según la frecuencia: meta, valores de las "
        "variables, resultado, cumplimiento, semáforo, tendencia, estado de la captura y "
        "si su ventana está abierta."
    ),
    operation_id=OPERATION_ID.format("indicator"),
)
def indicator(request: HttpRequest, code: CodePath, indicator_id: IndicatorPath) -> Any:
    inst = institution_for_user(api_user(request), code)
    return indicator_dict(indicator_detail(_indicator(inst, indicator_id), today=common.today()))


@router.patch(
    INDICATOR,
    response={200: IndicatorOut, **responses(conflict=True)},
    summary="Cambia la ficha técnica de un indicador (solo los campos enviados)",
    description=(
        f"{EDIT_DESIGN} `variables` y `targets`, si se envían, reemplazan todas. Con "
        "mediciones capturadas no cambian la frecuencia ni los nombres de las variables. "
        f"Cambiar `targets`: {MIR_FROZEN}"
    ),
    operation_id=OPERATION_ID.format("indicator_update_view"),
)
def indicator_update_view(
    request: HttpRequest, code: CodePath, indicator_id: IndicatorPath, payload: IndicatorPatchIn
) -> Any:
    user = api_user(request)
    inst = institution_for_user(user, code)
    found = _indicator(inst, indicator_id)
    require_edit_design(user, found.row.mir.design)
    updated = indicator_update(
        actor=Actor.for_user(user),
        indicator=found,
        data=_indicator_data(inst, payload),
        version=payload.version,
    )
    return indicator_dict(indicator_detail(updated, today=common.today()))


@router.delete(
    INDICATOR,
    response={200: DeletedOut, **responses(conflict=True)},
    summary="Borra un indicador sin mediciones",
    description=f"{EDIT_DESIGN} Con mediciones capturadas se rechaza (422). {MIR_FROZEN}",
    operation_id=OPERATION_ID.format("indicator_delete_view"),
)
def indicator_delete_view(
    request: HttpRequest, code: CodePath, indicator_id: IndicatorPath, query: Query[ReasonQuery]
) -> Any:
    user = api_user(request)
    inst = institution_for_user(user, code)
    found = _indicator(inst, indicator_id)
    require_edit_design(user, found.row.mir.design)
    name = found.name
    indicator_delete(actor=Actor.for_user(user), indicator=found, reason=query.reason)
    return {"message": f"Se borró el indicador «{name}»."}


@router.put(
    f"{INDICATOR}/measurements/{{period}}",
    response={200: MeasurementOut, **responses(conflict=True)},
    summary="Captura o corrige la medición de un periodo",
    description=(
        "Planeación o el enlace del área del indicador. Va en la captura del mes que "
        "cierra el periodo: misma ventana y mismo bloqueo que los avances (409). "
        "`values`: cada variable de la fórmula; `version`: la que leíste (null para crear; "
        "409 si otra persona guardó antes). 422 si falta una variable, un valor no es "
        "número, la fórmula divide entre cero o falta la justificación fuera de verde."
    ),
    operation_id=OPERATION_ID.format("measurement_put"),
)
def measurement_put(
    request: HttpRequest,
    code: CodePath,
    indicator_id: IndicatorPath,
    period: PeriodPath,
    payload: MeasurementIn,
) -> Any:
    user = api_user(request)
    found = _indicator(institution_for_user(user, code), indicator_id)
    day = common.today()
    measurement_save(
        actor=Actor.for_user(user),
        user=user,
        indicator=found,
        period=period,
        values=payload.values,
        comment=payload.comment,
        justification=payload.justification,
        version=payload.version,
        today=day,
    )
    line = indicator_detail(found, today=day).line(period)
    assert line is not None  # noqa: S101 - the service accepted the period
    return measurement_dict(line)

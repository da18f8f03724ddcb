"""MIR endpoints: list, matrix, checker, the rows' writes and the MIR's life cycle."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest
from ninja import Query

from rumbo.audit.services import Actor
from rumbo.core.api.auth import api_user
from rumbo.core.api.errors import responses
from rumbo.core.api.pagination import paginate
from rumbo.core.api.schemas import CodePath, PageQuery
from rumbo.core.numbers import to_json_number
from rumbo.core.periods import period
from rumbo.indicators.checker import check_mir
from rumbo.indicators.lifecycle import mir_approve, mir_close, mir_return, mir_submit_review
from rumbo.indicators.models import Indicator, Mir, MirRow
from rumbo.indicators.selectors import (
    mir_detail,
)
from rumbo.indicators.services import (
    mir_row_create,
    mir_row_delete,
    mir_row_update,
)
from rumbo.institutions.access import institution_for_user, require_edit_design
from rumbo.institutions.models import Institution
from rumbo.programs.models import ProgramNode

from .common import ANNUAL_TARGET, INSTITUTION, MIR, router
from .schemas import (
    DeletedOut,
    MirApproveIn,
    MirFindingOut,
    MirOut,
    MirPage,
    MirPath,
    MirRowIn,
    MirRowOut,
    MirRowPatchIn,
    MirStateIn,
    ReasonQuery,
    RowPath,
)

# The operation ids the API has always published: ninja derives them from the module,
# and these operations lived in rumbo/api/mirs/mirs.py;
# clients generated from the document keep their names.
OPERATION_ID = "rumbo_api_mirs_mirs_{}"

# --- reads ----------------------------------------------------------------------------------


def _mirs(institution: Institution) -> QuerySet[Mir]:
    return Mir.objects.filter(design__node__program__institution=institution).select_related(
        "design__node__program", "design__node__area"
    )


def _mir(institution: Institution, pk: int) -> Mir:
    mir = _mirs(institution).filter(pk=pk).first()
    if mir is None:
        raise Http404("No existe la MIR.")
    mir.design.node.program.institution = institution  # already loaded: spare the query
    return mir


def target_label(frequency: str, number: int) -> str:
    if number == 0:
        return ANNUAL_TARGET
    try:
        return period(frequency, number).label
    except ValueError:
        return f"Periodo {number}"


def baseline_dict(indicator: Indicator) -> dict[str, Any] | None:
    if indicator.baseline_value is None:
        return None
    return {"value": to_json_number(indicator.baseline_value), "year": indicator.baseline_year}


def targets_list(indicator: Indicator) -> list[dict[str, Any]]:
    return [
        {
            "period": t.period,
            "label": target_label(indicator.frequency, t.period),
            "value": to_json_number(t.value),
        }
        for t in indicator.targets.all()
    ]


def mir_indicator_dict(indicator: Indicator) -> dict[str, Any]:
    """An indicator as a cell of the matrix (its ficha is ``indicator_dict``)."""
    return {
        "id": indicator.pk,
        "name": indicator.name,
        "formula": indicator.formula,
        "frequency": indicator.frequency,
        "direction": indicator.direction,
        "dimension": indicator.dimension,
        "baseline": baseline_dict(indicator),
        "targets": targets_list(indicator),
        "kind": indicator.kind,
        "unit": indicator.unit,
        "area": indicator.area.code,
    }


def row_dict(row: MirRow, indicators: list[Indicator]) -> dict[str, Any]:
    return {
        "id": row.pk,
        "level": row.level,
        "code": row.code,
        "parent": row.parent_id,
        "summary": row.summary,
        "assumptions": row.assumptions,
        "verification": row.verification,
        "indicators": [mir_indicator_dict(i) for i in indicators],
        "version": row.version,
    }


def mir_state_dict(mir: Mir) -> dict[str, Any]:
    """The MIR's life cycle as the API shows it."""
    return {"state": mir.state, "agreement": mir.agreement, "approved_on": mir.approved_on}


def mir_dict(mir: Mir) -> dict[str, Any]:
    detail = mir_detail(mir)
    return {
        "id": mir.pk,
        "program": detail.mir.design.title,
        "year": detail.program.year,
        **mir_state_dict(detail.mir),
        "rows": [
            row_dict(line.row, [i.indicator for i in line.indicators]) for line in detail.lines
        ],
    }


def _area_code(node: ProgramNode) -> str | None:
    area = node.area if node.area_id else None
    return area.code if area is not None else None


def _page(page: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"count": page.count, "page": page.page, "page_size": page.page_size, "items": items}


@router.get(
    f"{INSTITUTION}/mirs",
    response={200: MirPage, **responses()},
    summary="Matrices de indicadores (MIR) de la institución (paginadas)",
    description=(
        "Cada MIR con su programa (el título del diseño), ejercicio, clave y área del "
        "subprograma o programa específico, y cuántos renglones e indicadores tiene."
    ),
    operation_id=OPERATION_ID.format("mirs"),
)
def mirs(request: HttpRequest, code: CodePath, query: Query[PageQuery]) -> Any:
    inst = institution_for_user(api_user(request), code)
    qs = (
        _mirs(inst)
        .annotate(
            row_count=Count("rows", distinct=True),
            indicator_count=Count("rows__indicators", distinct=True),
        )
        .order_by("-design__node__program__year", "design__node__order", "design__node__key", "pk")
    )
    page = paginate(qs, page=query.page, page_size=query.page_size)
    items = [
        {
            "id": m.pk,
            "program": m.design.title,
            "year": m.design.node.program.year,
            **mir_state_dict(m),
            "node_key": m.design.node.key,
            "area": _area_code(m.design.node),
            "rows": m.row_count,  # type: ignore[attr-defined]  # annotated above
            "indicators": m.indicator_count,  # type: ignore[attr-defined]  # annotated above
        }
        for m in page.items
    ]
    return _page(page, items)


@router.get(
    MIR,
    response={200: MirOut, **responses()},
    summary="Una MIR: Fin, Propósito, Componentes y Actividades con sus indicadores",
    description=(
        "Renglones en orden: Fin, Propósito y cada Componente seguido de sus Actividades. "
        "Cada indicador trae su línea base (`null` si no hay) y sus metas por periodo "
        "(periodo 0 = meta anual)."
    ),
    operation_id=OPERATION_ID.format("mir"),
)
def mir(request: HttpRequest, code: CodePath, mir_id: MirPath) -> Any:
    inst = institution_for_user(api_user(request), code)
    return mir_dict(_mir(inst, mir_id))


@router.get(
    f"{MIR}/check",
    response={200: list[MirFindingOut], **responses()},
    summary="Revisión de la MIR: cada hallazgo nombra su regla",
    description=(
        "Estructura (un Fin, un Propósito, Componentes con Actividades), columnas "
        "(supuestos, medios de verificación), sintaxis del resumen narrativo, frecuencia y "
        "dimensión por nivel, y fuente de cada variable. `severity`: error o advertencia."
    ),
    operation_id=OPERATION_ID.format("mir_check"),
)
def mir_check(request: HttpRequest, code: CodePath, mir_id: MirPath) -> Any:
    inst = institution_for_user(api_user(request), code)
    return [{**f.as_dict(), "row_id": f.row_id} for f in check_mir(_mir(inst, mir_id))]


# --- rows of the MIR ------------------------------------------------------------------------


def _editable_mir(request: HttpRequest, code: str, mir_id: int) -> Mir:
    user = api_user(request)
    found = _mir(institution_for_user(user, code), mir_id)
    require_edit_design(user, found.design)
    return found


def _row(mir: Mir, pk: int) -> MirRow:
    row = MirRow.objects.filter(mir=mir, pk=pk).first()
    if row is None:
        raise Http404("No existe el renglón en esta MIR.")
    row.mir = mir
    return row


def _parent(pk: int | None) -> MirRow | None:
    """The componente named by id (the service checks its level and its MIR)."""
    if pk is None:
        return None
    parent = MirRow.objects.filter(pk=pk).first()
    if parent is None:
        raise ValidationError({"parent": "El componente elegido no existe."})
    return parent


def _row_out(mir: Mir, row_id: int) -> dict[str, Any]:
    line = next(ln for ln in mir_detail(mir).lines if ln.row.pk == row_id)
    return row_dict(line.row, [i.indicator for i in line.indicators])


EDIT_DESIGN = "Planeación, o el enlace del área del subprograma (403 si no)."
MIR_FROZEN = (
    "Si la MIR está aprobada o cerrada, 409: sus metas cambian con una solicitud de "
    "adecuación `meta_indicador` del programa aprobado."
)


@router.post(
    f"{MIR}/rows",
    response={200: MirRowOut, **responses()},
    summary="Agrega un renglón a la MIR",
    description=(
        f"{EDIT_DESIGN} Una actividad lleva `parent` (el id de su componente); los demás "
        "niveles no. Sin `order`, queda al final."
    ),
    operation_id=OPERATION_ID.format("row_create"),
)
def row_create(request: HttpRequest, code: CodePath, mir_id: MirPath, payload: MirRowIn) -> Any:
    found = _editable_mir(request, code, mir_id)
    row = mir_row_create(
        actor=Actor.for_user(api_user(request)),
        mir=found,
        level=payload.level,
        summary=payload.summary,
        parent=_parent(payload.parent),
        code=payload.code,
        verification=payload.verification,
        assumptions=payload.assumptions,
        order=payload.order,
    )
    return _row_out(found, row.pk)


@router.patch(
    f"{MIR}/rows/{{row_id}}",
    response={200: MirRowOut, **responses(conflict=True)},
    summary="Cambia un renglón de la MIR (solo los campos enviados)",
    description=(
        f"{EDIT_DESIGN} `parent: null` desliga una actividad (y se rechaza: 422). "
        "`version`: la que leíste (409 con lo guardado si alguien guardó después)."
    ),
    operation_id=OPERATION_ID.format("row_update"),
)
def row_update(
    request: HttpRequest, code: CodePath, mir_id: MirPath, row_id: RowPath, payload: MirRowPatchIn
) -> Any:
    found = _editable_mir(request, code, mir_id)
    row = _row(found, row_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    if "parent" in changes:
        changes["parent"] = _parent(changes["parent"])
    mir_row_update(
        actor=Actor.for_user(api_user(request)),
        row=row,
        changes=changes,
        version=payload.version,
    )
    return _row_out(found, row.pk)


@router.delete(
    f"{MIR}/rows/{{row_id}}",
    response={200: DeletedOut, **responses(conflict=True)},
    summary="Borra un renglón de la MIR con sus indicadores",
    description=(
        f"{EDIT_DESIGN} Se rechaza (422) si es un componente con actividades o si alguno "
        "de sus indicadores tiene mediciones, y (409) si la MIR está aprobada o cerrada y "
        "el renglón lleva indicadores. `reason` queda en la bitácora."
    ),
    operation_id=OPERATION_ID.format("row_delete"),
)
def row_delete(
    request: HttpRequest,
    code: CodePath,
    mir_id: MirPath,
    row_id: RowPath,
    query: Query[ReasonQuery],
) -> Any:
    found = _editable_mir(request, code, mir_id)
    row = _row(found, row_id)
    label = row.code or row.get_level_display()
    mir_row_delete(actor=Actor.for_user(api_user(request)), row=row, reason=query.reason)
    return {"message": f"Se borró el renglón {label} de la MIR."}


# --- the MIR's life cycle -------------------------------------------------------------------

LIFE_CYCLE = (
    "Ciclo de la MIR: en formulación ⇄ en revisión → aprobado → cerrado. 409 si el estado "
    "actual no permite el paso."
)


def _mir_for_move(request: HttpRequest, code: str, mir_id: int) -> Mir:
    """The MIR (404 outside the user's institution); the service checks who may move it."""
    return _mir(institution_for_user(api_user(request), code), mir_id)


@router.post(
    f"{MIR}/review",
    response={200: MirOut, **responses(conflict=True)},
    summary="Envía la MIR a revisión",
    description=f"{EDIT_DESIGN} {LIFE_CYCLE} `reason` (opcional) queda en la bitácora.",
    operation_id=OPERATION_ID.format("mir_review"),
)
def mir_review_api(
    request: HttpRequest, code: CodePath, mir_id: MirPath, payload: MirStateIn
) -> Any:
    found = _mir_for_move(request, code, mir_id)
    mir_submit_review(actor=Actor.for_user(api_user(request)), mir=found, reason=payload.reason)
    return mir_dict(found)


@router.post(
    f"{MIR}/return",
    response={200: MirOut, **responses(conflict=True)},
    summary="Devuelve la MIR de revisión a formulación, con las observaciones",
    description=f"Solo Planeación. {LIFE_CYCLE} `reason` es obligatorio (422 si falta).",
    operation_id=OPERATION_ID.format("mir_return"),
)
def mir_return_api(
    request: HttpRequest, code: CodePath, mir_id: MirPath, payload: MirStateIn
) -> Any:
    found = _mir_for_move(request, code, mir_id)
    mir_return(actor=Actor.for_user(api_user(request)), mir=found, reason=payload.reason)
    return mir_dict(found)


@router.post(
    f"{MIR}/approve",
    response={200: MirOut, **responses(conflict=True)},
    summary="Registra la aprobación de la MIR (acuerdo y fecha): sus metas quedan congeladas",
    description=(
        f"Solo Planeación. {LIFE_CYCLE} La fecha del acuerdo cae en el ejercicio del programa "
        "o en el anterior, no en el futuro (422 si no). Desde entonces las metas de sus "
        "indicadores solo cambian con solicitudes de adecuación `meta_indicador`. Si el "
        "programa ya está aprobado, se congela su versión siguiente con esas metas; si no, "
        "la versión 1 las tendrá al aprobarse el programa."
    ),
    operation_id=OPERATION_ID.format("mir_approve"),
)
def mir_approve_api(
    request: HttpRequest, code: CodePath, mir_id: MirPath, payload: MirApproveIn
) -> Any:
    found = _mir_for_move(request, code, mir_id)
    mir_approve(
        actor=Actor.for_user(api_user(request)),
        mir=found,
        agreement=payload.agreement,
        approved_on=payload.date,
    )
    return mir_dict(found)


@router.post(
    f"{MIR}/close",
    response={200: MirOut, **responses(conflict=True)},
    summary="Cierra la MIR aprobada: sus metas ya no cambian, tampoco por adecuación",
    description=f"Solo Planeación. {LIFE_CYCLE} `reason` (opcional) queda en la bitácora.",
    operation_id=OPERATION_ID.format("mir_close"),
)
def mir_close_api(
    request: HttpRequest, code: CodePath, mir_id: MirPath, payload: MirStateIn
) -> Any:
    found = _mir_for_move(request, code, mir_id)
    mir_close(actor=Actor.for_user(api_user(request)), mir=found, reason=payload.reason)
    return mir_dict(found)

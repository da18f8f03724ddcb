"""MIR, indicators (ficha and measurements) and program designs through the API.

Thin views: reads through the indicators' and designs' selectors, writes through the
indicators' services, permission through ``rumbo.institutions.access``. Any member of
the institution reads; writing a row or a ficha needs ``can_edit_design`` (Planeación,
or the Enlace of the design's area); capturing a measurement, ``can_capture_indicator``
(Planeación, or the Enlace of the indicator's area). A measurement follows the monthly
capture of the month that closes its period: the same window, lock and version (409).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router

from rumbo.audit.services import Actor
from rumbo.core.numbers import to_json_number
from rumbo.core.periods import period
from rumbo.design.models import ProgramDesign, Stakeholder, TreeNode
from rumbo.design.selectors import (
    RiskRow,
    ScheduleGroup,
    ScheduleRow,
    Tree,
    design_detail,
    design_get,
    design_list,
    risk_matrix,
    schedule,
)
from rumbo.indicators.checker import check_mir
from rumbo.indicators.models import CREMAA_FIELDS, Indicator, Mir, MirRow
from rumbo.indicators.selectors import (
    IndicatorDetail,
    PeriodLine,
    indicator_detail,
    mir_detail,
)
from rumbo.indicators.services import (
    indicator_create,
    indicator_delete,
    indicator_update,
    measurement_save,
    mir_row_create,
    mir_row_delete,
    mir_row_update,
)
from rumbo.institutions.access import institution_for_user, require_edit_design
from rumbo.institutions.models import Institution
from rumbo.institutions.selectors import area_by_code
from rumbo.programs.models import ProgramNode

from .auth import api_user
from .errors import responses
from .schemas import CodePath, PageQuery
from .schemas_mir import (
    DeletedOut,
    DesignOut,
    DesignPage,
    DesignPath,
    IndicatorFields,
    IndicatorIn,
    IndicatorOut,
    IndicatorPatchIn,
    IndicatorPath,
    MeasurementIn,
    MeasurementOut,
    MirFindingOut,
    MirOut,
    MirPage,
    MirPath,
    MirRowIn,
    MirRowOut,
    MirRowPatchIn,
    PeriodPath,
    ReasonQuery,
    RowPath,
)
from .selectors import paginate

router = Router(tags=["MIR e indicadores"])
DESIGNS_TAG = ["Diseño de programas"]

INSTITUTION = "/institutions/{code}"
MIR = f"{INSTITUTION}/mirs/{{mir_id}}"
ANNUAL_TARGET = "Meta anual"


def today() -> date:
    """The date the capture window is judged by (tests replace it)."""
    return timezone.localdate()


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
    }


def mir_dict(mir: Mir) -> dict[str, Any]:
    detail = mir_detail(mir)
    return {
        "id": mir.pk,
        "program": detail.mir.design.title,
        "year": detail.program.year,
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


@router.post(
    f"{MIR}/rows",
    response={200: MirRowOut, **responses()},
    summary="Agrega un renglón a la MIR",
    description=(
        f"{EDIT_DESIGN} Una actividad lleva `parent` (el id de su componente); los demás "
        "niveles no. Sin `order`, queda al final."
    ),
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
    response={200: MirRowOut, **responses()},
    summary="Cambia un renglón de la MIR (solo los campos enviados)",
    description=f"{EDIT_DESIGN} `parent: null` desliga una actividad (y se rechaza: 422).",
)
def row_update(
    request: HttpRequest, code: CodePath, mir_id: MirPath, row_id: RowPath, payload: MirRowPatchIn
) -> Any:
    found = _editable_mir(request, code, mir_id)
    row = _row(found, row_id)
    changes = payload.model_dump(exclude_unset=True)
    if "parent" in changes:
        changes["parent"] = _parent(changes["parent"])
    mir_row_update(actor=Actor.for_user(api_user(request)), row=row, changes=changes)
    return _row_out(found, row.pk)


@router.delete(
    f"{MIR}/rows/{{row_id}}",
    response={200: DeletedOut, **responses()},
    summary="Borra un renglón de la MIR con sus indicadores",
    description=(
        f"{EDIT_DESIGN} Se rechaza (422) si es un componente con actividades o si alguno "
        "de sus indicadores tiene mediciones. `reason` queda en la bitácora."
    ),
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
    data = payload.model_dump(exclude_unset=True, exclude={"reason"})
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
    response={200: IndicatorOut, **responses()},
    summary="Agrega un indicador a un renglón, con su ficha técnica, variables y metas",
    description=(
        f"{EDIT_DESIGN} La fórmula se revisa: debe usar solo las variables declaradas "
        "(422 en `formula` si no). Las metas van por periodo de la frecuencia; 0 = anual."
    ),
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
    return indicator_dict(indicator_detail(created, today=today()))


@router.get(
    INDICATOR,
    response={200: IndicatorOut, **responses()},
    summary="Ficha técnica de un indicador, con sus mediciones y semáforo por periodo",
    description=(
        "Un renglón por periodo del año según la frecuencia: meta, valores de las "
        "variables, resultado, cumplimiento, semáforo, tendencia, estado de la captura y "
        "si su ventana está abierta."
    ),
)
def indicator(request: HttpRequest, code: CodePath, indicator_id: IndicatorPath) -> Any:
    inst = institution_for_user(api_user(request), code)
    return indicator_dict(indicator_detail(_indicator(inst, indicator_id), today=today()))


@router.patch(
    INDICATOR,
    response={200: IndicatorOut, **responses()},
    summary="Cambia la ficha técnica de un indicador (solo los campos enviados)",
    description=(
        f"{EDIT_DESIGN} `variables` y `targets`, si se envían, reemplazan todas. Con "
        "mediciones capturadas no cambian la frecuencia ni los nombres de las variables."
    ),
)
def indicator_update_view(
    request: HttpRequest, code: CodePath, indicator_id: IndicatorPath, payload: IndicatorPatchIn
) -> Any:
    user = api_user(request)
    inst = institution_for_user(user, code)
    found = _indicator(inst, indicator_id)
    require_edit_design(user, found.row.mir.design)
    updated = indicator_update(
        actor=Actor.for_user(user), indicator=found, data=_indicator_data(inst, payload)
    )
    return indicator_dict(indicator_detail(updated, today=today()))


@router.delete(
    INDICATOR,
    response={200: DeletedOut, **responses()},
    summary="Borra un indicador sin mediciones",
    description=f"{EDIT_DESIGN} Con mediciones capturadas se rechaza (422).",
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
    day = today()
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


# --- program designs ------------------------------------------------------------------------


def _design_head(design: ProgramDesign) -> dict[str, Any]:
    node = design.node
    mir = getattr(design, "mir", None)  # select_related: no query; None without a MIR
    return {
        "id": design.pk,
        "title": design.title,
        "year": node.program.year,
        "node_key": node.key,
        "node_name": node.name,
        "area": _area_code(node),
        "mir": mir.pk if mir is not None else None,
    }


def tree_lists(trees: list[Tree]) -> dict[str, list[dict[str, Any]]]:
    """Each tree as nested lists: its core (the root) with its children, by order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for tree in trees:
        children: dict[int | None, list[TreeNode]] = defaultdict(list)
        for node in sorted(tree.nodes, key=lambda n: (n.order, n.pk)):
            children[node.parent_id].append(node)

        def nest(node: TreeNode, children: dict[int | None, list[TreeNode]] = children) -> dict:
            return {
                "id": node.pk,
                "role": node.role,
                "text": node.text,
                "children": [nest(c) for c in children.get(node.pk, [])],
            }

        out[tree.kind] = [nest(root) for root in children.get(None, [])]
    return out


def stakeholder_dict(s: Stakeholder) -> dict[str, Any]:
    return {
        "id": s.pk,
        "actor": s.actor,
        "interests": s.interests,
        "perceived_problems": s.perceived_problems,
        "resources_mandates": s.resources_mandates,
        "expectations": s.expectations,
        "conflicts_alliances": s.conflicts_alliances,
        "position": s.position,
        "power": s.power,
        "involvement": s.involvement,
        "importance": s.importance,
        "notes": s.notes,
    }


def risk_dict(row: RiskRow) -> dict[str, Any]:
    risk, level = row.risk, row.level
    return {
        "id": risk.pk,
        "number": row.number,
        "risk": risk.risk,
        "cause": risk.cause,
        "effect": risk.effect,
        "probability": risk.probability,
        "impact": risk.impact,
        "level": {"score": level.score, "slug": level.slug, "label": level.label},
        "owner": risk.owner,
        "controls": risk.controls,
        "treatment": risk.treatment,
        "treatment_actions": risk.treatment_actions,
        "follow_up": risk.follow_up,
    }


def schedule_dict(group: ScheduleGroup, row: ScheduleRow) -> dict[str, Any]:
    action = row.action
    return {
        "id": action.pk,
        "number": action.number,
        "description": action.description,
        "months": [m for m, marked in enumerate(row.marks, start=1) if marked],
        "months_simulated": action.months_simulated,
        "responsible": action.responsible,
        "component": group.component.pk if group.component else None,
        "mir_row": action.component_id,
        "activity": action.activity.key if action.activity is not None else None,
    }


def design_dict(design: ProgramDesign) -> dict[str, Any]:
    detail = design_detail(design=design)
    return {
        **_design_head(design),
        "problem_statement": design.problem_statement,
        "diagnosis": design.diagnosis,
        "selection_rationale": design.selection_rationale,
        "population_description": design.population_description,
        "source_note": design.source_note,
        "stakeholders": [stakeholder_dict(s) for s in detail.stakeholders],
        "trees": tree_lists(detail.trees),
        "alternatives": [
            {"id": a.pk, "title": a.title, "actions": a.action_list, "chosen": a.chosen}
            for a in detail.alternatives
        ],
        "population": [
            {
                "id": p.pk,
                "group": p.group,
                "label": p.label,
                "value": to_json_number(p.value),
                "unit": p.unit,
                "source": p.source,
                "cutoff": p.cutoff,
            }
            for p in detail.population
        ],
        "risks": [risk_dict(r) for r in risk_matrix(design=design).rows],
        "schedule": [schedule_dict(g, r) for g in schedule(design=design) for r in g.rows],
    }


@router.get(
    f"{INSTITUTION}/designs",
    response={200: DesignPage, **responses()},
    tags=DESIGNS_TAG,
    summary="Diseños de programas (Marco Lógico) de la institución (paginados)",
)
def designs(request: HttpRequest, code: CodePath, query: Query[PageQuery]) -> Any:
    inst = institution_for_user(api_user(request), code)
    qs = design_list(institution=inst).select_related("mir")
    page = paginate(qs, page=query.page, page_size=query.page_size)
    items = [
        {
            **_design_head(d),
            "rows": d.n_rows,  # type: ignore[attr-defined]  # annotated by design_list
            "indicators": d.n_indicators,  # type: ignore[attr-defined]  # annotated by design_list
            "risks": d.n_risks,  # type: ignore[attr-defined]  # annotated by design_list
            "actions": d.n_actions,  # type: ignore[attr-defined]  # annotated by design_list
        }
        for d in page.items
    ]
    return _page(page, items)


@router.get(
    f"{INSTITUTION}/designs/{{design_id}}",
    response={200: DesignOut, **responses()},
    tags=DESIGNS_TAG,
    summary="Un diseño: problema, involucrados, árboles, alternativas, población, riesgos, "
    "cronograma",
    description=(
        "Los árboles van anidados: cada árbol es una lista con su problema u objetivo "
        "central, y cada elemento lleva sus `children` (causas y efectos; sus subcausas…). "
        "Cada riesgo trae su nivel (probabilidad × impacto y su clase). El cronograma va "
        "agrupado por componente de la MIR, en el orden de la MIR."
    ),
)
def design(request: HttpRequest, code: CodePath, design_id: DesignPath) -> Any:
    inst = institution_for_user(api_user(request), code)
    found = design_get(institution=inst, design_id=design_id)
    if found is None:
        raise Http404("No existe el diseño del programa.")
    return design_dict(found)

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

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router

from rumbo.core.numbers import to_json_number
from rumbo.core.periods import period
from rumbo.design.models import ProgramDesign, Risk, ScheduleAction, TreeNode
from rumbo.design.risk import risk_level
from rumbo.indicators.models import Indicator, IndicatorTarget, Level, Mir, MirRow
from rumbo.institutions.access import institution_for_user
from rumbo.institutions.models import Institution
from rumbo.programs.models import ProgramNode

from .auth import api_user
from .errors import responses
from .schemas import CodePath, PageQuery
from .schemas_mir import (
    DesignOut,
    DesignPage,
    DesignPath,
    MirOut,
    MirPage,
    MirPath,
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


def _indicators() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("area").prefetch_related(
        Prefetch("targets", queryset=IndicatorTarget.objects.order_by("period"))
    )


def _rows(mir: Mir) -> list[MirRow]:
    """The MIR's rows with their indicators and targets (3 queries), in matrix order."""
    rows = list(
        MirRow.objects.filter(mir=mir).prefetch_related(Prefetch("indicators", _indicators()))
    )
    return matrix_order(rows)


def matrix_order(rows: list[MirRow]) -> list[MirRow]:
    """Fin, Propósito, then each Componente followed by its Actividades (by order, id).

    Actividades without a componente of this MIR come last.
    """
    ranked = sorted(rows, key=lambda r: (r.order, r.pk))
    children: dict[int, list[MirRow]] = defaultdict(list)
    for row in ranked:
        if row.level == Level.ACTIVIDAD and row.parent_id is not None:
            children[row.parent_id].append(row)
    out = [r for r in ranked if r.level == Level.FIN]
    out += [r for r in ranked if r.level == Level.PROPOSITO]
    for component in (r for r in ranked if r.level == Level.COMPONENTE):
        out.append(component)
        out += children.pop(component.pk, [])
    placed = {r.pk for r in out}
    out += [r for r in ranked if r.pk not in placed]
    return out


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


def row_dict(row: MirRow) -> dict[str, Any]:
    return {
        "id": row.pk,
        "level": row.level,
        "code": row.code,
        "parent": row.parent_id,
        "summary": row.summary,
        "assumptions": row.assumptions,
        "verification": row.verification,
        "indicators": [mir_indicator_dict(i) for i in row.indicators.all()],
    }


def mir_dict(mir: Mir) -> dict[str, Any]:
    return {
        "id": mir.pk,
        "program": mir.design.title,
        "year": mir.design.node.program.year,
        "rows": [row_dict(r) for r in _rows(mir)],
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
        .order_by("-design__node__program__year", "design__node__key", "pk")
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


# --- program designs ------------------------------------------------------------------------


def _designs(institution: Institution) -> QuerySet[ProgramDesign]:
    return ProgramDesign.objects.filter(node__program__institution=institution).select_related(
        "node__program", "node__area", "mir"
    )


def _design_head(design: ProgramDesign) -> dict[str, Any]:
    node = design.node
    mir = getattr(design, "mir", None)
    return {
        "id": design.pk,
        "title": design.title,
        "year": node.program.year,
        "node_key": node.key,
        "node_name": node.name,
        "area": _area_code(node),
        "mir": mir.pk if mir is not None else None,
    }


def tree_lists(nodes: list[TreeNode]) -> dict[str, list[dict[str, Any]]]:
    """Each tree as nested lists: its roots (the core) with their children, by order."""
    children: dict[int | None, list[TreeNode]] = defaultdict(list)
    for node in sorted(nodes, key=lambda n: (n.order, n.pk)):
        children[node.parent_id].append(node)

    def nest(node: TreeNode) -> dict[str, Any]:
        return {
            "id": node.pk,
            "role": node.role,
            "text": node.text,
            "children": [nest(c) for c in children.get(node.pk, [])],
        }

    trees: dict[str, list[dict[str, Any]]] = {"problema": [], "objetivo": []}
    for root in children.get(None, []):
        trees.setdefault(root.tree, []).append(nest(root))
    return trees


def design_dict(design: ProgramDesign) -> dict[str, Any]:
    return {
        **_design_head(design),
        "problem_statement": design.problem_statement,
        "diagnosis": design.diagnosis,
        "selection_rationale": design.selection_rationale,
        "population_description": design.population_description,
        "source_note": design.source_note,
        "stakeholders": [
            {
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
            for s in design.stakeholders.all()
        ],
        "trees": tree_lists(list(design.tree_nodes.all())),
        "alternatives": [
            {"id": a.pk, "title": a.title, "actions": a.action_list, "chosen": a.chosen}
            for a in design.alternatives.all()
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
            for p in design.population_figures.all()
        ],
        "risks": [risk_dict(r) for r in design.risks.all()],
        "schedule": [
            {
                "id": s.pk,
                "number": s.number,
                "description": s.description,
                "months": sorted(int(m) for m in s.months or []),
                "responsible": s.responsible,
                "component": s.component_id,
                "activity": s.activity.key if s.activity is not None else None,
            }
            for s in design.schedule_actions.all()
        ],
    }


def risk_dict(risk: Risk) -> dict[str, Any]:
    level = risk_level(risk.probability, risk.impact)
    return {
        "id": risk.pk,
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


@router.get(
    f"{INSTITUTION}/designs",
    response={200: DesignPage, **responses()},
    tags=DESIGNS_TAG,
    summary="Diseños de programas (Marco Lógico) de la institución (paginados)",
)
def designs(request: HttpRequest, code: CodePath, query: Query[PageQuery]) -> Any:
    inst = institution_for_user(api_user(request), code)
    qs = _designs(inst).order_by("-node__program__year", "node__key", "pk")
    page = paginate(qs, page=query.page, page_size=query.page_size)
    return _page(page, [_design_head(d) for d in page.items])


@router.get(
    f"{INSTITUTION}/designs/{{design_id}}",
    response={200: DesignOut, **responses()},
    tags=DESIGNS_TAG,
    summary="Un diseño: problema, involucrados, árboles, alternativas, población, riesgos, "
    "cronograma",
    description=(
        "Los árboles van anidados: cada árbol es una lista con su problema u objetivo "
        "central, y cada elemento lleva sus `children` (causas abajo, efectos arriba). "
        "Cada riesgo trae su nivel (probabilidad × impacto y su clase)."
    ),
)
def design(request: HttpRequest, code: CodePath, design_id: DesignPath) -> Any:
    inst = institution_for_user(api_user(request), code)
    found = (
        _designs(inst)
        .prefetch_related(
            "stakeholders",
            "tree_nodes",
            "alternatives",
            "population_figures",
            "risks",
            Prefetch(
                "schedule_actions", queryset=ScheduleAction.objects.select_related("activity")
            ),
        )
        .filter(pk=design_id)
        .first()
    )
    if found is None:
        raise Http404("No existe el diseño del programa.")
    return design_dict(found)

"""Program design endpoints: the reads, and the item shapes the writes answer with."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router

from rumbo.core.api.auth import api_user
from rumbo.core.api.errors import responses
from rumbo.core.api.pagination import paginate
from rumbo.core.api.schemas import CodePath, PageQuery
from rumbo.core.numbers import to_json_number
from rumbo.design.models import (
    Alternative,
    PopulationFigure,
    ProgramDesign,
    Stakeholder,
    TreeNode,
)
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
from rumbo.indicators.api.common import INSTITUTION
from rumbo.indicators.api.mirs import _area_code, _page
from rumbo.institutions.access import institution_for_user

from .schemas import DesignOut, DesignPage, DesignPath

router = Router(tags=["Diseño de programas"])

# The operation ids the API has always published: ninja derives them from the module,
# and these operations lived in rumbo/api/mirs/designs.py;
# clients generated from the document keep their names.
OPERATION_ID = "rumbo_api_mirs_designs_{}"

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


def tree_node_dicts(nodes: list[TreeNode]) -> tuple[list[dict[str, Any]], dict[int, dict]]:
    """The boxes of one tree nested under their parents, by order: the roots, and every
    box (with its ``children``) by id."""
    by_id: dict[int, dict[str, Any]] = {
        n.pk: {
            "id": n.pk,
            "role": n.role,
            "text": n.text,
            "children": [],
            "version": n.version,
        }
        for n in nodes
    }
    roots: list[dict[str, Any]] = []
    for node in sorted(nodes, key=lambda n: (n.order, n.pk)):
        parent = by_id.get(node.parent_id) if node.parent_id is not None else None
        (parent["children"] if parent is not None else roots).append(by_id[node.pk])
    return roots, by_id


def tree_lists(trees: list[Tree]) -> dict[str, list[dict[str, Any]]]:
    """Each tree as nested lists: its core (the root) with its children, by order."""
    return {tree.kind: tree_node_dicts(tree.nodes)[0] for tree in trees}


def stakeholder_dict(s: Stakeholder) -> dict[str, Any]:
    return {
        "id": s.pk,
        "version": s.version,
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


def alternative_dict(a: Alternative) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "actions": a.action_list,
        "chosen": a.chosen,
        "version": a.version,
    }


def population_dict(p: PopulationFigure) -> dict[str, Any]:
    return {
        "id": p.pk,
        "version": p.version,
        "group": p.group,
        "label": p.label,
        "value": to_json_number(p.value),
        "unit": p.unit,
        "source": p.source,
        "cutoff": p.cutoff,
    }


def risk_dict(row: RiskRow) -> dict[str, Any]:
    risk, level = row.risk, row.level
    return {
        "id": risk.pk,
        "version": risk.version,
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
        "version": action.version,
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
        "alternatives": [alternative_dict(a) for a in detail.alternatives],
        "population": [population_dict(p) for p in detail.population],
        "risks": [risk_dict(r) for r in risk_matrix(design=design).rows],
        "schedule": [schedule_dict(g, r) for g in schedule(design=design) for r in g.rows],
    }


@router.get(
    f"{INSTITUTION}/designs",
    response={200: DesignPage, **responses()},
    summary="Diseños de programas (Marco Lógico) de la institución (paginados)",
    operation_id=OPERATION_ID.format("designs"),
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
    summary="Un diseño: problema, involucrados, árboles, alternativas, población, riesgos, "
    "cronograma",
    description=(
        "Los árboles van anidados: cada árbol es una lista con su problema u objetivo "
        "central, y cada elemento lleva sus `children` (causas y efectos; sus subcausas…). "
        "Cada riesgo trae su nivel (probabilidad × impacto y su clase). El cronograma va "
        "agrupado por componente de la MIR, en el orden de la MIR."
    ),
    operation_id=OPERATION_ID.format("design"),
)
def design(request: HttpRequest, code: CodePath, design_id: DesignPath) -> Any:
    inst = institution_for_user(api_user(request), code)
    found = design_get(institution=inst, design_id=design_id)
    if found is None:
        raise Http404("No existe el diseño del programa.")
    return design_dict(found)

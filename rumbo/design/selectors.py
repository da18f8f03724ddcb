"""Reads of program designs for the pages: one query per kind of row, whatever the size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, IntegerField, Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from rumbo.indicators.models import Indicator, Level, MirRow
from rumbo.institutions.access import can_write_for_area
from rumbo.institutions.models import Institution
from rumbo.programs.models import Activity, ProgramNode

from .models import (
    Alternative,
    PopulationFigure,
    ProgramDesign,
    Risk,
    ScheduleAction,
    Stakeholder,
    TreeKind,
    TreeNode,
)
from .risk import LevelClass, RiskLevel, level_ranges, risk_level
from .trees import TreeLayout, layout_tree

SCORES = range(1, 6)


def _count(model: type[Model], path: str) -> Coalesce:
    """``COUNT(*)`` of ``model`` rows whose ``path`` is the outer design (a subquery)."""
    rows = (
        model._default_manager.filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def design_list(*, institution: Institution) -> QuerySet[ProgramDesign]:
    """The institution's designs, newest year first, with ``n_rows``, ``n_indicators``,
    ``n_risks`` and ``n_actions`` annotated (subqueries: no row multiplication)."""
    return (
        ProgramDesign.objects.filter(node__program__institution=institution)
        .select_related("node__program", "node__area")
        .annotate(
            n_rows=_count(MirRow, "mir__design"),
            n_indicators=_count(Indicator, "row__mir__design"),
            n_risks=_count(Risk, "design"),
            n_actions=_count(ScheduleAction, "design"),
        )
        .order_by("-node__program__year", "node__order", "node__key")
    )


def design_get(*, institution: Institution, design_id: int) -> ProgramDesign | None:
    return (
        ProgramDesign.objects.filter(pk=design_id, node__program__institution=institution)
        .select_related("node__program", "node__area")
        .first()
    )


def design_node_options(
    *, institution: Institution, user: AbstractBaseUser | AnonymousUser
) -> list[ProgramNode]:
    """Top-level nodes without a design that the user may design (Planeación: all; an
    Enlace: its own area's)."""
    nodes = (
        ProgramNode.objects.filter(
            program__institution=institution, depth=0, parent__isnull=True, design__isnull=True
        )
        .select_related("program", "area")
        .order_by("-program__year", "order", "key")
    )
    return [n for n in nodes if can_write_for_area(user, institution.pk, n.area_id)]


# --- the design page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tree:
    kind: str
    label: str
    nodes: list[TreeNode]
    layout: TreeLayout

    @property
    def slug(self) -> str:
        return f"arbol-{self.kind}"

    @property
    def words(self) -> dict[str, str]:
        """What its parts are called: effects/core/causes, or ends/objective/means."""
        return TREE_WORDS[self.kind]


TREE_WORDS = {
    TreeKind.PROBLEM.value: {
        "efecto": "Efectos",
        "central": "Problema central",
        "causa": "Causas",
        "add_efecto": "Agregar efecto",
        "add_causa": "Agregar causa",
    },
    TreeKind.OBJECTIVE.value: {
        "efecto": "Fines",
        "central": "Objetivo central",
        "causa": "Medios",
        "add_efecto": "Agregar fin",
        "add_causa": "Agregar medio",
    },
}


@dataclass
class ScoreCell:
    x: int
    y: int
    items: list[Any] = field(default_factory=list)
    level: RiskLevel | None = None  # heat map only: the level of the cell itself


@dataclass(frozen=True)
class ScoreGrid:
    """A 5 × 5 grid: rows ``y`` from 5 (top) to 1, columns ``x`` from 1 to 5."""

    rows: list[tuple[int, list[ScoreCell]]]

    @property
    def columns(self) -> list[int]:
        return list(SCORES)


def score_grid(items: Sequence[Any], x: str, y: str) -> ScoreGrid:
    cells = {(i, j): ScoreCell(x=i, y=j) for i in SCORES for j in SCORES}
    for item in items:
        key = (getattr(item, x), getattr(item, y))
        if key in cells:
            cells[key].items.append(item)
    return ScoreGrid(rows=[(j, [cells[(i, j)] for i in SCORES]) for j in reversed(SCORES)])


@dataclass(frozen=True)
class DesignDetail:
    design: ProgramDesign
    stakeholders: list[Stakeholder]
    stakeholder_grid: ScoreGrid  # power (rows) × involvement (columns)
    trees: list[Tree]
    alternatives: list[Alternative]
    population: list[PopulationFigure]
    n_risks: int
    n_actions: int


def design_detail(*, design: ProgramDesign) -> DesignDetail:
    stakeholders = list(Stakeholder.objects.filter(design=design))
    nodes = list(TreeNode.objects.filter(design=design))
    trees = []
    for kind, label in TreeKind.choices:
        of_tree = [n for n in nodes if n.tree == kind]
        trees.append(Tree(kind=kind, label=label, nodes=of_tree, layout=layout_tree(of_tree)))
    counts = (
        ProgramDesign.objects.filter(pk=design.pk)
        .annotate(n_risks=_count(Risk, "design"), n_actions=_count(ScheduleAction, "design"))
        .values("n_risks", "n_actions")
        .get()
    )
    return DesignDetail(
        design=design,
        stakeholders=stakeholders,
        stakeholder_grid=score_grid(stakeholders, "involvement", "power"),
        trees=trees,
        alternatives=list(Alternative.objects.filter(design=design)),
        population=list(PopulationFigure.objects.filter(design=design)),
        n_risks=counts["n_risks"],
        n_actions=counts["n_actions"],
    )


# --- the risk matrix -------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskRow:
    number: int
    risk: Risk
    level: RiskLevel

    @property
    def anchor(self) -> str:
        return f"riesgo-{self.risk.pk}"

    # the heat map places rows by these
    @property
    def probability(self) -> int:
        return self.risk.probability

    @property
    def impact(self) -> int:
        return self.risk.impact


@dataclass(frozen=True)
class RiskMatrix:
    rows: list[RiskRow]
    heat_map: ScoreGrid  # impact (rows) × probability (columns)
    legend: list[tuple[LevelClass, int, int]]


def risk_matrix(*, design: ProgramDesign) -> RiskMatrix:
    rows = [
        RiskRow(number=i, risk=r, level=risk_level(r.probability, r.impact))
        for i, r in enumerate(Risk.objects.filter(design=design), start=1)
    ]
    grid = score_grid(rows, "probability", "impact")
    for _, cells in grid.rows:
        for cell in cells:
            cell.level = risk_level(cell.x, cell.y)
    return RiskMatrix(rows=rows, heat_map=grid, legend=level_ranges())


# --- the cronograma --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRow:
    action: ScheduleAction
    marks: list[bool]  # twelve: does it run in Ene … Dic?

    @property
    def has_months(self) -> bool:
        return any(self.marks)


@dataclass(frozen=True)
class ScheduleGroup:
    component: MirRow | None
    rows: list[ScheduleRow]


def _group_row(action: ScheduleAction) -> MirRow | None:
    """The componente an action belongs to (an actividad's own componente)."""
    row = action.component
    if row is not None and row.level == Level.ACTIVIDAD and row.parent is not None:
        return row.parent
    return row


def schedule(*, design: ProgramDesign) -> list[ScheduleGroup]:
    """The cronograma grouped by MIR componente (in MIR order); unlinked actions last."""
    actions = ScheduleAction.objects.filter(design=design).select_related(
        "component__parent", "activity"
    )
    groups: dict[int | None, ScheduleGroup] = {}
    for action in actions:
        component = _group_row(action)
        key = component.pk if component is not None else None
        if key not in groups:
            groups[key] = ScheduleGroup(component=component, rows=[])
        months = set(action.months or [])
        groups[key].rows.append(
            ScheduleRow(action=action, marks=[m in months for m in range(1, 13)])
        )
    return sorted(
        groups.values(),
        key=lambda g: (
            g.component is None,
            g.component.order if g.component else 0,
            g.component.pk if g.component else 0,
        ),
    )


# --- choices for the item forms -------------------------------------------------------------


def tree_node_options(*, design: ProgramDesign) -> list[TreeNode]:
    """Every box of both trees (a form picks the one a new box hangs from)."""
    return list(TreeNode.objects.filter(design=design))


def schedule_component_options(*, design: ProgramDesign) -> list[MirRow]:
    return list(
        MirRow.objects.filter(
            mir__design=design, level__in=[Level.COMPONENTE, Level.ACTIVIDAD]
        ).order_by("order", "pk")
    )


def schedule_activity_options(*, design: ProgramDesign) -> list[Activity]:
    return list(Activity.objects.filter(program_id=design.node.program_id).order_by("key"))

"""The alignment matrix: líneas de acción of the plan in force × subprograms of the program.

A cell counts the activities of a subprogram (its whole subtree) aligned to a line. Counting
happens in SQL per (line, node); nodes roll up to their subprogram in Python, so the page
costs the same number of queries whatever the number of activities (6 queries).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from rumbo.institutions.models import Area, Institution
from rumbo.strategy.models import LineOfAction, StrategicObjective, StrategicPlan
from rumbo.strategy.selectors import plan_for_year

from .models import Activity, AnnualProgram, ProgramNode, activity_area_id


@dataclass
class AlignmentRow:
    line: LineOfAction
    cells: list[int]
    total: int

    @property
    def is_empty(self) -> bool:
        return self.total == 0


@dataclass
class AlignmentGroup:
    objective: StrategicObjective | None  # None: lines without objective
    rows: list[AlignmentRow] = field(default_factory=list)


@dataclass
class UnalignedActivity:
    activity: Activity
    area: Area | None


@dataclass
class AlignmentMatrix:
    program: AnnualProgram
    plan: StrategicPlan | None
    subprograms: list[ProgramNode]
    groups: list[AlignmentGroup]
    column_totals: list[int]  # distinct activities of the subprogram aligned to any line
    aligned_total: int  # distinct activities aligned to at least one line of the plan
    activity_total: int
    unaligned: list[UnalignedActivity]

    @property
    def empty_lines(self) -> int:
        return sum(1 for g in self.groups for r in g.rows if r.is_empty)

    @property
    def line_total(self) -> int:
        return sum(len(g.rows) for g in self.groups)


def _roots(nodes: list[ProgramNode]) -> dict[int, int]:
    """node id → id of its depth-0 ancestor (itself for a subprogram)."""
    parent = {n.pk: n.parent_id for n in nodes}
    roots: dict[int, int] = {}
    for node in nodes:
        chain = [node.pk]
        current = node.parent_id
        while current is not None and current not in roots:
            chain.append(current)
            current = parent.get(current)
        root = roots[current] if current is not None else chain[-1]
        for pk in chain:
            roots[pk] = root
    return roots


def alignment_matrix(*, institution: Institution, program: AnnualProgram) -> AlignmentMatrix:
    """The matrix of one program against the plan in force in its year (see module docstring)."""
    plan = plan_for_year(institution=institution, year=program.year)
    nodes = list(
        ProgramNode.objects.filter(program=program)
        .select_related("area")
        .order_by("depth", "order", "key")
    )
    subprograms = [n for n in nodes if n.depth == 0]
    column = {n.pk: i for i, n in enumerate(subprograms)}
    root_of = _roots(nodes)
    by_id = {n.pk: n for n in nodes}

    lines: list[LineOfAction] = []
    per_line_node: list[dict] = []
    per_node: list[dict] = []
    if plan is not None:
        lines = list(
            LineOfAction.objects.filter(plan=plan)
            .select_related("objective")
            .order_by("objective__order", "objective__code", "order", "code")
        )
        through = Activity.lines_of_action.through
        per_line_node = list(
            through.objects.filter(activity__program=program, lineofaction__plan=plan)
            .values("lineofaction_id", "activity__node_id")
            .annotate(n=Count("activity_id"))
            .order_by()
        )
        per_node = list(
            Activity.objects.filter(program=program, lines_of_action__plan=plan)
            .values("node_id")
            .annotate(n=Count("pk", distinct=True))
            .order_by()
        )

    cells: dict[int, list[int]] = defaultdict(lambda: [0] * len(subprograms))
    for row in per_line_node:
        root = root_of.get(row["activity__node_id"])
        if root is not None and root in column:
            cells[row["lineofaction_id"]][column[root]] += row["n"]
    column_totals = [0] * len(subprograms)
    for row in per_node:
        root = root_of.get(row["node_id"])
        if root is not None and root in column:
            column_totals[column[root]] += row["n"]

    groups: list[AlignmentGroup] = []
    for line in lines:
        objective = line.objective
        if not groups or groups[-1].objective != objective:
            groups.append(AlignmentGroup(objective=objective))
        row_cells = cells[line.pk]
        groups[-1].rows.append(AlignmentRow(line=line, cells=row_cells, total=sum(row_cells)))

    activities = Activity.objects.filter(program=program)
    if plan is not None:
        activities = activities.exclude(lines_of_action__plan=plan)
    unaligned_rows = list(
        activities.select_related("area")
        .only("pk", "key", "description", "node_id", "area_id", "order", "area__name", "area__code")
        .order_by("order", "key")
    )
    areas = {n.area_id: n.area for n in nodes if n.area is not None}
    areas.update({a.area_id: a.area for a in unaligned_rows if a.area is not None})
    unaligned = []
    for activity in unaligned_rows:
        area_id = activity_area_id(activity, by_id)
        unaligned.append(
            UnalignedActivity(activity=activity, area=areas.get(area_id) if area_id else None)
        )

    aligned_total = sum(column_totals)
    return AlignmentMatrix(
        program=program,
        plan=plan,
        subprograms=subprograms,
        groups=groups,
        column_totals=column_totals,
        aligned_total=aligned_total,
        activity_total=aligned_total + len(unaligned),
        unaligned=unaligned,
    )

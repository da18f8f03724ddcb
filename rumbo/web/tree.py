"""The program tree as the page shows it: filtered, with level names, areas and calendar checks.

Works on the result of ``rumbo.programs.selectors.program_tree`` and never queries: the
page costs the same number of queries whatever the size of the program.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rumbo.core.text import normalize
from rumbo.institutions.models import Area
from rumbo.programs.models import Activity, AnnualProgram, ProgramNode
from rumbo.programs.selectors import ActivityRow, TreeNode

from .selectors import activity_level_name, node_level_name

CALENDAR_OK = "ok"
CALENDAR_INCOMPLETE = "incomplete"
CALENDAR_MISMATCH = "mismatch"
CALENDAR_NO_TARGET = "no_target"


@dataclass
class ActivityView:
    row: ActivityRow
    area: Area | None
    open_findings: int
    calendar_status: str

    @property
    def activity(self) -> Activity:
        return self.row.activity

    @property
    def flagged(self) -> bool:
        return self.calendar_status != CALENDAR_OK

    @property
    def missing_months(self) -> int:
        return sum(1 for m in self.row.months if m is None)

    @property
    def difference(self) -> Decimal | None:
        target = self.row.activity.annual_target
        return None if target is None else self.row.months_total - target


@dataclass
class NodeView:
    tree: TreeNode
    level_name: str
    heading_level: int
    area: Area | None
    children: list[NodeView] = field(default_factory=list)
    activities: list[ActivityView] = field(default_factory=list)
    visible_activities: int = 0
    flagged_activities: int = 0

    @property
    def node(self) -> ProgramNode:
        return self.tree.node


@dataclass
class ProgramPage:
    roots: list[NodeView]
    root_level_name: str
    activity_level_name: str
    areas: list[Area]
    total_activities: int
    visible_activities: int
    flagged_activities: int


def calendar_status(row: ActivityRow) -> str:
    if row.activity.annual_target is None:
        return CALENDAR_NO_TARGET
    if not row.calendar_complete:
        return CALENDAR_INCOMPLETE
    if not row.calendar_matches:
        return CALENDAR_MISMATCH
    return CALENDAR_OK


def program_page(
    *,
    program: AnnualProgram,
    roots: list[TreeNode],
    findings_by_activity: dict[int, int],
    area_code: str = "",
    text: str = "",
) -> ProgramPage:
    """Decorate and filter the tree. Totals stay those of the whole node, filtered or not."""
    needle = normalize(text)
    areas: dict[int, Area] = {}
    totals = {"all": 0, "visible": 0, "flagged": 0}

    def visit(tree: TreeNode, inherited_area: Area | None) -> NodeView | None:
        node = tree.node
        area = node.area if node.area_id is not None else inherited_area
        if area is not None:
            areas[area.pk] = area
        view = NodeView(
            tree=tree,
            level_name=node_level_name(program, node.depth),
            heading_level=min(node.depth + 2, 6),
            area=area,
        )
        for row in tree.activities:
            activity = row.activity
            row_area = activity.area if activity.area_id is not None else area
            if row_area is not None:
                areas[row_area.pk] = row_area
            status = calendar_status(row)
            totals["all"] += 1
            if area_code and (row_area is None or row_area.code != area_code):
                continue
            if needle and needle not in normalize(f"{activity.key} {activity.description}"):
                continue
            view.activities.append(
                ActivityView(
                    row=row,
                    area=row_area,
                    open_findings=findings_by_activity.get(activity.pk, 0),
                    calendar_status=status,
                )
            )
            view.flagged_activities += status != CALENDAR_OK
        view.visible_activities = len(view.activities)
        for child in tree.children:
            child_view = visit(child, area)
            if child_view is not None:
                view.children.append(child_view)
                view.visible_activities += child_view.visible_activities
                view.flagged_activities += child_view.flagged_activities
        filtering = bool(area_code or needle)
        if filtering and view.visible_activities == 0:
            return None
        return view

    views = [v for v in (visit(root, None) for root in roots) if v is not None]
    for v in views:
        totals["visible"] += v.visible_activities
        totals["flagged"] += v.flagged_activities
    return ProgramPage(
        roots=views,
        root_level_name=node_level_name(program, 0),
        activity_level_name=activity_level_name(program),
        areas=sorted(areas.values(), key=lambda a: a.name),
        total_activities=totals["all"],
        visible_activities=totals["visible"],
        flagged_activities=totals["flagged"],
    )

"""The program tree as the page shows it: outline, filters, level names, areas, permissions.

Works on ``rumbo.programs.selectors.program_outline`` (structure, totals, facts per
activity) and on the full rows of the activities a page shows (``activity_rows``); it never
queries, so the page costs the same number of queries whatever the size of the program.

Three shapes of the page:
- the outline (no filter): top-level nodes collapsed, with their totals; their bodies load
  on demand (``program_section``);
- filtered: only the nodes that hold matching activities, expanded, with those activities;
- a section: one node and everything under it, expanded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from rumbo.core.text import normalize
from rumbo.institutions.access import AnyUser
from rumbo.institutions.models import Area
from rumbo.programs.access import can_access_activity, can_create_activity_in, editing_open
from rumbo.programs.models import Activity, AnnualProgram, ProgramNode, UnitOfMeasure
from rumbo.programs.selectors import (
    ActivityFacts,
    ActivityRow,
    OutlineNode,
    ProgramOutline,
    adds_up,
)

NO_LINE = "ninguna"  # the «Sin línea de acción» choice of the line filter


@dataclass(frozen=True)
class ProgramFilters:
    area: str = ""  # area code (the responsible area, inherited from the node)
    unit: int | None = None  # unit of measure id
    line: str = ""  # line of action code, or NO_LINE
    text: str = ""  # in the key or the description, ignoring case and accents
    flagged: bool = False  # only activities with findings to attend (``is_flagged``)

    @property
    def active(self) -> bool:
        return bool(self.area or self.unit or self.line or self.text or self.flagged)


def is_flagged(findings_to_attend: int) -> bool:
    """An activity «con hallazgos por atender»: it has findings that still ask for action
    (which ones: ``rumbo.imports.findings.NEEDS_ACTION``, counted by the registry of
    ``programs.pages``). Its calendar's state is shown on its own, not in the flag: an
    approved program's calendar changes only by adjustment, so a flag that included it
    could not be cleared by reviewing."""
    return findings_to_attend > 0


def matching_activity_ids(
    outline: ProgramOutline,
    filters: ProgramFilters,
    *,
    findings_by_activity: dict[int, int],
    areas_by_code: dict[str, int],
    lines_by_code: dict[str, int],
) -> list[int]:
    """Ids of the activities that pass every filter, in program order."""
    needle = normalize(filters.text)
    area_id = areas_by_code.get(filters.area) if filters.area else None
    line_id = lines_by_code.get(filters.line) if filters.line and filters.line != NO_LINE else None
    found = []
    for fact in outline.activities:
        activity = fact.activity
        if filters.area and fact.area_id != area_id:
            continue
        if filters.unit and activity.unit_id != filters.unit:
            continue
        if filters.line == NO_LINE and fact.line_ids:
            continue
        if line_id is not None and line_id not in fact.line_ids:
            continue
        if filters.line and filters.line != NO_LINE and line_id is None:
            continue  # a line of another plan: nothing matches
        if filters.flagged and not is_flagged(findings_by_activity.get(activity.pk, 0)):
            continue
        if needle and needle not in normalize(f"{activity.key} {activity.description}"):
            continue
        found.append(activity.pk)
    return found


@dataclass
class ActivityView:
    row: ActivityRow
    area: Area | None
    findings_to_attend: int
    calendar_status: str
    can_write: bool

    @property
    def activity(self) -> Activity:
        return self.row.activity

    @property
    def flagged(self) -> bool:
        return is_flagged(self.findings_to_attend)

    @property
    def missing_months(self) -> int:
        return sum(1 for m in self.row.months if m is None)


@dataclass
class NodeView:
    outline: OutlineNode
    level_name: str
    heading_level: int
    area: Area | None
    flagged_count: int  # activities with findings to attend in the whole node
    child_level_name: str  # "" when the next level down is the activities'
    expanded: bool  # rendered with its body; else collapsed, the body loads on demand
    can_add_activity: bool = False  # a leaf where this user may create an activity now
    children: list[NodeView] = field(default_factory=list)
    activities: list[ActivityView] = field(default_factory=list)

    @property
    def node(self) -> ProgramNode:
        return self.outline.node

    @property
    def unit_count(self) -> int:
        return len(self.outline.unit_ids)

    @property
    def is_leaf(self) -> bool:
        """No nodes below: activities may hang from it."""
        return not self.outline.children


@dataclass
class AreaTotal:
    area: Area | None
    annual_total: Decimal = Decimal(0)
    activity_count: int = 0
    flagged_count: int = 0
    unit_ids: set[int] = field(default_factory=set)
    unitless: bool = False  # some activity has no unit
    unit_name: str = ""  # the first unit met (the only one when ``one_unit``)

    @property
    def unit_count(self) -> int:
        return len(self.unit_ids)

    @property
    def one_unit(self) -> bool:
        """Whether the annual total means something (``adds_up``)."""
        return adds_up([*self.unit_ids, *([None] if self.unitless else [])])


@dataclass
class ProgramPage:
    roots: list[NodeView]
    root_level_name: str
    activity_level_name: str
    areas: list[Area]  # those responsible for some node or activity
    units: list[UnitOfMeasure]  # those used by some activity
    area_totals: list[AreaTotal]
    total_activities: int
    visible_activities: int
    flagged_activities: int  # with findings to attend, in the whole program
    annual_total: Decimal
    unit_count: int
    one_unit: bool = False  # every activity of the program has the same unit
    simulated_calendars: int = 0  # activities whose months a simulated cronograma gave


def _areas(outline: ProgramOutline) -> dict[int, Area]:
    areas: dict[int, Area] = {}
    for node in outline.nodes.values():
        if node.area is not None:
            areas[node.area.pk] = node.area
    for fact in outline.activities:
        if fact.activity.area is not None:
            areas[fact.activity.area.pk] = fact.activity.area
    return areas


def outline_areas(outline: ProgramOutline) -> list[Area]:
    return sorted(_areas(outline).values(), key=lambda a: a.name)


def outline_units(outline: ProgramOutline) -> list[UnitOfMeasure]:
    units = {f.activity.unit.pk: f.activity.unit for f in outline.activities if f.activity.unit}
    return sorted(units.values(), key=lambda u: u.name)


def program_page(
    *,
    program: AnnualProgram,
    outline: ProgramOutline,
    findings_by_activity: dict[int, int],
    user: AnyUser,
    rows: dict[int, ActivityRow] | None = None,
    filtering: bool = False,
    section: OutlineNode | None = None,
    heading_base: int = 2,
) -> ProgramPage:
    """Decorate the outline for the page. ``rows``: the activities to show (filtered/section).

    Totals are always those of the whole node, filtered or not.
    """
    rows = rows or {}
    areas = _areas(outline)
    names = program.effective_level_names
    flagged_by_node: dict[int, int] = defaultdict(int)
    area_totals: dict[int | None, AreaTotal] = {}
    flagged_total = 0
    for fact in outline.activities:
        activity = fact.activity
        observed = is_flagged(findings_by_activity.get(activity.pk, 0))
        summary = area_totals.setdefault(fact.area_id, AreaTotal(area=areas.get(fact.area_id or 0)))
        summary.annual_total += activity.annual_target or Decimal(0)
        summary.activity_count += 1
        summary.flagged_count += observed
        if activity.unit_id is not None:
            summary.unit_ids.add(activity.unit_id)
            if not summary.unit_name and activity.unit is not None:
                summary.unit_name = activity.unit.name
        else:
            summary.unitless = True
        if observed:
            flagged_total += 1
            node_id: int | None = activity.node_id
            while node_id is not None:
                flagged_by_node[node_id] += 1
                node_id = outline.nodes[node_id].parent_id

    # Who edits now (en revisión: Planeación only) and who adds activities where: the rules
    # of rumbo.programs.access, asked once per page and per leaf (no queries).
    editing = editing_open(user, program)

    def view(tree: OutlineNode, expanded: bool) -> NodeView:
        depth = tree.node.depth
        return NodeView(
            outline=tree,
            level_name=program.level_name(depth),
            heading_level=min(depth + heading_base, 6),
            area=areas.get(tree.area_id or 0),
            flagged_count=flagged_by_node.get(tree.node.pk, 0),
            child_level_name=names[depth + 1] if depth + 2 < len(names) else "",
            expanded=expanded,
            can_add_activity=editing
            and not tree.children
            and can_create_activity_in(user, program, tree.area_id),
        )

    def activity_views(facts: Iterable[ActivityFacts]) -> list[ActivityView]:
        shown = []
        for fact in facts:
            row = rows.get(fact.activity.pk)
            if row is None:
                continue
            shown.append(
                ActivityView(
                    row=row,
                    area=areas.get(fact.area_id or 0),
                    findings_to_attend=findings_by_activity.get(fact.activity.pk, 0),
                    calendar_status=fact.calendar_status,
                    can_write=editing
                    and can_access_activity(
                        user, row.activity, for_write=True, nodes=outline.nodes
                    ),
                )
            )
        return shown

    def expand(tree: OutlineNode, prune: bool) -> NodeView | None:
        node_view = view(tree, expanded=True)
        node_view.activities = activity_views(tree.activities)
        for child in tree.children:
            child_view = expand(child, prune)
            if child_view is not None:
                node_view.children.append(child_view)
        if prune and not node_view.activities and not node_view.children:
            return None
        return node_view

    if section is not None:
        section_view = expand(section, prune=False)
        roots = [section_view] if section_view is not None else []
    elif filtering:
        roots = [v for v in (expand(root, prune=True) for root in outline.roots) if v]
    else:
        roots = [view(root, expanded=False) for root in outline.roots]
    unit_ids = {f.activity.unit_id for f in outline.activities if f.activity.unit_id}
    return ProgramPage(
        roots=roots,
        root_level_name=program.level_name(0),
        activity_level_name=program.activity_level_name,
        areas=sorted(areas.values(), key=lambda a: a.name),
        units=outline_units(outline),
        area_totals=sorted(
            area_totals.values(),
            key=lambda t: (t.area is None, t.area.name if t.area else ""),
        ),
        total_activities=len(outline.activities),
        visible_activities=len(rows),
        flagged_activities=flagged_total,
        annual_total=sum((r.annual_total for r in outline.roots), Decimal(0)),
        unit_count=len(unit_ids),
        one_unit=adds_up(f.activity.unit_id for f in outline.activities),
        simulated_calendars=sum(f.activity.calendar_simulated for f in outline.activities),
    )

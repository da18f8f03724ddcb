"""Reads of annual programs: the whole tree in a constant number of queries.

``program_tree`` loads everything (exports, round trips). ``program_outline`` gives the
structure with totals and per-activity facts aggregated in SQL, without month rows, and
``activity_rows`` loads the full rows of just the activities a page shows.
``activity_detail`` reads one activity with everything its own pages show.
``activity_list`` and ``activity_get`` are the API's reads of activities (a filtered list,
one activity). The review's observations are read in ``observations`` (re-exported here).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from rumbo.core.text import normalize
from rumbo.institutions.models import Area, Institution
from rumbo.strategy.models import LineOfAction

from ..models import (
    Activity,
    AnnualProgram,
    AreaObjective,
    Beneficiary,
    MonthlyTarget,
    ProgramNode,
    activity_area,
    activity_area_id,
    node_area,
    node_area_id,
)
from .across import programs_of as programs_of
from .across import versions_approved_since as versions_approved_since
from .observations import AreaObservations as AreaObservations
from .observations import observation_get as observation_get
from .observations import observation_list as observation_list
from .observations import observation_thread as observation_thread
from .observations import observations_by_area as observations_by_area
from .observations import open_observation_count as open_observation_count

CALENDAR_OK = "ok"
CALENDAR_INCOMPLETE = "incomplete"
CALENDAR_MISMATCH = "mismatch"
CALENDAR_NO_TARGET = "no_target"


def calendar_status(
    *, annual_target: Decimal | None, known_months: int, months_total: Decimal
) -> str:
    """Does the calendar back the annual target? (the one place that decides)."""
    if annual_target is None:
        return CALENDAR_NO_TARGET
    if known_months < 12:
        return CALENDAR_INCOMPLETE
    if months_total != annual_target:
        return CALENDAR_MISMATCH
    return CALENDAR_OK


@dataclass
class ActivityRow:
    activity: Activity
    months: list[Decimal | None]
    beneficiaries: list[Beneficiary]
    line_codes: list[str]

    @property
    def months_total(self) -> Decimal:
        return sum((m for m in self.months if m is not None), Decimal(0))

    @property
    def calendar_complete(self) -> bool:
        return all(m is not None for m in self.months)

    @property
    def calendar_matches(self) -> bool:
        return self.calendar_status == CALENDAR_OK

    @property
    def calendar_status(self) -> str:
        return calendar_status(
            annual_target=self.activity.annual_target,
            known_months=sum(1 for m in self.months if m is not None),
            months_total=self.months_total,
        )


def adds_up(unit_ids: Iterable[int | None]) -> bool:
    """The rule of every total of quantities: they are added only when every activity
    counted has the same unit of measure (``None``: an activity without unit)."""
    return len(set(unit_ids)) <= 1


@dataclass
class TreeNode:
    node: ProgramNode
    children: list[TreeNode] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    annual_total: Decimal = Decimal(0)
    month_totals: list[Decimal] = field(default_factory=lambda: [Decimal(0)] * 12)
    activity_count: int = 0
    units: set[int | None] = field(default_factory=set)  # None: an activity without unit

    @property
    def one_unit(self) -> bool:
        """Whether its totals mean something (``adds_up``)."""
        return adds_up(self.units)


def program_get(*, institution: Institution, year: int) -> AnnualProgram | None:
    return AnnualProgram.objects.filter(institution=institution, year=year).first()


def program_or_404(*, institution: Institution, year: int) -> AnnualProgram:
    """The institution's program of ``year`` (its institution already set), or ``Http404``
    «No existe el programa anual AAAA.» — for every page and API operation of a program."""
    program = program_get(institution=institution, year=year)
    if program is None:
        raise Http404(f"No existe el programa anual {year}.")
    program.institution = institution  # already loaded: spare the query
    return program


def program_list(*, institution: Institution) -> QuerySet[AnnualProgram]:
    return (
        AnnualProgram.objects.filter(institution=institution)
        .annotate(activity_count=Count("activities", distinct=True))
        .order_by("-year")
    )


def _activity_queryset(program: AnnualProgram, *, beneficiaries: bool) -> QuerySet[Activity]:
    prefetches: list[str | Prefetch] = [
        Prefetch("monthly_targets", queryset=MonthlyTarget.objects.order_by("month")),
        "lines_of_action",
    ]
    if beneficiaries:
        prefetches.append(Prefetch("beneficiaries", queryset=Beneficiary.objects.order_by("order")))
    return (
        program.activities.select_related("unit", "area")
        .prefetch_related(*prefetches)
        .order_by("order", "key")
    )


def _activity_row(activity: Activity, *, beneficiaries: bool) -> ActivityRow:
    months: list[Decimal | None] = [None] * 12
    for mt in activity.monthly_targets.all():
        months[mt.month - 1] = mt.quantity
    return ActivityRow(
        activity=activity,
        months=months,
        beneficiaries=list(activity.beneficiaries.all()) if beneficiaries else [],
        line_codes=sorted(line.code for line in activity.lines_of_action.all()),
    )


def node_list(*, program: AnnualProgram) -> list[ProgramNode]:
    """The program's nodes with their areas, parents first (depth, order, key); one query."""
    return list(
        ProgramNode.objects.filter(program=program)
        .select_related("area")
        .order_by("depth", "order", "key")
    )


def node_map(*, program: AnnualProgram) -> dict[int, ProgramNode]:
    """Node id → node (with its area), for ``activity_area_id`` without more queries."""
    return {n.pk: n for n in node_list(program=program)}


def program_tree(*, program: AnnualProgram) -> list[TreeNode]:
    """The nodes of a program, nested, with their activities, months and totals (6 queries)."""
    nodes = node_list(program=program)
    activities = list(_activity_queryset(program, beneficiaries=True))
    by_id: dict[int, TreeNode] = {n.pk: TreeNode(node=n) for n in nodes}
    roots: list[TreeNode] = []
    for n in nodes:
        tree_node = by_id[n.pk]
        if n.parent_id is None:
            roots.append(tree_node)
        elif n.parent_id in by_id:
            by_id[n.parent_id].children.append(tree_node)
    rows_by_node: dict[int, list[ActivityRow]] = defaultdict(list)
    for a in activities:
        rows_by_node[a.node_id].append(_activity_row(a, beneficiaries=True))
    for node_id, rows in rows_by_node.items():
        if node_id in by_id:
            by_id[node_id].activities = rows

    def total(tree_node: TreeNode) -> None:
        for child in tree_node.children:
            total(child)
        annual = Decimal(0)
        months = [Decimal(0)] * 12
        count = 0
        for row in tree_node.activities:
            annual += row.activity.annual_target or Decimal(0)
            for i, m in enumerate(row.months):
                if m is not None:
                    months[i] += m
            count += 1
            tree_node.units.add(row.activity.unit_id)
        for child in tree_node.children:
            annual += child.annual_total
            months = [a + b for a, b in zip(months, child.month_totals, strict=True)]
            count += child.activity_count
            tree_node.units |= child.units
        tree_node.annual_total = annual
        tree_node.month_totals = months
        tree_node.activity_count = count

    for root in roots:
        total(root)
    return roots


@dataclass
class ActivityFacts:
    """An activity as the outline knows it: light fields, unit and area, months aggregated."""

    activity: Activity  # key, description, node, area, unit, annual_target (no months loaded)
    area_id: int | None  # the responsible area: its own, else the nearest node's up the tree
    known_months: int
    months_total: Decimal
    line_ids: list[int]
    calendar_status: str


@dataclass
class OutlineNode:
    node: ProgramNode
    area_id: int | None  # its own area, else inherited
    children: list[OutlineNode] = field(default_factory=list)
    activities: list[ActivityFacts] = field(default_factory=list)
    annual_total: Decimal = Decimal(0)
    month_totals: list[Decimal] = field(default_factory=lambda: [Decimal(0)] * 12)
    activity_count: int = 0
    flagged_count: int = 0  # calendar not OK
    unit_ids: set[int] = field(default_factory=set)
    unitless: bool = False  # some activity under it has no unit

    @property
    def one_unit(self) -> bool:
        """Whether its totals mean something (``adds_up``)."""
        return adds_up([*self.unit_ids, *([None] if self.unitless else [])])

    def walk(self) -> list[OutlineNode]:
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found


@dataclass
class ProgramOutline:
    roots: list[OutlineNode]
    nodes: dict[int, ProgramNode]  # id → node, for ``can_access_activity(nodes=…)``
    outline_nodes: dict[int, OutlineNode]
    activities: list[ActivityFacts]  # in program order


def program_outline(*, program: AnnualProgram) -> ProgramOutline:
    """The tree with totals per node and facts per activity, aggregated in SQL (4 queries).

    Same totals as ``program_tree`` (an unknown annual target or month adds nothing) but
    without loading one row per month, so it stays cheap for thousands of activities.
    """
    nodes = node_list(program=program)
    facts_qs = (
        program.activities.select_related("unit", "area")
        .only(
            "pk",
            "program",
            "node",
            "key",
            "description",
            "annual_target",
            "unit",
            "area",
            "calendar_simulated",
        )
        .annotate(
            known_months=Count("monthly_targets"), months_sum=Sum("monthly_targets__quantity")
        )
        .order_by("order", "key")
    )
    month_sums = (
        MonthlyTarget.objects.filter(activity__program=program)
        .order_by()
        .values_list("activity__node_id", "month")
        .annotate(total=Sum("quantity"))
    )
    line_links = (
        Activity.lines_of_action.through.objects.filter(activity__program=program)
        .order_by()
        .values_list("activity_id", "lineofaction_id")
    )
    by_id = {n.pk: n for n in nodes}
    outline_nodes: dict[int, OutlineNode] = {}
    roots: list[OutlineNode] = []
    for n in nodes:  # parents come first: ordered by depth
        parent = outline_nodes.get(n.parent_id) if n.parent_id is not None else None
        view = OutlineNode(node=n, area_id=node_area_id(n, by_id))
        outline_nodes[n.pk] = view
        if parent is not None:
            parent.children.append(view)
        elif n.parent_id is None:
            roots.append(view)
    lines_by_activity: dict[int, list[int]] = defaultdict(list)
    for activity_id, line_id in line_links:
        lines_by_activity[activity_id].append(line_id)
    facts: list[ActivityFacts] = []
    for a in facts_qs:
        holder = outline_nodes.get(a.node_id)
        if holder is None:
            continue
        known = a.known_months  # type: ignore[attr-defined]  # annotated above
        months_sum = a.months_sum or Decimal(0)
        fact = ActivityFacts(
            activity=a,
            area_id=activity_area_id(a, by_id),
            known_months=known,
            months_total=months_sum,
            line_ids=lines_by_activity.get(a.pk, []),
            calendar_status=calendar_status(
                annual_target=a.annual_target, known_months=known, months_total=months_sum
            ),
        )
        holder.activities.append(fact)
        facts.append(fact)
    for node_id, month, quantity in month_sums:
        if node_id in outline_nodes:
            outline_nodes[node_id].month_totals[month - 1] += quantity

    def add_up(view: OutlineNode) -> None:
        for child in view.children:
            add_up(child)
        for fact in view.activities:
            view.annual_total += fact.activity.annual_target or Decimal(0)
            view.activity_count += 1
            view.flagged_count += fact.calendar_status != CALENDAR_OK
            if fact.activity.unit_id is not None:
                view.unit_ids.add(fact.activity.unit_id)
            else:
                view.unitless = True
        for child in view.children:
            view.annual_total += child.annual_total
            view.month_totals = [
                a + b for a, b in zip(view.month_totals, child.month_totals, strict=True)
            ]
            view.activity_count += child.activity_count
            view.flagged_count += child.flagged_count
            view.unit_ids |= child.unit_ids
            view.unitless = view.unitless or child.unitless

    for root in roots:
        add_up(root)
    return ProgramOutline(roots=roots, nodes=by_id, outline_nodes=outline_nodes, activities=facts)


def activity_rows(
    *,
    program: AnnualProgram,
    activity_ids: list[int] | None = None,
    node_ids: list[int] | None = None,
) -> dict[int, ActivityRow]:
    """Full rows (months, lines) of some activities of a program: id → row (3 queries).

    ``activity_ids`` or ``node_ids`` (activities hanging from those nodes) narrow the set.
    """
    queryset = _activity_queryset(program, beneficiaries=False)
    if activity_ids is not None:
        queryset = queryset.filter(pk__in=activity_ids)
    if node_ids is not None:
        queryset = queryset.filter(node_id__in=node_ids)
    return {a.pk: _activity_row(a, beneficiaries=False) for a in queryset}


@dataclass
class ActivityDetail:
    """One activity with everything its pages show; see ``activity_detail``."""

    institution: Institution
    program: AnnualProgram
    activity: Activity  # with unit, area, node, months, beneficiaries and lines loaded
    nodes: dict[int, ProgramNode]  # id → node: all the program's nodes, with their areas
    path: list[ProgramNode]  # from the root down to the node the activity hangs from
    area: Area | None  # the responsible area: its own, else the nearest node's up the tree
    row: ActivityRow


def activity_detail(*, institution: Institution, year: int, key: str) -> ActivityDetail | None:
    """The activity with its months, beneficiaries, alignment and path (5 queries).

    None when the institution's program of that year has no activity with that key.
    """
    activity = (
        Activity.objects.filter(program__institution=institution, program__year=year, key=key)
        # mir_link: the MIR row it carries out (rumbo.indicators), joined, no extra query.
        .select_related("program", "unit", "area", "mir_link__row__mir")
        .prefetch_related(
            Prefetch("monthly_targets", queryset=MonthlyTarget.objects.order_by("month")),
            Prefetch("beneficiaries", queryset=Beneficiary.objects.order_by("order")),
            Prefetch(
                "lines_of_action",
                queryset=LineOfAction.objects.select_related(
                    "plan", "objective", "program"
                ).order_by("code"),
            ),
        )
        .first()
    )
    if activity is None:
        return None
    program = activity.program
    program.institution = institution  # spare a query wherever the program names it
    nodes = {n.pk: n for n in ProgramNode.objects.filter(program=program).select_related("area")}
    path: list[ProgramNode] = []
    node = nodes.get(activity.node_id)
    while node is not None:
        path.append(node)
        node = nodes.get(node.parent_id) if node.parent_id else None
    path.reverse()
    if path:
        activity.node = path[-1]
    area = activity_area(activity, nodes)
    months: list[Decimal | None] = [None] * 12
    for mt in activity.monthly_targets.all():
        months[mt.month - 1] = mt.quantity
    row = ActivityRow(
        activity=activity,
        months=months,
        beneficiaries=list(activity.beneficiaries.all()),
        line_codes=[line.code for line in activity.lines_of_action.all()],
    )
    return ActivityDetail(
        institution=institution,
        program=program,
        activity=activity,
        nodes=nodes,
        path=path,
        area=area,
        row=row,
    )


def node_get(*, program: AnnualProgram, node_id: int) -> ProgramNode | None:
    return ProgramNode.objects.filter(program=program, pk=node_id).select_related("area").first()


def area_objective_list(*, institution: Institution, year: int) -> QuerySet[AreaObjective]:
    return (
        AreaObjective.objects.filter(institution=institution, year=year)
        .select_related("area")
        .order_by("row_number")
    )


# --- activities as the API lists them -------------------------------------------------------


def _activities(program: AnnualProgram) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(program=program)
        .select_related("program", "unit", "area")
        .prefetch_related(
            Prefetch("monthly_targets", queryset=MonthlyTarget.objects.order_by("month")),
            Prefetch("beneficiaries", queryset=Beneficiary.objects.order_by("order")),
            "lines_of_action",
        )
    )


def activity_list(
    *,
    program: AnnualProgram,
    nodes: dict[int, ProgramNode],
    area: str = "",
    unit: str = "",
    line: str = "",
    q: str = "",
) -> QuerySet[Activity]:
    """The program's activities by key; filters: responsible area code, unit, line, text."""
    qs = _activities(program)
    if area.strip():
        code = area.strip()
        inheriting = [
            pk for pk, n in nodes.items() if (a := node_area(n, nodes)) and a.code == code
        ]
        qs = qs.filter(Q(area__code=code) | Q(area__isnull=True, node_id__in=inheriting))
    if unit.strip():
        qs = qs.filter(unit__normalized=normalize(unit))
    if line.strip():
        through = Activity.lines_of_action.through.objects.filter(lineofaction__code=line.strip())
        qs = qs.filter(pk__in=through.values("activity_id"))
    if q.strip():
        text = q.strip()
        qs = qs.filter(Q(key__startswith=text) | Q(description__icontains=text))
    return qs.order_by("key", "pk")


def activity_get(*, program: AnnualProgram, key: str) -> Activity | None:
    return _activities(program).filter(key=key).first()

"""Reads of annual programs: the whole tree in a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet

from rumbo.institutions.models import Institution

from .models import Activity, AnnualProgram, AreaObjective, Beneficiary, MonthlyTarget, ProgramNode

MONTHS = range(1, 13)
MONTH_LABELS = ["Ene", "Feb", "Mar", "Abr", "May", "Jun", "Jul", "Ago", "Sep", "Oct", "Nov", "Dic"]


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
        target = self.activity.annual_target
        return self.calendar_complete and target is not None and self.months_total == target


@dataclass
class TreeNode:
    node: ProgramNode
    children: list[TreeNode] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    annual_total: Decimal = Decimal(0)
    month_totals: list[Decimal] = field(default_factory=lambda: [Decimal(0)] * 12)
    activity_count: int = 0


def program_get(*, institution: Institution, year: int) -> AnnualProgram | None:
    return AnnualProgram.objects.filter(institution=institution, year=year).first()


def program_list(*, institution: Institution) -> QuerySet[AnnualProgram]:
    return (
        AnnualProgram.objects.filter(institution=institution)
        .annotate(activity_count=Count("activities", distinct=True))
        .order_by("-year")
    )


def program_tree(*, program: AnnualProgram) -> list[TreeNode]:
    """The nodes of a program, nested, with their activities, months and totals (6 queries)."""
    nodes = list(
        ProgramNode.objects.filter(program=program)
        .select_related("area")
        .order_by("depth", "order", "key")
    )
    activities = list(
        Activity.objects.filter(program=program)
        .select_related("unit", "area")
        .prefetch_related(
            Prefetch("monthly_targets", queryset=MonthlyTarget.objects.order_by("month")),
            Prefetch("beneficiaries", queryset=Beneficiary.objects.order_by("order")),
            "lines_of_action",
        )
        .order_by("order", "key")
    )
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
        months: list[Decimal | None] = [None] * 12
        for mt in a.monthly_targets.all():
            months[mt.month - 1] = mt.quantity
        rows_by_node[a.node_id].append(
            ActivityRow(
                activity=a,
                months=months,
                beneficiaries=list(a.beneficiaries.all()),
                line_codes=sorted(line.code for line in a.lines_of_action.all()),
            )
        )
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
        for child in tree_node.children:
            annual += child.annual_total
            months = [a + b for a, b in zip(months, child.month_totals, strict=True)]
            count += child.activity_count
        tree_node.annual_total = annual
        tree_node.month_totals = months
        tree_node.activity_count = count

    for root in roots:
        total(root)
    return roots


def area_objective_list(*, institution: Institution, year: int) -> QuerySet[AreaObjective]:
    return (
        AreaObjective.objects.filter(institution=institution, year=year)
        .select_related("area")
        .order_by("row_number")
    )

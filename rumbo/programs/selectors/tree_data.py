"""The program tree as plain data, for the exports and the API tree: five ``values_list``
reads (nodes, activities, months, beneficiaries, lines of action), no model instances.

``program_tree`` (in ``__init__``) builds the same tree from model instances for the
pages that need them (reports, round trip); this one is what a 1,200-activity program's
export can afford: tuples straight from the cursor, grouped in dictionaries. Every read
clears ``Meta.ordering`` (``order_by()`` or an explicit order), so no join is added.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ..models import Activity, AnnualProgram, Beneficiary, MonthlyTarget, ProgramNode


@dataclass(slots=True)
class ActivityData:
    key: str
    description: str
    unit: str | None  # the unit's name
    annual_target: Decimal | None
    months: list[Decimal | None]  # January … December; None: unknown
    beneficiaries: list[tuple[str, str]]  # (description, quantity) in their order
    line_codes: list[str]  # sorted
    unit_id: int | None = None  # what ``adds_up`` compares (None: no unit)
    area: str | None = None  # its own area's code (not the inherited one)


@dataclass(slots=True)
class NodeData:
    key: str
    name: str
    objective: str
    area: tuple[str, str] | None  # its own area's (code, name); not the inherited one
    children: list[NodeData] = field(default_factory=list)
    activities: list[ActivityData] = field(default_factory=list)


def program_tree_data(*, program: AnnualProgram) -> list[NodeData]:
    """The program's top-level nodes, nested (depth, order, key), each node with its
    activities (order, key): months, beneficiaries, lines of action (5 queries)."""
    nodes = (
        ProgramNode.objects.filter(program=program)
        .order_by("depth", "order", "key")
        .values_list("pk", "parent_id", "key", "name", "objective", "area__code", "area__name")
    )
    by_id: dict[int, NodeData] = {}
    roots: list[NodeData] = []
    for pk, parent_id, key, name, objective, area_code, area_name in nodes:
        area = (area_code, area_name) if area_code is not None else None
        item = by_id[pk] = NodeData(key=key, name=name, objective=objective, area=area)
        if parent_id is None:
            roots.append(item)
        elif parent_id in by_id:  # parents come first: ordered by depth
            by_id[parent_id].children.append(item)
    months = _months(program)
    beneficiaries = _beneficiaries(program)
    lines = _line_codes(program)
    activities = (
        Activity.objects.filter(program=program)
        .order_by("order", "key")
        .values_list(
            "pk", "node_id", "key", "description", "unit__name", "annual_target", "unit_id",
            "area__code",
        )
    )  # fmt: skip
    for pk, node_id, key, description, unit, annual_target, unit_id, area_code in activities:
        holder = by_id.get(node_id)
        if holder is None:
            continue
        holder.activities.append(
            ActivityData(
                key=key,
                description=description,
                unit=unit,
                annual_target=annual_target,
                months=months.get(pk) or [None] * 12,
                beneficiaries=beneficiaries.get(pk, []),
                line_codes=sorted(lines.get(pk, [])),
                unit_id=unit_id,
                area=area_code,
            )
        )
    return roots


def _months(program: AnnualProgram) -> dict[int, list[Decimal | None]]:
    out: dict[int, list[Decimal | None]] = {}
    rows = (
        MonthlyTarget.objects.filter(activity__program=program)
        .order_by()
        .values_list("activity_id", "month", "quantity")
    )
    for activity_id, month, quantity in rows:
        months = out.get(activity_id)
        if months is None:
            months = out[activity_id] = [None] * 12
        months[month - 1] = quantity
    return out


def _beneficiaries(program: AnnualProgram) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = (
        Beneficiary.objects.filter(activity__program=program)
        .order_by("activity_id", "order")
        .values_list("activity_id", "description", "quantity")
    )
    for activity_id, description, quantity in rows:
        out[activity_id].append((description, quantity))
    return out


def _line_codes(program: AnnualProgram) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    rows = (
        Activity.lines_of_action.through.objects.filter(activity__program=program)
        .order_by()
        .values_list("activity_id", "lineofaction__code")
    )
    for activity_id, code in rows:
        out[activity_id].append(code)
    return out

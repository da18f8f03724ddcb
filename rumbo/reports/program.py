"""The POA document: the program tree with every activity, its unit, annual target, the
12-month calendar, beneficiaries and alignment to lines of action, from the plain-data tree
``rumbo.programs.selectors.tree_data.program_tree_data`` (five ``values_list`` reads, no
model instances: a 1,200-activity program's document reads in a tenth of the time the
model tree took). Totals of quantities follow ``adds_up``: one unit of measure only."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rumbo.programs.models import AnnualProgram
from rumbo.programs.selectors import adds_up
from rumbo.programs.selectors.tree_data import ActivityData, NodeData, program_tree_data

from .common import ReportHeader, header, institution_get, program_for

ZERO = Decimal(0)


@dataclass(frozen=True)
class ProgramLine:
    depth: int
    node: NodeData | None = None
    level_name: str = ""
    annual_total: Decimal | None = None
    month_totals: list[Decimal] | None = None
    row: ActivityData | None = None
    unit_note: str = ""  # why a node's totals are absent: its units differ

    @property
    def area_code(self) -> str:
        """The node's or the activity's own area («» when it inherits one)."""
        if self.node is not None:
            return self.node.area[0] if self.node.area else ""
        return (self.row.area or "") if self.row else ""

    @property
    def beneficiaries(self) -> str:
        if self.row is None:
            return ""
        return "; ".join(
            f"{description}: {quantity}" if quantity else description
            for description, quantity in self.row.beneficiaries
        )

    @property
    def lines_of_action(self) -> str:
        return ", ".join(self.row.line_codes) if self.row else ""


@dataclass
class _Totals:
    annual: Decimal = ZERO
    months: list[Decimal] = field(default_factory=lambda: [ZERO] * 12)
    count: int = 0
    units: set[int | None] = field(default_factory=set)

    def add_activity(self, a: ActivityData) -> None:
        self.annual += a.annual_target or ZERO
        for i, m in enumerate(a.months):
            if m is not None:
                self.months[i] += m
        self.count += 1
        self.units.add(a.unit_id)

    def add(self, other: _Totals) -> None:
        self.annual += other.annual
        self.months = [x + y for x, y in zip(self.months, other.months, strict=True)]
        self.count += other.count
        self.units |= other.units


@dataclass
class ProgramReport:
    header: ReportHeader
    program: AnnualProgram
    lines: list[ProgramLine]
    annual_total: Decimal | None  # None when the activities' units differ
    month_totals: list[Decimal] | None
    activity_count: int
    unit_note: str = ""


def unit_note(units: set[int | None]) -> str:
    """Why a total is not given: quantities of different units are never added."""
    return "" if adds_up(units) else f"{len(units)} unidades de medida (no se suman)"


def _flatten(program: AnnualProgram, node: NodeData, depth: int, out: list[ProgramLine]) -> _Totals:
    """Append the node's line, its activities' and its children's (depth first) to ``out``;
    return the node's totals (its activities and every node under it)."""
    at = len(out)
    out.append(ProgramLine(depth=depth))  # replaced below, once its totals are known
    totals = _Totals()
    for a in node.activities:
        totals.add_activity(a)
        out.append(ProgramLine(depth=depth + 1, row=a))
    for child in node.children:
        totals.add(_flatten(program, child, depth + 1, out))
    one_unit = adds_up(totals.units)
    out[at] = ProgramLine(
        depth=depth,
        node=node,
        level_name=program.level_name(depth),
        annual_total=totals.annual if one_unit else None,
        month_totals=totals.months if one_unit else None,
        unit_note=unit_note(totals.units),
    )
    return totals


def program_report(*, institution: str, year: int) -> ProgramReport:
    inst = institution_get(institution)
    program = program_for(inst, year)
    lines: list[ProgramLine] = []
    totals = _Totals()
    for root in program_tree_data(program=program):
        totals.add(_flatten(program, root, 0, lines))
    one_unit = adds_up(totals.units)
    return ProgramReport(
        header=header(
            institution=inst,
            title=f"Programa anual: {program.name}",
            period=f"Ejercicio {year}",
            program=program,
        ),
        program=program,
        lines=lines,
        annual_total=totals.annual if one_unit else None,
        month_totals=totals.months if one_unit else None,
        activity_count=totals.count,
        unit_note=unit_note(totals.units),
    )

"""The POA document: the program tree with every activity, its unit, annual target, the
12-month calendar, beneficiaries and alignment to lines of action, from
``rumbo.programs.selectors.program_tree`` (a constant number of queries)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rumbo.programs.models import AnnualProgram, ProgramNode
from rumbo.programs.selectors import ActivityRow, TreeNode, adds_up, program_tree

from .common import ReportHeader, header, institution_get, program_for


@dataclass(frozen=True)
class ProgramLine:
    depth: int
    node: ProgramNode | None = None
    level_name: str = ""
    annual_total: Decimal | None = None
    month_totals: list[Decimal] | None = None
    row: ActivityRow | None = None
    unit_note: str = ""  # why a node's totals are absent: its units differ

    @property
    def beneficiaries(self) -> str:
        if self.row is None:
            return ""
        return "; ".join(
            f"{b.description}: {b.quantity}" if b.quantity else b.description
            for b in self.row.beneficiaries
        )

    @property
    def lines_of_action(self) -> str:
        return ", ".join(self.row.line_codes) if self.row else ""


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


def _flatten(program: AnnualProgram, node: TreeNode) -> list[ProgramLine]:
    out = [
        ProgramLine(
            depth=node.node.depth,
            node=node.node,
            level_name=program.level_name(node.node.depth),
            annual_total=node.annual_total if node.one_unit else None,
            month_totals=node.month_totals if node.one_unit else None,
            unit_note=unit_note(node.units),
        )
    ]
    out += [ProgramLine(depth=node.node.depth + 1, row=row) for row in node.activities]
    for child in node.children:
        out += _flatten(program, child)
    return out


def program_report(*, institution: str, year: int) -> ProgramReport:
    inst = institution_get(institution)
    program = program_for(inst, year)
    roots = program_tree(program=program)
    lines: list[ProgramLine] = []
    for root in roots:
        lines += _flatten(program, root)
    months = [sum((r.month_totals[i] for r in roots), Decimal(0)) for i in range(12)]
    units: set[int | None] = set().union(*(r.units for r in roots))
    one_unit = adds_up(units)
    return ProgramReport(
        header=header(
            institution=inst,
            title=f"Programa anual: {program.name}",
            period=f"Ejercicio {year}",
            program=program,
        ),
        program=program,
        lines=lines,
        annual_total=sum((r.annual_total for r in roots), Decimal(0)) if one_unit else None,
        month_totals=months if one_unit else None,
        activity_count=sum(r.activity_count for r in roots),
        unit_note=unit_note(units),
    )

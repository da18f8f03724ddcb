"""Avance físico-financiero: the one definition.

For a program, a month M and every node of its tree (subprograma, proyecto…) — and the
whole program — physical progress beside financial progress, their gap and its semáforo;
for every activity that has budget lines of its own, the same and its cost per unit of
output. Every face (the «Informe de avance físico-financiero» as page, XLSX, PDF and JSON,
the monthly report's section, the dashboard's panel and the API) reads this module.
``docs/budget.md`` («Avance físico-financiero») states it in Spanish with a worked example.

- **Avance físico** of a node: the unit-free summary (``rumbo.monitoring.figures.Summary``)
  of the activities of its subtree at M — the average compliance (each activity's
  compliance to date capped at 100 %) and what was achieved as a share of the year —, with
  the state of its figures (oficial when every one is, pendiente when every one is,
  preliminar otherwise).
- **Avance financiero** of a node: ``rumbo.budget.figures`` — devengado to M ÷ modificado to
  M (against the budget's calendar) and devengado to M ÷ annual modificado (share of the
  year), with the momentos to date.
- **Brecha** (gap): physical percent − financial percent, in percentage points (both sides
  against their calendars to M); ``gap_light`` grades its size with ``GAP_BANDS`` — grey
  when either side is missing.
- **Costo por unidad** (cost per unit of output) of an activity with its own budget lines:
  devengado to M of those lines ÷ achieved to date, in pesos per the activity's unit of
  measure, rounded to the cent; None when the figure is pending or nothing was achieved.

Read in a constant number of queries: the activities' figures (``program_figures``) and
the budget lines (``budget_figures``) once each, and everything else computed from them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rumbo.budget.figures import (
    BudgetFigures,
    FinancialFigure,
    Moments,
    budget_figures,
    financial_figure,
)
from rumbo.core.numbers import to_json_number
from rumbo.core.semaforo import Light
from rumbo.programs.models import AnnualProgram, ProgramNode

from .figures import ActivityRow, FigureState, ProgramFigures, Summary, program_figures

CENT = Decimal("0.01")


@dataclass(frozen=True)
class GapBands:
    """The largest gap, in percentage points either way, of each colour."""

    green: Decimal
    yellow: Decimal


GAP_BANDS = GapBands(green=Decimal(10), yellow=Decimal(20))
GAP_METHOD = (
    "Brecha físico-financiera: avance físico − avance financiero, en puntos porcentuales;"
    " ambos contra su calendario a la fecha. Avance físico: cumplimiento promedio de las"
    " actividades (alcanzado acumulado ÷ programado acumulado, cada una con tope de 100 %,"
    " sin sumar unidades distintas). Avance financiero: devengado acumulado ÷ modificado"
    " acumulado al mes (el calendario del presupuesto); «del año»: devengado acumulado ÷"
    f" modificado anual. Semáforo de la brecha: verde si es de {GAP_BANDS.green:.0f} puntos"
    f" o menos en cualquier sentido, amarillo hasta {GAP_BANDS.yellow:.0f}, rojo si es"
    " mayor; gris si falta alguno de los dos avances. Una brecha positiva: las actividades"
    " van por delante del gasto; negativa: se ha devengado más de lo que las actividades"
    " avanzan."
)
COST_METHOD = (
    "Costo por unidad: devengado acumulado de los renglones presupuestales propios de la"
    " actividad ÷ su alcanzado acumulado, en pesos por unidad de medida; vacío si la cifra"
    " está pendiente o no se ha alcanzado nada."
)


def gap_light(gap: Decimal | None) -> Light:
    """The semáforo of a gap in percentage points (``GAP_BANDS``); grey without a gap."""
    if gap is None:
        return Light.GREY
    size = abs(gap)
    if size <= GAP_BANDS.green:
        return Light.GREEN
    if size <= GAP_BANDS.yellow:
        return Light.YELLOW
    return Light.RED


def gap_of(physical: Decimal | None, financial: Decimal | None) -> Decimal | None:
    """Physical − financial in percentage points (both already rounded percents)."""
    if physical is None or financial is None:
        return None
    return physical - financial


def set_state(summary: Summary) -> FigureState | None:
    """The state of a set's figures: oficial or pendiente when every figure is; preliminar
    when they are mixed; None for an empty set."""
    if not summary.activities:
        return None
    return summary.state or FigureState.PRELIMINARY


def cost_per_unit(accrued: Decimal, achieved: Decimal | None) -> Decimal | None:
    """Pesos per unit of output: devengado ÷ achieved, to the cent (half up); None when
    achieved is pending or not positive."""
    if achieved is None or achieved <= 0:
        return None
    return (accrued / achieved).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Row:
    """One line: the program (``node`` and ``activity`` None), a node or an activity."""

    key: str
    name: str
    level: str  # the program's name of the level («Subprograma»), «Actividad», or «Programa»
    depth: int  # 0 for the program and the top nodes; activities sit one below their node
    node: ProgramNode | None
    physical: Summary
    financial: FinancialFigure
    activity_id: int | None = None
    unit: str = ""
    achieved_to_date: Decimal | None = None  # activities only
    cost_per_unit: Decimal | None = None  # activities with budget lines of their own

    @property
    def is_activity(self) -> bool:
        return self.activity_id is not None

    @property
    def physical_percent(self) -> Decimal | None:
        return self.physical.average_compliance

    @property
    def physical_year_share(self) -> Decimal | None:
        return self.physical.achieved_year_share

    @property
    def state(self) -> FigureState | None:
        return set_state(self.physical)

    @property
    def financial_percent(self) -> Decimal | None:
        return self.financial.percent

    @property
    def financial_year_share(self) -> Decimal | None:
        return self.financial.year_share

    @property
    def to_date(self) -> Moments:
        return self.financial.to_date

    @property
    def has_budget(self) -> bool:
        return not (self.financial.to_date.empty and self.financial.annual.empty)

    @property
    def gap(self) -> Decimal | None:
        return gap_of(self.physical_percent, self.financial_percent)

    @property
    def gap_light(self) -> Light:
        return gap_light(self.gap)


@dataclass
class PhysicalFinancial:
    program: AnnualProgram
    month: int
    rows: list[Row]  # nodes depth-first in their order, each followed by its activities
    total: Row  # the whole program
    has_budget: bool
    method: str = GAP_METHOD
    cost_method: str = COST_METHOD

    @property
    def nodes(self) -> list[Row]:
        return [r for r in self.rows if not r.is_activity]

    def children(self, node_id: int | None) -> list[Row]:
        """The rows of the nodes right below ``node_id`` (None: the top nodes)."""
        return [
            r
            for r in self.rows
            if r.node is not None and not r.is_activity and r.node.parent_id == node_id
        ]

    def row_of(self, node_id: int) -> Row | None:
        return next(
            (r for r in self.rows if r.node and r.node.pk == node_id and not r.is_activity), None
        )


def physical_financial(
    *,
    program: AnnualProgram,
    month: int,
    node: ProgramNode | None = None,
    figures: ProgramFigures | None = None,
    budget: BudgetFigures | None = None,
) -> PhysicalFinancial:
    """Physical beside financial progress of every node of ``program`` at ``month`` (or
    of ``node``'s subtree: then ``total`` is ``node``'s own line).

    ``figures`` (the activities' figures at ``month``, of the whole program or of the
    subtree of ``node``) and ``budget`` may be given when the caller already read them;
    each one not given costs its reads (``program_figures``: eight queries;
    ``budget_figures``: one, reusing the nodes of ``figures``). Nodes with neither
    activities nor budget lines are left out."""
    if figures is None:
        figures = program_figures(program=program, month=month, node=node)
    if figures.month != month:
        raise ValueError("figures must be read at the same month")
    if budget is None:
        budget = budget_figures(program, nodes=figures.nodes)
    builder = _Builder(program, month, figures, budget)
    if node is not None:
        rows = builder.walk(node)
        total = rows[0] if rows else builder.node_row(node)
    else:
        rows = [line for root in builder.children.get(None, []) for line in builder.walk(root)]
        total = Row(
            key="",
            name=program.name,
            level="Programa",
            depth=0,
            node=None,
            physical=builder.total_physical,
            financial=financial_figure(budget.to_month(month), budget.annual()),
        )
    return PhysicalFinancial(
        program=program, month=month, rows=rows, total=total, has_budget=budget.has_budget
    )


class _Builder:
    """The sums of one call of ``physical_financial``, each computed once in one pass."""

    def __init__(
        self,
        program: AnnualProgram,
        month: int,
        figures: ProgramFigures,
        budget: BudgetFigures,
    ) -> None:
        self.program = program
        self.physical: dict[int, Summary] = defaultdict(Summary)
        self.total_physical = Summary()
        self.activities: dict[int, list[ActivityRow]] = defaultdict(list)
        for r in figures.rows:
            self.total_physical.add(r.figure, r.unit)
            for node_id in budget.ancestors(r.activity.node_id):
                self.physical[node_id].add(r.figure, r.unit)
            self.activities[r.activity.node_id].append(r)
        self.to_date = budget.by_node_to_month(month)
        self.annual = budget.by_node_annual()
        self.activity_to_date = budget.by_activity_to_month(month)
        self.activity_annual = budget.by_activity_to_month(12)
        scope = set(self.physical) | set(self.to_date) | set(self.annual)
        self.children: dict[int | None, list[ProgramNode]] = defaultdict(list)
        for n in sorted(figures.nodes.values(), key=lambda n: (n.order, n.key)):
            if n.pk in scope:
                self.children[n.parent_id].append(n)

    def walk(self, node: ProgramNode) -> list[Row]:
        """``node``'s line, its activities with budget lines, then its children's."""
        out = [self.node_row(node), *self.activity_rows(node)]
        for child in self.children.get(node.pk, []):
            out += self.walk(child)
        return out

    def node_row(self, node: ProgramNode) -> Row:
        return Row(
            key=node.key,
            name=node.name,
            level=self.program.level_name(node.depth),
            depth=node.depth,
            node=node,
            physical=self.physical.get(node.pk, Summary()),
            financial=financial_figure(
                self.to_date.get(node.pk, Moments()), self.annual.get(node.pk, Moments())
            ),
        )

    def activity_rows(self, node: ProgramNode) -> list[Row]:
        """The activities of ``node`` that have budget lines of their own."""
        out = []
        for r in self.activities.get(node.pk, []):
            pk = r.activity.pk
            if pk not in self.activity_annual:
                continue
            spent = self.activity_to_date.get(pk, Moments())
            alone = Summary()
            alone.add(r.figure, r.unit)
            out.append(
                Row(
                    key=r.activity.key,
                    name=r.activity.description,
                    level=self.program.activity_level_name,
                    depth=node.depth + 1,
                    node=node,
                    physical=alone,
                    financial=financial_figure(spent, self.activity_annual[pk]),
                    activity_id=pk,
                    unit=r.unit,
                    achieved_to_date=r.figure.achieved_to_date,
                    cost_per_unit=cost_per_unit(spent.devengado, r.figure.achieved_to_date),
                )
            )
        return out


def row_json(row: Row) -> dict[str, Any]:
    """A node's figures as the API gives them (numbers as JSON numbers or null)."""
    return {
        "node": row.key,
        "name": row.name,
        "level": row.level,
        "physical_percent": to_json_number(row.physical_percent),
        "financial_percent": to_json_number(row.financial_percent),
        "financial_year_share": to_json_number(row.financial_year_share),
        "gap": to_json_number(row.gap),
        "gap_light": row.gap_light.value,
        "modificado": to_json_number(row.to_date.modificado),
        "devengado": to_json_number(row.to_date.devengado),
    }

"""Every financial figure of a program year: one definition.

This module is the only place that totals the momentos contables of budget lines or
computes a financial percentage. Every face of the budget — the physical-financial figures
(``rumbo.monitoring.physical_financial``), its report (page, XLSX, PDF), the dashboards,
the API, the open-data budget dataset and the transparency format of fr. XXI — reads it.

Definitions (``docs/budget.md`` states them in Spanish with a worked example):

- A line's momento in month M is the amount *recorded in M*; a momento **to month M** is
  the sum of months 1..M; **annual** is the sum of months 1..12; a **quarter** Q is the sum
  of its three months.
- A node's figures include its own lines, its descendants' lines and the lines of its
  activities (a line of an activity belongs to the activity's node too).
- The **key** of a line is node × activity (or none) × partida × fuente, as the import
  file names it; ``by_key_month`` gives each key's momentos month by month, and
  ``movement_totals`` what the approved adecuaciones added to each key × month's
  modificado (the ledger ``BudgetMovement``).
- **Avance financiero** at M: devengado to M ÷ modificado to M (the budget's own calendar:
  what was planned to be spent by then) × 100; and **share of the year**: devengado to M ÷
  annual modificado × 100. Both ``None`` when the divisor is not positive. Rounded once by
  ``rumbo.core.semaforo.round_percent``; amounts are never rounded (Decimal pesos).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import TypeVar

from django.db.models import Sum

from rumbo.core.semaforo import round_percent
from rumbo.programs.models import AnnualProgram, ProgramNode

from .models import MOMENTS, BudgetLine, BudgetMovement

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass
class Moments:
    """The six momentos contables del egreso, in pesos."""

    aprobado: Decimal = ZERO
    modificado: Decimal = ZERO
    comprometido: Decimal = ZERO
    devengado: Decimal = ZERO
    ejercido: Decimal = ZERO
    pagado: Decimal = ZERO

    def add(self, other: Moments | Mapping[str, Decimal]) -> None:
        # Spelled out, not looped over MOMENTS: the dashboard adds ~10,000 lines per view.
        if isinstance(other, Moments):
            self.aprobado += other.aprobado
            self.modificado += other.modificado
            self.comprometido += other.comprometido
            self.devengado += other.devengado
            self.ejercido += other.ejercido
            self.pagado += other.pagado
            return
        get = other.get
        self.aprobado += get("aprobado") or ZERO
        self.modificado += get("modificado") or ZERO
        self.comprometido += get("comprometido") or ZERO
        self.devengado += get("devengado") or ZERO
        self.ejercido += get("ejercido") or ZERO
        self.pagado += get("pagado") or ZERO

    def as_dict(self) -> dict[str, Decimal]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def empty(self) -> bool:
        return not any(getattr(self, m) for m in MOMENTS)


def total_of(amounts: Iterable[Mapping[str, Decimal]]) -> Moments:
    """The momentos of several lines added up (each a mapping momento → pesos; a momento
    missing is 0): the one sum of amounts, for stored lines and for lines a file would
    store (the budget upload's totals before and after)."""
    out = Moments()
    for one in amounts:
        out.add(one)
    return out


def financial_percent(accrued: Decimal, modified: Decimal) -> Decimal | None:
    """Devengado ÷ modificado × 100, rounded once; None when modificado is not positive."""
    if modified <= 0:
        return None
    return round_percent(accrued / modified * HUNDRED)


@dataclass(frozen=True)
class LineRow:
    """One budget line as read for figures (no model instance)."""

    node_id: int
    activity_id: int | None
    item: str  # partida específica «21101»
    generic: str  # «211»
    concept: str  # «2100»
    chapter: str  # «2000»
    source: str  # fuente «11»
    month: int
    amounts: dict[str, Decimal]
    activity_key: str = ""  # «010101» for a line of an activity, else ""
    item_name: str = ""  # the partida específica's name


# node id, activity id (or None), partida «21101», fuente «11»
LineKey = tuple[int, int | None, str, str]
# node id, activity id (or None), partida id, fuente id, month
MovementKey = tuple[int, int | None, int, int, int]
K = TypeVar("K", bound=Hashable)

QUARTER_MONTHS = {1: (1, 2, 3), 2: (4, 5, 6), 3: (7, 8, 9), 4: (10, 11, 12)}


@dataclass
class BudgetFigures:
    """The budget lines of one program year, read once; every total is computed from them
    without another query."""

    program: AnnualProgram
    nodes: dict[int, ProgramNode]
    rows: list[LineRow]
    _ancestors: dict[int, list[int]] = field(default_factory=dict, repr=False)

    @property
    def has_budget(self) -> bool:
        return bool(self.rows)

    def ancestors(self, node_id: int) -> list[int]:
        """``node_id`` and every node above it."""
        chain = self._ancestors.get(node_id)
        if chain is None:
            chain, node = [], self.nodes.get(node_id)
            while node is not None:
                chain.append(node.pk)
                node = self.nodes.get(node.parent_id) if node.parent_id else None
            self._ancestors[node_id] = chain
        return chain

    def select(
        self,
        *,
        node_id: int | None = None,
        chapter: str | None = None,
        months: Iterable[int] | None = None,
        activity_id: int | None = None,
    ) -> list[LineRow]:
        """The lines of a node's subtree (or all), of one chapter, of some months."""
        wanted = set(months) if months is not None else None
        out = []
        for r in self.rows:
            if wanted is not None and r.month not in wanted:
                continue
            if chapter is not None and r.chapter != chapter:
                continue
            if activity_id is not None and r.activity_id != activity_id:
                continue
            if node_id is not None and node_id not in self.ancestors(r.node_id):
                continue
            out.append(r)
        return out

    def total(self, rows: Iterable[LineRow]) -> Moments:
        return total_of(r.amounts for r in rows)

    def to_month(self, month: int, **where: object) -> Moments:
        """Momentos to month ``month`` (1..M) of the lines ``where`` selects."""
        return self.total(self.select(months=range(1, month + 1), **where))  # type: ignore[arg-type]

    def annual(self, **where: object) -> Moments:
        return self.total(self.select(**where))  # type: ignore[arg-type]

    def quarter(self, quarter: int, **where: object) -> Moments:
        return self.total(self.select(months=QUARTER_MONTHS[quarter], **where))  # type: ignore[arg-type]

    def by_node_to_month(self, month: int) -> dict[int, Moments]:
        """Every node's momentos to ``month`` (its subtree's lines), in one pass."""
        return self.by_node(r for r in self.rows if r.month <= month)

    def by_node_annual(self) -> dict[int, Moments]:
        return self.by_node_to_month(12)

    def by_activity_to_month(self, month: int) -> dict[int, Moments]:
        out: dict[int, Moments] = defaultdict(Moments)
        for r in self.rows:
            if r.activity_id is not None and r.month <= month:
                out[r.activity_id].add(r.amounts)
        return dict(out)

    def by_key_month(self) -> dict[LineKey, dict[int, Moments]]:
        """Each key's momentos month by month (only the months it has a line in)."""
        out: dict[LineKey, dict[int, Moments]] = defaultdict(dict)
        for r in self.rows:
            months = out[(r.node_id, r.activity_id, r.item, r.source)]
            months.setdefault(r.month, Moments()).add(r.amounts)
        return dict(out)

    def financial(self, month: int, node_id: int | None = None) -> FinancialFigure:
        """The avance financiero of a node (or the program) at ``month``."""
        return financial_figure(self.to_month(month, node_id=node_id), self.annual(node_id=node_id))

    def grouped(self, rows: Iterable[LineRow], key: Callable[[LineRow], K]) -> dict[K, Moments]:
        """The momentos of ``rows`` summed per ``key(row)``, in the keys' sorted order (by
        capítulo, by concepto, by node × partida × fuente × month…)."""
        out: dict[K, Moments] = defaultdict(Moments)
        for r in rows:
            out[key(r)].add(r.amounts)
        return {k: out[k] for k in sorted(out)}  # type: ignore[type-var]  # keys are sortable

    def by_node(self, rows: Iterable[LineRow]) -> dict[int, Moments]:
        """Every node's momentos over ``rows``: a node adds its subtree's lines (the lines of
        its activities included), like ``by_node_to_month`` over any selection."""
        own: dict[int, Moments] = defaultdict(Moments)
        for r in rows:  # each line once, to its own node…
            own[r.node_id].add(r.amounts)
        out: dict[int, Moments] = defaultdict(Moments)
        for node_id, amounts in own.items():  # …then each node's sum up its branch
            for above in self.ancestors(node_id):
                out[above].add(amounts)
        return dict(out)


@dataclass(frozen=True)
class FinancialFigure:
    to_date: Moments
    annual: Moments

    @property
    def percent(self) -> Decimal | None:
        """Devengado to date ÷ modificado to date (against the budget's calendar)."""
        return financial_percent(self.to_date.devengado, self.to_date.modificado)

    @property
    def year_share(self) -> Decimal | None:
        """Devengado to date ÷ annual modificado."""
        return financial_percent(self.to_date.devengado, self.annual.modificado)


def financial_figure(to_date: Moments, annual: Moments) -> FinancialFigure:
    return FinancialFigure(to_date, annual)


def budget_figures(
    program: AnnualProgram, *, nodes: dict[int, ProgramNode] | None = None
) -> BudgetFigures:
    """Read a program year's budget lines and nodes: two queries (one when the caller
    gives the program's ``nodes``, id → node, already read)."""
    if nodes is None:
        nodes = {n.pk: n for n in ProgramNode.objects.filter(program=program).order_by()}
    values = (
        BudgetLine.objects.filter(program=program)
        .order_by()
        .values_list(
            "node_id",
            "activity_id",
            "item__key",
            "item__generic__key",
            "item__generic__concept__key",
            "item__generic__concept__chapter__key",
            "source__key",
            "month",
            *MOMENTS,
            "activity__key",
            "item__name",
        )
    )
    rows = [
        LineRow(
            node_id=v[0],
            activity_id=v[1],
            item=v[2],
            generic=v[3],
            concept=v[4],
            chapter=v[5],
            source=v[6],
            month=v[7],
            amounts={
                m: (Decimal(a) if a is not None else ZERO)
                for m, a in zip(MOMENTS, v[8:14], strict=True)
            },
            activity_key=v[14] or "",
            item_name=v[15] or "",
        )
        for v in values
    ]
    return BudgetFigures(program, nodes, rows)


def cumulative(months: Mapping[int, Decimal]) -> list[Decimal]:
    """Amounts by month (missing months are 0) → the amount to each month 1..12 (index 0 =
    enero)."""
    out, running = [], ZERO
    for month in range(1, 13):
        running += months.get(month, ZERO)
        out.append(running)
    return out


def movement_totals(program: AnnualProgram) -> dict[MovementKey, Decimal]:
    """What the approved adecuaciones added to (or took from) modificado, by key × month:
    the sum of the ledger's movements (one query); key × months without any are absent."""
    rows = (
        BudgetMovement.objects.filter(program=program)
        .order_by()
        .values_list("node_id", "activity_id", "item_id", "source_id", "month")
        .annotate(total=Sum("amount"))
    )
    return {
        (node, activity, item, source, month): Decimal(total)
        for node, activity, item, source, month, total in rows
    }

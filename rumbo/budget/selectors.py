"""Reads of a program year's budget for its faces: the API's lines and the staff page's
table (by subprograma → proyecto and by capítulo); the institution's partidas and fuentes
with their use (the catalogue's pages).

Every amount comes from ``rumbo.budget.figures`` (the one definition): this module only
chooses which lines (the filters a person or a client gives: node, capítulo, month) and
which groups to show. Bad filters raise ``ValidationError`` with one Spanish message per
field, for the page and the API alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet

from rumbo.core.text import whole_number
from rumbo.institutions.models import Institution
from rumbo.programs.models import AnnualProgram, ProgramNode

from .closing import last_closed_month
from .figures import BudgetFigures, FinancialFigure, LineRow, Moments, budget_figures
from .models import Chapter, Concept, FundingSource, SpecificItem


def chapter_names() -> dict[str, str]:
    """CONAC's capítulos, key → name (one query)."""
    return dict(Chapter.objects.order_by("key").values_list("key", "name"))


def concept_names() -> dict[str, str]:
    """CONAC's conceptos, key → name (one query)."""
    return dict(Concept.objects.order_by("key").values_list("key", "name"))


@dataclass(frozen=True)
class BudgetScope:
    """The lines asked for: a node's subtree (or all), one capítulo (or all), one month
    (the API) or January to a month (the page)."""

    node: ProgramNode | None = None
    chapter: str | None = None
    month: int | None = None


def budget_scope(
    *,
    figures: BudgetFigures,
    chapters: dict[str, str],
    node: str | None = None,
    chapter: str | None = None,
    month: int | str | None = None,
) -> BudgetScope:
    """The filters checked against the program: an unknown node key, capítulo or month is a
    ``ValidationError`` naming the field (``node``, ``chapter``, ``month``)."""
    errors: dict[str, str] = {}
    found: ProgramNode | None = None
    node = (node or "").strip()
    if node:
        found = next((n for n in figures.nodes.values() if n.key == node), None)
        if found is None:
            errors["node"] = (
                f"No existe el nivel con clave «{node}» en el programa {figures.program.year}: "
                "se esperaba la clave de un subprograma o proyecto (por ejemplo «01» o «0101»)."
            )
    chapter = (chapter or "").strip()
    if chapter and chapter not in chapters:
        errors["chapter"] = (
            f"No existe el capítulo del gasto «{chapter}»: se esperaba uno del clasificador "
            f"por objeto del gasto ({', '.join(chapters) or '1000 a 9000'})."
        )
    number: int | None = None
    if month not in (None, ""):
        text = str(month).strip()
        given = whole_number(text)
        if given is not None and 1 <= given <= 12:
            number = given
        else:
            errors["month"] = f"Mes «{text}» no válido: se esperaba un número del 1 al 12."
    if errors:
        raise ValidationError(errors)
    return BudgetScope(node=found, chapter=chapter or None, month=number)


# --- the API's lines ------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetItem:
    node: str
    activity: str | None
    chapter: str
    partida: str
    partida_name: str
    fuente: str
    month: int
    moments: Moments


@dataclass(frozen=True)
class BudgetLines:
    items: list[BudgetItem]
    totals: Moments


def budget_lines(*, figures: BudgetFigures, scope: BudgetScope) -> BudgetLines:
    """The lines of the scope (``month``: only that month's), one item per node ×
    activity × partida × fuente × month in that order, and their totals."""
    rows = figures.select(
        node_id=scope.node.pk if scope.node else None,
        chapter=scope.chapter,
        months=[scope.month] if scope.month else None,
    )
    about: dict[str, LineRow] = {r.item: r for r in rows}
    nodes = figures.nodes
    grouped = figures.grouped(
        rows, lambda r: (nodes[r.node_id].key, r.activity_key, r.item, r.source, r.month)
    )
    items = [
        BudgetItem(
            node=node,
            activity=activity or None,
            chapter=about[item].chapter,
            partida=item,
            partida_name=about[item].item_name,
            fuente=source,
            month=month,
            moments=moments,
        )
        for (node, activity, item, source, month), moments in grouped.items()
    ]
    return BudgetLines(items=items, totals=figures.total(rows))


# --- the staff page's table -----------------------------------------------------------------


@dataclass(frozen=True)
class BudgetRow:
    """One row of the page: a node or a capítulo, momentos to the month, the year's
    modificado and the avance financiero (``FinancialFigure``)."""

    key: str
    name: str
    depth: int
    node: ProgramNode | None
    figure: FinancialFigure

    @property
    def to_date(self) -> Moments:
        return self.figure.to_date


@dataclass(frozen=True)
class BudgetTable:
    program: AnnualProgram
    month: int
    default_month: int
    closed_month: int | None
    scope: BudgetScope
    chapter_name: str
    nodes: list[BudgetRow]
    chapters: list[BudgetRow]
    total: BudgetRow
    has_budget: bool
    chapter_choices: dict[str, str]  # every capítulo, key → name
    node_choices: list[ProgramNode]  # every node, in tree order


def default_month(program: AnnualProgram) -> tuple[int, int | None]:
    """(the month the page shows by default, the last closed month): the last closed one,
    else December (no month closed yet: the year as calendarised)."""
    closed = last_closed_month(program)
    return (closed or 12), closed


def _children(figures: BudgetFigures) -> dict[int | None, list[ProgramNode]]:
    children: dict[int | None, list[ProgramNode]] = {}
    for n in figures.nodes.values():
        children.setdefault(n.parent_id, []).append(n)
    for siblings in children.values():
        siblings.sort(key=lambda n: (n.order, n.key, n.pk))
    return children


def _tree_order(children: dict[int | None, list[ProgramNode]]) -> list[ProgramNode]:
    out: list[ProgramNode] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(children.get(node.pk, [])))
    return out


def _shown_nodes(figures: BudgetFigures, top: ProgramNode | None) -> list[ProgramNode]:
    """The node and its children (or the roots and their children), in tree order."""
    children = _children(figures)
    firsts = [top] if top is not None else children.get(None, [])
    out: list[ProgramNode] = []
    for first in firsts:
        out.append(first)
        out.extend(children.get(first.pk, []))
    return out


def budget_table(
    *,
    program: AnnualProgram,
    node: str | None = None,
    chapter: str | None = None,
    month: int | str | None = None,
) -> BudgetTable:
    """The page's table: momentos to the month (default: the last closed one) of the
    scope, by node (subprograma → proyecto) and by capítulo, with the total. Four
    queries: the last closed month, the capítulos, the nodes, the lines."""
    figures = budget_figures(program)
    chapters = chapter_names()
    scope = budget_scope(
        figures=figures, chapters=chapters, node=node, chapter=chapter, month=month
    )
    default, closed = default_month(program)
    shown = scope.month or default
    where: dict[str, Any] = {
        "node_id": scope.node.pk if scope.node else None,
        "chapter": scope.chapter,
    }
    to_date = figures.select(months=range(1, shown + 1), **where)
    year = figures.select(**where)
    node_to_date, node_year = figures.by_node(to_date), figures.by_node(year)
    chapter_to_date = figures.grouped(to_date, lambda r: r.chapter)
    chapter_year = figures.grouped(year, lambda r: r.chapter)

    def row(
        key: str,
        name: str,
        depth: int,
        now: Moments,
        annual: Moments,
        node: ProgramNode | None = None,
    ) -> BudgetRow:
        return BudgetRow(key, name, depth, node, FinancialFigure(now, annual))

    top_depth = scope.node.depth if scope.node else 0
    nodes = [
        row(
            n.key,
            n.name,
            n.depth - top_depth,
            node_to_date.get(n.pk, Moments()),
            node_year.get(n.pk, Moments()),
            n,
        )
        for n in _shown_nodes(figures, scope.node)
    ]
    chapter_rows = [
        row(key, chapters.get(key, ""), 0, chapter_to_date.get(key, Moments()), annual)
        for key, annual in chapter_year.items()
    ]
    total = row("", "Total", 0, figures.total(to_date), figures.total(year))
    return BudgetTable(
        program=program,
        month=shown,
        default_month=default,
        closed_month=closed,
        scope=scope,
        chapter_name=chapters.get(scope.chapter or "", ""),
        nodes=nodes,
        chapters=chapter_rows,
        total=total,
        has_budget=figures.has_budget,
        chapter_choices=chapters,
        node_choices=_tree_order(_children(figures)),
    )


# --- the partidas and fuentes pages -------------------------------------------------------


def specific_items_for(*, institution: Institution) -> QuerySet[SpecificItem]:
    """The institution's partidas específicas, «sin revisar» first, then by key, with their
    genérica, concepto and capítulo (CONAC) and ``line_count``, the budget lines that use
    each (one query)."""
    return (
        SpecificItem.objects.filter(institution=institution)
        .select_related("generic__concept__chapter")
        .annotate(line_count=Count("lines"))
        .order_by("-unreviewed", "key")
    )


def funding_sources_for(*, institution: Institution) -> QuerySet[FundingSource]:
    """The institution's fuentes by key with ``line_count`` (one query)."""
    return (
        FundingSource.objects.filter(institution=institution)
        .annotate(line_count=Count("lines"))
        .order_by("key")
    )

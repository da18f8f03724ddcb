"""Layout of the problem and objective trees as SVG: boxes, connectors and wrapped text.

The layout is computed here, in Python, and drawn by a template (``_design_tree.html``):
no JavaScript library. The central box sits in the middle row; effects grow upward
above it and causes downward below it, one row per depth. Within each half the boxes
get a tidy layout: each leaf takes the next column, a box with children is centred
over them, so boxes of one row never overlap. Every node is drawn, even one whose
parent is missing (it becomes a first-level box of its half).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

BOX_WIDTH = 200
H_GAP = 24
V_GAP = 44
LINE_HEIGHT = 16
PADDING = 10
CHARS_PER_LINE = 26
MARGIN = 12

CORE, CAUSE, EFFECT = "central", "causa", "efecto"


class TreeItem(Protocol):
    """What the layout reads of a ``TreeNode``."""

    @property
    def pk(self) -> Any: ...
    @property
    def parent_id(self) -> int | None: ...
    @property
    def role(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def order(self) -> int: ...


def wrap_text(text: str, width: int = CHARS_PER_LINE) -> list[str]:
    """The lines of a box: words wrapped at ``width`` characters, long words broken."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(
            textwrap.wrap(paragraph, width=width, break_long_words=True, break_on_hyphens=True)
        )
    return lines or [""]


@dataclass
class Box:
    id: int
    role: str
    text: str
    lines: list[str]
    depth: int  # 0 the core; 1, 2… away from it (up for effects, down for causes)
    parent_id: int | None
    x: float = 0
    y: float = 0
    width: float = BOX_WIDTH
    height: float = 0

    @property
    def center_x(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def text_lines(self) -> list[tuple[float, str]]:
        """(baseline y, text) of each line, for ``<text>`` in the SVG."""
        first = self.y + PADDING + LINE_HEIGHT * 0.8
        return [(first + i * LINE_HEIGHT, line) for i, line in enumerate(self.lines)]


@dataclass(frozen=True)
class Connector:
    """A line from a box toward the core's side; the arrow points away from the causes."""

    parent_id: int
    child_id: int
    path: str  # SVG path data


@dataclass
class OutlineNode:
    """The same tree as nested lists (screen readers, print)."""

    box: Box
    children: list[OutlineNode] = field(default_factory=list)


@dataclass
class TreeLayout:
    boxes: list[Box]
    connectors: list[Connector]
    width: float
    height: float
    core: Box | None
    effects: list[OutlineNode]
    causes: list[OutlineNode]

    @property
    def is_empty(self) -> bool:
        return not self.boxes


def _sorted(items: Iterable[TreeItem]) -> list[TreeItem]:
    return sorted(items, key=lambda n: (n.order, n.pk or 0))


def _half(
    role: str,
    nodes: Sequence[TreeItem],
    by_id: dict[int, TreeItem],
    children: dict[int, list[TreeItem]],
    placed: set[int],
) -> list[OutlineNode]:
    """The outline of the effects or causes: first-level nodes, then their same-role children."""

    def first_level(node: TreeItem) -> bool:
        parent = by_id.get(node.parent_id) if node.parent_id is not None else None
        return parent is None or parent.role != role

    def grow(node: TreeItem, depth: int) -> OutlineNode:
        pk = node.pk or 0  # saved nodes always have one
        placed.add(pk)
        box = Box(
            id=pk,
            role=role,
            text=node.text,
            lines=wrap_text(node.text),
            depth=depth,
            parent_id=node.parent_id,
        )
        kids = [
            grow(child, depth + 1)
            for child in children.get(pk, [])
            if child.role == role and child.pk not in placed
        ]
        return OutlineNode(box=box, children=kids)

    roots = [grow(n, 1) for n in _sorted(nodes) if n.role == role and first_level(n)]
    # Whatever a cycle kept out (bad data): drawn as first-level boxes, never dropped.
    for node in _sorted(nodes):
        if node.role == role and node.pk not in placed:
            roots.append(grow(node, 1))
    return roots


def _assign_columns(roots: list[OutlineNode]) -> tuple[dict[int, float], int]:
    """Column (0-based, may be fractional) of each box of a half, and how many columns it uses."""
    columns: dict[int, float] = {}
    next_leaf = 0

    def visit(node: OutlineNode) -> float:
        nonlocal next_leaf
        if not node.children:
            columns[node.box.id] = next_leaf
            next_leaf += 1
        else:
            spots = [visit(child) for child in node.children]
            columns[node.box.id] = (spots[0] + spots[-1]) / 2
        return columns[node.box.id]

    for root in roots:
        visit(root)
    return columns, next_leaf


def _walk(roots: list[OutlineNode]) -> Iterable[OutlineNode]:
    for root in roots:
        yield root
        yield from _walk(root.children)


def _column_x(column: float) -> float:
    return MARGIN + column * (BOX_WIDTH + H_GAP)


def layout_tree(nodes: Sequence[TreeItem]) -> TreeLayout:
    """Positions of every box and connector of one tree (problem or objective)."""
    by_id = {n.pk: n for n in nodes if n.pk is not None}
    children: dict[int, list[TreeItem]] = {}
    for node in _sorted(nodes):
        if node.parent_id is not None:
            children.setdefault(node.parent_id, []).append(node)
    cores = [n for n in _sorted(nodes) if n.role == CORE]
    placed: set[int] = {n.pk for n in cores if n.pk is not None}
    core_node = cores[0] if cores else None
    effects = _half(EFFECT, nodes, by_id, children, placed)
    causes = _half(CAUSE, nodes, by_id, children, placed)
    # A second core cannot exist (a constraint forbids it) — if it did, it is a cause.
    extra_cores = [
        OutlineNode(
            Box(
                id=n.pk,
                role=CORE,
                text=n.text,
                lines=wrap_text(n.text),
                depth=1,
                parent_id=None,
            )
        )
        for n in cores[1:]
        if n.pk is not None
    ]
    causes.extend(extra_cores)

    effect_cols, effect_span = _assign_columns(effects)
    cause_cols, cause_span = _assign_columns(causes)
    span = max(effect_span, cause_span, 1)

    core_box: Box | None = None
    if core_node is not None and core_node.pk is not None:
        core_box = Box(
            id=core_node.pk,
            role=CORE,
            text=core_node.text,
            lines=wrap_text(core_node.text),
            depth=0,
            parent_id=None,
        )
        core_box.x = _column_x((span - 1) / 2)

    for half, cols, half_span in (
        (effects, effect_cols, effect_span),
        (causes, cause_cols, cause_span),
    ):
        offset = (span - half_span) / 2
        for item in _walk(half):
            item.box.x = _column_x(cols[item.box.id] + offset)

    effect_boxes = [n.box for n in _walk(effects)]
    cause_boxes = [n.box for n in _walk(causes)]
    # Rows, top to bottom: deepest effects … first effects, the core, first causes … deepest.
    effect_depth = max((b.depth for b in effect_boxes), default=0)
    cause_depth = max((b.depth for b in cause_boxes), default=0)
    rows: list[list[Box]] = [
        [b for b in effect_boxes if b.depth == d] for d in range(effect_depth, 0, -1)
    ]
    rows.append([core_box] if core_box is not None else [])
    rows.extend([b for b in cause_boxes if b.depth == d] for d in range(1, cause_depth + 1))

    y = float(MARGIN)
    for row in rows:
        if not row:
            continue
        height = max(len(b.lines) for b in row) * LINE_HEIGHT + 2 * PADDING
        for box in row:
            box.y, box.height = y, height
        y += height + V_GAP
    height_total = y - V_GAP + MARGIN if any(rows) else 0

    boxes = [*effect_boxes, *([core_box] if core_box else []), *cause_boxes]
    drawn = {b.id: b for b in boxes}
    connectors: list[Connector] = []
    for box in [*effect_boxes, *cause_boxes]:
        parent = drawn.get(box.parent_id) if box.parent_id is not None else None
        if parent is None or parent.role not in (CORE, box.role):
            continue
        if box.role == CAUSE:  # from the cause's top up to its parent's bottom
            lower, upper = box, parent
        else:  # from the parent's top up to the effect's bottom
            lower, upper = parent, box
        mid = (upper.bottom + lower.y) / 2
        path = f"M {lower.center_x:g} {lower.y:g} V {mid:g} H {upper.center_x:g} V {upper.bottom:g}"
        connectors.append(Connector(parent_id=parent.id, child_id=box.id, path=path))

    width_total = 2 * MARGIN + span * BOX_WIDTH + (span - 1) * H_GAP if boxes else 0
    return TreeLayout(
        boxes=boxes,
        connectors=connectors,
        width=width_total,
        height=height_total,
        core=core_box,
        effects=effects,
        causes=causes,
    )

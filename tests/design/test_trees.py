"""SVG layout of the problem and objective trees: every node drawn, no overlaps, text wrapped."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from rumbo.design.trees import BOX_WIDTH, CHARS_PER_LINE, Box, layout_tree, wrap_text


@dataclass
class Node:
    pk: int
    parent_id: int | None
    role: str
    text: str
    order: int = 0


def overlap(a: Box, b: Box) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def assert_no_overlap(boxes: list[Box]) -> None:
    for a, b in itertools.combinations(boxes, 2):
        assert not overlap(a, b), (a.id, b.id)


def bushy_tree() -> list[Node]:
    """A core, 3 effects (one with 2 sub-effects), 4 causes with uneven sub-causes."""
    nodes = [Node(1, None, "central", "Problema central")]
    pk = 2
    for e in range(3):
        nodes.append(Node(pk, 1, "efecto", f"Efecto {e}", e))
        parent = pk
        pk += 1
        if e == 0:
            for s in range(2):
                nodes.append(Node(pk, parent, "efecto", f"Efecto {e}.{s}", s))
                pk += 1
    for c in range(4):
        nodes.append(Node(pk, 1, "causa", f"Causa {c}", c))
        parent = pk
        pk += 1
        for s in range(c):
            nodes.append(Node(pk, parent, "causa", f"Causa {c}.{s}", s))
            sub = pk
            pk += 1
            if s == 1:
                nodes.append(Node(pk, sub, "causa", f"Causa {c}.{s}.0", 0))
                pk += 1
    return nodes


def test_every_node_is_drawn_once_and_no_boxes_overlap():
    nodes = bushy_tree()
    layout = layout_tree(nodes)
    assert sorted(b.id for b in layout.boxes) == sorted(n.pk for n in nodes)
    assert_no_overlap(layout.boxes)
    for box in layout.boxes:
        assert box.x >= 0 and box.right <= layout.width
        assert box.y >= 0 and box.bottom <= layout.height


def test_effects_above_the_core_and_causes_below_deeper_further_away():
    layout = layout_tree(bushy_tree())
    core = layout.core
    assert core is not None
    for box in layout.boxes:
        if box.role == "efecto":
            assert box.bottom < core.y
        elif box.role == "causa":
            assert box.y > core.bottom
    by_id = {b.id: b for b in layout.boxes}
    for box in layout.boxes:
        parent = by_id.get(box.parent_id) if box.parent_id else None
        if parent is None:
            continue
        if box.role == "causa":
            assert box.y > parent.bottom
        else:
            assert box.bottom < parent.y


def test_one_connector_per_child_joining_the_two_boxes():
    nodes = bushy_tree()
    layout = layout_tree(nodes)
    assert len(layout.connectors) == len(nodes) - 1
    by_id = {b.id: b for b in layout.boxes}
    for link in layout.connectors:
        child, parent = by_id[link.child_id], by_id[link.parent_id]
        parts = link.path.split()
        start = (float(parts[1]), float(parts[2]))
        end_y = float(parts[-1])
        lower, upper = (child, parent) if child.role == "causa" else (parent, child)
        assert start == (lower.center_x, lower.y)  # leaves the lower box at its top
        assert end_y == upper.bottom  # and reaches the upper box at its bottom


def test_a_parent_is_centred_over_its_children():
    layout = layout_tree(bushy_tree())
    by_id = {b.id: b for b in layout.boxes}
    for outline in layout.causes:
        if outline.children:
            first, last = outline.children[0].box, outline.children[-1].box
            assert outline.box.center_x == pytest.approx((first.center_x + last.center_x) / 2)
    assert by_id[1].center_x == pytest.approx(layout.width / 2)


def test_long_text_is_wrapped_into_lines_that_fit_and_the_box_grows():
    long = "Insuficiente " * 30 + "palabra" * 10
    layout = layout_tree([Node(1, None, "central", "Corto"), Node(2, 1, "causa", long)])
    cause = next(b for b in layout.boxes if b.id == 2)
    assert len(cause.lines) > 5
    assert all(len(line) <= CHARS_PER_LINE for line in cause.lines)
    assert " ".join(cause.lines).replace(" ", "") == long.replace(" ", "")
    assert cause.height > layout.core.height  # type: ignore[union-attr]
    assert cause.width == BOX_WIDTH
    baselines = [y for y, _ in cause.text_lines]
    assert baselines[-1] < cause.bottom
    assert_no_overlap(layout.boxes)


def test_wrap_text_breaks_long_words_and_keeps_line_breaks():
    assert wrap_text("a" * 60) == ["a" * 26, "a" * 26, "a" * 8]
    assert wrap_text("uno\ndos") == ["uno", "dos"]
    assert wrap_text("") == [""]


def test_orphans_and_cycles_are_still_drawn():
    nodes = [
        Node(1, None, "central", "Centro"),
        Node(2, 99, "causa", "Sin padre guardado"),
        Node(3, 4, "efecto", "Ciclo A"),
        Node(4, 3, "efecto", "Ciclo B"),
    ]
    layout = layout_tree(nodes)
    assert sorted(b.id for b in layout.boxes) == [1, 2, 3, 4]
    assert_no_overlap(layout.boxes)


def test_a_tree_without_core_and_an_empty_tree():
    layout = layout_tree([Node(5, 1, "causa", "Causa suelta")])
    assert layout.core is None and [b.id for b in layout.boxes] == [5]
    empty = layout_tree([])
    assert empty.is_empty and empty.width == 0 and empty.height == 0


def test_many_wide_leaves_widen_the_drawing_not_overlap():
    nodes = [Node(1, None, "central", "Centro")]
    nodes += [Node(i, 1, "causa", f"Causa número {i} con texto", i) for i in range(2, 32)]
    layout = layout_tree(nodes)
    assert layout.width >= 30 * BOX_WIDTH
    assert_no_overlap(layout.boxes)

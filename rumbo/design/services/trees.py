"""The boxes of the problem and objective trees.

Rules: one central box per tree, with no parent; a cause hangs from the central box or
from another cause of the same tree, an effect from the central box or another effect;
a box never hangs from itself or from a box below it. A box with others hanging from it
cannot be deleted, nor change its type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from rumbo.audit.services import Actor

from ..models import ProgramDesign, TreeKind, TreeNode, TreeRole
from .common import (
    choice,
    create_item,
    delete_item,
    lock_item,
    merged,
    order,
    paragraph,
    raise_if,
    update_item,
)

TREE_FIELDS = ("tree", "role", "parent", "text", "order")
ROLE_NAMES = {
    TreeRole.CORE: "el problema central",
    TreeRole.CAUSE: "una causa",
    TreeRole.EFFECT: "un efecto",
}


def _ancestors(parent: TreeNode) -> set[int]:
    """Ids of ``parent`` and every box above it (one query: the whole tree)."""
    up = dict(
        TreeNode.objects.filter(design_id=parent.design_id, tree=parent.tree).values_list(
            "pk", "parent_id"
        )
    )
    seen: set[int] = set()
    current: int | None = parent.pk
    while current is not None and current not in seen:
        seen.add(current)
        current = up.get(current)
    return seen


def _clean_tree_node(
    design: ProgramDesign, values: Mapping[str, Any], node: TreeNode | None
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    tree = choice(
        errors, values, "tree", TreeKind.values, "Escoge el árbol de problemas u objetivos."
    )
    role = choice(errors, values, "role", TreeRole.values, "Escoge central, causa o efecto.")
    text = paragraph(errors, values, "text", required="Escribe el texto del elemento.")
    position = order(errors, values)
    parent = values.get("parent")
    if parent is not None and not isinstance(parent, TreeNode):
        errors["parent"] = "El elemento superior no es válido."
        parent = None
    if node is not None and tree and tree != node.tree:
        errors["tree"] = "Un elemento no puede pasar de un árbol a otro."
    if node is not None and role and role != node.role and node.children.exists():
        count = node.children.count()
        errors["role"] = (
            f"No puede cambiar de tipo: tiene {count} elemento{'s' if count != 1 else ''} debajo."
        )
    if "tree" not in errors and "role" not in errors:
        if role == TreeRole.CORE:
            if parent is not None:
                errors["parent"] = "El problema central no cuelga de otro elemento."
            cores = TreeNode.objects.filter(design=design, tree=tree, role=TreeRole.CORE)
            if node is not None:
                cores = cores.exclude(pk=node.pk)
            if cores.exists():
                errors["role"] = "Este árbol ya tiene su elemento central."
        elif parent is None:
            errors["parent"] = f"Indica de qué elemento cuelga {ROLE_NAMES[TreeRole(role)]}."
        elif parent.design_id != design.pk or parent.tree != tree:
            errors["parent"] = "El elemento superior debe ser del mismo diseño y del mismo árbol."
        elif parent.role not in (TreeRole.CORE, role):
            errors["parent"] = (
                "Una causa cuelga del elemento central o de otra causa."
                if role == TreeRole.CAUSE
                else "Un efecto cuelga del elemento central o de otro efecto."
            )
        elif node is not None and node.pk in _ancestors(parent):
            errors["parent"] = "Un elemento no puede colgar de sí mismo ni de uno que está debajo."
    raise_if(errors)
    return {"tree": tree, "role": role, "parent": parent, "text": text, "order": position}


@transaction.atomic
def tree_node_create(*, actor: Actor, design: ProgramDesign, data: Mapping[str, Any]) -> TreeNode:
    """``data``: tree (problema|objetivo), role (central|causa|efecto), parent, text, order."""
    values = _clean_tree_node(design, merged(None, TREE_FIELDS, data), None)
    if values["order"] is None:
        values["order"] = _next_sibling_order(design, values["tree"], values["parent"])
    return create_item(
        actor=actor,
        design=design,
        model=TreeNode,
        values=values,
        action="tree_node.create",
        fields=TREE_FIELDS,
    )


def _next_sibling_order(design: ProgramDesign, tree: str, parent: TreeNode | None) -> int:
    siblings = TreeNode.objects.filter(design=design, tree=tree, parent=parent)
    last = max(siblings.values_list("order", flat=True), default=0)
    return last + 1


@transaction.atomic
def tree_node_update(
    *, actor: Actor, node: TreeNode, changes: Mapping[str, Any], version: int | None = None
) -> bool:
    lock_item(node)
    values = _clean_tree_node(node.design, merged(node, TREE_FIELDS, changes), node)
    return update_item(
        actor=actor,
        design=node.design,
        obj=node,
        values=values,
        action="tree_node.update",
        fields=TREE_FIELDS,
        version=version,
        sent=changes,
    )


@transaction.atomic
def tree_node_delete(*, actor: Actor, node: TreeNode, reason: str = "") -> None:
    """Refused while other boxes hang from it (they would go with it)."""
    count = node.children.count()
    if count:
        raise ValidationError(
            {
                "__all__": (
                    f"No se puede eliminar: {count} elemento{'s' if count != 1 else ''} "
                    f"cuelga{'n' if count != 1 else ''} de él. Elimínalos o muévelos primero."
                )
            }
        )
    delete_item(
        actor=actor,
        design=node.design,
        obj=node,
        action="tree_node.delete",
        fields=TREE_FIELDS,
        reason=reason,
    )

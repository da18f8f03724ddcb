"""Comparing uploaded rows with the program: added, changed and removed activities.

The program, its catalogues and the plan's lines of action are loaded once (10 queries),
whatever the size of the program or the file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rumbo.core.numbers import format_mx, to_json_number
from rumbo.core.periods import MONTH_NAMES
from rumbo.core.text import clean, normalize
from rumbo.institutions.models import Area
from rumbo.programs.models import Activity, AnnualProgram, ProgramNode, UnitOfMeasure
from rumbo.programs.selectors import ActivityRow, TreeNode, program_tree

from .columns import ANNUAL, AREA, DESCRIPTION, LINES, SHEET_ACTIVITIES, UNIT, Layout
from .read import RowError, UploadRow
from .template import Catalogues, catalogues_load


@dataclass(frozen=True)
class FieldChange:
    field: str  # "description", "months.3", …
    label: str  # Spanish, for the preview: «Descripción», «marzo»
    before: str  # as displayed ("" = empty / unknown)
    after: str


@dataclass
class ActivityEdit:
    """An activity to change: ``updates`` are the keyword arguments of ``activity_update``."""

    row: int
    activity: Activity
    fields: list[FieldChange]
    updates: dict[str, Any]
    version: int = 0  # the activity's version this edit was computed on

    @property
    def key(self) -> str:
        return self.activity.key


@dataclass
class ActivityAdd:
    """A new activity: ``values`` are the keyword arguments of ``activity_create``."""

    row: int
    key: str
    description: str
    node: ProgramNode
    values: dict[str, Any]
    fields: list[FieldChange]


@dataclass
class ActivityRemoval:
    activity: Activity
    row: ActivityRow

    @property
    def key(self) -> str:
        return self.activity.key


@dataclass
class ChangeSet:
    added: list[ActivityAdd] = field(default_factory=list)
    changed: list[ActivityEdit] = field(default_factory=list)
    removed: list[ActivityRemoval] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    @property
    def calendar_changes(self) -> int:
        return sum(1 for e in self.changed if "months" in e.updates)

    def as_data(self) -> dict[str, Any]:
        """A JSON-safe summary of every edit (what the digest covers)."""
        return {
            "added": [
                {"key": a.key, "node": a.node.key, "fields": [_fc(f) for f in a.fields]}
                for a in self.added
            ],
            "changed": [
                {
                    "key": e.key,
                    "id": e.activity.pk,
                    "version": e.version,
                    "fields": [_fc(f) for f in e.fields],
                }
                for e in self.changed
            ],
            "removed": [{"key": r.key, "id": r.activity.pk} for r in self.removed],
        }

    def digest(self) -> str:
        """SHA-256 of the edits: the preview and the confirmation must agree on it."""
        text = json.dumps(self.as_data(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fc(f: FieldChange) -> list[str]:
    return [f.field, f.before, f.after]


def _show(value: Decimal | None) -> str:
    return format_mx(value) if value is not None else ""


def _same_quantity(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return to_json_number(a) == to_json_number(b)


def _walk(node: TreeNode) -> Iterator[TreeNode]:
    yield node
    for child in node.children:
        yield from _walk(child)


@dataclass
class _Context:
    program: AnnualProgram
    layout: Layout
    nodes: dict[str, ProgramNode]
    node_paths: dict[int, list[str]]  # node id → keys from the root
    leaves: set[int]  # nodes without children (where activities hang)
    rows: dict[str, ActivityRow]  # activity key → current row
    units: dict[str, UnitOfMeasure]  # normalized name → unit
    areas: dict[str, Area]  # code (upper) → area
    lines: set[str]


def _context(program: AnnualProgram) -> _Context:
    roots = program_tree(program=program)
    cat: Catalogues = catalogues_load(program)
    nodes: dict[str, ProgramNode] = {}
    paths: dict[int, list[str]] = {}
    leaves: set[int] = set()
    rows: dict[str, ActivityRow] = {}

    def visit(tree: TreeNode, path: list[str]) -> None:
        here = [*path, tree.node.key]
        nodes[tree.node.key] = tree.node
        paths[tree.node.pk] = here
        if not tree.children:
            leaves.add(tree.node.pk)
        for row in tree.activities:
            rows[row.activity.key] = row
        for child in tree.children:
            visit(child, here)

    for root in roots:
        visit(root, [])
    return _Context(
        program=program,
        layout=Layout.for_program(program),
        nodes=nodes,
        node_paths=paths,
        leaves=leaves,
        rows=rows,
        units={normalize(u.name): u for u in cat.units},
        areas={a.code.upper(): a for a in cat.areas},
        lines={line.code for line in cat.lines},
    )


def _error(row: UploadRow, column: str, value: str, expected: str) -> RowError:
    return RowError(
        sheet=SHEET_ACTIVITIES, row=row.row, column=column, value=value, expected=expected
    )


def _resolve(ctx: _Context, row: UploadRow) -> tuple[dict[str, Any], list[RowError]]:
    """The row's references as objects (node, unit, area, lines) or row errors."""
    errors: list[RowError] = []
    layout = ctx.layout
    resolved: dict[str, Any] = {}
    given = [(i, k) for i, k in enumerate(row.node_keys) if k]
    node: ProgramNode | None = None
    if given:
        depth, leaf_key = given[-1]
        header = layout.node_headers[depth]
        level = layout.node_levels[depth]
        node = ctx.nodes.get(leaf_key)
        if node is None:
            errors.append(
                _error(
                    row,
                    header,
                    leaf_key,
                    f"El {level.lower()} {leaf_key} no existe; créalo en la página del programa.",
                )
            )
        elif node.depth != depth:
            errors.append(
                _error(row, header, leaf_key, f"La clave de un {level.lower()} del programa.")
            )
        elif node.pk not in ctx.leaves:
            errors.append(
                _error(
                    row,
                    header,
                    leaf_key,
                    f"Un nivel sin subniveles: las actividades cuelgan del último nivel "
                    f"({layout.node_levels[-1]}).",
                )
            )
        else:
            path = ctx.node_paths[node.pk]
            for i, key in given[:-1]:
                if i < len(path) and path[i] != key:
                    errors.append(
                        _error(
                            row,
                            layout.node_headers[i],
                            key,
                            f"{path[i]}: el {layout.node_levels[depth].lower()} {leaf_key} "
                            f"pertenece a {path[i]}.",
                        )
                    )
    resolved["node"] = node
    unit = None
    if row.unit_name:
        unit = ctx.units.get(normalize(row.unit_name))
        if unit is None:
            errors.append(
                _error(
                    row,
                    UNIT,
                    row.unit_name,
                    "Una unidad del catálogo (hoja «Catálogos»); Planeación da de alta las "
                    "unidades nuevas.",
                )
            )
    resolved["unit"] = unit
    area = None
    if row.area_code:
        area = ctx.areas.get(row.area_code.upper())
        if area is None:
            errors.append(
                _error(row, AREA, row.area_code, "Las siglas de un área de la hoja «Catálogos».")
            )
    resolved["area"] = area
    unknown = [c for c in row.lines if c not in ctx.lines]
    if unknown:
        errors.append(
            _error(
                row,
                LINES,
                ", ".join(unknown),
                f"Claves de líneas de acción del plan vigente en {ctx.program.year} "
                "(hoja «Catálogos»), separadas por comas.",
            )
        )
    return resolved, errors


def _months_changes(before: list[Decimal | None], after: list[Decimal | None]) -> list[FieldChange]:
    return [
        FieldChange(field=f"months.{i + 1}", label=MONTH_NAMES[i], before=_show(b), after=_show(a))
        for i, (b, a) in enumerate(zip(before, after, strict=True))
        if not _same_quantity(b, a)
    ]


def _edit(
    ctx: _Context, row: UploadRow, current: ActivityRow, ref: dict[str, Any]
) -> ActivityEdit | None:
    a = current.activity
    fields: list[FieldChange] = []
    updates: dict[str, Any] = {}
    node: ProgramNode | None = ref["node"]
    if node is not None and node.pk != a.node_id:
        old = next((n for n in ctx.nodes.values() if n.pk == a.node_id), None)
        fields.append(FieldChange("node", "Nivel", old.key if old else "", node.key))
        updates["node"] = node
    if clean(row.description) != clean(a.description):
        fields.append(FieldChange("description", DESCRIPTION, a.description, row.description))
        updates["description"] = row.description
    if ref["area"] != a.area:
        fields.append(
            FieldChange(
                "area", AREA, a.area.code if a.area else "", ref["area"].code if ref["area"] else ""
            )
        )
        updates["area"] = ref["area"]
    if ref["unit"] != a.unit:
        fields.append(
            FieldChange(
                "unit", UNIT, a.unit.name if a.unit else "", ref["unit"].name if ref["unit"] else ""
            )
        )
        updates["unit"] = ref["unit"]
    if not _same_quantity(row.annual_target, a.annual_target):
        fields.append(
            FieldChange("annual_target", ANNUAL, _show(a.annual_target), _show(row.annual_target))
        )
        updates["annual_target"] = row.annual_target
    month_changes = _months_changes(current.months, row.months)
    if month_changes:
        fields.extend(month_changes)
        updates["months"] = list(row.months)
    if row.lines != current.line_codes:
        fields.append(
            FieldChange(
                "lines_of_action", LINES, ", ".join(current.line_codes), ", ".join(row.lines)
            )
        )
        updates["lines_of_action"] = list(row.lines)
    if not updates:
        return None
    return ActivityEdit(row=row.row, activity=a, fields=fields, updates=updates, version=a.version)


def _add(row: UploadRow, ref: dict[str, Any]) -> ActivityAdd:
    node: ProgramNode = ref["node"]
    fields = [
        FieldChange("node", "Nivel", "", node.key),
        FieldChange("description", DESCRIPTION, "", row.description),
    ]
    if ref["area"]:
        fields.append(FieldChange("area", AREA, "", ref["area"].code))
    if ref["unit"]:
        fields.append(FieldChange("unit", UNIT, "", ref["unit"].name))
    if row.annual_target is not None:
        fields.append(FieldChange("annual_target", ANNUAL, "", _show(row.annual_target)))
    fields.extend(_months_changes([None] * 12, row.months))
    if row.lines:
        fields.append(FieldChange("lines_of_action", LINES, "", ", ".join(row.lines)))
    return ActivityAdd(
        row=row.row,
        key=row.key,
        description=row.description,
        node=node,
        fields=fields,
        values={
            "node": node,
            "key": row.key,
            "description": row.description,
            "unit": ref["unit"],
            "area": ref["area"],
            "annual_target": row.annual_target,
            "months": list(row.months),
            "lines_of_action": list(row.lines),
        },
    )


def changeset_build(
    *, program: AnnualProgram, rows: list[UploadRow], errors: list[RowError] | None = None
) -> ChangeSet:
    """What applying ``rows`` would do to ``program``; row errors come with it.

    Rows whose key exists are changes, new keys are additions, and the program's
    activities missing from the file are removals. ``errors`` (from reading) are kept.
    """
    ctx = _context(program)
    changeset = ChangeSet(errors=list(errors or []))
    in_file: set[str] = set()
    rows_with_errors = {e.row for e in changeset.errors}
    for row in rows:
        if row.key:
            in_file.add(row.key)
        ref, row_errors = _resolve(ctx, row)
        changeset.errors.extend(row_errors)
        if row_errors or not row.key or row.row in rows_with_errors:
            continue
        current = ctx.rows.get(row.key)
        if current is None:
            if ref["node"] is not None:
                changeset.added.append(_add(row, ref))
            continue
        edit = _edit(ctx, row, current, ref)
        if edit is None:
            changeset.unchanged += 1
        else:
            changeset.changed.append(edit)
    changeset.removed = [
        ActivityRemoval(activity=r.activity, row=r)
        for key, r in ctx.rows.items()
        if key not in in_file
    ]
    if program.targets_frozen:
        changeset.errors.extend(_frozen_errors(program, changeset))
    changeset.errors.sort(key=lambda e: (e.row, _column_order(ctx.layout, e.column)))
    return changeset


FROZEN = {"description", "unit", "annual_target"}


def _frozen_errors(program: AnnualProgram, changeset: ChangeSet) -> list[RowError]:
    """An approved program's targets, calendar, unit and description, and its list of
    activities, change only through adjustment requests: each such change in the file is
    a row error that names the way (the other columns still apply)."""
    way = (
        f"el programa {program.year} está aprobado (versión {program.version}): este dato "
        "cambia solo con una solicitud de adecuación programática"
    )
    errors = []
    for edit in changeset.changed:
        for change in edit.fields:
            if change.field in FROZEN or change.field.startswith("months."):
                errors.append(
                    RowError(
                        sheet=SHEET_ACTIVITIES,
                        row=edit.row,
                        column=change.label,
                        value=change.after,
                        expected=f"{change.before or 'vacío'} ({way})",
                    )
                )
    for add in changeset.added:
        errors.append(
            RowError(
                sheet=SHEET_ACTIVITIES,
                row=add.row,
                column="Clave",
                value=add.key,
                expected=f"una actividad existente (el alta de {add.key}: {way})",
            )
        )
    for removal in changeset.removed:
        errors.append(
            RowError(
                sheet=SHEET_ACTIVITIES,
                row=0,
                column="Clave",
                value=removal.key,
                expected=f"la fila de la actividad {removal.key} (su baja: {way})",
            )
        )
    return errors


def _column_order(layout: Layout, column: str) -> int:
    headers = layout.headers
    return headers.index(column) if column in headers else len(headers)

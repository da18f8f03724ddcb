"""Writes of a MIR: the matrix itself, its rows, and POA activities linked to its rows.

Rows follow the Marco Lógico shape (one fin, one propósito, componentes, actividades): an
actividad hangs from a componente of the same MIR; no other level has a parent. The syntax
of the resumen narrativo and the count of Fin / Propósito are the checker's business
(``rumbo.indicators.checker``): it warns, it does not block. Deleting never cascades
silently: a row whose indicators hold measurements, or a componente that still has
actividades, is refused with counts.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q

from rumbo.audit.services import Actor, audit_record
from rumbo.core.text import whole_number
from rumbo.core.versions import version_bump, version_check
from rumbo.programs.models import Activity, ProgramState

from ..lifecycle import require_mir_open
from ..models import ActivityMirLink, Indicator, Level, Mir, MirRow, ProgramDesign

CODE_MAX_LENGTH = 20
TEXT_MAX_LENGTH = 5000
ROW_FIELDS = ("level", "parent", "code", "order", "summary", "verification", "assumptions")
ROW_LABELS = {
    "level": "nivel",
    "parent": "componente",
    "code": "clave",
    "order": "orden",
    "summary": "resumen narrativo",
    "verification": "medios de verificación",
    "assumptions": "supuestos",
}


def _institution_id(mir: Mir) -> int:
    return mir.design.node.program.institution_id


def row_snapshot(row: MirRow) -> dict[str, Any]:
    """The fields of a MIR row as the history shows them (the parent by its code)."""
    parent = row.parent if row.parent_id else None
    return {
        "level": row.level,
        "parent": (parent.code or parent.pk) if parent is not None else None,
        "code": row.code,
        "order": row.order,
        "summary": row.summary,
        "verification": row.verification,
        "assumptions": row.assumptions,
    }


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@transaction.atomic
def mir_ensure(*, actor: Actor, design: ProgramDesign) -> Mir:
    """The design's MIR, created (empty) the first time."""
    mir = Mir.objects.filter(design=design).first()
    if mir is not None:
        return mir
    # A MIR begun after its program's close is closed too: nothing changes any more.
    closed = design.node.program.state == ProgramState.CERRADO
    mir = Mir.objects.create(
        design=design, state=ProgramState.CERRADO if closed else ProgramState.FORMULACION
    )
    audit_record(
        actor=actor,
        institution_id=design.node.program.institution_id,
        action="mir.create",
        obj=mir,
        after={"design": design.title},
    )
    return mir


def _text(value: object, *, field: str, required: bool, errors: dict[str, str]) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = "Este dato es obligatorio."
    elif len(text) > TEXT_MAX_LENGTH:
        errors[field] = f"Se admiten hasta {TEXT_MAX_LENGTH:,} caracteres."
    return text


def _validate_row(mir: Mir, values: dict[str, Any], *, row: MirRow | None = None) -> dict[str, Any]:
    """Clean and check the final state of a row; ``ValidationError`` names each field."""
    errors: dict[str, str] = {}
    level = str(values.get("level") or "")
    if level not in Level.values:
        errors["level"] = "Elige un nivel: Fin, Propósito, Componente o Actividad."
    parent = values.get("parent")
    if isinstance(parent, int) and not isinstance(parent, bool):
        parent = MirRow.objects.filter(pk=parent).first()
        if parent is None:
            errors["parent"] = "El componente elegido no existe."
    if level == Level.ACTIVIDAD:
        if parent is None:
            errors.setdefault("parent", "Una actividad debe pertenecer a un componente.")
        elif not isinstance(parent, MirRow) or parent.mir_id != mir.pk:
            errors["parent"] = "El componente debe ser de la misma MIR."
        elif parent.level != Level.COMPONENTE:
            errors["parent"] = "Una actividad solo puede depender de un componente."
    elif parent is not None and level in Level.values:
        errors["parent"] = "Solo las actividades dependen de un componente."
    if row is not None and row.level == Level.COMPONENTE and level != Level.COMPONENTE:
        children = row.children.count()
        if children:
            errors["level"] = (
                f"El componente tiene {children} actividad(es); muévelas o bórralas "
                "antes de cambiarle el nivel."
            )
    code = " ".join(str(values.get("code") or "").split())
    if len(code) > CODE_MAX_LENGTH:
        errors["code"] = f"La clave admite hasta {CODE_MAX_LENGTH} caracteres."
    summary = _text(values.get("summary"), field="summary", required=True, errors=errors)
    verification = _text(
        values.get("verification"), field="verification", required=False, errors=errors
    )
    assumptions = _text(
        values.get("assumptions"), field="assumptions", required=False, errors=errors
    )
    order = values.get("order")
    if order is not None:
        if isinstance(order, str) and whole_number(order) is not None:
            order = whole_number(order)
        if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= 9999:
            errors["order"] = "El orden debe ser un número entero entre 0 y 9999."
    if errors:
        raise ValidationError(errors)
    return {
        "level": level,
        "parent": parent if level == Level.ACTIVIDAD else None,
        "code": code,
        "order": order,
        "summary": summary,
        "verification": verification,
        "assumptions": assumptions,
    }


@transaction.atomic
def mir_row_create(
    *,
    actor: Actor,
    mir: Mir,
    level: str,
    summary: str,
    parent: MirRow | None = None,
    code: str = "",
    verification: str = "",
    assumptions: str = "",
    order: int | None = None,
) -> MirRow:
    """Add a row; without ``order`` it goes after the last row of the MIR."""
    clean = _validate_row(
        mir,
        {
            "level": level,
            "parent": parent,
            "code": code,
            "order": order,
            "summary": summary,
            "verification": verification,
            "assumptions": assumptions,
        },
    )
    if clean["order"] is None:
        last = MirRow.objects.filter(mir=mir).aggregate(m=Max("order"))["m"]
        clean["order"] = (last or 0) + 1
    row = MirRow.objects.create(mir=mir, **clean)
    audit_record(
        actor=actor,
        institution_id=_institution_id(mir),
        action="mir_row.create",
        obj=row,
        after=row_snapshot(row),
    )
    return row


@transaction.atomic
def mir_row_update(
    *, actor: Actor, row: MirRow, changes: dict[str, Any], version: int | None = None
) -> MirRow:
    """Change some fields of a row (keys of ``ROW_FIELDS``); audits only what changed.

    ``version``: the one the user read (``StaleVersion`` if someone saved since; None: not
    checked, and only the fields sent change — ``rumbo.core.versions``). The row is locked
    and only its changed fields are written."""
    unknown = set(changes) - set(ROW_FIELDS)
    if unknown:
        raise ValidationError({"__all__": f"Campos desconocidos: {', '.join(sorted(unknown))}."})
    MirRow.objects.select_for_update().filter(pk=row.pk).values_list("pk").first()
    row = MirRow.objects.select_related("mir__design__node__program", "parent").get(pk=row.pk)
    before = row_snapshot(row)
    # what was sent (no order: «keep it», not a change to show)
    sent = {k: v for k, v in changes.items() if k != "parent" and (k, v) != ("order", None)}
    if "parent" in changes:
        parent = changes["parent"]
        sent["parent"] = (parent.code or parent.pk) if isinstance(parent, MirRow) else parent
    version_check(
        row,
        version,
        noun="este renglón de la MIR",
        current_values=before,
        submitted_values=sent,
        labels=ROW_LABELS,
    )
    current = {f: getattr(row, f) for f in ROW_FIELDS}
    current["parent"] = row.parent
    merged = {**current, **changes}
    if merged["level"] != Level.ACTIVIDAD and "parent" not in changes:
        merged["parent"] = None  # leaving the actividad level drops its componente
    if merged.get("order") is None:
        merged["order"] = row.order
    clean = _validate_row(row.mir, merged, row=row)
    for field, value in clean.items():
        setattr(row, field, value)
    after = row_snapshot(row)
    old, new = _diff(before, after)
    if not new:
        return row
    version_bump(row, write=False)
    row.save(update_fields=[*new, "version"])
    audit_record(
        actor=actor,
        institution_id=_institution_id(row.mir),
        action="mir_row.update",
        obj=row,
        before=old,
        after=new,
    )
    return row


def row_delete_blockers(row: MirRow) -> list[str]:
    """Why a row cannot be deleted (Spanish, with counts); empty when it can."""
    problems = []
    children = row.children.count()
    if children:
        problems.append(
            f"El componente tiene {children} actividad(es) en la MIR; bórralas o muévelas antes."
        )
    rows = [row.pk, *row.children.values_list("pk", flat=True)]
    measured = (
        Indicator.objects.filter(row_id__in=rows)
        .annotate(n=Count("measurements"))
        .filter(n__gt=0)
        .values_list("name", "n")
    )
    for name, n in measured:
        problems.append(f"El indicador «{name}» tiene {n} medición(es) capturada(s).")
    return problems


@transaction.atomic
def mir_row_delete(*, actor: Actor, row: MirRow, reason: str = "") -> None:
    """Delete a row and its indicators (without measurements); the audit lists what went.
    An approved MIR's indicators stay: a row that holds any is refused (``MirFrozen``)."""
    row = MirRow.objects.select_related("mir__design__node__program__institution", "parent").get(
        pk=row.pk
    )
    if Indicator.objects.filter(Q(row=row) | Q(row__parent=row)).exists():
        require_mir_open(row.mir, "sus indicadores (ni los renglones que los llevan)")
    problems = row_delete_blockers(row)
    if problems:
        raise ValidationError({"__all__": problems})
    before = row_snapshot(row)
    before["indicators"] = list(row.indicators.values_list("name", flat=True))
    before["linked_activities"] = list(
        row.activity_links.values_list("activity__key", flat=True).order_by("activity__key")
    )
    institution_id = _institution_id(row.mir)
    pk = row.pk
    row.delete()
    row.pk = pk  # the audit event still points at the deleted row's id
    audit_record(
        actor=actor,
        institution_id=institution_id,
        action="mir_row.delete",
        obj=row,
        before=before,
        reason=(reason or "").strip(),
    )


@transaction.atomic
def activity_mir_link_set(*, actor: Actor, activity: Activity, row: MirRow | None) -> None:
    """Link a POA activity to a MIR componente or actividad of its own program (None: unlink)."""
    activity = Activity.objects.select_related("program").get(pk=activity.pk)
    link = ActivityMirLink.objects.select_related("row").filter(activity=activity).first()
    if row is not None:
        row = MirRow.objects.select_related("mir__design__node").get(pk=row.pk)
        if row.mir.design.node.program_id != activity.program_id:
            raise ValidationError(
                {"row": "Solo se vinculan actividades del mismo programa que la MIR."}
            )
        if row.level not in (Level.COMPONENTE, Level.ACTIVIDAD):
            raise ValidationError(
                {"row": "Una actividad del POA se vincula a un componente o a una actividad."}
            )
    old_row = link.row if link is not None else None
    if (old_row.pk if old_row else None) == (row.pk if row else None):
        return
    if row is None:
        assert link is not None  # noqa: S101 - old_row differs from None
        link.delete()
    elif link is None:
        link = ActivityMirLink.objects.create(activity=activity, row=row)
    else:
        link.row = row
        link.save(update_fields=["row"])

    def label(r: MirRow | None) -> str | None:
        return (r.code or r.summary[:60]) if r is not None else None

    audit_record(
        actor=actor,
        institution_id=activity.program.institution_id,
        action="activity.mir_link",
        obj=activity,
        before={"mir_row": label(old_row)},
        after={"mir_row": label(row)},
    )


__all__ = [
    "activity_mir_link_set",
    "mir_ensure",
    "mir_row_create",
    "mir_row_delete",
    "mir_row_update",
    "row_delete_blockers",
    "row_snapshot",
]

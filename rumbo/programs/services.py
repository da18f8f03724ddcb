"""Writes of annual programs: programs, nodes, units and activities with their calendar.

Every change goes through here — the web forms, the JSON API and the Excel upload — so
validation, authorisation by the caller and the audit trail are the same everywhere.
Callers check access first (``rumbo.institutions.access``); these functions validate,
save and record who changed what, before and after, in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from rumbo.audit.services import Actor, Change, audit_record, audit_record_many
from rumbo.core.numbers import parse_number, to_json_number
from rumbo.core.text import clean, normalize
from rumbo.institutions.models import Area, Institution
from rumbo.strategy.models import LineOfAction
from rumbo.strategy.selectors import line_of_action_list

from .models import (
    DEFAULT_LEVEL_NAMES,
    Activity,
    AnnualProgram,
    MonthlyTarget,
    ProgramNode,
    UnitOfMeasure,
)

QUANTUM = Decimal("0.0001")
MAX_QUANTITY = Decimal("9999999999.9999")  # max_digits=14, decimal_places=4
UNSET: Any = object()


# --- quantities --------------------------------------------------------------------------


def quantity_parse(value: object, *, field: str, allow_none: bool = True) -> Decimal | None:
    """A user's quantity as a Decimal: 1,234.5 · 0.25 · 12 (numbers or es-MX text).

    Raises ``ValidationError({field: message})`` for negatives, text, too many decimals
    or too large values. Empty (None or '') is None when allowed.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_none:
            return None
        raise ValidationError({field: "Este dato es obligatorio."})
    if isinstance(value, bool):
        raise ValidationError({field: "Se esperaba una cantidad, no un valor lógico."})
    if isinstance(value, Decimal):
        number: Decimal | None = value
    elif isinstance(value, int | float):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = None
    else:
        number = parse_number(str(value))
    if number is None or not number.is_finite():
        raise ValidationError({field: f"«{value}» no es una cantidad (ejemplo: 1,234.5)."})
    if number < 0:
        raise ValidationError({field: "La cantidad no puede ser negativa."})
    if number > MAX_QUANTITY:
        raise ValidationError({field: "La cantidad es demasiado grande."})
    if number != number.quantize(QUANTUM):
        raise ValidationError({field: "Se admiten hasta 4 decimales."})
    return number.quantize(QUANTUM)


def months_parse(values: Sequence[object], *, field: str = "months") -> list[Decimal | None]:
    """Twelve monthly quantities (None = unknown). Errors name the month: ``months.3``."""
    if len(values) != 12:
        raise ValidationError({field: f"Se esperaban 12 meses, no {len(values)}."})
    errors: dict[str, list[str]] = {}
    months: list[Decimal | None] = []
    for i, value in enumerate(values, start=1):
        try:
            months.append(quantity_parse(value, field=f"{field}.{i}"))
        except ValidationError as exc:
            errors.update(exc.message_dict)
            months.append(None)
    if errors:
        raise ValidationError(errors)
    return months


# --- snapshots (what the audit trail stores) ------------------------------------------------


def activity_months(activity: Activity) -> list[Decimal | None]:
    """The 12 programmed months of an activity (None where unknown); uses prefetched rows."""
    months: list[Decimal | None] = [None] * 12
    for mt in activity.monthly_targets.all():
        months[mt.month - 1] = mt.quantity
    return months


def activity_snapshot(activity: Activity, months: Sequence[Decimal | None]) -> dict[str, Any]:
    """The fields of an activity as the history shows them (JSON-safe)."""
    return {
        "key": activity.key,
        "description": activity.description,
        "node": activity.node.key if activity.node_id else None,
        "area": activity.area.code if activity.area_id and activity.area else None,
        "unit": activity.unit.name if activity.unit_id and activity.unit else None,
        "annual_target": to_json_number(activity.annual_target),
        "monthly_targets": [to_json_number(m) for m in months],
        "lines_of_action": sorted(line.code for line in activity.lines_of_action.all()),
    }


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


# --- units -----------------------------------------------------------------------------------


def unit_get_or_create(*, actor: Actor, institution: Institution, name: str) -> UnitOfMeasure:
    """The institution's unit with that name (accent/case-insensitive), created if new."""
    text = clean(name)
    if not text:
        raise ValidationError({"unit": "La unidad de medida no puede estar vacía."})
    if len(text) > 120:
        raise ValidationError({"unit": "La unidad de medida admite hasta 120 caracteres."})
    unit = UnitOfMeasure.objects.filter(institution=institution, normalized=normalize(text)).first()
    if unit is None:
        unit = UnitOfMeasure.objects.create(institution=institution, name=text)
        audit_record(
            actor=actor,
            institution_id=institution.pk,
            action="unit.create",
            obj=unit,
            after={"name": unit.name},
        )
    return unit


# --- programs and nodes ---------------------------------------------------------------------


@transaction.atomic
def program_create(
    *,
    actor: Actor,
    institution: Institution,
    year: int,
    name: str,
    level_names: Sequence[str] | None = None,
) -> AnnualProgram:
    if not 1990 <= year <= 2100:
        raise ValidationError({"year": "El ejercicio debe estar entre 1990 y 2100."})
    if AnnualProgram.objects.filter(institution=institution, year=year).exists():
        raise ValidationError({"year": f"Ya existe un programa anual {year}."})
    levels = [clean(n) for n in (level_names or DEFAULT_LEVEL_NAMES) if clean(n)]
    if len(levels) < 2:
        raise ValidationError({"level_names": "Se necesitan al menos dos niveles."})
    title = clean(name) or f"Programa Anual de Actividades {year}"
    program = AnnualProgram.objects.create(
        institution=institution, year=year, name=title, level_names=levels
    )
    audit_record(
        actor=actor,
        institution_id=institution.pk,
        action="program.create",
        obj=program,
        after={"year": year, "name": title, "level_names": levels},
    )
    return program


def _node_snapshot(node: ProgramNode) -> dict[str, Any]:
    return {
        "key": node.key,
        "name": node.name,
        "parent": node.parent.key if node.parent_id and node.parent else None,
        "area": node.area.code if node.area_id and node.area else None,
        "objective": node.objective,
    }


@transaction.atomic
def node_create(
    *,
    actor: Actor,
    program: AnnualProgram,
    parent: ProgramNode | None,
    key: str,
    name: str,
    area: Area | None = None,
    objective: str = "",
) -> ProgramNode:
    key = clean(key)
    errors: dict[str, str] = {}
    if not key:
        errors["key"] = "La clave es obligatoria."
    elif len(key) > 30:
        errors["key"] = "La clave admite hasta 30 caracteres."
    elif ProgramNode.objects.filter(program=program, key=key).exists():
        errors["key"] = f"Ya existe un nivel con la clave {key}."
    if not clean(name):
        errors["name"] = "El nombre es obligatorio."
    if parent is not None and parent.program_id != program.pk:
        errors["parent"] = "El nivel superior no pertenece a este programa."
    depth = 0 if parent is None else parent.depth + 1
    if depth >= len(program.level_names or DEFAULT_LEVEL_NAMES) - 1:
        errors["parent"] = "Ese nivel ya es el último antes de las actividades."
    if area is not None and area.institution_id != program.institution_id:
        errors["area"] = "El área no pertenece a esta institución."
    if errors:
        raise ValidationError(errors)
    order = ProgramNode.objects.filter(program=program, parent=parent).count() + 1
    node = ProgramNode.objects.create(
        program=program,
        parent=parent,
        depth=depth,
        key=key,
        name=clean(name),
        area=area,
        objective=objective.strip(),
        order=order,
    )
    audit_record(
        actor=actor,
        institution_id=program.institution_id,
        action="node.create",
        obj=node,
        after=_node_snapshot(node),
    )
    return node


# --- activities ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityResult:
    activity: Activity
    changed: bool
    before: dict[str, Any]
    after: dict[str, Any]


def _lines_for(program: AnnualProgram, codes: Iterable[str]) -> list[LineOfAction]:
    wanted = sorted({clean(c) for c in codes if clean(c)})
    if not wanted:
        return []
    lines = line_of_action_list(institution=program.institution, year=program.year)
    found = {line.code: line for line in lines.filter(code__in=wanted)}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise ValidationError(
            {
                "lines_of_action": f"Líneas de acción que no están en el plan vigente en "
                f"{program.year}: {', '.join(missing)}."
            }
        )
    return [found[c] for c in wanted]


def _write_months(
    activity: Activity, old: Sequence[Decimal | None], new: Sequence[Decimal | None]
) -> None:
    """Store only the months that changed: delete cleared ones, upsert the rest."""
    cleared = [i + 1 for i in range(12) if old[i] is not None and new[i] is None]
    if cleared:
        MonthlyTarget.objects.filter(activity=activity, month__in=cleared).delete()
    changed = [i + 1 for i in range(12) if new[i] is not None and new[i] != old[i]]
    if changed:
        existing = {
            mt.month: mt
            for mt in MonthlyTarget.objects.filter(activity=activity, month__in=changed)
        }
        to_update = []
        to_create = []
        for month in changed:
            quantity = new[month - 1]
            assert quantity is not None  # noqa: S101 - `changed` holds known months only
            if month in existing:
                existing[month].quantity = quantity
                to_update.append(existing[month])
            else:
                to_create.append(MonthlyTarget(activity=activity, month=month, quantity=quantity))
        if to_update:
            MonthlyTarget.objects.bulk_update(to_update, ["quantity"])
        if to_create:
            MonthlyTarget.objects.bulk_create(to_create)


def _check_activity_fields(
    program: AnnualProgram,
    *,
    description: str | None,
    area: Area | None,
    node: ProgramNode | None,
) -> None:
    errors: dict[str, str] = {}
    if description is not None and not clean(description):
        errors["description"] = "La descripción es obligatoria."
    if area is not None and area.institution_id != program.institution_id:
        errors["area"] = "El área no pertenece a esta institución."
    if node is not None:
        if node.program_id != program.pk:
            errors["node"] = "El nivel no pertenece a este programa."
        elif ProgramNode.objects.filter(parent=node).exists():
            errors["node"] = "Las actividades cuelgan del último nivel del árbol."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def activity_update(
    *,
    actor: Actor,
    activity: Activity,
    description: str = UNSET,
    unit: UnitOfMeasure | None = UNSET,
    area: Area | None = UNSET,
    node: ProgramNode = UNSET,
    annual_target: object = UNSET,
    months: Sequence[object] = UNSET,
    lines_of_action: Iterable[str] = UNSET,
    reason: str = "",
    action: str = "activity.update",
) -> ActivityResult:
    """Change any subset of an activity's fields; only what is given is touched.

    ``annual_target`` and ``months`` accept Decimals, numbers or es-MX text; a month of
    None is unknown. Writes one audit event with only the fields that changed.
    """
    activity = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("program", "node", "area", "unit")
        .prefetch_related("monthly_targets", "lines_of_action")
        .get(pk=activity.pk)
    )
    program = activity.program
    old_months = activity_months(activity)
    before = activity_snapshot(activity, old_months)
    _check_activity_fields(
        program,
        description=None if description is UNSET else description,
        area=None if area is UNSET else area,
        node=None if node is UNSET else node,
    )
    if unit is not UNSET and unit is not None and unit.institution_id != program.institution_id:
        raise ValidationError({"unit": "La unidad no pertenece a esta institución."})
    new_months = old_months if months is UNSET else months_parse(months)
    target = (
        activity.annual_target
        if annual_target is UNSET
        else quantity_parse(annual_target, field="annual_target")
    )
    lines = None if lines_of_action is UNSET else _lines_for(program, lines_of_action)

    if description is not UNSET:
        activity.description = clean(description)
    if unit is not UNSET:
        activity.unit = unit
    if area is not UNSET:
        activity.area = area
    if node is not UNSET:
        activity.node = node
    activity.annual_target = target
    activity.save()
    if months is not UNSET:
        _write_months(activity, old_months, new_months)
    if lines is not None:
        activity.lines_of_action.set(lines)
    activity = (
        Activity.objects.select_related("program", "node", "area", "unit")
        .prefetch_related("monthly_targets", "lines_of_action")
        .get(pk=activity.pk)
    )
    after = activity_snapshot(activity, activity_months(activity))
    changed_before, changed_after = _diff(before, after)
    if changed_after:
        audit_record(
            actor=actor,
            institution_id=program.institution_id,
            action=action,
            obj=activity,
            before=changed_before,
            after=changed_after,
            reason=reason.strip(),
        )
    return ActivityResult(
        activity=activity, changed=bool(changed_after), before=changed_before, after=changed_after
    )


def activity_set_calendar(
    *,
    actor: Actor,
    activity: Activity,
    months: Sequence[object],
    annual_target: object = UNSET,
    reason: str = "",
) -> ActivityResult:
    """Replace the 12-month calendar (and optionally the annual target) of an activity."""
    return activity_update(
        actor=actor,
        activity=activity,
        months=months,
        annual_target=annual_target,
        reason=reason,
        action="activity.calendar",
    )


@transaction.atomic
def activity_create(
    *,
    actor: Actor,
    program: AnnualProgram,
    node: ProgramNode,
    key: str,
    description: str,
    unit: UnitOfMeasure | None = None,
    area: Area | None = None,
    annual_target: object = None,
    months: Sequence[object] | None = None,
    lines_of_action: Iterable[str] = (),
    reason: str = "",
) -> Activity:
    key = clean(key)
    errors: dict[str, str] = {}
    if not key:
        errors["key"] = "La clave es obligatoria."
    elif len(key) > 30:
        errors["key"] = "La clave admite hasta 30 caracteres."
    elif Activity.objects.filter(program=program, key=key).exists():
        errors["key"] = f"Ya existe una actividad con la clave {key}."
    if errors:
        raise ValidationError(errors)
    _check_activity_fields(program, description=description, area=area, node=node)
    if unit is not None and unit.institution_id != program.institution_id:
        raise ValidationError({"unit": "La unidad no pertenece a esta institución."})
    target = quantity_parse(annual_target, field="annual_target")
    new_months = months_parse(months) if months is not None else [None] * 12
    lines = _lines_for(program, lines_of_action)
    last = Activity.objects.filter(program=program).order_by("-order").first()
    activity = Activity.objects.create(
        program=program,
        node=node,
        key=key,
        description=clean(description),
        unit=unit,
        area=area,
        annual_target=target,
        order=(last.order + 1) if last else 1,
    )
    _write_months(activity, [None] * 12, new_months)
    if lines:
        activity.lines_of_action.set(lines)
    activity = (
        Activity.objects.select_related("program", "node", "area", "unit")
        .prefetch_related("monthly_targets", "lines_of_action")
        .get(pk=activity.pk)
    )
    audit_record(
        actor=actor,
        institution_id=program.institution_id,
        action="activity.create",
        obj=activity,
        after=activity_snapshot(activity, activity_months(activity)),
        reason=reason.strip(),
    )
    return activity


@transaction.atomic
def activity_delete(*, actor: Actor, activity: Activity, reason: str = "") -> None:
    activity = (
        Activity.objects.select_related("program", "node", "area", "unit")
        .prefetch_related("monthly_targets", "lines_of_action")
        .get(pk=activity.pk)
    )
    before = activity_snapshot(activity, activity_months(activity))
    institution_id = activity.program.institution_id
    change = Change(
        action="activity.delete",
        obj=activity,
        before=before,
        after=None,
        object_repr=str(activity),
    )
    audit_record_many(
        actor=actor, institution_id=institution_id, changes=[change], reason=reason.strip()
    )
    activity.delete()

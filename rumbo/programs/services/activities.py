"""Writes of activities: create, update (any subset of fields), calendar and delete."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction

from rumbo.audit.services import Actor, Change, audit_record, audit_record_many
from rumbo.core.numbers import to_json_number
from rumbo.core.text import clean
from rumbo.core.versions import version_bump, version_check
from rumbo.institutions.access import Capability, can, require
from rumbo.institutions.models import Area, Institution
from rumbo.strategy.models import LineOfAction
from rumbo.strategy.selectors import line_of_action_list

from ..access import require_activity_create, require_editing_open
from ..lifecycle import TargetsFrozen, require_targets_open
from ..models import (
    Activity,
    AnnualProgram,
    MonthlyTarget,
    ProgramNode,
    UnitOfMeasure,
    node_area_id,
)
from .keys import new_key_error
from .quantities import months_parse, quantity_parse
from .snapshots import _diff, activity_months, activity_snapshot

UNSET: Any = object()


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


def activity_area_reassignable(
    *, user: AbstractBaseUser | AnonymousUser, institution: Institution
) -> bool:
    """Whether the user may move activities to another responsible area: Planeación only.

    Pages ask it to hide the area field; ``activity_update`` enforces it.
    """
    return can(user, institution, Capability.EDIT_PROGRAM)


def _check_area_change(actor: Actor, activity: Activity, area: Area | None) -> None:
    """«Only Planeación reassigns an activity's area»: ``PermissionDenied`` otherwise.

    Giving the area the activity already has is no change, so anyone who may write the
    activity may send it. An operator at the command line (an actor without a user) may.
    """
    if actor.user is None or (area.pk if area else None) == activity.area_id:
        return
    require(actor.user, activity.program.institution, Capability.EDIT_PROGRAM)


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
    adjustment: int | None = None,
    version: int | None = None,
) -> ActivityResult:
    """Change any subset of an activity's fields; only what is given is touched.

    ``annual_target`` and ``months`` accept Decimals, numbers or es-MX text; a month of
    None is unknown. Writes one audit event with only the fields that changed. Changing
    ``area`` needs Planeación (``PermissionDenied`` otherwise). En revisión only Planeación
    edits (``ProgramInReview`` for anyone else: ``access.require_editing_open``). Once the
    program is approved, its targets (description, unit, annual target, months) change only
    when ``adjustment`` names the approved adjustment request that applies them
    (``TargetsFrozen`` otherwise).
    """
    activity = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("program__institution", "node", "area", "unit")
        .prefetch_related("monthly_targets", "lines_of_action")
        .get(pk=activity.pk)
    )
    program = activity.program
    if adjustment is None and actor.user is not None:
        require_editing_open(actor.user, program)  # en revisión: Planeación only
    if area is not UNSET:
        _check_area_change(actor, activity, area)
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
    version_check(
        activity,
        version,
        noun="esta actividad",
        current_values=before,
        submitted_values=_sent(
            description=description,
            unit=unit,
            area=area,
            annual_target=annual_target if annual_target is UNSET else target,
            months=months if months is UNSET else new_months,
            lines=lines,
        ),
        labels=ACTIVITY_LABELS,
    )
    if adjustment is None and program.targets_frozen:
        _refuse_target_changes(
            activity,
            description=description,
            unit=unit,
            target=target,
            months=(old_months, new_months),
        )

    _set_fields(activity, description=description, unit=unit, area=area, node=node)
    activity.annual_target = target
    # A calendar someone sets is no longer the simulated one a cronograma gave.
    unsimulated = activity.calendar_simulated and list(new_months) != list(old_months)
    if unsimulated:
        activity.calendar_simulated = False
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
    if unsimulated:
        changed_before["calendar_simulated"], changed_after["calendar_simulated"] = True, False
    if changed_after:
        version_bump(activity)
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


ACTIVITY_LABELS = {
    "description": "descripción",
    "unit": "unidad",
    "area": "área",
    "annual_target": "meta anual",
    "monthly_targets": "metas mensuales",
    "lines_of_action": "líneas de acción",
}


def _sent(
    *,
    description: object,
    unit: UnitOfMeasure | None,
    area: Area | None,
    annual_target: Any,
    months: Any,
    lines: list[LineOfAction] | None,
) -> dict[str, Any]:
    """The fields a write sends, as ``activity_snapshot`` shows them (for a 409)."""
    sent: dict[str, Any] = {}
    if description is not UNSET:
        sent["description"] = clean(str(description))
    if unit is not UNSET:
        sent["unit"] = unit.name if unit else None
    if area is not UNSET:
        sent["area"] = area.code if area else None
    if annual_target is not UNSET:
        sent["annual_target"] = to_json_number(annual_target)
    if months is not UNSET:
        sent["monthly_targets"] = [to_json_number(m) for m in months]
    if lines is not None:
        sent["lines_of_action"] = sorted(line.code for line in lines)
    return sent


def _set_fields(activity: Activity, **given: Any) -> None:
    """Set the given fields (those not ``UNSET``) on the instance; the description cleaned."""
    for name, value in given.items():
        if value is not UNSET:
            setattr(activity, name, clean(value) if name == "description" else value)


def _refuse_target_changes(
    activity: Activity,
    *,
    description: object,
    unit: object,
    target: Decimal | None,
    months: tuple[Sequence[Decimal | None], Sequence[Decimal | None]],
) -> None:
    """``TargetsFrozen`` if any of the approved targets would change (sending the values
    the activity already has is no change)."""
    changed = (
        (description is not UNSET and clean(str(description)) != activity.description)
        or (unit is not UNSET and unit != activity.unit)
        or target != activity.annual_target
        or list(months[0]) != list(months[1])
    )
    if changed:
        raise TargetsFrozen(activity.program, "sus metas, calendario, unidad y descripción")


def activity_set_calendar(
    *,
    actor: Actor,
    activity: Activity,
    months: Sequence[object],
    annual_target: object = UNSET,
    reason: str = "",
    adjustment: int | None = None,
    version: int | None = None,
) -> ActivityResult:
    """Replace the 12-month calendar (and optionally the annual target) of an activity."""
    return activity_update(
        actor=actor,
        activity=activity,
        months=months,
        annual_target=annual_target,
        reason=reason,
        action="activity.calendar",
        adjustment=adjustment,
        version=version,
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
    adjustment: int | None = None,
    calendar_simulated: bool = False,
) -> Activity:
    """A new activity under ``node``. Planeación any; an Enlace its own area's (the
    activity's ``area``, else the node's), en formulación only
    (``access.require_activity_create``: ``PermissionDenied``, ``ProgramInReview``).
    ``calendar_simulated``: its months come from a cronograma whose months are simulated
    (the pages say so)."""
    if adjustment is None:
        require_targets_open(program, "sus actividades")
        if actor.user is not None:
            require_activity_create(
                actor.user, program, area.pk if area is not None else lambda: node_area_id(node)
            )
    key = clean(key)
    errors: dict[str, str] = {}
    key_error = new_key_error(Activity, program=program, key=key, noun="una actividad")
    if key_error:
        errors["key"] = key_error
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
        calendar_simulated=calendar_simulated,
    )
    _write_months(activity, [None] * 12, new_months)
    if lines:
        activity.lines_of_action.set(lines)
    activity = (
        Activity.objects.select_related("program", "node", "area", "unit")
        .prefetch_related("monthly_targets", "lines_of_action")
        .get(pk=activity.pk)
    )
    after = activity_snapshot(activity, activity_months(activity))
    if calendar_simulated:
        after["calendar_simulated"] = True
    audit_record(
        actor=actor,
        institution_id=program.institution_id,
        action="activity.create",
        obj=activity,
        after=after,
        reason=reason.strip(),
    )
    return activity


@transaction.atomic
def activity_delete(
    *, actor: Actor, activity: Activity, reason: str = "", adjustment: int | None = None
) -> None:
    activity = (
        Activity.objects.select_related("program__institution", "node", "area", "unit")
        .prefetch_related("monthly_targets", "lines_of_action")
        .get(pk=activity.pk)
    )
    if adjustment is None:
        require_targets_open(activity.program, "sus actividades")
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

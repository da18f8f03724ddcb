"""Planeación's settings of the cycle: capture-window extensions and semáforo bands.

Callers check ``Capability.MANAGE_MONITORING`` (the CLI runs as the operator).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from rumbo.audit.services import Actor, audit_record
from rumbo.core.numbers import parse_number
from rumbo.core.semaforo import EDGES, Bands
from rumbo.institutions.models import Area, Institution
from rumbo.programs.models import Activity

from ..changes import figures_changed
from ..models import ActivityBands, BandFields, MonitoringPolicy, WindowExtension

OverrideT = TypeVar("OverrideT", bound=BandFields)
_MAX_PERCENT = Decimal("99999.99")


def extension_snapshot(ext: WindowExtension) -> dict[str, Any]:
    return {
        "year": ext.year,
        "month": ext.month,
        "area": ext.area.code if ext.area else None,
        "until": ext.until.isoformat(),
        "reason": ext.reason,
    }


@transaction.atomic
def window_extend(
    *,
    actor: Actor,
    institution: Institution,
    year: int,
    month: int,
    area: Area | None = None,
    until: date,
    reason: str,
    today: date | None = None,
) -> WindowExtension:
    """Keep ``month`` of ``year`` open for ``area`` (None: every area) until ``until``."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if not isinstance(month, int) or not 1 <= month <= 12:
        errors["month"] = "El mes debe estar entre 1 y 12."
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        errors["year"] = "El ejercicio debe estar entre 1990 y 2100."
    if area is not None and area.institution_id != institution.pk:
        errors["area"] = "El área no pertenece a esta institución."
    if not isinstance(until, date):
        errors["until"] = "Indica la fecha límite de la prórroga."
    elif until < today:
        errors["until"] = f"La prórroga no puede terminar antes de hoy ({today:%d/%m/%Y})."
    text = (reason or "").strip()
    if not text:
        errors["reason"] = "Escribe el motivo de la prórroga."
    if errors:
        raise ValidationError(errors)
    ext = WindowExtension.objects.create(
        institution=institution,
        year=year,
        month=month,
        area=area,
        until=until,
        reason=text,
        created_by=actor.label,
    )
    audit_record(
        actor=actor,
        institution_id=institution.pk,
        action="window.extend",
        obj=ext,
        before=None,
        after=extension_snapshot(ext),
        reason=text,
    )
    return ext


def _percent(value: object, fld: str) -> Decimal:
    if isinstance(value, Decimal):
        number: Decimal | None = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = None
    else:
        number = parse_number(str(value)) if value is not None and str(value).strip() else None
    if number is None or not number.is_finite():
        raise ValidationError({fld: "Escribe un porcentaje (ejemplo: 90 o 92.5)."})
    if number < 0:
        raise ValidationError({fld: "El porcentaje no puede ser negativo."})
    if number > _MAX_PERCENT or number != number.quantize(Decimal("0.01")):
        raise ValidationError({fld: "Se admiten hasta 99,999.99 con 2 decimales."})
    return number.quantize(Decimal("0.01"))


def bands_parse(edges: Mapping[str, object]) -> Bands:
    """Four edges (percent, numbers or es-MX text) as ordered ``Bands``, else ValidationError."""
    errors: dict[str, str] = {}
    values: dict[str, Decimal] = {}
    for name in EDGES:
        try:
            values[name] = _percent(edges.get(name), name)
        except ValidationError as exc:
            errors[name] = exc.message_dict[name][0]
    if errors:
        raise ValidationError(errors)
    try:
        return Bands(**values)
    except ValueError as exc:
        raise ValidationError({"bands": str(exc)}) from None


def bands_snapshot(bands: Bands | None) -> dict[str, str] | None:
    if bands is None:
        return None
    return {name: format(getattr(bands, name).normalize(), "f") for name in EDGES}


def _edge_values(bands: Bands) -> dict[str, Decimal]:
    return {name: getattr(bands, name) for name in EDGES}


def bands_apply(target: BandFields, bands: Bands) -> None:
    for name, value in _edge_values(bands).items():
        setattr(target, name, value)


@transaction.atomic
def bands_set_institution(
    *,
    actor: Actor,
    institution: Institution,
    yellow_low: object,
    green_low: object,
    green_high: object,
    yellow_high: object,
    reason: str = "",
) -> MonitoringPolicy:
    """The institution's default bands (creating its policy with defaults if needed)."""
    bands = bands_parse(
        {
            "yellow_low": yellow_low,
            "green_low": green_low,
            "green_high": green_high,
            "yellow_high": yellow_high,
        }
    )
    policy, created = MonitoringPolicy.objects.select_for_update().get_or_create(
        institution=institution
    )
    before = None if created else bands_snapshot(policy.bands)
    bands_apply(policy, bands)
    policy.save()
    figures_changed(institution_id=institution.pk)  # the semáforo of every program
    audit_record(
        actor=actor,
        institution_id=institution.pk,
        action="bands.set_institution",
        obj=policy,
        before=before,
        after=bands_snapshot(bands),
        reason=(reason or "").strip(),
    )
    return policy


def _activity_figures_changed(owner: models.Model) -> None:
    if isinstance(owner, Activity):  # an indicator's bands grade no activity
        figures_changed(program_ids=[owner.program_id])


@transaction.atomic
def bands_override_set(
    *,
    actor: Actor,
    model: type[OverrideT],
    owner_field: str,
    owner: models.Model,
    institution_id: int,
    action: str,
    edges: Mapping[str, object],
    reason: str = "",
) -> OverrideT:
    """Give one object (an activity, an indicator) bands that override its institution's.

    ``model`` is the override's model (``ActivityBands``, ``IndicatorBands``) and
    ``owner_field`` its one-to-one field to ``owner``; ``action`` names the audit event.
    """
    bands = bands_parse(edges)
    text = (reason or "").strip()
    override = model._default_manager.select_for_update().filter(**{owner_field: owner}).first()
    before = bands_snapshot(override.bands) if override else None
    if override is None:
        override = model(**{owner_field: owner})
    for name, value in {**_edge_values(bands), "reason": text}.items():
        setattr(override, name, value)
    override.save()
    _activity_figures_changed(owner)
    audit_record(
        actor=actor,
        institution_id=institution_id,
        action=action,
        obj=owner,
        before=before,
        after=bands_snapshot(bands),
        reason=text,
    )
    return override


@transaction.atomic
def bands_override_clear(
    *,
    actor: Actor,
    model: type[BandFields],
    owner_field: str,
    owner: models.Model,
    institution_id: int,
    action: str,
    reason: str = "",
) -> bool:
    """Drop the object's override (it follows its institution again); False if none."""
    override = model._default_manager.select_for_update().filter(**{owner_field: owner}).first()
    if override is None:
        return False
    before = bands_snapshot(override.bands)
    override.delete()
    _activity_figures_changed(owner)
    audit_record(
        actor=actor,
        institution_id=institution_id,
        action=action,
        obj=owner,
        before=before,
        after=None,
        reason=(reason or "").strip(),
    )
    return True


def bands_set_activity(
    *,
    actor: Actor,
    activity: Activity,
    yellow_low: object,
    green_low: object,
    green_high: object,
    yellow_high: object,
    reason: str = "",
) -> ActivityBands:
    """Bands of one activity that override its institution's."""
    return bands_override_set(
        actor=actor,
        model=ActivityBands,
        owner_field="activity",
        owner=activity,
        institution_id=activity.program.institution_id,
        action="bands.set_activity",
        edges={
            "yellow_low": yellow_low,
            "green_low": green_low,
            "green_high": green_high,
            "yellow_high": yellow_high,
        },
        reason=reason,
    )


def bands_clear_activity(*, actor: Actor, activity: Activity, reason: str = "") -> bool:
    """Drop the activity's override (it follows its institution again); False if none."""
    return bands_override_clear(
        actor=actor,
        model=ActivityBands,
        owner_field="activity",
        owner=activity,
        institution_id=activity.program.institution_id,
        action="bands.clear_activity",
        reason=reason,
    )

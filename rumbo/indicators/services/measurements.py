"""Capturing an indicator's measurement: the same gates as monthly progress of activities.

A measurement of period *p* belongs to the monthly capture (``PeriodReport``) of the
indicator's area for the month that closes *p*. In order: access
(``can_capture_indicator``), a period of the indicator's frequency, the capture window
of that month, an unlocked capture (neither enviada nor aprobada), the optimistic lock
(the version the person loaded), then the values: every variable of the formula, each a
number ≥ 0; the value is computed by the formula (a division by zero is a message, not
a crash) and graded against the period's target with the indicator's direction; outside
green a justification is required.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rumbo.audit.services import Actor, audit_record
from rumbo.core.concurrency import lock_or_create, retry_on_conflict
from rumbo.core.periods import period as period_of
from rumbo.core.semaforo import Direction, grade
from rumbo.institutions.access import require_capture_indicator
from rumbo.monitoring.cycle import capture_gate
from rumbo.monitoring.errors import StaleVersion
from rumbo.monitoring.models import PeriodReport
from rumbo.monitoring.windows import window_for
from rumbo.programs.services import quantity_parse

from ..formula import FormulaError, parse
from ..models import Indicator, Measurement
from ..selectors import bands_for_indicators, period_target

AnyUser = AbstractBaseUser | AnonymousUser
VALUE_QUANTUM = Decimal("0.0001")
MAX_VALUE = Decimal("9999999999999999.9999")  # max_digits=20, decimal_places=4


def number_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def measurement_snapshot(m: Measurement) -> dict[str, Any]:
    return {
        "period": m.period,
        "values": dict(m.values),
        "value": number_text(m.value) if m.value is not None else None,
        "comment": m.comment,
        "justification": m.justification,
        "version": m.version,
    }


def _parse_values(
    values: Mapping[str, object], required: tuple[str, ...], allowed: set[str]
) -> dict[str, Decimal]:
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Decimal] = {}
    for name in values:
        if name not in allowed:
            errors.setdefault("values", []).append(f"«{name}» no es una variable del indicador.")
    for name in required:
        raw = values.get(name)
        try:
            number = quantity_parse(raw, field=f"values.{name}", allow_none=False)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(f"«{name}»: {m}" for m in messages)
            continue
        assert number is not None  # noqa: S101 - allow_none=False
        parsed[name] = number
    if errors:
        raise ValidationError(errors)
    return parsed


@retry_on_conflict
@transaction.atomic
def measurement_save(
    *,
    actor: Actor,
    user: AnyUser,
    indicator: Indicator,
    period: int,
    values: Mapping[str, object],
    comment: str = "",
    justification: str = "",
    version: int | None,
    today: date | None = None,
) -> Measurement:
    """Create or change the measurement of one period of an indicator.

    ``version``: the measurement's version as loaded (None to create it). Raises
    ``PermissionDenied``, ``WindowClosed``, ``PeriodLocked``, ``StaleVersion`` or
    ``ValidationError`` (``period``, ``values`` / ``values.<variable>``, ``justification``).
    """
    indicator = (
        Indicator.objects.select_related("area", "row__mir__design__node__program__institution")
        .prefetch_related("variables", "targets")
        .get(pk=indicator.pk)
    )
    program = indicator.row.mir.design.node.program
    require_capture_indicator(
        user, institution_id=program.institution_id, area_id=indicator.area_id
    )
    if isinstance(period, bool) or not isinstance(period, int):
        raise ValidationError({"period": "El periodo debe ser un número entero."})
    try:
        month = period_of(indicator.frequency, period).last_month
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from None
    # The area's month first, created if missing: writers of it wait for each other
    # instead of deadlocking on the rows they insert (rumbo.core.concurrency).
    report = lock_or_create(PeriodReport, program=program, area=indicator.area, month=month)
    entry = (
        Measurement.objects.select_for_update().filter(indicator=indicator, period=period).first()
    )
    capture_gate(  # the same gates as an activity's progress: window, lock, version
        window=window_for(
            institution=program.institution,
            year=program.year,
            month=month,
            area=indicator.area,
            today=today,
        ),
        report=report,
        year=program.year,
        month=month,
        stored=entry.version if entry else None,
        sent=version,
        stored_values=measurement_snapshot(entry) if entry else {},
        sent_values={"values": {k: str(v) for k, v in values.items()}},
    )
    try:
        formula = parse(indicator.formula)
    except FormulaError as exc:  # only if the formula was stored around the services
        raise ValidationError(
            {"values": f"La fórmula del indicador no es válida: {exc.message}"}
        ) from None
    declared = {v.name for v in indicator.variables.all()}
    parsed = _parse_values(values, formula.variables, declared | set(formula.variables))
    try:
        value = formula.evaluate(parsed)
    except FormulaError as exc:
        raise ValidationError({"values": exc.message}) from None
    if not value.is_finite() or abs(value) > MAX_VALUE:
        raise ValidationError({"values": "El resultado de la fórmula es demasiado grande."})
    value = value.quantize(VALUE_QUANTUM)
    target = period_target({t.period: t.value for t in indicator.targets.all()}, indicator, period)
    bands = bands_for_indicators([indicator])[indicator.pk]
    result = grade(
        programmed=target, achieved=value, bands=bands, direction=Direction(indicator.direction)
    )
    justification = (justification or "").strip()
    comment = (comment or "").strip()
    if result.needs_justification and not justification:
        raise ValidationError(
            {
                "justification": f"El resultado está en {result.light.label.lower()} "
                f"({result.ratio} % de la meta); escribe una justificación."
            }
        )
    stored_values = {name: number_text(parsed[name]) for name in formula.variables}
    user_id = cast(int | None, user.pk) if user.is_authenticated else None
    if entry is None:
        entry = Measurement(
            indicator=indicator,
            period=period,
            values=stored_values,
            value=value,
            comment=comment,
            justification=justification,
            version=1,
            updated_by_id=user_id,
        )
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            current = Measurement.objects.get(indicator=indicator, period=period)
            raise StaleVersion(
                current=current.version,
                submitted=None,
                current_values=measurement_snapshot(current),
                submitted_values={"values": stored_values},
            ) from None
        audit_record(
            actor=actor,
            institution_id=program.institution_id,
            action="measurement.create",
            obj=entry,
            after={**measurement_snapshot(entry), "indicator": indicator.name},
        )
        return entry
    before = measurement_snapshot(entry)
    if (entry.values, entry.value, entry.comment, entry.justification) == (
        stored_values,
        value,
        comment,
        justification,
    ):
        return entry  # nothing changed: no new version, no audit
    entry.values = stored_values
    entry.value = value
    entry.comment = comment
    entry.justification = justification
    entry.version += 1
    entry.updated_by_id = user_id
    entry.updated_at = timezone.now()
    entry.save()
    after = measurement_snapshot(entry)
    changed = [k for k in after if before.get(k) != after.get(k)]
    audit_record(
        actor=actor,
        institution_id=program.institution_id,
        action="measurement.update",
        obj=entry,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return entry

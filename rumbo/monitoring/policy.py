"""Planeación's settings of the capture cycle that are not bands: the day a month's capture
closes and the largest evidence file accepted. Callers check ``Capability.MANAGE_MONITORING``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from rumbo.audit.services import Actor, audit_record
from rumbo.core.text import whole_number
from rumbo.institutions.models import Institution

from .changes import figures_changed
from .models import MonitoringPolicy

CLOSE_DAY_RANGE = (1, 28)
EVIDENCE_MB_RANGE = (1, 100)


def policy_snapshot(policy: MonitoringPolicy) -> dict[str, Any]:
    return {"close_day": policy.close_day, "evidence_max_mb": policy.evidence_max_mb}


def _whole(value: object, fld: str, low: int, high: int, message: str) -> int:
    if isinstance(value, bool):
        raise ValidationError({fld: message})
    if isinstance(value, int):
        number = value
    else:
        parsed = whole_number(value)
        if parsed is None:
            raise ValidationError({fld: message})
        number = parsed
    if not low <= number <= high:
        raise ValidationError({fld: message})
    return number


@transaction.atomic
def policy_update(
    *,
    actor: Actor,
    institution: Institution,
    close_day: object,
    evidence_max_mb: object,
    reason: str = "",
) -> MonitoringPolicy:
    """Set the close day (1–28) and the evidence limit (1–100 MB); audited when changed."""
    errors: dict[str, str] = {}
    values: dict[str, int] = {}
    checks = (
        ("close_day", close_day, CLOSE_DAY_RANGE, "El día de cierre debe ser un entero de 1 a 28."),
        (
            "evidence_max_mb",
            evidence_max_mb,
            EVIDENCE_MB_RANGE,
            "El tamaño máximo debe ser un entero de 1 a 100 MB.",
        ),
    )
    for fld, value, (low, high), message in checks:
        try:
            values[fld] = _whole(value, fld, low, high, message)
        except ValidationError as exc:
            errors[fld] = exc.message_dict[fld][0]
    if errors:
        raise ValidationError(errors)
    policy, created = MonitoringPolicy.objects.select_for_update().get_or_create(
        institution=institution
    )
    before = policy_snapshot(policy)
    if not created and before == values:
        return policy
    policy.close_day = values["close_day"]
    policy.evidence_max_mb = values["evidence_max_mb"]
    policy.save()
    if created or before["close_day"] != policy.close_day:  # which captures were on time
        figures_changed(institution_id=institution.pk)
    audit_record(
        actor=actor,
        institution_id=institution.pk,
        action="policy.update",
        obj=policy,
        before=None if created else before,
        after=policy_snapshot(policy),
        reason=(reason or "").strip(),
    )
    return policy

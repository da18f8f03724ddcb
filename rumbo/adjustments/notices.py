"""The avisos of an adjustment request: requested → whoever decides (the institution's
deciding role, never the requester); approved or rejected → the requester."""

from __future__ import annotations

from django.urls import reverse

from rumbo.audit.services import Actor
from rumbo.notifications.models import NotificationKind
from rumbo.notifications.recipients import members, without
from rumbo.notifications.services import notify

from .models import AdjustmentRequest, AdjustmentState


def _url(adjustment: AdjustmentRequest) -> str:
    program = adjustment.program
    return reverse(
        "web:adjustment_detail", args=[program.institution.code, program.year, adjustment.pk]
    )


def _who(actor: Actor) -> str:
    user = actor.user
    if user is None:
        return actor.label
    return getattr(user, "get_full_name", lambda: "")() or user.get_username()


def adjustment_requested_notify(
    *, actor: Actor, adjustment: AdjustmentRequest, decider_role: str
) -> None:
    program = adjustment.program
    people = members(institution_id=program.institution_id, role=decider_role)
    people = without(people, actor.user)
    if not people:
        return
    area = f" (área {adjustment.area_code})" if adjustment.area_code else ""
    notify(
        recipients=people,
        kind=NotificationKind.ADJUSTMENT_REQUESTED,
        title=f"Adecuación por decidir: folio {adjustment.number}, {adjustment.subject}",
        body=(
            f"{_who(actor)} solicitó la adecuación {adjustment.number} "
            f"({adjustment.get_kind_display().lower()}) {adjustment.subject_phrase}{area} "
            f"del programa {program.year}.\n\nJustificación: {adjustment.justification}\n\n"
            "Revísala y apruébala o recházala."
        ),
        url=_url(adjustment),
        key=f"adjustment:{adjustment.pk}:requested",
        institution=program.institution,
    )


def adjustment_decided_notify(*, actor: Actor, adjustment: AdjustmentRequest) -> None:
    requester = adjustment.requested_by
    if requester is None or (actor.user is not None and actor.user.pk == requester.pk):
        return
    program = adjustment.program
    what = f"tu solicitud de adecuación {adjustment.number} {adjustment.subject_phrase}"
    if adjustment.state == AdjustmentState.APROBADA:
        title = f"Adecuación aprobada: folio {adjustment.number}, {adjustment.subject}"
        version = adjustment.version.number if adjustment.version else None
        where = (
            f"al modificado del presupuesto {program.year}"
            if adjustment.is_budget
            else f"al programa {program.year}"
        )
        body = f"{_who(actor)} aprobó {what}; ya se aplicó {where}" + (
            f" (versión {version})." if version else "."
        )
        if adjustment.decision_reason:
            body += f"\n\nComentario: {adjustment.decision_reason}"
    else:
        title = f"Adecuación rechazada: folio {adjustment.number}, {adjustment.subject}"
        body = f"{_who(actor)} rechazó {what} por este motivo:\n\n{adjustment.decision_reason}"
    notify(
        recipients=[requester],
        kind=NotificationKind.ADJUSTMENT_DECIDED,
        title=title,
        body=body,
        url=_url(adjustment),
        key=f"adjustment:{adjustment.pk}:decided",
        institution=program.institution,
    )

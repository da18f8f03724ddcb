"""Reviewing quality findings: accept or resolve them with a comment, or reopen them.

The web page and the API both call ``finding_review``; callers check
``Capability.REVIEW_FINDINGS`` first. A re-import keeps a reviewed finding's status
(see ``rumbo.imports.base``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rumbo.audit.services import Actor, audit_record

from .models import FindingStatus, QualityFinding

COMMENT_MAX_LENGTH = 2000


def finding_snapshot(finding: QualityFinding) -> dict[str, Any]:
    return {
        "status": finding.status,
        "resolved_by": finding.resolved_by.get_username() if finding.resolved_by else None,
        "resolved_at": finding.resolved_at.isoformat() if finding.resolved_at else None,
        "resolution_comment": finding.resolution_comment,
    }


def finding_review(
    *, actor: Actor, finding: QualityFinding, status: str, comment: str
) -> QualityFinding:
    """Set a finding's status: ``accepted`` or ``resolved`` need a comment; ``open`` reopens.

    Accepting or resolving records who, when and the comment; reopening clears them (the
    audit trail keeps the earlier review) and takes an optional comment as the reason.
    """
    comment = (comment or "").strip()
    if status not in FindingStatus.values:
        raise ValidationError({"status": "Estado no válido: usa aceptado, resuelto o abierto."})
    if status != FindingStatus.OPEN and not comment:
        raise ValidationError(
            {"comment": "Escribe un comentario que explique por qué se acepta o resuelve."}
        )
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"comment": f"El comentario admite hasta {COMMENT_MAX_LENGTH:,} caracteres."}
        )
    if status == FindingStatus.OPEN and finding.status == FindingStatus.OPEN:
        raise ValidationError({"status": "El hallazgo ya está abierto."})

    with transaction.atomic():
        before = finding_snapshot(finding)
        finding.status = status
        if status == FindingStatus.OPEN:
            finding.resolved_by = None
            finding.resolved_at = None
            finding.resolution_comment = ""
        else:
            user = actor.user if actor.user is not None and actor.user.pk else None
            finding.resolved_by = user  # type: ignore[assignment]  # AUTH_USER_MODEL is User
            finding.resolved_at = timezone.now()
            finding.resolution_comment = comment
        finding.save(
            update_fields=[
                "status",
                "resolved_by",
                "resolved_at",
                "resolution_comment",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            institution_id=finding.institution_id,
            action="finding.reopen" if status == FindingStatus.OPEN else f"finding.{status}",
            obj=finding,
            before=before,
            after=finding_snapshot(finding),
            reason=comment,
        )
    return finding

"""Reviewing quality findings: accept or resolve them with a comment, or reopen them.

The web page and the API both call ``finding_review``; callers check
``Capability.REVIEW_FINDINGS`` first. ``findings_review_many`` accepts or resolves, with one
comment, every open finding a filter of the findings page selects; it checks the
capability itself. A re-import keeps a reviewed finding's status (see
``rumbo.imports.base``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rumbo.audit.services import Actor, Change, audit_record, audit_record_many
from rumbo.core.errors import Conflict
from rumbo.institutions.access import Capability, require
from rumbo.institutions.models import Institution

from .models import FindingStatus, QualityFinding
from .selectors import FindingFilters, finding_bulk_targets

COMMENT_MAX_LENGTH = 2000


def finding_snapshot(finding: QualityFinding) -> dict[str, Any]:
    return {
        "status": finding.status,
        "resolved_by": finding.resolved_by.get_username() if finding.resolved_by else None,
        "resolved_at": finding.resolved_at.isoformat() if finding.resolved_at else None,
        "resolution_comment": finding.resolution_comment,
    }


def _comment(status: str, comment: str) -> str:
    comment = (comment or "").strip()
    if status != FindingStatus.OPEN and not comment:
        raise ValidationError(
            {"comment": "Escribe un comentario que explique por qué se acepta o resuelve."}
        )
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"comment": f"El comentario admite hasta {COMMENT_MAX_LENGTH:,} caracteres."}
        )
    return comment


def finding_review(
    *, actor: Actor, finding: QualityFinding, status: str, comment: str
) -> QualityFinding:
    """Set a finding's status: ``accepted`` or ``resolved`` need a comment; ``open`` reopens.

    Accepting or resolving records who, when and the comment; reopening clears them (the
    audit trail keeps the earlier review) and takes an optional comment as the reason.
    """
    if status not in FindingStatus.values:
        raise ValidationError({"status": "Estado no válido: usa aceptado, resuelto o abierto."})
    comment = _comment(status, comment)
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


BULK_STATUSES = (FindingStatus.ACCEPTED, FindingStatus.RESOLVED)


def findings_review_many(
    *,
    actor: Actor,
    user: AbstractBaseUser | AnonymousUser,
    institution: Institution,
    filters: FindingFilters,
    status: str,
    comment: str,
    expected: int | None = None,
) -> int:
    """Accept or resolve, with one comment, every open finding the filters select; one
    audit event per finding, all in one transaction. ``expected``: the count the person
    confirmed; if the filter now selects another number (someone reviewed or imported
    meanwhile), nothing changes (``Conflict``). Returns how many were reviewed."""
    require(user, institution, Capability.REVIEW_FINDINGS)
    if status not in BULK_STATUSES:
        raise ValidationError({"status": "Elige aceptar o resolver."})
    comment = _comment(status, comment)
    with transaction.atomic():
        targets = finding_bulk_targets(institution=institution, filters=filters)
        findings = list(
            QualityFinding.objects.select_for_update()
            .filter(pk__in=targets.values("pk"))
            .order_by("pk")
        )
        if expected is not None and len(findings) != expected:
            raise Conflict(
                f"El filtro ahora selecciona {len(findings):,} hallazgos abiertos, no "
                f"{expected:,}: alguien los revisó o importó mientras tanto. No se cambió "
                "nada; revisa la cifra y confirma de nuevo."
            )
        if not findings:
            raise ValidationError({"status": "El filtro no selecciona hallazgos abiertos."})
        findings_close(
            actor=actor, institution=institution, findings=findings, status=status, comment=comment
        )
    return len(findings)


def findings_close(
    *,
    actor: Actor,
    institution: Institution,
    findings: list[QualityFinding],
    status: str,
    comment: str,
) -> None:
    """Accept or resolve the given open findings (already locked by the caller, inside its
    transaction) with one comment: one update, one audit event each. Callers authorise:
    ``findings_review_many`` and the services that settle what a finding asked for (a
    partida marked reviewed: ``rumbo.budget.services``)."""
    if not findings:
        return
    who = actor.user if actor.user is not None and actor.user.pk else None
    now = timezone.now()
    before = {f.pk: finding_snapshot(f) for f in findings}
    QualityFinding.objects.filter(pk__in=[f.pk for f in findings]).update(
        status=status,
        resolved_by=who,
        resolved_at=now,
        resolution_comment=comment,
        updated_at=now,
    )
    after = {
        "status": status,
        "resolved_by": who.get_username() if who is not None else None,
        "resolved_at": now.isoformat(),
        "resolution_comment": comment,
    }
    audit_record_many(
        actor=actor,
        institution_id=institution.pk,
        changes=[
            Change(action=f"finding.{status}", obj=f, before=before[f.pk], after=after)
            for f in findings
        ],
        reason=comment,
    )

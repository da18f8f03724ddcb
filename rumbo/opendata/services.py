"""Publishing and withdrawing open data (Planeación only, audited with the reason).

A MIR can be published only once its program year is; withdrawing a program year withdraws
its MIRs in the same transaction, so nothing of a withdrawn year stays public.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rumbo.audit.services import Actor, Change, audit_record_many
from rumbo.indicators.models import Mir
from rumbo.institutions.access import Capability, require
from rumbo.programs.models import AnnualProgram

from .models import Publication, PublicationKind
from .summary import summary_refresh

AnyUser = AbstractBaseUser | AnonymousUser


def publication_snapshot(publication: Publication) -> dict[str, Any]:
    return {
        "kind": publication.kind,
        "program": f"{publication.program.institution.code} {publication.program.year}",
        "mir": publication.mir_id,
        "published_at": publication.published_at.isoformat(),
        "published_by": publication.published_by_label,
    }


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": "Escribe el motivo."})
    return text


def _mir_of(program: AnnualProgram, mir: Mir | None) -> Mir | None:
    if mir is None:
        return None
    mir = Mir.objects.select_related("design__node").get(pk=mir.pk)
    if mir.design.node.program_id != program.pk:
        raise ValidationError({"mir": "La MIR no pertenece a ese programa anual."})
    return mir


@transaction.atomic
def publication_publish(
    *,
    user: AnyUser,
    program: AnnualProgram,
    mir: Mir | None = None,
    reason: str,
    actor: Actor | None = None,
) -> Publication:
    """Publish a program year, or (``mir``) one MIR of an already published year."""
    require(user, program.institution, Capability.PUBLISH_OPEN_DATA)
    text = _reason(reason)
    mir = _mir_of(program, mir)
    published = Publication.objects.select_for_update().filter(program=program)
    kind = PublicationKind.MIR if mir else PublicationKind.PROGRAM
    if mir is None and published.filter(kind=PublicationKind.PROGRAM).exists():
        raise ValidationError({"program": "Ese programa anual ya está publicado."})
    if mir is not None:
        if not published.filter(kind=PublicationKind.PROGRAM).exists():
            raise ValidationError({"mir": "Publica primero el programa anual; después, sus MIR."})
        if published.filter(mir=mir).exists():
            raise ValidationError({"mir": "Esa MIR ya está publicada."})
    who = actor or Actor.for_user(user)
    publication = Publication.objects.create(
        program=program,
        kind=kind,
        mir=mir,
        published_at=timezone.now(),
        published_by=who.user if who.user is not None and who.user.pk else None,  # type: ignore[misc]  # AUTH_USER_MODEL is the default User
        published_by_label=who.label,
    )
    audit_record_many(
        actor=who,
        institution_id=program.institution_id,
        changes=[
            Change(
                action="opendata.publish",
                obj=publication,
                before=None,
                after=publication_snapshot(publication),
            )
        ],
        reason=text,
    )
    if mir is None:
        summary_refresh([program.pk])  # the comparison shows the year from now on
    return publication


@transaction.atomic
def publication_withdraw(
    *,
    user: AnyUser,
    program: AnnualProgram,
    mir: Mir | None = None,
    reason: str,
    actor: Actor | None = None,
) -> int:
    """Withdraw a program year (with its MIRs) or one MIR; returns how many were withdrawn."""
    require(user, program.institution, Capability.PUBLISH_OPEN_DATA)
    text = _reason(reason)
    mir = _mir_of(program, mir)
    rows = Publication.objects.select_for_update().filter(program=program)
    if mir is not None:
        rows = rows.filter(mir=mir)
    doomed = list(rows.select_related("program__institution"))
    if not doomed:
        field = "mir" if mir else "program"
        raise ValidationError({field: "No está publicado."})
    who = actor or Actor.for_user(user)
    changes = [
        Change(
            action="opendata.withdraw",
            obj=p,
            before=publication_snapshot(p),
            after=None,
            object_repr=str(p),
        )
        for p in doomed
    ]
    audit_record_many(
        actor=who, institution_id=program.institution_id, changes=changes, reason=text
    )
    Publication.objects.filter(pk__in=[p.pk for p in doomed]).delete()
    if mir is None:
        summary_refresh([program.pk])  # and leaves the comparison
    return len(doomed)

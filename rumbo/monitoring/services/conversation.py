"""The review of an area's month as a conversation, and the record of each send.

- **Who writes** (``thread_author``, the one rule): Revisión or Planeación (who review the
  month, ``Capability.REVIEW_PROGRESS``) write observations; the area's Enlace answers.
  Nobody else writes: Consulta and Fiscalización read the thread on the capture page.
  A person who reviews and is also the area's Enlace writes as a reviewer.
- **When**: in any state of a month that has a capture (a ``PeriodReport``); the thread
  is the history of its review and stays after approval.
- ``period_message_post`` (a post of the page) is authorised and audited
  (``period.message``, on the month, so the month's history shows it). Returning a month
  and approving it with a comment add that comment to the thread (``period_message_record``,
  called by ``periods.py`` inside the transition, whose own audit event records it).
- ``submission_record``: what a send held (``rumbo.monitoring.submissions``), called by
  ``period_submit`` in its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from rumbo.audit.services import Actor, audit_record
from rumbo.core.periods import MONTH_NAMES
from rumbo.core.text import clean
from rumbo.institutions.access import Capability, can, grant_of, is_own_enlace
from rumbo.institutions.models import Area, Role
from rumbo.programs.models import AnnualProgram

from ..models import MessageKind, PeriodMessage, PeriodReport, PeriodSubmission, ProgressEntry
from ..selectors import area_activities, evidence_counts
from ..submissions import snapshot_row

AnyUser = AbstractBaseUser | AnonymousUser

MAX_TEXT = 4000


@dataclass(frozen=True)
class Author:
    """How a user writes in a month's thread: the kind of post and the role it is written as."""

    kind: MessageKind
    role: Role

    @property
    def verb(self) -> str:
        return "Enviar observación" if self.kind == MessageKind.OBSERVATION else "Responder"


def thread_author(user: AnyUser, program: AnnualProgram, area: Area) -> Author | None:
    """Who the user writes as in ``area``'s thread, or None when they only read it."""
    institution = program.institution
    if can(user, institution, Capability.REVIEW_PROGRESS):
        roles = grant_of(user, institution.pk).roles
        role = Role.PLANEACION if Role.PLANEACION in roles else Role.REVISOR
        return Author(MessageKind.OBSERVATION, role)
    if is_own_enlace(grant_of(user, institution.pk), area.pk):
        return Author(MessageKind.ANSWER, Role.ENLACE)
    return None


def _text(value: str) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if not clean(text):
        raise ValidationError({"text": "Escribe el mensaje: el texto está vacío."})
    if "\x00" in text:
        raise ValidationError({"text": "El texto tiene un carácter no válido (NUL)."})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {"text": f"Escribe a lo más {MAX_TEXT:,} caracteres (llevas {len(text):,})."}
        )
    return text


def _user_id(user: AnyUser) -> int | None:
    return cast(int | None, user.pk) if user.is_authenticated else None


def period_message_record(
    *, actor: Actor, user: AnyUser, report: PeriodReport, kind: MessageKind, role: Role, text: str
) -> PeriodMessage:
    """A post the cycle adds itself (the comment of a return or an approval), inside the
    transition's transaction: the caller has authorised the move and audits it."""
    return PeriodMessage.objects.create(
        period=report,
        author_id=_user_id(user),
        author_label=actor.label,
        author_role=role,
        kind=kind,
        text=text,
    )


def reviewer_role(user: AnyUser, report: PeriodReport) -> Role:
    """The role a reviewer returns or approves with (Planeación when they hold it)."""
    roles = grant_of(user, report.program.institution_id).roles
    return Role.PLANEACION if Role.PLANEACION in roles else Role.REVISOR


@transaction.atomic
def period_message_post(
    *, actor: Actor, user: AnyUser, program: AnnualProgram, area: Area, month: int, text: str
) -> PeriodMessage:
    """An observation of the reviewer or an answer of the area's Enlace, in the month's thread."""
    if area.institution_id != program.institution_id:
        raise ValidationError({"area": "El área no pertenece a la institución del programa."})
    author = thread_author(user, program, area)
    if author is None:
        raise PermissionDenied(
            "Solo Revisión o Planeación escriben observaciones y solo el enlace del área "
            "las responde; tu papel permite leer la conversación."
        )
    body = _text(text)
    report = (
        PeriodReport.objects.select_for_update()
        .filter(program=program, area=area, month=month)
        .first()
    )
    if report is None:
        raise ValidationError(
            {
                "text": f"{area.code} aún no captura {MONTH_NAMES[month - 1]}: la conversación "
                "empieza cuando el área guarda sus avances."
            }
        )
    message = period_message_record(
        actor=actor, user=user, report=report, kind=author.kind, role=author.role, text=body
    )
    audit_record(
        actor=actor,
        institution_id=program.institution_id,
        action="period.message",
        obj=report,
        after={"kind": message.kind, "role": message.author_role, "text": message.text},
    )
    return message


def submission_record(*, actor: Actor, user: AnyUser, report: PeriodReport) -> PeriodSubmission:
    """What the month holds as it is sent (inside ``period_submit``'s transaction)."""
    activities = area_activities(program=report.program, area=report.area)
    entries = {
        e.activity_id: e
        for e in ProgressEntry.objects.filter(
            activity_id__in=[a.pk for a in activities], month=report.month
        )
    }
    counts = evidence_counts(e.pk for e in entries.values())
    values = {}
    for activity in activities:
        entry = entries.get(activity.pk)
        evidence = counts.get(entry.pk, 0) if entry is not None else 0
        values[str(activity.pk)] = snapshot_row(activity.key, entry, evidence)
    last = PeriodSubmission.objects.filter(period=report).aggregate(n=Max("number"))["n"] or 0
    return PeriodSubmission.objects.create(
        period=report,
        number=last + 1,
        submitted_at=report.submitted_at or timezone.now(),
        submitted_by_id=_user_id(user),
        submitted_label=actor.label,
        values=values,
    )

"""Observations of the review: Planeación writes them on activities while the program is en
revisión, the activity's area answers, Planeación marks them atendidas.

- **Write**: Planeación (``access.can_observe``), only while the program is en revisión
  (``Conflict`` otherwise: en formulación the areas are still building it; approved, it is
  the Consejo's).
- **Answer**: the Enlace of the activity's responsible area (``access.can_answer_observation``),
  while the observation is abierta and the program not yet approved (en revisión, or back en
  formulación to fix what was observed). Answering again replaces the answer; the audit
  trail keeps the one before.
- **Atendida**: Planeación, while it is abierta and the program not yet approved.

Returning the program to formulación keeps them (they are the history of its review);
approving it with observations still abiertas is allowed — the Consejo decides — and the
approval page says how many there are. Every write is audited in the same transaction
(``observation.create``, ``observation.answer``, ``observation.resolve``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from rumbo.audit.services import Actor, audit_record
from rumbo.core.errors import Conflict
from rumbo.core.text import clean

from ..access import can_answer_observation, can_observe
from ..models import (
    Activity,
    ActivityObservation,
    AnnualProgram,
    ObservationState,
    ProgramState,
)

MAX_TEXT = 4000


def _text(value: str, *, field: str, empty: str) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if not clean(text):
        raise ValidationError({field: empty})
    if "\x00" in text:
        raise ValidationError({field: "El texto tiene un carácter no válido (NUL)."})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {field: f"Escribe a lo más {MAX_TEXT:,} caracteres (llevas {len(text):,})."}
        )
    return text


def _user_id(actor: Actor) -> int | None:
    return actor.user.pk if actor.user is not None else None


def _still_open(program: AnnualProgram, what: str) -> None:
    """Answers and resolutions stop when the program is approved: the review is over."""
    if program.targets_frozen:
        raise Conflict(
            f"El programa {program.year} ya está «{program.get_state_display().lower()}»: "
            f"su revisión terminó y sus observaciones ya no se {what}; quedan como historial."
        )


def _locked(observation: ActivityObservation) -> ActivityObservation:
    return (
        ActivityObservation.objects.select_for_update(of=("self",))
        .select_related("activity__program__institution", "activity__node")
        .get(pk=observation.pk)
    )


@transaction.atomic
def observation_create(*, actor: Actor, activity: Activity, text: str) -> ActivityObservation:
    """Planeación's observation on an activity of a program en revisión."""
    program = (
        AnnualProgram.objects.select_for_update()
        .select_related("institution")
        .get(pk=activity.program_id)
    )
    if actor.user is not None and not can_observe(actor.user, program):
        raise PermissionDenied("Solo Planeación escribe observaciones de revisión.")
    body = _text(text, field="text", empty="Escribe la observación: el texto está vacío.")
    if program.state != ProgramState.REVISION:
        raise Conflict(
            f"El programa {program.year} está «{program.get_state_display().lower()}»: las "
            "observaciones se escriben mientras está en revisión. Envíalo a revisión en "
            "«Aprobación y versiones»."
        )
    activity.program = program
    observation = ActivityObservation.objects.create(
        activity=activity,
        text=body,
        author_id=_user_id(actor),
        author_label=actor.label,
    )
    audit_record(
        actor=actor,
        institution_id=program.institution_id,
        action="observation.create",
        obj=observation,
        after={
            "activity": activity.key,
            "text": observation.text,
            "state": observation.state,
        },
    )
    return observation


@transaction.atomic
def observation_answer(
    *, actor: Actor, observation: ActivityObservation, text: str
) -> ActivityObservation:
    """The answer of the activity's area (its Enlace) to an open observation."""
    locked = _locked(observation)
    activity = locked.activity
    if actor.user is not None and not can_answer_observation(actor.user, activity):
        raise PermissionDenied(
            "Solo el enlace del área responsable de la actividad responde sus observaciones."
        )
    body = _text(text, field="text", empty="Escribe la respuesta: el texto está vacío.")
    _still_open(activity.program, "responden")
    if locked.state != ObservationState.ABIERTA:
        raise Conflict("La observación ya está atendida: no se responde de nuevo.")
    before = locked.answer
    locked.answer = body
    locked.answered_by_id = _user_id(actor)
    locked.answered_label = actor.label
    locked.answered_at = timezone.now()
    locked.save(
        update_fields=["answer", "answered_by_id", "answered_label", "answered_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        institution_id=activity.program.institution_id,
        action="observation.answer",
        obj=locked,
        before={"answer": before},
        after={"answer": locked.answer},
    )
    return locked


@transaction.atomic
def observation_resolve(
    *, actor: Actor, observation: ActivityObservation, reason: str = ""
) -> ActivityObservation:
    """Planeación marks an open observation atendida."""
    locked = _locked(observation)
    program = locked.activity.program
    if actor.user is not None and not can_observe(actor.user, program):
        raise PermissionDenied("Solo Planeación marca las observaciones como atendidas.")
    _still_open(program, "atienden")
    if locked.state != ObservationState.ABIERTA:
        raise Conflict("La observación ya estaba atendida.")
    locked.state = ObservationState.ATENDIDA
    locked.resolved_by_id = _user_id(actor)
    locked.resolved_label = actor.label
    locked.resolved_at = timezone.now()
    locked.save(
        update_fields=["state", "resolved_by_id", "resolved_label", "resolved_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        institution_id=program.institution_id,
        action="observation.resolve",
        obj=locked,
        before={"state": ObservationState.ABIERTA.value},
        after={"state": locked.state},
        reason=clean(reason),
    )
    return locked

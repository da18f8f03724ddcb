"""The life cycle of a MIR, and the rule that freezes an approved one.

    en formulación ⇄ en revisión → aprobado → cerrado

the annual program's states and moves (``rumbo/programs/lifecycle.py::TRANSITIONS``). Whoever
edits the MIR (Planeación, or the Enlace of the design's area: ``can_edit_design``) sends
it to revisión; returning it with observations, recording the acuerdo that approves it and
closing it are Planeación's, as for the program.

Approving a program approves its MIRs still in formulación or revisión with the program's
acuerdo and date, so version 1 holds their targets, and closing it closes them all
(``approve_with_program``, ``close_with_program``, registered in ``apps.py``). A MIR
approved after its program freezes the program's next version. A MIR en formulación under
an approved program stays editable: it was not approved yet.

Once the MIR is approved (or closed), its indicators are neither added nor deleted and their
targets are not edited directly: ``require_mir_open`` refuses it with a 409 that names the
way, an adjustment request of kind ``meta_indicador``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from rumbo.audit.services import Actor, Change, audit_record, audit_record_many
from rumbo.core.errors import Conflict
from rumbo.core.text import clean
from rumbo.institutions.access import (
    AnyUser,
    Capability,
    can,
    can_edit_design,
    require_edit_design,
)
from rumbo.programs.lifecycle import TRANSITIONS, TargetsFrozen, approval_check
from rumbo.programs.models import AnnualProgram, ProgramState, ProgramVersion
from rumbo.programs.versions import version_freeze

from .models import Mir

__all__ = [
    "TRANSITIONS",
    "MirFrozen",
    "approve_with_program",
    "close_with_program",
    "mir_approve",
    "mir_close",
    "mir_next_states",
    "mir_return",
    "mir_state_text",
    "mir_submit_review",
    "require_mir_open",
]

ADJUSTMENT_KIND = "meta_indicador"  # rumbo.adjustments' AdjustmentKind.META_INDICADOR

# The moves that judge a MIR or record the Consejo's acuerdo are Planeación's (the
# capability of the program's own moves); sending it to revisión, whoever edits it.
PLANEACION_MOVES = frozenset(
    {ProgramState.FORMULACION, ProgramState.APROBADO, ProgramState.CERRADO}
)


def mir_state_text(mir: Mir) -> str:
    """«la MIR está …»: en formulación, en revisión, aprobada, cerrada."""
    return mir.state_text


def _title(mir: Mir) -> str:
    return mir.design.title


class MirFrozen(TargetsFrozen):
    """A direct edit of an approved (or closed) MIR's indicators: the way is an adjustment
    request of kind ``meta_indicador`` (once its program is approved)."""

    def __init__(self, mir: Mir, what: str = "las metas de sus indicadores") -> None:
        self.mir = mir
        self.program = program = mir.design.node.program
        code = program.institution.code
        agreement = ""
        if mir.agreement:
            when = f" del {mir.approved_on:%d/%m/%Y}" if mir.approved_on else ""
            agreement = f" (acuerdo {mir.agreement}{when})"
        head = (
            f"La MIR «{_title(mir)}» está {mir_state_text(mir)}{agreement}: "
            f"{what} no se editan directamente."
        )
        if mir.state == ProgramState.CERRADO:
            message = f"{head} Está cerrada: ya no cambian, tampoco por adecuación."
        elif program.state == ProgramState.APROBADO:
            message = (
                f"{head} Para cambiar la meta de un indicador, presenta una solicitud de "
                "adecuación programática de tipo «Ajuste de meta de indicador» "
                f"({ADJUSTMENT_KIND}) en la página «Adecuaciones» del programa {program.year}, "
                f"o con POST /api/v1/institutions/{code}/programs/{program.year}/adjustments; "
                "aprobada, se aplica y crea la versión siguiente del programa."
            )
        else:
            message = (
                f"{head} Sus metas cambiarán con una solicitud de adecuación programática "
                f"de tipo «Ajuste de meta de indicador» ({ADJUSTMENT_KIND}) cuando se "
                f"apruebe el programa {program.year}."
            )
        Conflict.__init__(self, message)

    def extra(self) -> dict[str, Any]:
        return {
            **super().extra(),
            "kind": ADJUSTMENT_KIND,
            "mir": self.mir.pk,
            "mir_state": self.mir.state,
        }


def require_mir_open(mir: Mir, what: str = "las metas de sus indicadores") -> None:
    """``MirFrozen`` if ``mir`` is approved or closed (``mir.design.node.program`` and its
    institution loaded)."""
    if mir.targets_frozen:
        raise MirFrozen(mir, what)


# --- who may move it ---------------------------------------------------------------------


def may_move(user: AnyUser, mir: Mir, to: str) -> bool:
    """Whether ``user`` may take ``mir`` to ``to`` (ignoring whether the state allows it)."""
    if not can_edit_design(user, mir.design):
        return False
    institution = mir.design.node.program.institution
    return to not in PLANEACION_MOVES or can(user, institution, Capability.EDIT_PROGRAM)


def mir_next_states(user: AnyUser, mir: Mir) -> list[str]:
    """The states ``user`` may take ``mir`` to now (for the page's buttons)."""
    return [to for to in TRANSITIONS[mir.state] if may_move(user, mir, to)]


def _authorize(user: AnyUser, mir: Mir, to: str) -> None:
    require_edit_design(user, mir.design)
    if not may_move(user, mir, to):
        raise PermissionDenied(
            "Solo Planeación devuelve a formulación, aprueba o cierra una MIR; el enlace del "
            "área la envía a revisión."
        )


# --- the moves ---------------------------------------------------------------------------


def _lock(mir: Mir) -> Mir:
    return (
        Mir.objects.select_for_update(of=("self",))
        .select_related("design__node__program__institution")
        .get(pk=mir.pk)
    )


def _move(actor: Actor, mir: Mir, to: str) -> Mir:
    locked = _lock(mir)
    if actor.user is not None:
        _authorize(actor.user, locked, to)
    if to not in TRANSITIONS[locked.state]:
        raise Conflict(
            f"La MIR «{_title(locked)}» está «{locked.get_state_display()}»; no puede pasar "
            f"a «{ProgramState(to).label}»."
        )
    return locked


def _record(actor: Actor, mir: Mir, action: str, before: str, reason: str, **after: Any) -> None:
    audit_record(
        actor=actor,
        institution_id=mir.design.node.program.institution_id,
        action=action,
        obj=mir,
        before={"state": before},
        after={"state": mir.state, **after},
        reason=reason,
    )


def _sync(mir: Mir, locked: Mir) -> None:
    """The caller's object shows the new state."""
    mir.state, mir.agreement, mir.approved_on = locked.state, locked.agreement, locked.approved_on


@transaction.atomic
def mir_submit_review(*, actor: Actor, mir: Mir, reason: str = "") -> Mir:
    """En formulación → en revisión."""
    locked = _move(actor, mir, ProgramState.REVISION)
    before = locked.state
    locked.state = ProgramState.REVISION
    locked.save(update_fields=["state", "updated_at"])
    _record(
        actor,
        locked,
        "mir.review",
        before,
        clean(reason) or f"La MIR «{_title(locked)}» se envió a revisión.",
    )
    _sync(mir, locked)
    return locked


@transaction.atomic
def mir_return(*, actor: Actor, mir: Mir, reason: str) -> Mir:
    """En revisión → en formulación, with the observations as the reason."""
    if not clean(reason):
        raise ValidationError({"reason": "Di por qué la MIR vuelve a formulación."})
    locked = _move(actor, mir, ProgramState.FORMULACION)
    before = locked.state
    locked.state = ProgramState.FORMULACION
    locked.save(update_fields=["state", "updated_at"])
    _record(actor, locked, "mir.return", before, clean(reason))
    _sync(mir, locked)
    return locked


@transaction.atomic
def mir_approve(
    *, actor: Actor, mir: Mir, agreement: str, approved_on: date | None
) -> ProgramVersion | None:
    """Record the acuerdo that approves the MIR; from now on its indicators' targets are
    frozen. If its program is already approved, the program's next version is frozen
    with the MIR's targets in it (returned); otherwise version 1 will hold them when the
    program is approved (None)."""
    agreement = clean(agreement)
    locked = _move(actor, mir, ProgramState.APROBADO)
    program = locked.design.node.program
    approval_check(
        year=program.year, agreement=agreement, approved_on=approved_on, what="Una MIR del programa"
    )
    assert approved_on is not None  # noqa: S101 - approval_check refuses None
    before = locked.state
    locked.state = ProgramState.APROBADO
    locked.agreement = agreement
    locked.approved_on = approved_on
    locked.save(update_fields=["state", "agreement", "approved_on", "updated_at"])
    words = f"acuerdo {agreement} del {approved_on:%d/%m/%Y}"
    version = None
    program = (
        AnnualProgram.objects.select_for_update().select_related("institution").get(pk=program.pk)
    )
    if program.state == ProgramState.APROBADO:
        version = version_freeze(
            program=program,
            user=actor.user,
            reason=f"Aprobación de la MIR «{_title(locked)}»: {words}.",
            at=timezone.now(),
        )
    extra: dict[str, Any] = {"agreement": agreement, "approved_on": f"{approved_on:%d/%m/%Y}"}
    if version is not None:
        extra.update(program_version=version.number, sha256=version.sha256)
    _record(
        actor,
        locked,
        "mir.approve",
        before,
        f"La MIR «{_title(locked)}» se aprobó con el {words}"
        + (
            f"; congela la versión {version.number} del programa {program.year}."
            if version is not None
            else f"; el programa {program.year} está «{program.get_state_display()}»."
        ),
        **extra,
    )
    _sync(mir, locked)
    return version


@transaction.atomic
def mir_close(*, actor: Actor, mir: Mir, reason: str = "") -> Mir:
    """Aprobado → cerrado: nothing of its indicators' targets changes any more."""
    locked = _move(actor, mir, ProgramState.CERRADO)
    before = locked.state
    locked.state = ProgramState.CERRADO
    locked.save(update_fields=["state", "updated_at"])
    _record(
        actor, locked, "mir.close", before, clean(reason) or f"Se cerró la MIR «{_title(locked)}»."
    )
    _sync(mir, locked)
    return locked


# --- with the program (registered in apps.py) ---------------------------------------------


def _program_mirs(program: AnnualProgram, states: tuple[str, ...]) -> list[Mir]:
    return list(
        Mir.objects.select_for_update(of=("self",))
        .select_related("design")
        .filter(design__node__program=program, state__in=states)
        .order_by("pk")
    )


def approve_with_program(actor: Actor, program: AnnualProgram) -> None:
    """The program's approval approves its MIRs still in formulación or revisión with the
    same acuerdo and date (one audit event each); MIRs approved before keep their own."""
    mirs = _program_mirs(program, (ProgramState.FORMULACION, ProgramState.REVISION))
    if not mirs:
        return
    assert program.approved_on is not None  # noqa: S101 - set by program_approve
    words = f"acuerdo {program.agreement} del {program.approved_on:%d/%m/%Y}"
    Mir.objects.filter(pk__in=[m.pk for m in mirs]).update(
        state=ProgramState.APROBADO,
        agreement=program.agreement,
        approved_on=program.approved_on,
        updated_at=timezone.now(),
    )
    audit_record_many(
        actor=actor,
        institution_id=program.institution_id,
        changes=[
            Change(
                action="mir.approve",
                obj=mir,
                before={"state": mir.state},
                after={
                    "state": ProgramState.APROBADO.value,
                    "agreement": program.agreement,
                    "approved_on": f"{program.approved_on:%d/%m/%Y}",
                },
            )
            for mir in mirs
        ],
        reason=f"Aprobada con el programa {program.year}: {words}.",
    )


def close_with_program(actor: Actor, program: AnnualProgram) -> None:
    """Closing the program closes all its MIRs (one audit event each), whatever their
    state: after the year's close nothing changes any more."""
    mirs = _program_mirs(
        program, (ProgramState.FORMULACION, ProgramState.REVISION, ProgramState.APROBADO)
    )
    if not mirs:
        return
    Mir.objects.filter(pk__in=[m.pk for m in mirs]).update(
        state=ProgramState.CERRADO, updated_at=timezone.now()
    )
    audit_record_many(
        actor=actor,
        institution_id=program.institution_id,
        changes=[
            Change(
                action="mir.close",
                obj=mir,
                before={"state": mir.state},
                after={"state": ProgramState.CERRADO.value},
            )
            for mir in mirs
        ],
        reason=f"Cerrada con el programa {program.year}.",
    )

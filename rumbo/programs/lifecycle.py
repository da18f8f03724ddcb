"""The life cycle of an annual program, and the rule that freezes an approved one.

    en formulación ⇄ en revisión → aprobado → cerrado

Planeación and the areas build the program en formulación; Planeación sends it to
revisión, where only Planeación edits and writes observations per activity that the areas
answer (who edits in each state: ``rumbo.programs.access``; the observations:
``services/observations.py``), and may return it; Planeación records the Consejo's
approval (acuerdo, date, document), which freezes version 1 (``versions.py``); at year end
Planeación closes it.

Approving and closing the program carry along what higher apps register
(``register_approval_step``, ``register_close_step``): ``rumbo.indicators`` approves the
MIRs still in formulación or revisión with the program's acuerdo (so version 1 holds
their targets) and closes them with it.

Once approved, nobody edits targets directly — not an enlace, not Planeación, not the API,
not the Excel round trip: ``require_targets_open`` refuses it with a 409 that names the
way, an adjustment request (``rumbo.adjustments``), whose approval applies the change and
freezes the next version.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from rumbo.audit.services import Actor, audit_record
from rumbo.core.errors import Conflict
from rumbo.core.text import clean
from rumbo.institutions.access import Capability, require

from .models import AnnualProgram, ProgramState, ProgramVersion
from .versions import version_freeze

# state → the states it may go to
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProgramState.FORMULACION: (ProgramState.REVISION, ProgramState.APROBADO),
    ProgramState.REVISION: (ProgramState.FORMULACION, ProgramState.APROBADO),
    ProgramState.APROBADO: (ProgramState.CERRADO,),
    ProgramState.CERRADO: (),
}

# What a higher app does when a program is approved (before version 1 is frozen, so the
# snapshot holds it) or closed: called with the actor and the locked program, in the same
# transaction, the program's new state, acuerdo and date already set.
StateStep = Callable[[Actor, AnnualProgram], None]
_APPROVAL_STEPS: list[StateStep] = []
_CLOSE_STEPS: list[StateStep] = []


def register_approval_step(step: StateStep) -> None:
    """``step`` runs inside ``program_approve``, before version 1 is frozen."""
    if step not in _APPROVAL_STEPS:
        _APPROVAL_STEPS.append(step)


def register_close_step(step: StateStep) -> None:
    """``step`` runs inside ``program_close``."""
    if step not in _CLOSE_STEPS:
        _CLOSE_STEPS.append(step)


# What an approved program no longer lets anyone edit directly.
FROZEN_FIELDS = ("description", "unit", "annual_target", "months")


class TargetsFrozen(Conflict):
    """A direct edit of an approved program's targets: the way is an adjustment request."""

    def __init__(self, program: AnnualProgram, what: str = "sus metas") -> None:
        self.program = program
        state = "cerrado" if program.state == ProgramState.CERRADO else "aprobado"
        super().__init__(
            f"El programa {program.year} está {state} (versión {program.version} en vigor): "
            f"{what} no se editan directamente. Para cambiarlas, presenta una solicitud de "
            "adecuación programática (en la página «Adecuaciones» del programa, o con "
            f"POST /api/v1/institutions/{program.institution.code}/programs/{program.year}"
            "/adjustments); aprobada, se aplica y crea la versión siguiente."
        )

    def extra(self) -> dict[str, Any]:
        code, year = self.program.institution.code, self.program.year
        return {
            "adjustments": f"/api/v1/institutions/{code}/programs/{year}/adjustments",
            "version": self.program.version,
        }


class ProgramInReview(Conflict):
    """An edit by someone other than Planeación while the program is en revisión: the areas
    answer Planeación's observations instead (``rumbo.programs.access.require_editing_open``)."""

    def __init__(self, program: AnnualProgram) -> None:
        self.program = program
        super().__init__(
            f"El programa {program.year} está en revisión: solo Planeación edita sus "
            "actividades, calendarios y metas. Responde las observaciones de Planeación en la "
            "página de cada actividad; si hace falta cambiar algo, Planeación puede hacerlo o "
            "devolver el programa a formulación."
        )


def require_targets_open(program: AnnualProgram, what: str = "sus metas") -> None:
    """``TargetsFrozen`` if ``program`` is approved or closed."""
    if program.targets_frozen:
        raise TargetsFrozen(program, what)


def approval_check(
    *, year: int, agreement: str, approved_on: date | None, what: str = "Un programa"
) -> None:
    """``ValidationError`` (fields ``agreement``, ``date``) unless an approval of the
    ``year``'s program (or of one of its MIRs: ``what``) names its acuerdo and a date
    in that year or the one before, not in the future."""
    errors: dict[str, str] = {}
    if not clean(agreement):
        errors["agreement"] = (
            "Escribe el número del acuerdo de aprobación (p. ej. IEEM/CG/12/2024)."
        )
    if approved_on is None:
        errors["date"] = "Escribe la fecha del acuerdo (dd/mm/aaaa)."
    elif approved_on > timezone.localdate():
        errors["date"] = f"La fecha del acuerdo ({approved_on:%d/%m/%Y}) es posterior a hoy."
    elif not (year - 1 <= approved_on.year <= year):
        errors["date"] = (
            f"{what} {year} se aprueba en {year - 1} o {year}, no el {approved_on:%d/%m/%Y}."
        )
    if errors:
        raise ValidationError(errors)


def _move(actor: Actor, program: AnnualProgram, to: str) -> AnnualProgram:
    if actor.user is not None:
        require(actor.user, program.institution, Capability.EDIT_PROGRAM)
    locked = (
        AnnualProgram.objects.select_for_update().select_related("institution").get(pk=program.pk)
    )
    if to not in TRANSITIONS[locked.state]:
        raise Conflict(
            f"El programa {locked.year} está «{locked.get_state_display()}»; no puede pasar a "
            f"«{ProgramState(to).label}»."
        )
    return locked


def _record(
    actor: Actor, program: AnnualProgram, action: str, before: str, reason: str, **after: Any
) -> None:
    audit_record(
        actor=actor,
        institution_id=program.institution_id,
        action=action,
        obj=program,
        before={"state": before},
        after={"state": program.state, **after},
        reason=reason,
    )


@transaction.atomic
def program_submit_review(
    *, actor: Actor, program: AnnualProgram, reason: str = ""
) -> AnnualProgram:
    locked = _move(actor, program, ProgramState.REVISION)
    before = locked.state
    locked.state = ProgramState.REVISION
    locked.save(update_fields=["state", "updated_at"])
    _record(actor, locked, "program.review", before, reason.strip())
    return locked


@transaction.atomic
def program_return(*, actor: Actor, program: AnnualProgram, reason: str) -> AnnualProgram:
    """Back from revisión to formulación (with the observations as the reason)."""
    if not clean(reason):
        raise ValidationError({"reason": "Di por qué vuelve a formulación."})
    locked = _move(actor, program, ProgramState.FORMULACION)
    before = locked.state
    locked.state = ProgramState.FORMULACION
    locked.save(update_fields=["state", "updated_at"])
    _record(actor, locked, "program.return", before, reason.strip())
    return locked


@transaction.atomic
def program_approve(
    *,
    actor: Actor,
    program: AnnualProgram,
    agreement: str,
    approved_on: date | None,
    document: UploadedFile | None = None,
) -> ProgramVersion:
    """Record the Consejo's approval and freeze version 1 (the baseline)."""
    agreement = clean(agreement)
    approval_check(year=program.year, agreement=agreement, approved_on=approved_on)
    assert approved_on is not None  # noqa: S101 - approval_check refuses None
    locked = _move(actor, program, ProgramState.APROBADO)
    before = locked.state
    locked.state = ProgramState.APROBADO
    locked.agreement = agreement
    locked.approved_on = approved_on
    fields = ["state", "agreement", "approved_on", "updated_at"]
    if document is not None:
        locked.agreement_file.save(document.name or "acuerdo.pdf", document, save=False)
        fields.append("agreement_file")
    locked.save(update_fields=fields)
    for step in _APPROVAL_STEPS:
        step(actor, locked)
    version = version_freeze(
        program=locked,
        user=actor.user,
        reason=f"Aprobación del programa: acuerdo {agreement} del {approved_on:%d/%m/%Y}.",
        at=timezone.now(),
    )
    _record(
        actor,
        locked,
        "program.approve",
        before,
        f"Acuerdo {agreement}",
        agreement=agreement,
        approved_on=f"{approved_on:%d/%m/%Y}",
        version=version.number,
        sha256=version.sha256,
    )
    program.state, program.version = locked.state, locked.version
    program.agreement, program.approved_on = locked.agreement, locked.approved_on
    return version


@transaction.atomic
def program_close(*, actor: Actor, program: AnnualProgram, reason: str = "") -> AnnualProgram:
    locked = _move(actor, program, ProgramState.CERRADO)
    before = locked.state
    locked.state = ProgramState.CERRADO
    locked.save(update_fields=["state", "updated_at"])
    _record(actor, locked, "program.close", before, reason.strip())
    for step in _CLOSE_STEPS:
        step(actor, locked)
    return locked

"""The capture cycle of an area's month (``PeriodReport``): its one table and its one gate.

    borrador ─submit→ enviado ─approve→ aprobado ─reopen(reason)→ borrador
    devuelto ─submit→ enviado ─return(reason)→ devuelto

``TRANSITIONS`` says which state may go to which, and who may move it; the services in
``services/periods.py`` apply it and the capture page reads it to offer the buttons.
``capture_gate`` is what every capture (an activity's progress, an indicator's
measurement) passes once access is checked: an open window, an unlocked month, the
version the person loaded. ``lock_message`` is how every face says a month is locked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

from rumbo.institutions.access import Capability, can_submit_period, require
from rumbo.institutions.models import Area, Institution

from .errors import PeriodLocked, StaleVersion, WindowClosed
from .models import CAPTURE_STATE_PHRASES, PeriodReport, PeriodState

if TYPE_CHECKING:
    from rumbo.programs.models import AnnualProgram

    from .windows import WindowStatus

AnyUser = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Transition:
    """One move of the cycle: from which states, to which, by whom."""

    name: str  # the service's and the audit's word: submit, approve, return, reopen
    verb: str  # Spanish infinitive, for messages and the capture page's buttons
    sources: tuple[PeriodState, ...]
    target: PeriodState
    # Who: a capability of the institution, or None for «the area's Enlace or Planeación».
    capability: Capability | None

    def leaves(self, state: str | None) -> bool:
        """Whether a capture in ``state`` (None: no capture yet) may take this move."""
        return state is not None and PeriodState(state) in self.sources

    @property
    def sources_phrase(self) -> str:
        """«en borrador o devuelta»: completes «debe estar …»."""
        return " o ".join(CAPTURE_STATE_PHRASES[s] for s in self.sources)

    def may(self, user: AnyUser, institution: Institution, area: Area) -> bool:
        try:
            self.require(user, institution, area)
        except PermissionDenied:
            return False
        return True

    def require(self, user: AnyUser, institution: Institution, area: Area) -> None:
        """``PermissionDenied`` (with a Spanish message) unless the user may make this move."""
        if self.capability is not None:
            require(user, institution, self.capability)
        elif not can_submit_period(user, institution, area):
            raise PermissionDenied(
                f"Solo el enlace del área o Planeación pueden {self.verb} la captura."
            )


SUBMIT = Transition(
    "submit", "enviar", (PeriodState.DRAFT, PeriodState.RETURNED), PeriodState.SUBMITTED, None
)
APPROVE = Transition(
    "approve",
    "aprobar",
    (PeriodState.SUBMITTED,),
    PeriodState.APPROVED,
    Capability.REVIEW_PROGRESS,
)
RETURN = Transition(
    "return",
    "devolver",
    (PeriodState.SUBMITTED,),
    PeriodState.RETURNED,
    Capability.REVIEW_PROGRESS,
)
REOPEN = Transition(
    "reopen",
    "reabrir",
    (PeriodState.APPROVED,),
    PeriodState.DRAFT,
    Capability.MANAGE_MONITORING,
)
TRANSITIONS: dict[str, Transition] = {t.name: t for t in (SUBMIT, APPROVE, RETURN, REOPEN)}


# --- a locked month -------------------------------------------------------------------------

_UNLOCK_HINTS = {
    # How a face says when an approved capture takes changes again.
    "reopen": " sin reabrirla.",
    "planeacion": " salvo que Planeación la reabra.",
}


def lock_message(
    state: str,
    *,
    month: int | None = None,
    year: int | None = None,
    area: str = "esta área",
    of: Literal["capture", "evidence"] = "capture",
    hint: Literal["reopen", "planeacion", ""] = "reopen",
) -> str:
    """Why a month's capture admits no changes, the one wording every face uses.

    «La captura de 03/2024 de esta área está enviada; no admite cambios mientras se
    revisa.» Without ``month``: «La captura está …». ``of="evidence"``: «…; sus evidencias
    no admiten cambios.» ``hint`` ends an approved capture's message (« sin reabrirla.»,
    « salvo que Planeación la reabra.»); ``""`` ends every message with the bare fact.
    """
    subject = "La captura" if month is None else f"La captura de {month:02d}/{year} de {area}"
    text = f"{subject} está {CAPTURE_STATE_PHRASES[PeriodState(state)]}; "
    if of == "evidence":
        return text + "sus evidencias no admiten cambios."
    text += "no admite cambios"
    if not hint:
        return text + "."
    if state == PeriodState.SUBMITTED:
        return text + " mientras se revisa."
    return text + _UNLOCK_HINTS[hint]


# --- the gate of a capture ------------------------------------------------------------------


def capture_gate(
    *,
    window: WindowStatus,
    report: PeriodReport | None,
    year: int,
    month: int,
    stored: int | None,
    sent: int | None,
    stored_values: dict[str, Any],
    sent_values: dict[str, Any],
) -> None:
    """The cycle's gates of one capture, in order, once access is checked.

    An open window (``WindowClosed``), an unlocked month (``PeriodLocked``), then the
    optimistic lock: ``sent`` must be the ``stored`` version (``StaleVersion`` with both
    versions and ``stored_values``/``sent_values``).
    """
    if not window.open:
        raise WindowClosed(window.closed_message())
    if report is not None and report.locked:
        raise PeriodLocked(lock_message(report.state, month=month, year=year))
    if sent != stored:
        raise StaleVersion(
            current=stored,
            submitted=sent,
            current_values=stored_values,
            submitted_values=sent_values,
        )


# ------------------------------------------------------------- what other apps add to a month


@dataclass(frozen=True)
class PeriodContent:
    """What another app adds to an area's monthly capture (the MIR's indicators whose
    period closes that month): whether anything of it was captured, and what is still
    missing before the month may be sent; and how the capture page shows it: the partial
    ``template`` it includes (with this object as ``content``) and the ``rows`` it lists.
    Two contents are equal when they say the same of the month, whatever they show."""

    captured: bool
    errors: tuple[str, ...] = ()
    template: str = field(default="", compare=False)
    rows: tuple[Any, ...] = field(default=(), compare=False)


PeriodContentCheck = Callable[["AnnualProgram", Area, int], PeriodContent]
_CONTENT_CHECKS: list[PeriodContentCheck] = []


def register_period_content(check: PeriodContentCheck) -> None:
    """Called by an app above monitoring (in its ``AppConfig.ready``) so that the capture
    cycle asks it, without monitoring importing it."""
    if check not in _CONTENT_CHECKS:
        _CONTENT_CHECKS.append(check)


def period_content(program: AnnualProgram, area: Area, month: int) -> list[PeriodContent]:
    """What every registered app adds to ``area``'s capture of ``month``."""
    return [check(program, area, month) for check in _CONTENT_CHECKS]

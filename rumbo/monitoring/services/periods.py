"""The cycle of an area's monthly capture (``PeriodReport``), one service per transition.

Which state goes to which, and who may move it, is ``rumbo.monitoring.cycle.TRANSITIONS``
(the capture page reads the same table); these services apply it. Submitting also needs
the capture window open and a complete capture: every activity of the area with a
positive programmed quantity that month has an entry, and every indicator of the area
whose period closes that month has its measurement, each with its justification where
the semáforo asks for one (bands may have changed since it was typed). Each transition
bumps ``version`` and is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from rumbo.audit.services import Actor, audit_record
from rumbo.core.errors import Conflict, error_text
from rumbo.core.periods import MONTH_NAMES
from rumbo.institutions.access import can_view_institution
from rumbo.institutions.models import Area
from rumbo.programs.models import AnnualProgram, MonthlyTarget

from ..bands import bands_for_activities
from ..changes import figures_changed, figures_changes_batched
from ..cycle import APPROVE, REOPEN, RETURN, SUBMIT, Transition, period_content
from ..errors import MonitoringConflict, StaleVersion, WindowClosed
from ..figures import capture_grade
from ..models import MessageKind, PeriodReport, ProgressEntry
from ..notices import period_notify
from ..selectors import area_activities
from ..windows import window_for
from .conversation import period_message_record, reviewer_role, submission_record

AnyUser = AbstractBaseUser | AnonymousUser


def period_snapshot(report: PeriodReport) -> dict[str, Any]:
    return {"state": report.state, "version": report.version, "comment": report.comment}


def _report(program: AnnualProgram, area: Area, month: int) -> PeriodReport | None:
    if area.institution_id != program.institution_id:
        raise ValidationError({"area": "El área no pertenece a la institución del programa."})
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise ValidationError({"month": "El mes debe estar entre 1 y 12."})
    report = (
        PeriodReport.objects.select_for_update()
        .filter(program=program, area=area, month=month)
        .first()
    )
    if report is not None:
        report.program, report.area = program, area  # the same rows, already loaded
    return report


def _state_label(report: PeriodReport | None) -> str:
    return report.state_phrase if report else "sin capturar"


def _check_state(transition: Transition, report: PeriodReport | None) -> PeriodReport:
    """The report, if its state may take ``transition``; ``ValidationError`` otherwise."""
    if report is None or not transition.leaves(report.state):
        raise ValidationError(
            {
                "state": f"No se puede {transition.verb}: la captura está "
                f"{_state_label(report)} (debe estar {transition.sources_phrase})."
            }
        )
    return report


def _check_version(report: PeriodReport, version: int | None) -> None:
    if version is not None and version != report.version:
        raise StaleVersion(current=report.version, submitted=version)


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": "Escribe el motivo."})
    return text


def _move(
    *,
    actor: Actor,
    user: AnyUser,
    report: PeriodReport,
    transition: Transition,
    reason: str = "",
    comment: str | None = None,
    submitted: bool = False,
) -> PeriodReport:
    before = period_snapshot(report)
    now = timezone.now()
    user_id = cast(int | None, user.pk) if user.is_authenticated else None
    report.state = transition.target
    report.version += 1
    if comment is not None:
        report.comment = comment
    if submitted:
        report.submitted_at, report.submitted_by_id = now, user_id
    else:
        report.decided_at, report.decided_by_id = now, user_id
    report.save()
    if APPROVE.target in (report.state, before["state"]):  # approved figures changed
        figures_changed(program_ids=[report.program_id])
    audit_record(
        actor=actor,
        institution_id=report.program.institution_id,
        action=f"period.{transition.name}",
        obj=report,
        before=before,
        after=period_snapshot(report),
        reason=reason,
    )
    period_notify(report=report, transition=transition.name, user=user)
    return report


def _thread(
    actor: Actor, user: AnyUser, report: PeriodReport, kind: MessageKind, text: str
) -> None:
    role = reviewer_role(user, report)
    period_message_record(actor=actor, user=user, report=report, kind=kind, role=role, text=text)


def _completeness_errors(program: AnnualProgram, area: Area, month: int) -> list[str]:
    activities = area_activities(program=program, area=area)
    ids = [a.pk for a in activities]
    targets: dict[int, dict[int, Any]] = {i: {} for i in ids}
    for activity_id, m, quantity in MonthlyTarget.objects.filter(
        activity_id__in=ids, month__lte=month
    ).values_list("activity_id", "month", "quantity"):
        targets[activity_id][m] = quantity
    entries: dict[int, dict[int, ProgressEntry]] = {i: {} for i in ids}
    for entry in ProgressEntry.objects.filter(activity_id__in=ids, month__lte=month):
        entries[entry.activity_id][entry.month] = entry
    # What other apps add to the month (the MIR's indicators due): captured, and missing.
    others = period_content(program, area, month)
    if not any(month in e for e in entries.values()) and not any(o.captured for o in others):
        return ["No hay avances capturados de este mes; no hay nada que enviar."]
    bands = bands_for_activities(activities)
    missing: list[str] = []
    unjustified: list[str] = []
    for a in activities:
        current = entries[a.pk].get(month)
        if current is None:
            if targets[a.pk].get(month):
                missing.append(a.key)
            continue
        achieved = {m: e.achieved for m, e in entries[a.pk].items()}
        result = capture_grade(month, targets[a.pk], achieved, bands[a.pk])
        if result.needs_justification and not current.justification.strip():
            unjustified.append(a.key)
    errors = []
    if missing:
        errors.append(f"Falta capturar el avance de: {', '.join(missing)}.")
    if unjustified:
        errors.append(f"Falta la justificación de: {', '.join(unjustified)}.")
    for other in others:
        errors += other.errors
    return errors


@transaction.atomic
def period_submit(
    *,
    actor: Actor,
    user: AnyUser,
    program: AnnualProgram,
    area: Area,
    month: int,
    version: int | None = None,
    today: date | None = None,
) -> PeriodReport:
    """borrador | devuelto → enviado, for a complete capture within the window."""
    report = _report(program, area, month)
    SUBMIT.require(user, program.institution, area)
    if report is None:
        raise ValidationError(
            {"entries": "No hay avances capturados de este mes; no hay nada que enviar."}
        )
    report = _check_state(SUBMIT, report)
    _check_version(report, version)
    window = window_for(
        institution=program.institution, year=program.year, month=month, area=area, today=today
    )
    if not window.open:
        raise WindowClosed(window.closed_message())
    errors = _completeness_errors(program, area, month)
    if errors:
        raise ValidationError({"entries": errors})
    report = _move(
        actor=actor,
        user=user,
        report=report,
        transition=SUBMIT,
        submitted=True,
    )
    submission_record(actor=actor, user=user, report=report)  # what was sent, for the diff
    return report


@transaction.atomic
def period_approve(
    *,
    actor: Actor,
    user: AnyUser,
    program: AnnualProgram,
    area: Area,
    month: int,
    comment: str = "",
    version: int | None = None,
) -> PeriodReport:
    """enviado → aprobado: the period is locked until Planeación reopens it."""
    APPROVE.require(user, program.institution, area)
    report = _check_state(APPROVE, _report(program, area, month))
    _check_version(report, version)
    text = (comment or "").strip()
    report = _move(
        actor=actor, user=user, report=report, transition=APPROVE, reason=text, comment=text
    )
    if text:  # the comment joins the month's thread
        _thread(actor, user, report, MessageKind.APPROVAL, text)
    return report


@transaction.atomic
def period_return(
    *,
    actor: Actor,
    user: AnyUser,
    program: AnnualProgram,
    area: Area,
    month: int,
    reason: str,
    version: int | None = None,
) -> PeriodReport:
    """enviado → devuelto with the reviewer's observations (required)."""
    RETURN.require(user, program.institution, area)
    text = _reason(reason)
    report = _check_state(RETURN, _report(program, area, month))
    _check_version(report, version)
    report = _move(
        actor=actor,
        user=user,
        report=report,
        transition=RETURN,
        reason=text,
        comment=text,
    )
    _thread(actor, user, report, MessageKind.RETURN, text)  # the observations join the thread
    return report


@transaction.atomic
def period_reopen(
    *,
    actor: Actor,
    user: AnyUser,
    program: AnnualProgram,
    area: Area,
    month: int,
    reason: str,
    version: int | None = None,
) -> PeriodReport:
    """aprobado → borrador, with a reason (required): the only way to change approved data."""
    REOPEN.require(user, program.institution, area)
    text = _reason(reason)
    report = _check_state(REOPEN, _report(program, area, month))
    _check_version(report, version)
    return _move(
        actor=actor,
        user=user,
        report=report,
        transition=REOPEN,
        reason=text,
        comment=text,
    )


# --- several captures at once ---------------------------------------------------------------


@dataclass(frozen=True)
class CaptureRef:
    """A capture as the page that offered it drew it: its id and the version it showed."""

    report_id: int
    version: int


class BatchRefused(MonitoringConflict):
    """One capture of a batch was refused, so none was moved; says which and why."""

    default_message = "No se aprobó ninguna captura."

    def __init__(self, *, label: str, reason: str) -> None:
        self.label = label
        self.reason = reason
        super().__init__(f"No se aprobó ninguna captura: {label}: {reason}")


def capture_label(report: PeriodReport) -> str:
    """«Secretaría Ejecutiva (SE), noviembre 2024, IEEM»: a capture as a sentence names it."""
    program, area = report.program, report.area
    month = MONTH_NAMES[report.month - 1]
    return f"{area.name} ({area.code}), {month} {program.year}, {program.institution.code}"


def _refusal(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return error_text(exc)
    if isinstance(exc, Conflict):
        return exc.message
    return str(exc) or "no tienes permiso."


@transaction.atomic
def period_approve_many(
    *, actor: Actor, user: AnyUser, captures: Sequence[CaptureRef], comment: str = ""
) -> list[PeriodReport]:
    """Approve several sent captures, all or none: each goes through ``period_approve`` (so
    each is authorised, checked against the version the page showed and audited on its
    own); the first refusal undoes the others and raises ``BatchRefused`` naming it."""
    if not captures:
        raise ValidationError({"captures": "Selecciona al menos una captura."})
    versions = {c.report_id: c.version for c in captures}
    reports = {
        r.pk: r
        for r in PeriodReport.objects.filter(pk__in=list(versions)).select_related(
            "program__institution", "area"
        )
    }
    with figures_changes_batched():  # each program's figures told once, at the end
        return _approve_each(actor, user, reports, versions, comment)


def _approve_each(
    actor: Actor,
    user: AnyUser,
    reports: dict[int, PeriodReport],
    versions: dict[int, int],
    comment: str,
) -> list[PeriodReport]:
    approved = []
    for report_id, version in versions.items():
        report = reports.get(report_id)
        if report is None or not can_view_institution(user, report.program.institution):
            raise BatchRefused(label=f"la captura {report_id}", reason="no existe.")
        try:
            approved.append(
                period_approve(
                    actor=actor,
                    user=user,
                    program=report.program,
                    area=report.area,
                    month=report.month,
                    comment=comment,
                    version=version,
                )
            )
        except (PermissionDenied, ValidationError, Conflict) as exc:
            raise BatchRefused(label=capture_label(report), reason=_refusal(exc)) from exc
    return approved

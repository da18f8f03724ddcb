"""The avisos of an area's monthly capture: what each transition tells whom.

submit → the institution's revisores (Planeación where there is none); return (with the
reviewer's observations), approve and reopen → the area's enlaces. Nobody is told of
their own action. The key carries the capture's version after the move, so each event
is told once and a second return after a resubmission is told again."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from rumbo.core.periods import MONTH_NAMES
from rumbo.notifications.models import NotificationKind
from rumbo.notifications.recipients import area_enlaces, reviewers_or_planeacion, without
from rumbo.notifications.services import notify

from .models import PeriodReport


def capture_url(report: PeriodReport) -> str:
    program = report.program
    return reverse(
        "web:capture_grid",
        args=[program.institution.code, program.year, report.area.code, report.month],
    )


def period_label(report: PeriodReport) -> str:
    """«noviembre de 2024»."""
    return f"{MONTH_NAMES[report.month - 1]} de {report.program.year}"


def _texts(report: PeriodReport, transition: str, who: str) -> tuple[str, str, str]:
    """(kind, title, body) of a transition's aviso."""
    area, month = report.area, period_label(report)
    short = f"{MONTH_NAMES[report.month - 1]} {report.program.year} · {area.code}"
    comment = report.comment.strip()
    if transition == "submit":
        return (
            NotificationKind.CAPTURE_SUBMITTED,
            f"Captura por revisar: {short}",
            f"{who} envió la captura de {month} del área {area.name}. Revísala y apruébala "
            "o devuélvela con tus observaciones.",
        )
    if transition == "return":
        return (
            NotificationKind.CAPTURE_RETURNED,
            f"Captura devuelta: {short}",
            f"{who} devolvió la captura de {month} del área {area.name} con estas "
            f"observaciones:\n\n{comment}\n\nCorrígela y envíala de nuevo.",
        )
    if transition == "approve":
        extra = f"\n\nComentario: {comment}" if comment else ""
        return (
            NotificationKind.CAPTURE_APPROVED,
            f"Captura aprobada: {short}",
            f"{who} aprobó la captura de {month} del área {area.name}; sus cifras ya son "
            f"oficiales.{extra}",
        )
    return (
        NotificationKind.CAPTURE_REOPENED,
        f"Captura reabierta: {short}",
        f"{who} reabrió la captura de {month} del área {area.name} por este motivo:\n\n"
        f"{comment}\n\nVuelve a enviarla cuando esté corregida.",
    )


def period_notify(*, report: PeriodReport, transition: str, user: Any) -> None:
    """Tell whom a capture's move concerns (in the caller's transaction)."""
    institution = report.program.institution
    if transition == "submit":
        people = reviewers_or_planeacion(institution)
    else:
        people = area_enlaces(report.area)
    people = without(people, user)
    if not people:
        return
    who = (user.get_full_name() or user.get_username()) if user.is_authenticated else "Rumbo"
    kind, title, body = _texts(report, transition, who)
    notify(
        recipients=people,
        kind=kind,
        title=title,
        body=body,
        url=capture_url(report),
        key=f"period:{report.pk}:{transition}:v{report.version}",
        institution=institution,
    )

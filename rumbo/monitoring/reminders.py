"""Reminders of the capture windows (`rumbo notify`, from cron; the worker's hourly job).

For every program whose month has a window open today — the month just ended, and any
month an extension keeps open — each area with activities programmed that month whose
capture is not sent or approved gets, for its enlaces:

- «ventana abierta» while the window is open (once per window: an extension that moves
  the last day is a new window, told again), and
- «la ventana cierra pronto» from ``WARN_DAYS`` days before the last day (then the
  «abierta» one is not sent any more: one mail says both).

Idempotent: each aviso has a key (``notify``), so running it every hour sends each
reminder once. Then the e-mails that could not be sent in the last days are retried.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from rumbo.core.periods import MONTH_NAMES
from rumbo.institutions.models import Area
from rumbo.notifications.models import Notification, NotificationKind
from rumbo.notifications.recipients import area_enlaces
from rumbo.notifications.services import email_owed, email_retry, notify
from rumbo.programs.models import AnnualProgram

from .models import PeriodReport, PeriodState, WindowExtension
from .selectors import policy_for, programmed_area_months
from .windows import WindowStatus, extensions_for, window_status

WARN_DAYS = 3
"""How many days before a window's last day the «cierra pronto» reminder goes out."""

_DONE = {PeriodState.SUBMITTED, PeriodState.APPROVED}


@dataclass(frozen=True)
class Reminder:
    kind: str
    title: str
    body: str
    url: str
    key: str
    program: AnnualProgram
    recipients: list[Any]


@dataclass
class ReminderRun:
    """What a run did (or, dry, would do)."""

    today: date
    dry_run: bool
    planned: list[tuple[Reminder, list[Any]]] = field(default_factory=list)
    emailed: int = 0
    owed: int = 0
    retried: tuple[int, int] = (0, 0)

    def count(self, kind: str) -> int:
        return sum(len(people) for r, people in self.planned if r.kind == kind)

    def lines(self) -> list[str]:
        """The Spanish summary `rumbo notify` prints."""
        verb = "Se enviarían" if self.dry_run else "Se enviaron"
        out = [
            f"Recordatorios del {self.today:%d/%m/%Y}: {verb} "
            f"{self.count(NotificationKind.WINDOW_OPENED)} de ventana abierta y "
            f"{self.count(NotificationKind.WINDOW_CLOSING)} de cierre próximo."
        ]
        for reminder, people in self.planned:
            names = ", ".join(u.get_username() for u in people)
            out.append(f"  {reminder.program.institution.code} · {reminder.title} → {names}")
        if self.dry_run:
            out.append(f"Correos pendientes de reintentar: {self.owed}.")
        else:
            sent, failed = self.retried
            out.append(
                f"Correos: {self.emailed} de estos avisos enviados; reintentados {sent + failed} "
                f"de días anteriores ({sent} enviados, {failed} fallidos); "
                f"quedan {self.owed} pendientes."
            )
        return out


def _previous_month(today: date) -> tuple[int, int]:
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def _program_months(today: date) -> list[tuple[AnnualProgram, set[int]]]:
    """Each program with the months whose window may be open today (the month just ended;
    the months an extension still covers)."""
    year, month = _previous_month(today)
    extended: dict[tuple[int, int], set[int]] = defaultdict(set)
    for inst, y, m in WindowExtension.objects.filter(until__gte=today).values_list(
        "institution_id", "year", "month"
    ):
        extended[inst, y].add(m)
    years = {year} | {y for _, y in extended}
    programs = AnnualProgram.objects.filter(year__in=years).select_related("institution")
    out = []
    for program in programs.order_by("institution__code", "year"):
        months = set(extended.get((program.institution_id, program.year), set()))
        if program.year == year:
            months.add(month)
        if months:
            out.append((program, months))
    return out


def _areas_programmed(program: AnnualProgram, months: set[int]) -> dict[int, set[int]]:
    """Month → ids of the areas with an activity programmed (quantity > 0) that month (the
    rule «Mis pendientes» uses too: ``selectors.programmed_area_months``)."""
    areas: dict[int, set[int]] = defaultdict(set)
    for _, area_id, month in programmed_area_months([program.pk]):
        if month in months:
            areas[month].add(area_id)
    return areas


def _reminder(
    program: AnnualProgram, area: Area, window: WindowStatus, today: date
) -> tuple[str, str, str, str]:
    """(kind, key, title, body) of the reminder an open window calls for today."""
    month = f"{MONTH_NAMES[window.month - 1]} de {window.year}"
    last = window.last_day
    ident = f"{program.pk}:{window.month}:{area.pk}:{last:%Y%m%d}"
    days = (last - today).days
    if days <= WARN_DAYS:
        when = {0: "hoy", 1: "mañana"}.get(days, f"en {days} días")
        return (
            NotificationKind.WINDOW_CLOSING,
            f"window-closing:{ident}",
            f"La captura de {month} cierra {when} ({last:%d/%m/%Y})",
            f"La captura de {month} del área {area.name} todavía no se ha enviado y la "
            f"ventana cierra {when}, el {last:%d/%m/%Y}. Captura lo que falte y envíala "
            "a revisión antes de esa fecha.",
        )
    extended = window.extended_until is not None and window.extended_until > window.closes
    opened = (
        f"prorrogada hasta el {last:%d/%m/%Y}" if extended else f"abierta hasta el {last:%d/%m/%Y}"
    )
    return (
        NotificationKind.WINDOW_OPENED,
        f"window-opened:{ident}",
        f"Captura de {month}: ventana {opened}",
        f"Ya puedes capturar el avance de {month} del área {area.name}. La ventana de "
        f"captura está {opened}"
        + (f" ({window.reason})" if extended and window.reason else "")
        + ": captura las cifras, adjunta tus evidencias y envía la captura a revisión.",
    )


def _program_reminders(program: AnnualProgram, months: set[int], today: date) -> list[Reminder]:
    areas_by_month = _areas_programmed(program, months)
    if not areas_by_month:
        return []
    policy = policy_for(program.institution)
    extensions = extensions_for(
        institution_ids=[program.institution_id], year_months=[(program.year, m) for m in months]
    )
    states = {
        (r.area_id, r.month): r.state
        for r in PeriodReport.objects.filter(program=program, month__in=months)
    }
    areas = Area.objects.in_bulk({a for ids in areas_by_month.values() for a in ids})
    reminders = []
    for month in sorted(areas_by_month):
        for area_id in sorted(areas_by_month[month], key=lambda a: areas[a].code):
            window = window_status(
                policy=policy,
                extensions=extensions,
                year=program.year,
                month=month,
                area_id=area_id,
                today=today,
            )
            if not window.open or states.get((area_id, month)) in _DONE:
                continue
            area = areas[area_id]
            kind, key, title, body = _reminder(program, area, window, today)
            url = reverse(
                "web:capture_grid", args=[program.institution.code, program.year, area.code, month]
            )
            reminders.append(
                Reminder(kind, title, body, url, key, program, recipients=area_enlaces(area))
            )
    return reminders


def _not_yet_told(reminder: Reminder) -> list[Any]:
    told = set(
        Notification.objects.filter(
            key=reminder.key, recipient_id__in=[u.pk for u in reminder.recipients]
        ).values_list("recipient_id", flat=True)
    )
    return [u for u in reminder.recipients if u.pk not in told]


def reminders_run(*, today: date | None = None, dry_run: bool = False) -> ReminderRun:
    """Send (or, dry, list) the reminders due ``today``; retry the e-mails owed."""
    day = today or timezone.localdate()
    run = ReminderRun(today=day, dry_run=dry_run)
    started = timezone.now()
    if not dry_run:
        run.retried = email_retry(now=timezone.now())
    keys: list[str] = []
    for program, months in _program_months(day):
        for reminder in _program_reminders(program, months, day):
            people = _not_yet_told(reminder)
            if not people:
                continue
            run.planned.append((reminder, people))
            if dry_run:
                continue
            notify(
                recipients=people,
                kind=reminder.kind,
                title=reminder.title,
                body=reminder.body,
                url=reminder.url,
                key=reminder.key,
                institution=program.institution,
            )
            keys.append(reminder.key)
    if keys:
        run.emailed = Notification.objects.filter(key__in=keys, emailed_at__gte=started).count()
    run.owed = len(email_owed(now=timezone.now()))
    return run

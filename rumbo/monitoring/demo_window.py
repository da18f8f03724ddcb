"""One month of the demonstration left open for capture (``rumbo demo``).

The demo's year is in the past, so every one of its capture windows has closed: without
this, an enlace who signs in to try Rumbo could capture nothing until Planeación granted
a prórroga. The demo grants that prórroga itself, for every area, through the ordinary
service (``window_extend``, audited) and with a reason that says what it is, on the first
month that has no approved capture (the month after the simulated ones), until
``OPEN_DAYS`` days from today.

Idempotent: a run that finds its own prórroga of that month still open for at least
``REUSE_DAYS`` more days keeps it instead of granting another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from rumbo.audit.services import Actor
from rumbo.core.periods import MONTH_NAMES, MONTHS
from rumbo.programs.models import AnnualProgram

from .models import PeriodReport, PeriodState, WindowExtension
from .selectors import policy_for
from .services import window_extend
from .windows import window_dates

OPEN_REASON = "Prórroga de demostración: captura abierta para probar Rumbo"
OPEN_DAYS = 30
REUSE_DAYS = 7


@dataclass(frozen=True)
class OpenMonth:
    institution: str
    year: int
    month: int
    until: date
    created: bool

    @property
    def label(self) -> str:
        """«noviembre 2024, hasta el 06/01/2027»."""
        return f"{MONTH_NAMES[self.month - 1]} {self.year}, hasta el {self.until:%d/%m/%Y}"

    def to_text(self) -> str:
        what = "Se abrió" if self.created else "Sigue abierta"
        return f"{what} la captura de {self.institution}: {self.label} ({OPEN_REASON})."


def demo_open_month_choice(program: AnnualProgram, today: date) -> int | None:
    """The first month of ``program`` without any approved capture whose window has
    already opened (a prórroga never opens a month before it is over); None if none."""
    approved = set(
        PeriodReport.objects.filter(program=program, state=PeriodState.APPROVED).values_list(
            "month", flat=True
        )
    )
    close_day = policy_for(program.institution).close_day
    for month in MONTHS:
        opens, _ = window_dates(year=program.year, month=month, close_day=close_day)
        if month not in approved and opens <= today:
            return month
    return None


def demo_open_month(
    *, program: AnnualProgram, actor: Actor, today: date | None = None
) -> OpenMonth | None:
    """Keep one month of ``program`` open for every area (see the module); None when no
    month qualifies."""
    today = today or timezone.localdate()
    month = demo_open_month_choice(program, today)
    if month is None:
        return None
    institution = program.institution
    existing = (
        WindowExtension.objects.filter(
            institution=institution,
            year=program.year,
            month=month,
            area__isnull=True,
            reason=OPEN_REASON,
            until__gte=today + timedelta(days=REUSE_DAYS),
        )
        .order_by("-until")
        .first()
    )
    if existing is not None:
        return OpenMonth(institution.code, program.year, month, existing.until, created=False)
    ext = window_extend(
        actor=actor,
        institution=institution,
        year=program.year,
        month=month,
        area=None,
        until=today + timedelta(days=OPEN_DAYS),
        reason=OPEN_REASON,
        today=today,
    )
    return OpenMonth(institution.code, program.year, month, ext.until, created=True)

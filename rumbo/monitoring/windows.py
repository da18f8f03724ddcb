"""Capture windows: when an area may capture (and send) a month's progress.

A month opens on day 1 of the following month and closes at the end of the institution's
``close_day`` of that month (December closes in January of the next year). A
``WindowExtension`` for that area, or for every area, keeps it open until its ``until``
date (inclusive). Nothing opens before the month is over, extension or not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from rumbo.core.periods import MONTHS
from rumbo.institutions.models import Area, Institution

from .models import MonitoringPolicy, WindowExtension
from .selectors import policy_for


@dataclass(frozen=True)
class WindowStatus:
    year: int
    month: int
    opens: date
    closes: date
    open: bool
    extended_until: date | None  # the latest applicable extension, if any
    reason: str  # that extension's reason
    today: date

    @property
    def not_yet_open(self) -> bool:
        return self.today < self.opens

    @property
    def last_day(self) -> date:
        """The last day one may capture, counting extensions."""
        if self.extended_until and self.extended_until > self.closes:
            return self.extended_until
        return self.closes

    def closed_message(self) -> str:
        period = f"{self.month:02d}/{self.year}"
        if self.not_yet_open:
            return f"La captura de {period} abre el {self.opens:%d/%m/%Y}."
        return (
            f"La captura de {period} cerró el {self.last_day:%d/%m/%Y}; "
            "Planeación puede otorgar una prórroga."
        )


def window_dates(*, year: int, month: int, close_day: int) -> tuple[date, date]:
    """(opens, closes) of a month's capture."""
    opens = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return opens, opens.replace(day=close_day)


def sent_on_time(*, sent_on: date, closes: date) -> bool:
    """A capture is on time when sent (local date) on or before its window's closing day;
    an extension keeps the window open but does not make a later capture on time (the
    dashboard's timeliness and the open-data comparison's)."""
    return sent_on <= closes


def window_status(
    *,
    policy: MonitoringPolicy,
    extensions: Iterable[WindowExtension],
    year: int,
    month: int,
    area_id: int | None,
    today: date,
) -> WindowStatus:
    """The window from already-loaded policy and extensions (for batch callers)."""
    opens, closes = window_dates(year=year, month=month, close_day=policy.close_day)
    best: WindowExtension | None = None
    for ext in extensions:
        if ext.institution_id != policy.institution_id or ext.year != year or ext.month != month:
            continue
        if ext.area_id is not None and ext.area_id != area_id:
            continue
        if best is None or ext.until > best.until:
            best = ext
    last = max(closes, best.until) if best else closes
    return WindowStatus(
        year=year,
        month=month,
        opens=opens,
        closes=closes,
        open=opens <= today <= last,
        extended_until=best.until if best else None,
        reason=best.reason if best else "",
        today=today,
    )


def extensions_for(
    *, institution_ids: Iterable[int], year_months: Iterable[tuple[int, int]]
) -> list[WindowExtension]:
    """Every extension of those institutions for those (year, month) pairs, in one query."""
    pairs = set(year_months)
    if not pairs:
        return []
    rows = WindowExtension.objects.filter(
        institution_id__in=set(institution_ids),
        year__in={y for y, _ in pairs},
        month__in={m for _, m in pairs},
    )
    return [e for e in rows if (e.year, e.month) in pairs]


def window_for(
    *,
    institution: Institution,
    year: int,
    month: int,
    area: Area | None,
    today: date | None = None,
) -> WindowStatus:
    """Whether ``area`` may capture ``month`` of ``year`` today (two queries)."""
    return window_status(
        policy=policy_for(institution),
        extensions=extensions_for(institution_ids=[institution.pk], year_months=[(year, month)]),
        year=year,
        month=month,
        area_id=area.pk if area else None,
        today=today or timezone.localdate(),
    )


def area_month_windows(
    *, institution: Institution, year: int, area_ids: Iterable[int], today: date | None = None
) -> dict[tuple[int, int], WindowStatus]:
    """(area id, month) → the window of every month of ``year`` for those areas (two
    queries): the capture pages' index and grid."""
    policy = policy_for(institution)
    extensions = extensions_for(
        institution_ids=[institution.pk], year_months=[(year, m) for m in MONTHS]
    )
    day = today or timezone.localdate()
    return {
        (area_id, month): window_status(
            policy=policy,
            extensions=extensions,
            year=year,
            month=month,
            area_id=area_id,
            today=day,
        )
        for area_id in area_ids
        for month in MONTHS
    }


def window_text(window: WindowStatus) -> str:
    """«abierta hasta 10/02/2024», «prorrogada hasta …», «abre el …» or «cerrada …»."""
    if window.not_yet_open:
        return f"abre el {window.opens:%d/%m/%Y}"
    extended = window.extended_until is not None and window.extended_until > window.closes
    if window.open:
        if extended:
            return f"prorrogada hasta {window.last_day:%d/%m/%Y}"
        return f"abierta hasta {window.last_day:%d/%m/%Y}"
    return f"cerrada el {window.last_day:%d/%m/%Y}"


def deadline_text(window: WindowStatus) -> str:
    """A month's deadline as a to-do list says it: «cierra el 10/12/2024», «cierra el
    20/12/2024 (prórroga)», «abre el 01/12/2024» or «cerró el 10/12/2024»."""
    if window.not_yet_open:
        return f"abre el {window.opens:%d/%m/%Y}"
    extended = window.extended_until is not None and window.extended_until > window.closes
    if window.open:
        return f"cierra el {window.last_day:%d/%m/%Y}" + (" (prórroga)" if extended else "")
    return f"cerró el {window.last_day:%d/%m/%Y}"

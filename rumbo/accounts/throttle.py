"""Login throttling: too many recent failures for a user name or an address block logins.

Independent of any view: the login page and the API call ``login_blocked`` before
checking a password and ``login_record`` after. Failures older than the window stop
counting; a success clears nothing retroactively. Blocked attempts are not recorded
(they never reach the password check), so waiting is always enough to get unblocked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from rumbo.core.client import client_ip

from .models import LoginAttempt

# The policy, in one place.
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_ADDRESS = 30
WINDOW = timedelta(minutes=15)

BLOCKED_MESSAGE = "Demasiados intentos fallidos. Intenta de nuevo en {minutes} minuto{plural}."


@dataclass(frozen=True)
class Block:
    """Logins are refused until ``until``."""

    until: datetime
    minutes: int  # whole minutes left, at least 1

    @property
    def message(self) -> str:
        return BLOCKED_MESSAGE.format(minutes=self.minutes, plural="" if self.minutes == 1 else "s")


def username_key(username: str) -> str:
    """User names compare without case or surrounding spaces (``Ana`` = ``ana ``)."""
    return (username or "").strip().lower()[:150]


def client_address(request: HttpRequest) -> str | None:
    """The client's address (behind a trusted proxy, the one it forwards: core.client)."""
    return client_ip(request)


def _unblocked_at(failures: QuerySet[LoginAttempt], limit: int, since: datetime) -> datetime | None:
    # Blocked while `limit` failures remain in the window: until the oldest of the
    # `limit` most recent failures leaves it.
    recent = list(
        failures.filter(created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    return recent[-1] + WINDOW


def login_blocked(
    *, username: str, ip_address: str | None, now: datetime | None = None
) -> Block | None:
    """The block in force for this user name or address, or None when a login may be tried."""
    now = now or timezone.now()
    since = now - WINDOW
    failed = LoginAttempt.objects.filter(succeeded=False)
    candidates = []
    key = username_key(username)
    if key:
        candidates.append(
            _unblocked_at(failed.filter(username=key), MAX_FAILURES_PER_USERNAME, since)
        )
    if ip_address:
        candidates.append(
            _unblocked_at(failed.filter(ip_address=ip_address), MAX_FAILURES_PER_ADDRESS, since)
        )
    until = max((c for c in candidates if c is not None), default=None)
    if until is None or until <= now:
        return None
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return Block(until=until, minutes=minutes)


def login_record(*, username: str, ip_address: str | None, succeeded: bool) -> LoginAttempt:
    """Store one attempt that reached the password check."""
    return LoginAttempt.objects.create(
        username=username_key(username), ip_address=ip_address, succeeded=succeeded
    )

"""Login throttling: slow password guessing without letting an attacker lock people out.

Every attempt is keyed by the **user name** and the **client's address** (behind a trusted
reverse proxy, the address it forwards: ``rumbo.core.client``). Within ``WINDOW`` (15
minutes) a login is refused, without checking the password, when

1. **pair** — the user name failed ``MAX_FAILURES_PER_PAIR`` (5) times from this address:
   guessing one account from one place;
2. **user name** — the user name failed ``MAX_FAILURES_PER_USERNAME`` (20) times from any
   addresses, and this address is not one the user signed in from successfully in the
   last ``KNOWN_ADDRESS_DAYS`` (30): guessing one account from many places. The owner,
   from an address they have used, still gets in (rule 1 still applies to them);
3. **address** — this address failed ``MAX_FAILURES_PER_ADDRESS`` (30) times for any user
   names, and the user name never signed in successfully from it in the last
   ``KNOWN_ADDRESS_DAYS``: trying many accounts from one place («password spraying»).
   Colleagues who share that address (an office behind one NAT or proxy) and have
   signed in from it before are not blocked by someone else's failures.

So no rule blocks a correct password because of **another** user name's failures from a
place the person has used before, and an attacker's failures on a victim's name from
elsewhere do not lock the victim out of their usual address. What is given up: a person
signing in for the first time from an address under attack waits up to 15 minutes.

**Atomic**: ``login_begin`` reserves the attempt — a row counted as a failure — in the
same transaction that checks the counts, serialised per user name and per address
(PostgreSQL: transaction-level advisory locks; SQLite: the insert takes the database's
write lock before the counts are read). So however many requests arrive at once, at most
``MAX_FAILURES_PER_PAIR`` of them for one user name from one address reach the password
hasher. ``login_succeeded`` then turns the reservation into a success. Refused attempts
are not stored, so waiting is always enough to get unblocked. The login page and the
admin login (``rumbo.accounts.forms.ThrottledAuthenticationForm``) both go through here.

Old attempts are pruned by `rumbo maintenance` after ``RUMBO_LOGIN_ATTEMPT_RETENTION_DAYS``
(default 30, also how long an address stays «known»). docs/security.md tells the policy.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from rumbo.core.client import client_ip
from rumbo.core.maintenance import Done

from .models import LoginAttempt

# The policy, in one place.
MAX_FAILURES_PER_PAIR = 5
MAX_FAILURES_PER_USERNAME = 20
MAX_FAILURES_PER_ADDRESS = 30
WINDOW = timedelta(minutes=15)
KNOWN_ADDRESS_DAYS = 30

# Password reset e-mails («¿Olvidaste tu contraseña?») per address and window: beyond it
# requests are answered the same but no mail is sent (Django's cache; per process unless
# a shared cache is configured).
MAX_RESETS_PER_ADDRESS = 3
RESET_WINDOW = timedelta(hours=1)

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


def retention() -> timedelta:
    """How long attempts are kept (`rumbo maintenance` prunes older ones)."""
    return timedelta(days=int(getattr(settings, "RUMBO_LOGIN_ATTEMPT_RETENTION_DAYS", 30)))


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


def _known(key: str, ip_address: str, now: datetime) -> bool:
    """Whether this user name signed in successfully from this address lately."""
    return LoginAttempt.objects.filter(
        username=key,
        ip_address=ip_address,
        succeeded=True,
        created_at__gt=now - timedelta(days=KNOWN_ADDRESS_DAYS),
    ).exists()


def login_blocked(
    *,
    username: str,
    ip_address: str | None,
    now: datetime | None = None,
    exclude: int | None = None,
) -> Block | None:
    """The block in force for this user name from this address, or None when it may try.

    ``exclude``: an attempt not to count (the caller's own reservation).
    """
    now = now or timezone.now()
    since = now - WINDOW
    failed = LoginAttempt.objects.filter(succeeded=False)
    if exclude is not None:
        failed = failed.exclude(pk=exclude)
    key = username_key(username)
    candidates: list[datetime | None] = []
    known: bool | None = None  # looked up only when a wider rule would apply

    def is_known() -> bool:
        nonlocal known
        if known is None:
            known = bool(key and ip_address and _known(key, ip_address, now))
        return known

    if key:
        candidates.append(
            _unblocked_at(
                failed.filter(username=key, ip_address=ip_address), MAX_FAILURES_PER_PAIR, since
            )
        )
        by_name = _unblocked_at(failed.filter(username=key), MAX_FAILURES_PER_USERNAME, since)
        if by_name is not None and by_name > now and not is_known():
            candidates.append(by_name)
    if ip_address:
        by_address = _unblocked_at(
            failed.filter(ip_address=ip_address), MAX_FAILURES_PER_ADDRESS, since
        )
        if by_address is not None and by_address > now and not is_known():
            candidates.append(by_address)
    until = max((c for c in candidates if c is not None), default=None)
    if until is None or until <= now:
        return None
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return Block(until=until, minutes=minutes)


def _lock(keys: list[str]) -> None:
    """Serialise attempts sharing a key until the transaction ends (PostgreSQL).

    Sorted, so two transactions always take their locks in the same order (no deadlock).
    On SQLite the caller's first write takes the whole database's write lock instead.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def login_begin(*, username: str, ip_address: str | None) -> LoginAttempt | Block:
    """Reserve an attempt that may go on to the password check, or the block refusing it.

    The reservation is stored as a failure (committed before the caller checks the
    password); call ``login_succeeded`` when the password was right.
    """
    key = username_key(username)
    with transaction.atomic():
        _lock([f"rumbo-login-user:{key}", f"rumbo-login-addr:{ip_address or ''}"])
        attempt = LoginAttempt.objects.create(username=key, ip_address=ip_address, succeeded=False)
        block = login_blocked(username=key, ip_address=ip_address, exclude=attempt.pk)
        if block is not None:
            transaction.set_rollback(True)  # a refused attempt is not stored
            return block
    return attempt


def login_succeeded(attempt: LoginAttempt) -> None:
    """The reserved attempt's password was right."""
    LoginAttempt.objects.filter(pk=attempt.pk).update(succeeded=True)
    attempt.succeeded = True


def login_record(*, username: str, ip_address: str | None, succeeded: bool) -> LoginAttempt:
    """Store one attempt that reached the password check (without reserving it first)."""
    return LoginAttempt.objects.create(
        username=username_key(username), ip_address=ip_address, succeeded=succeeded
    )


def login_attempts_prune(*, dry_run: bool, now: datetime) -> list[Done]:
    """`rumbo maintenance`: delete attempts older than the retention (kept meanwhile as a
    record of attacks, and to know each user's usual addresses)."""
    days = retention().days
    old = LoginAttempt.objects.filter(created_at__lt=now - retention())
    count = old.count() if dry_run else old.delete()[0]
    return [
        Done(
            "login_attempts",
            count,
            f"intentos de inicio de sesión de más de {days} días borrados: {{n}}",
        )
    ]


def reset_request_allowed(email: str, *, now: datetime | None = None) -> bool:
    """Whether a reset e-mail may go to this address now (and count it if so)."""
    now = now or timezone.now()
    key = "rumbo:password-reset:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()
    recent = [t for t in cache.get(key, []) if t > now - RESET_WINDOW]
    if len(recent) >= MAX_RESETS_PER_ADDRESS:
        return False
    cache.set(key, [*recent, now], int(RESET_WINDOW.total_seconds()))
    return True

"""Writers at the same moment: a clash the database resolves by refusing one of them (a
deadlock, a serialization failure, SQLite's «database is locked») is a conflict, never a
500.

- ``is_clash(exc)``: whether a database error is such a clash;
- ``SavedAtOnce``: the ``Conflict`` (409) it becomes — «Otra persona guardó al mismo
  tiempo; vuelve a intentarlo» — in one place for the API (``core.api.errors``) and the
  pages (``core.middleware.ConflictMiddleware``);
- ``retry_on_conflict``: a service's whole transaction run again, a bounded number of
  times, when it clashed (only when it is the outermost transaction: inside another one
  the clash goes up to whoever opened it);
- ``lock_or_create``: the row of a unique key locked, created first if missing, so that
  every writer of it waits for the one before instead of deadlocking on the insert.

Writers that lock several such rows lock them in one order (sorted keys), so two of them
never wait for each other.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.db import (
    DatabaseError,
    IntegrityError,
    OperationalError,
    connection,
    models,
    transaction,
)

from .errors import Conflict

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=models.Model)

SQLITE_LOCKED = ("database is locked", "database table is locked")
# PostgreSQL's SQLSTATEs: serialization_failure, deadlock_detected, lock_not_available.
PG_CLASHES = {"40001", "40P01", "55P03"}
ATTEMPTS = 3


class SavedAtOnce(Conflict):
    """Another writer saved the same thing at the same moment and the database refused
    this one; nothing of it was saved."""

    default_message = (
        "Otra persona guardó al mismo tiempo; no se guardó nada de lo tuyo. Vuelve a intentarlo."
    )


def is_clash(exc: BaseException) -> bool:
    """A deadlock, a serialization failure or a lock that timed out (PostgreSQL), or
    «database is locked» (SQLite): the write may succeed if tried again."""
    if not isinstance(exc, DatabaseError) or isinstance(exc, IntegrityError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in PG_CLASHES:
        return True
    return isinstance(exc, OperationalError) and any(t in str(exc) for t in SQLITE_LOCKED)


def retry_on_conflict(func: Callable[P, R] | None = None, *, attempts: int = ATTEMPTS) -> Any:
    """Run ``func`` (which opens its own transaction) again when it clashed with another
    writer, up to ``attempts`` times with a short random pause; then ``SavedAtOnce``.

    Inside an outer transaction nothing is retried (the outer one is already broken):
    the clash goes up as ``SavedAtOnce`` for the API or the page to answer 409.
    """

    def wrap(inner: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(inner)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            tries = 1 if connection.in_atomic_block else attempts
            for attempt in range(1, tries + 1):
                try:
                    return inner(*args, **kwargs)
                except DatabaseError as exc:
                    if not is_clash(exc):
                        raise
                    if attempt == tries:
                        raise SavedAtOnce() from exc
                    time.sleep(random.uniform(0.005, 0.05) * attempt)  # noqa: S311 - jitter
            raise AssertionError("unreachable")  # pragma: no cover

        return run

    return wrap(func) if func is not None else wrap


def lock_or_create(model: type[M], **key: Any) -> M:
    """The row of a unique ``key`` locked (``SELECT … FOR UPDATE``), inserted first when
    missing. A writer that inserts it concurrently is waited for, then its row is locked
    — never a unique violation, never a deadlock between the two. Inside a transaction."""
    manager = model._default_manager
    found = manager.select_for_update().filter(**key).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return manager.create(**key)
    except IntegrityError:
        return manager.select_for_update().get(**key)

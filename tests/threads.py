"""Real threads against the test database: each with its own connection, all released at
the same moment (a barrier), every connection closed at the end.

Only PostgreSQL runs them: the SQLite test database is in memory with a shared cache,
whose table locks fail at once instead of waiting, so threads there measure SQLite's test
set-up, not Rumbo (``needs_postgres``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from django.db import connection, connections

T = TypeVar("T")
P = TypeVar("P")


def needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "real concurrent writers need PostgreSQL: the SQLite test database is a shared "
            "in-memory cache whose table locks fail at once (run with DATABASE_URL=postgres://…)"
        )


def run_together(
    count: int, prepare: Callable[[int], P], act: Callable[[int, P], T], timeout: float = 120
) -> list[T]:
    """``prepare(i)`` in each thread (a read), then, once every thread has prepared,
    ``act(i, prepared)`` in all of them at once; the results in thread order."""
    barrier = threading.Barrier(count, timeout=timeout)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            prepared = prepare(index)
            barrier.wait()
            results[index] = act(index, prepared)
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    if errors:
        raise errors[0]
    return results

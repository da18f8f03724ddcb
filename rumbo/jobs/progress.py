"""Progress from inside a builder, without the builder knowing about jobs.

A builder calls ``progress_step(done, total, "Área 3 de 13")`` at natural points; when it
runs as a job, the job's row is updated (at most every half second), otherwise nothing
happens.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Reporter = Callable[[int, str], None]
_reporter: ContextVar[Reporter | None] = ContextVar("rumbo_job_progress", default=None)
MIN_INTERVAL = 0.5


def progress_step(done: int, total: int, step: str = "") -> None:
    reporter = _reporter.get()
    if reporter is None or total <= 0:
        return
    reporter(max(0, min(99, round(100 * done / total))), step)


@contextmanager
def reporting_to(callback: Reporter) -> Iterator[None]:
    last = [0.0]

    def throttled(percent: int, step: str) -> None:
        now = time.monotonic()
        if now - last[0] >= MIN_INTERVAL:
            last[0] = now
            callback(percent, step)

    token = _reporter.set(throttled)
    try:
        yield
    finally:
        _reporter.reset(token)

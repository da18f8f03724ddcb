"""`rumbo maintenance`: the housekeeping every app registers, run by cron (docs/security.md).

An app that keeps something to prune registers a task in its ``AppConfig.ready()``
(``register_task``): accounts prunes old login attempts, jobs deletes expired exports and
fails orphaned ones, monitoring deletes evidence files no row names. A task takes
``dry_run`` and ``now`` and returns what it did (or would do), one Spanish line per kind
of thing with how many (``Done``); with ``dry_run`` it must change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Done:
    """What a task did: ``count`` things, said in ``text`` (``{n}`` is the count)."""

    key: str  # a stable name for the audit record, e.g. "login_attempts"
    count: int
    text: str
    details: list[str] = field(default_factory=list)  # one line per thing, for --verbose

    @property
    def line(self) -> str:
        return self.text.format(n=f"{self.count:,}")


Task = Callable[..., list[Done]]

_TASKS: dict[str, Task] = {}


def register_task(name: str, task: Task) -> None:
    """Run ``task(dry_run=..., now=...)`` in every `rumbo maintenance` (in name order)."""
    _TASKS[name] = task


def tasks() -> list[tuple[str, Task]]:
    return sorted(_TASKS.items())


def run_all(*, dry_run: bool, now: datetime) -> list[Done]:
    results: list[Done] = []
    for _, task in tasks():
        results.extend(task(dry_run=dry_run, now=now))
    return results

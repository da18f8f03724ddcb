"""Who hears that a program's official figures may have changed (a registry).

Every event that changes what an approved month shows calls ``figures_changed`` inside its
own transaction, so that what an app above keeps from the figures is rewritten in that same
transaction (the open-data program × month summary: ``rumbo/opendata/summary.py``):

- a capture approved or reopened (``services/periods.py::_move``; several approved at once,
  ``period_approve_many``, tell each program once, at the end: ``figures_changes_batched``);
- the semáforo's bands of the institution or of an activity (``services/policy.py``) and the
  day a month's capture closes (``policy.py``: timeliness);
- an approved adjustment applied to the program (``rumbo/adjustments/services.py``).

Apps above monitoring register a listener in their ``AppConfig.ready()``
(``register_figures_listener``); monitoring never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from rumbo.programs.models import AnnualProgram

Listener = Callable[[frozenset[int]], None]  # called with program ids

_LISTENERS: list[Listener] = []
_PENDING: ContextVar[set[int] | None] = ContextVar("figures_pending", default=None)


def register_figures_listener(listener: Listener) -> None:
    """Call ``listener(program_ids)`` whenever those programs' figures may have changed."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def figures_changed(*, program_ids: Iterable[int] = (), institution_id: int | None = None) -> None:
    """The figures of these programs (or of every program of ``institution_id``) may have
    changed: tell the listeners now, or at the end of the enclosing
    ``figures_changes_batched`` block."""
    ids = set(program_ids)
    if institution_id is not None and _LISTENERS:
        ids |= set(
            AnnualProgram.objects.filter(institution_id=institution_id).values_list("pk", flat=True)
        )
    if not ids:
        return
    pending = _PENDING.get()
    if pending is not None:
        pending |= ids
        return
    _tell(frozenset(ids))


def _tell(ids: frozenset[int]) -> None:
    for listener in _LISTENERS:
        listener(ids)


@contextmanager
def figures_changes_batched() -> Iterator[None]:
    """Within the block, gather the changed programs and tell the listeners once, at its
    end (still inside the caller's transaction); nothing is told if the block raises."""
    if _PENDING.get() is not None:  # already gathering: the outer block tells
        yield
        return
    pending: set[int] = set()
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
    if pending:
        _tell(frozenset(pending))

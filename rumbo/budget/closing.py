"""The last closed month of a program year, as the budget import understands it.

A month is *closed* when the program holds an approved monthly capture of it (any area's):
the last such month is the last closed one. Captures belong to ``monitoring``, above this
app, so monitoring tells it through ``register_closed_month`` in its ``AppConfig.ready()``.
The import's ``--through M`` option overrides it (docs/budget.md).
"""

from __future__ import annotations

from collections.abc import Callable

from rumbo.programs.models import AnnualProgram

ClosedMonth = Callable[[AnnualProgram], int | None]
_PROVIDERS: list[ClosedMonth] = []


def register_closed_month(provider: ClosedMonth) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def last_closed_month(program: AnnualProgram) -> int | None:
    """The latest month any provider calls closed; ``None`` when none is."""
    months = [m for provider in _PROVIDERS if (m := provider(program)) is not None]
    return max(months, default=None)

"""What the apps above programs add to its pages, without programs importing them.

An app above registers a provider in its ``AppConfig.ready`` (the pattern of
``rumbo.monitoring.cycle.register_period_content``); the pages call the registry:
``imports`` gives the open quality findings of each activity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Protocol

from rumbo.institutions.models import Institution


class FindingCounts(Protocol):
    """Open findings per activity of one program year: activity id → count."""

    def __call__(self, *, institution: Institution, year: int) -> Mapping[int, int]: ...


_FINDING_COUNTS: list[FindingCounts] = []


def register_finding_counts(provider: FindingCounts) -> None:
    if provider not in _FINDING_COUNTS:
        _FINDING_COUNTS.append(provider)


def open_finding_counts(*, institution: Institution, year: int) -> Counter[int]:
    """Open findings per activity of the program year, from every registered app."""
    counts: Counter[int] = Counter()
    for provider in _FINDING_COUNTS:
        counts.update(provider(institution=institution, year=year))
    return counts

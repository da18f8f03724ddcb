"""What the apps above programs add to its pages, without programs importing them.

An app above registers a provider in its ``AppConfig.ready`` (the pattern of
``rumbo.monitoring.cycle.register_period_content``); the pages call the registry:
``imports`` gives the quality findings to attend of each activity (the program page's
flag) and the open ones of one (its page); ``monitoring`` an activity's progress month by
month and its history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Protocol

from rumbo.institutions.models import Institution

from .models import Activity, AnnualProgram


class FindingCounts(Protocol):
    """Findings to attend per activity of one program year: activity id → count (which
    findings ask for action is the findings' owner's rule: ``imports.findings.NEEDS_ACTION``)."""

    def __call__(self, *, institution: Institution, year: int) -> Mapping[int, int]: ...


_FINDING_COUNTS: list[FindingCounts] = []


def register_finding_counts(provider: FindingCounts) -> None:
    if provider not in _FINDING_COUNTS:
        _FINDING_COUNTS.append(provider)


def finding_counts_to_attend(*, institution: Institution, year: int) -> Counter[int]:
    """Findings to attend per activity of the program year, from every registered app."""
    counts: Counter[int] = Counter()
    for provider in _FINDING_COUNTS:
        counts.update(provider(institution=institution, year=year))
    return counts


class ActivityContent(Protocol):
    """Entries of the activity page's context (``findings``, ``progress_months``, ``history``)."""

    def __call__(
        self, *, institution: Institution, program: AnnualProgram, activity: Activity
    ) -> Mapping[str, object]: ...


_ACTIVITY_CONTENT: list[ActivityContent] = []


def register_activity_content(provider: ActivityContent) -> None:
    if provider not in _ACTIVITY_CONTENT:
        _ACTIVITY_CONTENT.append(provider)


def activity_content(
    *, institution: Institution, program: AnnualProgram, activity: Activity
) -> dict[str, object]:
    """What every registered app shows on the activity's page, as template context."""
    content: dict[str, object] = {}
    for provider in _ACTIVITY_CONTENT:
        content.update(provider(institution=institution, program=program, activity=activity))
    return content

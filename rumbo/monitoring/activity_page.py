"""What monitoring shows on an activity's page (``rumbo.programs.pages``): its progress
month by month (``figures``) and its history (the activity's and its progress entries')."""

from __future__ import annotations

from rumbo.institutions.models import Institution
from rumbo.programs.models import Activity, AnnualProgram

from .figures import program_figures
from .history import activity_history


def activity_progress_content(
    *, institution: Institution, program: AnnualProgram, activity: Activity
) -> dict[str, object]:
    """``progress_months`` (the twelve months' figures) and ``history`` (newest first)."""
    figures = program_figures(program=program, month=12, activity=activity)
    return {
        "progress_months": figures.months(activity),
        "history": list(activity_history(activity=activity)),
    }

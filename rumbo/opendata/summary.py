"""The program × month summary the national comparison reads (``ProgramMonthSummary``).

For a published program year and a month M, from its public figures only (those
``selectors.progress.is_public`` lets through: official — every capture of the activity's
area up to M approved):

- **average_compliance**: ``Summary.average_compliance`` of the public activities at M — the
  mean of their compliance to date, each capped at 100 % (``rumbo/monitoring/figures.py``);
- **on_track_share**: ``Summary.on_track`` of the same activities — green ÷ graded;
- **timeliness**: of the captures of M of the areas with public figures at M, the share
  sent on or before their window's closing day (``rumbo.monitoring.windows.sent_on_time``;
  a capture with no sending date is not counted);
- **completeness**: of the program's activities with a positive target in M, the share
  whose figure at M is public.

Percentages with two decimals, half up (``figures.share`` and ``Summary`` round through
``rumbo.core.semaforo.round_percent``). A month with no public figure has all four null.

``summary_refresh`` rewrites a program's twelve rows (or deletes them when it is not
published); it runs inside the transaction of each event that changes them: listening to
``rumbo.monitoring.changes`` (captures approved or reopened, bands, the close day, approved
adjustments) and called by publishing and withdrawing (``services.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from rumbo.core.periods import MONTHS
from rumbo.monitoring.figures import ProgramFigures, Summary, program_figures, share
from rumbo.monitoring.models import PeriodReport, PeriodState
from rumbo.monitoring.selectors import policy_for
from rumbo.monitoring.windows import sent_on_time, window_dates
from rumbo.programs.models import AnnualProgram

from .models import ProgramMonthSummary, Publication, PublicationKind
from .selectors.progress import is_public

FIGURES = ("average_compliance", "on_track_share", "timeliness", "completeness")


@dataclass(frozen=True)
class MonthFigures:
    month: int
    average_compliance: Decimal | None
    on_track_share: Decimal | None
    timeliness: Decimal | None
    completeness: Decimal | None

    def values(self) -> tuple[Decimal | None, ...]:
        return tuple(getattr(self, name) for name in FIGURES)


def _on_time(program: AnnualProgram) -> dict[tuple[int, int], bool]:
    """(area id, month) → whether its approved capture was sent on time (one query, plus
    the policy's); captures without a sending date are left out."""
    close_day = policy_for(program.institution).close_day
    out = {}
    for area_id, month, sent in (
        PeriodReport.objects.filter(program=program, state=PeriodState.APPROVED)
        .exclude(submitted_at=None)
        .order_by()
        .values_list("area_id", "month", "submitted_at")
    ):
        _, closes = window_dates(year=program.year, month=month, close_day=close_day)
        out[area_id, month] = sent_on_time(sent_on=timezone.localdate(sent), closes=closes)
    return out


def _month(data: ProgramFigures, month: int, on_time: dict[tuple[int, int], bool]) -> MonthFigures:
    summary = Summary()
    areas: set[int] = set()
    programmed = reported = 0
    for row in data.at(month):
        public = is_public(row, data)
        if public:
            summary.add(row.figure, row.unit)
            areas.add(row.area_id)  # type: ignore[arg-type]  # public: a known area
        target = data.target(row.activity, month)
        if target is not None and target > 0:
            programmed += 1
            reported += int(public)
    if not areas:
        return MonthFigures(month, None, None, None, None)
    sent = [on_time[a, month] for a in areas if (a, month) in on_time]
    return MonthFigures(
        month=month,
        average_compliance=summary.average_compliance,
        on_track_share=summary.on_track,
        timeliness=share(sum(sent), len(sent)),
        completeness=share(reported, programmed),
    )


def program_month_figures(program: AnnualProgram) -> list[MonthFigures]:
    """The four figures of every month of ``program`` (a constant number of queries)."""
    data = program_figures(program=program, month=12)
    on_time = _on_time(program)
    return [_month(data, m, on_time) for m in MONTHS]


def _published(program_ids: Iterable[int]) -> list[AnnualProgram]:
    return list(
        AnnualProgram.objects.filter(
            pk__in=list(program_ids),
            publications__kind=PublicationKind.PROGRAM,
        ).select_related("institution")
    )


@transaction.atomic
def summary_refresh(program_ids: Iterable[int]) -> None:
    """Rewrite the rows of these programs: twelve each if published, none otherwise. The
    programs' rows are locked first, so two events of one program write one after the other
    and the second reads what the first committed."""
    ids = sorted(set(program_ids))
    if not ids:
        return
    list(AnnualProgram.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
    ProgramMonthSummary.objects.filter(program_id__in=ids).delete()
    rows = [
        ProgramMonthSummary(
            program=program, month=f.month, **dict(zip(FIGURES, f.values(), strict=True))
        )
        for program in _published(ids)
        for f in program_month_figures(program)
    ]
    ProgramMonthSummary.objects.bulk_create(rows)


@transaction.atomic
def summary_rebuild() -> int:
    """Rebuild the whole summary from the figures (``rumbo opendata rebuild-summary``);
    returns how many published programs it holds."""
    ProgramMonthSummary.objects.all().delete()
    ids = set(
        Publication.objects.filter(kind=PublicationKind.PROGRAM).values_list(
            "program_id", flat=True
        )
    )
    summary_refresh(ids)
    return len(ids)

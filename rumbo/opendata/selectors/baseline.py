"""The original targets (version 1: the program as the Consejo approved it) beside the
targets in force, as the public sees them. Read once through
``rumbo.programs.versions.baseline_months`` (one query whatever the size of the program),
never re-derived; empty while the program was never approved."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rumbo.core.periods import MONTHS
from rumbo.monitoring.figures import programmed_series
from rumbo.programs.selectors import ActivityRow
from rumbo.programs.versions import baseline_months

from .publications import PublicProgram


@dataclass(frozen=True)
class ActivityOriginal:
    """An activity's targets in version 1."""

    annual: Decimal | None
    month_targets: dict[int, Decimal]  # a month absent: unknown in version 1

    @property
    def months(self) -> list[Decimal | None]:
        """Ene…Dic (None: unknown)."""
        return [self.month_targets.get(m) for m in MONTHS]

    def programmed_to(self, month: int) -> Decimal | None:
        """Programmed from January to ``month`` in version 1, summed as the figures sum
        the targets in force (``rumbo.monitoring.figures.programmed_series``)."""
        return programmed_series(self.month_targets)[month]


def public_originals(public: PublicProgram) -> dict[str, ActivityOriginal]:
    """Activity key → its version-1 targets; an activity added after the approval is
    absent, and so is every activity of a program never approved (one query)."""
    return {
        key: ActivityOriginal(annual=annual, month_targets=months)
        for key, (annual, months) in baseline_months(public.program).items()
    }


@dataclass(frozen=True)
class TargetCell:
    """A target in force and, where an approved adjustment changed it, its original."""

    value: Decimal | None
    adjusted: bool  # differs from version 1
    original: Decimal | None  # version 1's (meaningful when ``adjusted``)


@dataclass(frozen=True)
class AdjustedRow:
    annual: TargetCell
    months: list[TargetCell]


def _cell(value: Decimal | None, original: ActivityOriginal | None, month: int = 0) -> TargetCell:
    if original is None:
        return TargetCell(value=value, adjusted=False, original=None)
    before = original.annual if month == 0 else original.month_targets.get(month)
    return TargetCell(value=value, adjusted=before != value, original=before)


def adjusted_row(row: ActivityRow, original: ActivityOriginal | None) -> AdjustedRow:
    """The program page's cells of one activity: the annual target and the twelve months
    in force, each flagged where it differs from version 1 (as the monthly report shows
    «orig.»). Without an original (never approved, or added later) nothing is flagged."""
    return AdjustedRow(
        annual=_cell(row.activity.annual_target, original),
        months=[_cell(v, original, m) for m, v in zip(MONTHS, row.months, strict=True)],
    )

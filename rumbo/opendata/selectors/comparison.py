"""The national comparison: every institution that publishes its program of a year, with
the four figures of each month, read from the program × month summary alone
(``ProgramMonthSummary``, ``rumbo/opendata/summary.py``) — one query whatever the number
of institutions, activities or months."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rumbo.core.periods import MONTH_LABELS

from ..models import ProgramMonthSummary, Publication, PublicationKind


@dataclass(frozen=True)
class ComparedMonth:
    month: int
    average_compliance: Decimal | None
    on_track_share: Decimal | None
    timeliness: Decimal | None
    completeness: Decimal | None

    @property
    def label(self) -> str:
        return MONTH_LABELS[self.month - 1]

    @property
    def published(self) -> bool:
        return self.average_compliance is not None or self.completeness is not None


@dataclass
class ComparedInstitution:
    code: str
    name: str
    short_name: str
    simulated: bool  # its progress is simulated demonstration data
    months: list[ComparedMonth] = field(default_factory=list)


def public_comparison(*, year: int) -> list[ComparedInstitution]:
    """Each institution with its program of ``year`` published, by code, with its twelve
    months (one query)."""
    rows = (
        ProgramMonthSummary.objects.filter(
            program__year=year, program__publications__kind=PublicationKind.PROGRAM
        )
        .order_by("program__institution__code", "month")
        .values_list(
            "program__institution__code",
            "program__institution__name",
            "program__institution__short_name",
            "program__progress_simulated",
            "month",
            "average_compliance",
            "on_track_share",
            "timeliness",
            "completeness",
        )
    )
    out: dict[str, ComparedInstitution] = {}
    for code, name, short_name, simulated, month, average, on_track, timely, complete in rows:
        if code not in out:
            out[code] = ComparedInstitution(code, name, short_name, simulated)
        out[code].months.append(ComparedMonth(month, average, on_track, timely, complete))
    return list(out.values())


def comparison_years() -> list[int]:
    """The years some institution publishes, newest first (one query)."""
    return list(
        Publication.objects.filter(kind=PublicationKind.PROGRAM)
        .order_by("-program__year")
        .values_list("program__year", flat=True)
        .distinct()
    )

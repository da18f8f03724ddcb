"""Progress as the public sees it: official figures only (every capture of the area up to
the month approved), read from ``rumbo.monitoring.figures`` — per activity, and summarised
per month and per area without adding quantities of different units."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from rumbo.core.periods import MONTH_LABELS, MONTHS
from rumbo.core.semaforo import Bands, Grade
from rumbo.institutions.models import Area
from rumbo.monitoring.figures import (
    ActivityRow,
    FigureState,
    ProgramFigures,
    Summary,
    program_figures,
)
from rumbo.monitoring.selectors import policy_for
from rumbo.programs.models import Activity

from .publications import PublicProgram

# --------------------------------------------------------------------------------------
# Progress of official months


@dataclass(frozen=True)
class ProgressMonth:
    month: int
    label: str
    areas: list[Area]  # whose figures at the month are official
    summary: Summary  # of the activities of those areas
    bands: Bands

    @property
    def published(self) -> bool:
        return bool(self.areas)

    @property
    def grade(self) -> Grade:
        """The semáforo of the month's average compliance."""
        return self.summary.grade(self.bands)

    # Quantities only when every published activity shares one unit (never mixed units).
    @property
    def programmed(self) -> Decimal | None:
        return None

    @property
    def achieved(self) -> Decimal | None:
        return None

    @property
    def cumulative_programmed(self) -> Decimal | None:
        unit = self.summary.single_unit()
        return unit.programmed_to_date if unit and self.published else None

    @property
    def cumulative_achieved(self) -> Decimal | None:
        unit = self.summary.single_unit()
        return unit.achieved_to_date if unit and self.published else None


@dataclass(frozen=True)
class ProgressArea:
    area: Area
    months: list[int]  # official months
    summary: Summary  # at its last official month
    bands: Bands

    @property
    def grade(self) -> Grade:
        return self.summary.grade(self.bands)

    @property
    def cumulative_programmed(self) -> Decimal | None:
        unit = self.summary.single_unit()
        return unit.programmed_to_date if unit else None

    @property
    def cumulative_achieved(self) -> Decimal | None:
        unit = self.summary.single_unit()
        return unit.achieved_to_date if unit else None


@dataclass(frozen=True)
class ProgressRow:
    """One activity in one official month of its area (the progress dataset)."""

    activity: Activity
    area: Area
    month: int
    programmed: Decimal | None
    achieved: Decimal | None
    cumulative_programmed: Decimal | None
    cumulative_achieved: Decimal | None
    grade: Grade


@dataclass
class PublicProgress:
    public: PublicProgram
    bands: Bands
    months: list[ProgressMonth]
    areas: list[ProgressArea]
    rows: list[ProgressRow] = field(default_factory=list)

    @property
    def published_months(self) -> list[ProgressMonth]:
        return [m for m in self.months if m.published]

    @property
    def last(self) -> ProgressMonth | None:
        published = self.published_months
        return published[-1] if published else None


def is_public(row: ActivityRow, data: ProgramFigures) -> bool:
    """An activity's figure at a month is public when it is official (every capture of its
    area up to that month approved) and its area is the institution's."""
    return row.figure.state is FigureState.OFFICIAL and row.area_id in data.areas


def public_progress(public: PublicProgram) -> PublicProgress:
    """The official figures of every month (a constant number of queries whatever the
    size)."""
    program = public.program
    data = program_figures(program=program, month=12)
    bands = policy_for(public.institution).bands
    by_month: dict[int, list[ActivityRow]] = {m: data.at(m) for m in MONTHS}
    rows: list[ProgressRow] = []
    months: list[ProgressMonth] = []
    official_months: dict[int, list[int]] = defaultdict(list)
    area_summary: dict[int, Summary] = {}
    for m in MONTHS:
        summary = Summary()
        month_areas: set[int] = set()
        by_area: dict[int, Summary] = defaultdict(Summary)
        for r in by_month[m]:
            f = r.figure
            if not is_public(r, data):
                continue
            area = data.areas[r.area_id]  # type: ignore[index]  # is_public: a known area
            month_areas.add(area.pk)
            summary.add(f, r.unit)
            by_area[area.pk].add(f, r.unit)
            rows.append(
                ProgressRow(
                    activity=r.activity,
                    area=area,
                    month=m,
                    programmed=f.programmed_month,
                    achieved=f.achieved_month,
                    cumulative_programmed=f.programmed_to_date,
                    cumulative_achieved=f.achieved_to_date,
                    grade=f.grade,
                )
            )
        for area_id, s in by_area.items():
            official_months[area_id].append(m)
            area_summary[area_id] = s  # the last official month wins
        months.append(
            ProgressMonth(
                month=m,
                label=MONTH_LABELS[m - 1],
                areas=sorted((data.areas[a] for a in month_areas), key=lambda a: a.name),
                summary=summary,
                bands=bands,
            )
        )
    rows.sort(key=lambda r: (r.activity.order, r.activity.key, r.month))
    areas = sorted(
        (
            ProgressArea(
                area=data.areas[a], months=official_months[a], summary=area_summary[a], bands=bands
            )
            for a in official_months
        ),
        key=lambda a: a.area.name,
    )
    return PublicProgress(public=public, bands=bands, months=months, areas=areas, rows=rows)

"""What is public, read once for the pages, the downloads and the open API alike.

Only published program years (``Publication``) exist here; anything else is ``None`` (a
404 upstream). Progress counts, for each month, only the areas whose capture of that month
is APPROVED (``PeriodReport.state == aprobado``): a capture in borrador, enviada, devuelta
or reopened does not count. Indicators come only from published MIRs, and a measurement
only when the capture that holds it (its area, the month its period closes) is approved.
Nothing here reads comments, justifications, evidence, users or audit data: the
queries select the public columns only. Each selector costs a constant number of queries
whatever the size of the program.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch

from rumbo.core.periods import Period, periods
from rumbo.core.semaforo import Bands, Direction, Grade, grade
from rumbo.indicators.models import Indicator, IndicatorTarget, Measurement, Mir
from rumbo.indicators.selectors import annual_target, bands_for_indicators, period_target
from rumbo.institutions.access import activity_area_id
from rumbo.institutions.models import Area, Institution
from rumbo.monitoring.bands import bands_for_activities
from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry
from rumbo.monitoring.selectors import MONTHS, cumulative_to, policy_for, program_nodes
from rumbo.programs.models import Activity, AnnualProgram, MonthlyTarget
from rumbo.programs.selectors import MONTH_LABELS, TreeNode, program_tree

from .models import Publication, PublicationKind

# --------------------------------------------------------------------------------------
# Publications


@dataclass(frozen=True)
class PublicInstitution:
    code: str
    name: str
    short_name: str
    years: list[int]


def public_institutions() -> list[PublicInstitution]:
    """Institutions with at least one published program year, by code (one query)."""
    rows = (
        Publication.objects.filter(kind=PublicationKind.PROGRAM)
        .order_by("program__institution__code", "-program__year")
        .values_list(
            "program__institution__code",
            "program__institution__name",
            "program__institution__short_name",
            "program__year",
        )
    )
    out: dict[str, PublicInstitution] = {}
    for code, name, short_name, year in rows:
        if code not in out:
            out[code] = PublicInstitution(code, name, short_name, [])
        out[code].years.append(year)
    return list(out.values())


def public_institution(*, code: str) -> PublicInstitution | None:
    """One institution with its published years, or None if nothing of it is public."""
    rows = (
        Publication.objects.filter(kind=PublicationKind.PROGRAM, program__institution__code=code)
        .order_by("-program__year")
        .values_list(
            "program__institution__code",
            "program__institution__name",
            "program__institution__short_name",
            "program__year",
        )
    )
    found = list(rows)
    if not found:
        return None
    code, name, short_name, _ = found[0]
    return PublicInstitution(code, name, short_name, [r[3] for r in found])


@dataclass(frozen=True)
class PublicMir:
    mir: Mir
    title: str
    published_at: datetime


@dataclass(frozen=True)
class PublicProgram:
    institution: Institution
    program: AnnualProgram
    published_at: datetime
    mirs: list[PublicMir]


def public_program(*, code: str, year: int) -> PublicProgram | None:
    """A published program year with its published MIRs (two queries), or None."""
    publication = (
        Publication.objects.filter(
            kind=PublicationKind.PROGRAM, program__institution__code=code, program__year=year
        )
        .select_related("program__institution")
        .first()
    )
    if publication is None:
        return None
    mirs = [
        PublicMir(mir=p.mir, title=p.mir.design.title, published_at=p.published_at)
        for p in Publication.objects.filter(program=publication.program, kind=PublicationKind.MIR)
        .select_related("mir__design__node")
        .order_by("mir__design__node__order", "mir__design__node__key")
        if p.mir is not None
    ]
    return PublicProgram(
        institution=publication.program.institution,
        program=publication.program,
        published_at=publication.published_at,
        mirs=mirs,
    )


def public_tree(public: PublicProgram) -> list[TreeNode]:
    """The program tree with activities, calendars and totals (``program_tree``)."""
    return program_tree(program=public.program)


# --------------------------------------------------------------------------------------
# Progress of approved months


@dataclass(frozen=True)
class ProgressMonth:
    month: int
    label: str
    areas: list[Area]  # whose capture of the month is approved
    programmed: Decimal | None
    achieved: Decimal | None
    cumulative_programmed: Decimal | None
    cumulative_achieved: Decimal | None
    grade: Grade  # on the cumulative figures

    @property
    def published(self) -> bool:
        return bool(self.areas)


@dataclass(frozen=True)
class ProgressArea:
    area: Area
    months: list[int]  # approved months
    cumulative_programmed: Decimal | None  # to its last approved month
    cumulative_achieved: Decimal | None
    grade: Grade


@dataclass(frozen=True)
class ProgressRow:
    """One activity in one approved month of its area (the progress dataset)."""

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


def _masked(
    values: dict[int, Decimal], months: set[int], *, zero_when_missing: bool
) -> dict[int, Decimal]:
    out = {m: v for m, v in values.items() if m in months}
    if zero_when_missing:  # an approved month without an entry achieved nothing
        for m in months:
            out.setdefault(m, Decimal(0))
    return out


def public_progress(public: PublicProgram) -> PublicProgress:
    """Programmed vs achieved of the approved months (nine queries whatever the size)."""
    program = public.program
    nodes = program_nodes([program.pk])
    areas = {a.pk: a for a in Area.objects.filter(institution_id=program.institution_id)}
    activities = list(
        Activity.objects.filter(program=program)
        .select_related("unit")
        .only("pk", "program_id", "node_id", "area_id", "key", "description", "unit__name")
        .order_by("order", "key")
    )
    approved: dict[int, set[int]] = defaultdict(set)  # area id → approved months
    for report_area, month in PeriodReport.objects.filter(
        program=program, state=PeriodState.APPROVED
    ).values_list("area_id", "month"):
        approved[report_area].add(month)
    targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for activity_id, month, quantity in MonthlyTarget.objects.filter(
        activity__program=program
    ).values_list("activity_id", "month", "quantity"):
        targets[activity_id][month] = quantity
    achieved: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for activity_id, month, value in ProgressEntry.objects.filter(
        activity__program=program
    ).values_list("activity_id", "month", "achieved"):
        achieved[activity_id][month] = value
    activity_bands = bands_for_activities(activities)
    bands = policy_for(public.institution).bands

    month_programmed: dict[int, Decimal] = defaultdict(Decimal)
    month_achieved: dict[int, Decimal] = defaultdict(Decimal)
    area_programmed: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    area_achieved: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    rows: list[ProgressRow] = []
    for activity in activities:
        found = activity_area_id(activity, nodes)
        if found is None or not approved.get(found):
            continue
        area_id = found
        months = approved[area_id]
        prog = _masked(targets[activity.pk], months, zero_when_missing=False)
        done = _masked(achieved[activity.pk], months, zero_when_missing=True)
        for m, v in prog.items():
            month_programmed[m] += v
            area_programmed[area_id][m] += v
        for m, v in done.items():
            month_achieved[m] += v
            area_achieved[area_id][m] += v
        for m in sorted(months):
            cum = cumulative_to(m, prog, done)
            rows.append(
                ProgressRow(
                    activity=activity,
                    area=areas[area_id],
                    month=m,
                    programmed=prog.get(m),
                    achieved=done.get(m),
                    cumulative_programmed=cum.programmed,
                    cumulative_achieved=cum.achieved,
                    grade=grade(
                        programmed=cum.programmed,
                        achieved=cum.achieved,
                        bands=activity_bands[activity.pk],
                    ),
                )
            )

    month_list: list[ProgressMonth] = []
    for m in MONTHS:
        cum = cumulative_to(m, month_programmed, month_achieved)
        month_areas = sorted(
            (areas[a] for a, ms in approved.items() if m in ms and a in areas),
            key=lambda a: a.name,
        )
        month_list.append(
            ProgressMonth(
                month=m,
                label=MONTH_LABELS[m - 1],
                areas=month_areas,
                programmed=month_programmed.get(m) if month_areas else None,
                achieved=month_achieved.get(m) if month_areas else None,
                cumulative_programmed=cum.programmed,
                cumulative_achieved=cum.achieved if month_areas else None,
                grade=grade(
                    programmed=cum.programmed,
                    achieved=cum.achieved if month_areas else None,
                    bands=bands,
                ),
            )
        )
    area_list: list[ProgressArea] = []
    for area_id, months in approved.items():
        if area_id not in areas:
            continue
        last = max(months)
        cum = cumulative_to(last, area_programmed[area_id], area_achieved[area_id])
        area_list.append(
            ProgressArea(
                area=areas[area_id],
                months=sorted(months),
                cumulative_programmed=cum.programmed,
                cumulative_achieved=cum.achieved,
                grade=grade(programmed=cum.programmed, achieved=cum.achieved, bands=bands),
            )
        )
    area_list.sort(key=lambda a: a.area.name)
    return PublicProgress(public=public, bands=bands, months=month_list, areas=area_list, rows=rows)


# --------------------------------------------------------------------------------------
# Indicators of published MIRs, approved measurements only


@dataclass(frozen=True)
class IndicatorPeriod:
    period: Period
    target: Decimal | None
    value: Decimal | None  # None unless its capture is approved
    published: bool
    grade: Grade


@dataclass(frozen=True)
class PublicIndicator:
    indicator: Indicator
    mir_title: str
    annual: Decimal | None
    periods: list[IndicatorPeriod]

    @property
    def level_label(self) -> str:
        return self.indicator.row.get_level_display()


def public_indicators(public: PublicProgram) -> list[PublicIndicator]:
    """Every indicator of the published MIRs (five queries whatever their number)."""
    mir_ids = [m.mir.pk for m in public.mirs]
    if not mir_ids:
        return []
    titles = {m.mir.pk: m.title for m in public.mirs}
    indicators = list(
        Indicator.objects.filter(row__mir_id__in=mir_ids)
        .select_related("row", "area")
        .prefetch_related(Prefetch("targets", queryset=IndicatorTarget.objects.order_by("period")))
        .defer("formula_as_printed")
        .order_by("row__mir_id", "row__order", "row__pk", "order", "pk")
    )
    approved = set(
        PeriodReport.objects.filter(program=public.program, state=PeriodState.APPROVED).values_list(
            "area_id", "month"
        )
    )
    values: dict[tuple[int, int], Decimal | None] = {
        (i, p): v
        for i, p, v in Measurement.objects.filter(indicator__in=indicators).values_list(
            "indicator_id", "period", "value"
        )
    }
    bands = bands_for_indicators(indicators)
    out = []
    for ind in indicators:
        targets = {t.period: t.value for t in ind.targets.all()}
        direction = Direction(ind.direction)
        lines = []
        for p in periods(ind.frequency):
            published = (ind.area_id, p.last_month) in approved
            value = values.get((ind.pk, p.number)) if published else None
            target = period_target(targets, ind, p.number)
            lines.append(
                IndicatorPeriod(
                    period=p,
                    target=target,
                    value=value,
                    published=published and (ind.pk, p.number) in values,
                    grade=grade(
                        programmed=target, achieved=value, bands=bands[ind.pk], direction=direction
                    ),
                )
            )
        out.append(
            PublicIndicator(
                indicator=ind,
                mir_title=titles[ind.row.mir_id],
                annual=annual_target(targets, ind),
                periods=lines,
            )
        )
    return out


# --------------------------------------------------------------------------------------
# For Planeación: what is and what would become public


@dataclass
class MirChoice:
    mir: Mir
    title: str
    indicator_count: int
    published: bool


@dataclass
class ProgramChoice:
    program: AnnualProgram
    activity_count: int
    approved_months: list[int]  # months with at least one approved area capture
    approved_captures: int  # area × month captures approved
    published: bool
    published_at: datetime | None
    published_by: str
    mirs: list[MirChoice] = field(default_factory=list)


def publication_overview(institution: Institution) -> list[ProgramChoice]:
    """Every program year of the institution, newest first, with what publishing it would
    expose and whether it (and each MIR) is published. Four queries whatever the size."""
    programs = list(
        AnnualProgram.objects.filter(institution=institution)
        .annotate(activity_count=Count("activities", distinct=True))
        .order_by("-year")
    )
    approved: dict[int, list[int]] = defaultdict(list)
    for program_id, month in PeriodReport.objects.filter(
        program__institution=institution, state=PeriodState.APPROVED
    ).values_list("program_id", "month"):
        approved[program_id].append(month)
    publications = list(
        Publication.objects.filter(program__institution=institution).values_list(
            "program_id", "kind", "mir_id", "published_at", "published_by_label"
        )
    )
    program_pub = {p[0]: p for p in publications if p[1] == PublicationKind.PROGRAM}
    mir_pub = {p[2] for p in publications if p[1] == PublicationKind.MIR}
    mirs = list(
        Mir.objects.filter(design__node__program__institution=institution)
        .select_related("design__node")
        .annotate(indicator_count=Count("rows__indicators", distinct=True))
        .order_by("design__node__order", "design__node__key")
    )
    by_program: dict[int, list[MirChoice]] = defaultdict(list)
    for mir in mirs:
        by_program[mir.design.node.program_id].append(
            MirChoice(
                mir=mir,
                title=mir.design.title,
                indicator_count=mir.indicator_count,  # type: ignore[attr-defined]  # annotated
                published=mir.pk in mir_pub,
            )
        )
    out = []
    for program in programs:
        pub = program_pub.get(program.pk)
        months = approved.get(program.pk, [])
        out.append(
            ProgramChoice(
                program=program,
                activity_count=program.activity_count,  # type: ignore[attr-defined]  # annotated
                approved_months=sorted(set(months)),
                approved_captures=len(months),
                published=pub is not None,
                published_at=pub[3] if pub else None,
                published_by=pub[4] if pub else "",
                mirs=by_program.get(program.pk, []),
            )
        )
    return out

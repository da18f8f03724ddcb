"""For Planeación's page: what is public and what publishing would expose."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count

from rumbo.indicators.models import Mir
from rumbo.institutions.models import Institution
from rumbo.monitoring.models import PeriodReport, PeriodState
from rumbo.programs.models import AnnualProgram

from ..models import Publication, PublicationKind

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

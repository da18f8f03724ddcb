"""Published institutions and program years (a 404 upstream when absent)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef

from rumbo.indicators.models import Mir
from rumbo.institutions.models import Institution
from rumbo.programs.models import Activity, AnnualProgram
from rumbo.programs.selectors import TreeNode, program_tree
from rumbo.programs.versions import in_force_since, version_label

from ..models import Publication, PublicationKind

# --------------------------------------------------------------------------------------
# Publications


@dataclass(frozen=True)
class PublicInstitution:
    code: str
    name: str
    short_name: str
    years: list[int]
    simulated_years: list[int] = field(default_factory=list)  # with simulated figures

    @property
    def simulated(self) -> bool:
        """Some published year shows simulated demonstration figures."""
        return bool(self.simulated_years)


def _simulated_calendar() -> Exists:
    """Whether the publication's program has an activity whose calendar is simulated."""
    return Exists(Activity.objects.filter(program=OuterRef("program"), calendar_simulated=True))


def _institution_rows(**filters: object) -> Iterator[tuple[str, str, str, int, bool]]:
    """(code, name, short name, year, simulated) of each published program year, by code
    and newest year first; simulated when its progress, a published MIR's measurements or
    an activity's calendar are (one query)."""
    simulated_mir = Publication.objects.filter(
        program=OuterRef("program"),
        kind=PublicationKind.MIR,
        mir__measurements_simulated=True,
    )
    rows = (
        Publication.objects.filter(kind=PublicationKind.PROGRAM, **filters)
        .annotate(simulated_mir=Exists(simulated_mir), simulated_calendar=_simulated_calendar())
        .order_by("program__institution__code", "-program__year")
        .values_list(
            "program__institution__code",
            "program__institution__name",
            "program__institution__short_name",
            "program__year",
            "program__progress_simulated",
            "simulated_mir",
            "simulated_calendar",
        )
    )
    for code, name, short_name, year, progress, mir, calendar in rows:
        yield code, name, short_name, year, progress or mir or calendar


def public_institutions() -> list[PublicInstitution]:
    """Institutions with at least one published program year, by code (one query)."""
    out: dict[str, PublicInstitution] = {}
    for code, name, short_name, year, simulated in _institution_rows():
        if code not in out:
            out[code] = PublicInstitution(code, name, short_name, [])
        out[code].years.append(year)
        if simulated:
            out[code].simulated_years.append(year)
    return list(out.values())


def public_institution(*, code: str) -> PublicInstitution | None:
    """One institution with its published years, or None if nothing of it is public."""
    found = list(_institution_rows(program__institution__code=code))
    if not found:
        return None
    code, name, short_name, _, _ = found[0]
    return PublicInstitution(
        code,
        name,
        short_name,
        [r[3] for r in found],
        [r[3] for r in found if r[4]],
    )


@dataclass(frozen=True)
class PublicMir:
    mir: Mir
    title: str
    published_at: datetime

    @property
    def simulated(self) -> bool:
        """Its measurements are simulated demonstration data (``rumbo demo``)."""
        return self.mir.measurements_simulated


@dataclass(frozen=True)
class PublicProgram:
    institution: Institution
    program: AnnualProgram
    published_at: datetime
    mirs: list[PublicMir]
    version_since: datetime | None = None  # when the version in force was approved

    @property
    def version(self) -> int | None:
        """The number of the approved version whose targets every figure uses; None while
        the program was never approved (its targets are still being formulated)."""
        return self.program.version or None

    @property
    def version_label(self) -> str:
        """Which targets the figures use: «Metas de la versión 3 del programa (aprobado con
        el acuerdo … del dd/mm/aaaa), vigente desde el dd/mm/aaaa.» or «Metas del programa
        en formulación: aún sin versión aprobada.» (``rumbo.programs.versions``)."""
        return version_label(self.program, since=self.version_since)

    # Some activity's calendar (its programmed months) is simulated: it came from a
    # cronograma with simulated months (``Activity.calendar_simulated``).
    calendar_simulated: bool = False

    @property
    def progress_simulated(self) -> bool:
        """Its monthly progress is simulated demonstration data (``rumbo demo``)."""
        return self.program.progress_simulated

    @property
    def measurements_simulated(self) -> bool:
        """Some published MIR holds simulated measurements."""
        return any(m.simulated for m in self.mirs)

    @property
    def simulated(self) -> bool:
        """Some published figure of the year (calendar, progress or measurements) is
        simulated."""
        return self.calendar_simulated or self.progress_simulated or self.measurements_simulated


def public_program(*, code: str, year: int) -> PublicProgram | None:
    """A published program year with its published MIRs and the date its version in force
    was approved (two queries), or None."""
    publication = (
        Publication.objects.filter(
            kind=PublicationKind.PROGRAM, program__institution__code=code, program__year=year
        )
        .select_related("program__institution")
        .annotate(version_since=in_force_since("program"))
        .annotate(simulated_calendar=_simulated_calendar())
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
        version_since=publication.version_since,  # type: ignore[attr-defined]  # annotated
        calendar_simulated=publication.simulated_calendar,  # type: ignore[attr-defined]  # annotated above
    )


def public_tree(public: PublicProgram) -> list[TreeNode]:
    """The program tree with activities, calendars and totals (``program_tree``)."""
    return program_tree(program=public.program)

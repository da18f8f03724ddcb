"""Published institutions and program years (a 404 upstream when absent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rumbo.indicators.models import Mir
from rumbo.institutions.models import Institution
from rumbo.programs.models import AnnualProgram
from rumbo.programs.selectors import TreeNode, program_tree

from ..models import Publication, PublicationKind

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

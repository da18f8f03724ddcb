"""What ``rumbo demo`` publishes as open data (idempotent): the IEEM 2024 program and the
IECM 2024 program with the MIR of its vinculación design. Each publication goes through the
service, by a Planeación user of the institution, with a reason that says it is a demo."""

from __future__ import annotations

from dataclasses import dataclass

from rumbo.audit.services import Actor
from rumbo.indicators.models import Mir
from rumbo.institutions.models import Membership, Role
from rumbo.programs.models import AnnualProgram

from .models import Publication, PublicationKind
from .services import publication_publish

REASON = "[Simulado] Publicación de la demostración."


@dataclass(frozen=True)
class DemoPublication:
    institution: str
    year: int
    mir_nodes: tuple[str, ...] = ()  # keys of the depth-0 nodes whose MIR is published


DEMO_PUBLICATIONS = (
    DemoPublication("IEEM", 2024),
    DemoPublication("IECM", 2024, ("VINC",)),
)


def demo_publications_ensure(*, actor: Actor) -> list[str]:
    """Publish what is missing of ``DEMO_PUBLICATIONS``; returns one line per publication."""
    lines = []
    for spec in DEMO_PUBLICATIONS:
        program = (
            AnnualProgram.objects.select_related("institution")
            .filter(institution__code=spec.institution, year=spec.year)
            .first()
        )
        if program is None:
            continue
        membership = (
            Membership.objects.select_related("user")
            .filter(institution=program.institution, role=Role.PLANEACION)
            .order_by("pk")
            .first()
        )
        if membership is None:
            continue
        user = membership.user
        published = Publication.objects.filter(program=program)
        if not published.filter(kind=PublicationKind.PROGRAM).exists():
            publication_publish(user=user, program=program, reason=REASON, actor=actor)
        lines.append(f"Datos abiertos: {spec.institution} {spec.year} publicado")
        for key in spec.mir_nodes:
            mir = Mir.objects.filter(design__node__program=program, design__node__key=key).first()
            if mir is None:
                continue
            if not published.filter(mir=mir).exists():
                publication_publish(user=user, program=program, mir=mir, reason=REASON, actor=actor)
            lines.append(f"Datos abiertos: {spec.institution} {spec.year} MIR {key} publicada")
    return lines

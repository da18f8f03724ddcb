from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from rumbo.budget.models import MOMENTS, BudgetLine, FundingSource, GenericItem, SpecificItem
from rumbo.budget.services import cog_load
from rumbo.institutions.models import Role
from rumbo.monitoring.models import PeriodReport, PeriodState
from rumbo.programs.models import Activity, AnnualProgram, ProgramNode
from tests.factories import (
    ActivityFactory,
    AnnualProgramFactory,
    AreaFactory,
    InstitutionFactory,
    MembershipFactory,
    ProgramNodeFactory,
    UserFactory,
)


@dataclass
class World:
    program: AnnualProgram
    sub: ProgramNode
    project: ProgramNode
    other: ProgramNode
    activity: Activity


@pytest.fixture
def world(db) -> World:
    """CONAC's classifier (a flushed test database lost the migration's rows) and a small
    program: subprograma 01 → proyectos 0101, 0102; actividad 010101 under 0101."""
    cog_load()
    institution = InstitutionFactory(code="PRB", name="Instituto de prueba", short_name="PRB")
    program = AnnualProgramFactory(institution=institution, year=2024)
    sub = ProgramNodeFactory(program=program, key="01", name="Subprograma")
    project = ProgramNodeFactory(program=program, parent=sub, key="0101", name="Proyecto uno")
    other = ProgramNodeFactory(program=program, parent=sub, key="0102", name="Proyecto dos")
    activity = ActivityFactory(node=project, key="010101", annual_target=Decimal(12))
    return World(program, sub, project, other, activity)


def write_csv(tmp_path, name: str, rows: list[str]) -> str:
    path = tmp_path / name
    header = "Clave programática,Partida,Fuente,Mes,Momento,Importe"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


# --- a small budget worked by hand (the faces' tests: API, page, fr. XXI, open data) --------

D = Decimal


def specific_item(program: AnnualProgram, key: str) -> SpecificItem:
    generic = GenericItem.objects.get(key=key[:3])
    return SpecificItem.objects.get_or_create(
        institution=program.institution, key=key, defaults={"generic": generic, "name": f"P{key}"}
    )[0]


def funding_source(program: AnnualProgram, key: str = "11") -> FundingSource:
    return FundingSource.objects.get_or_create(
        institution=program.institution, key=key, defaults={"name": "Recursos fiscales"}
    )[0]


# (node, activity?, partida, month, aprobado, modificado, comprometido, devengado, ejercido, pagado)
HAND_LINES = [
    ("0101", None, "21101", 1, "1000.50", "1000.50", "800", "400.25", "300", "200"),
    ("0101", None, "21101", 2, "1000", "1200", "900", "700", "600", "500"),
    ("0101", "010101", "31101", 3, "500", "500", "100", "100", "100", "100"),
    ("0102", None, "21101", 1, "300", "300", "0", "0", "0", "0"),
    ("0102", None, "31101", 4, "250.75", "200", "0", "50", "0", "0"),
]
# Worked by hand from HAND_LINES:
#   aprobado 1,000.50 + 1,000 + 500 + 300 + 250.75 = 3,051.25
#   modificado 1,000.50 + 1,200 + 500 + 300 + 200 = 3,200.50
#   comprometido 800 + 900 + 100 = 1,800; devengado 400.25 + 700 + 100 + 50 = 1,250.25
#   ejercido 300 + 600 + 100 = 1,000; pagado 200 + 500 + 100 = 800
HAND_TOTALS = {
    "aprobado": D("3051.25"),
    "modificado": D("3200.50"),
    "comprometido": D("1800"),
    "devengado": D("1250.25"),
    "ejercido": D("1000"),
    "pagado": D("800"),
}


@pytest.fixture
def hand_budget(world: World) -> World:
    """``world`` with the five lines of ``HAND_LINES``."""
    nodes = {n.key: n for n in (world.sub, world.project, world.other)}
    for node, activity, item, month, *amounts in HAND_LINES:
        BudgetLine.objects.create(
            program=world.program,
            node=nodes[node],
            activity=world.activity if activity else None,
            item=specific_item(world.program, item),
            source=funding_source(world.program),
            month=month,
            **{m: D(a) for m, a in zip(MOMENTS, amounts, strict=True)},
        )
    return world


def close_months(program: AnnualProgram, through: int) -> None:
    """Approve one area's capture of every month up to ``through`` (they close)."""
    area = AreaFactory(institution=program.institution, code="ADM", name="Administración")
    for month in range(1, through + 1):
        PeriodReport.objects.create(
            program=program, area=area, month=month, state=PeriodState.APPROVED
        )


def member(program: AnnualProgram, role: str = Role.CONSULTA, username: str = "consulta_prb"):
    user = UserFactory(username=username)
    MembershipFactory(user=user, institution=program.institution, role=role)
    return user

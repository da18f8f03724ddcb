from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from rumbo.budget.services import cog_load
from rumbo.programs.models import Activity, AnnualProgram, ProgramNode
from tests.factories import (
    ActivityFactory,
    AnnualProgramFactory,
    InstitutionFactory,
    ProgramNodeFactory,
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

"""What the strategic plans API returns (pydantic schemas)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema


class PlanOut(Schema):
    id: int
    name: str
    start_year: int
    end_year: int
    objective_count: int
    line_count: int


class LineOut(Schema):
    code: str
    text: str


class OtherLineOut(LineOut):
    objective: str | None = Field(description="Clave del objetivo, cuando está en otro programa.")


class ObjectiveOut(Schema):
    code: str
    text: str
    lines: list[LineOut]


class GeneralProgramOut(Schema):
    code: str
    name: str
    objectives: list[ObjectiveOut]
    other_lines: list[OtherLineOut]


class PolicyOut(Schema):
    code: str
    name: str
    programs: list[GeneralProgramOut]


class SwotOut(Schema):
    kind: Literal["fortaleza", "oportunidad", "debilidad", "amenaza"]
    label: str
    items: list[str]


class PlanDetailOut(Schema):
    id: int
    name: str
    start_year: int
    end_year: int
    mission: str
    vision: str
    policies: list[PolicyOut]
    programs: list[GeneralProgramOut] = Field(description="Programas sin política.")
    objectives: list[ObjectiveOut] = Field(description="Objetivos sin programa.")
    lines: list[LineOut] = Field(description="Líneas sin objetivo ni programa.")
    swot: list[SwotOut]

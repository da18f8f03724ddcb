"""What the institutions API returns (pydantic schemas)."""

from __future__ import annotations

from ninja import Field, Schema

from rumbo.core.api.schemas import PageOut, PageQuery, Text


class InstitutionOut(Schema):
    code: str
    name: str
    short_name: str


class InstitutionDetailOut(InstitutionOut):
    web_domains: list[str]
    roles: list[str] = Field(
        description="Roles del usuario: planeacion, enlace, revisor, consulta, fiscalizacion."
    )
    capabilities: list[str] = Field(description="Lo que el usuario puede hacer aquí.")


class AreaOut(Schema):
    code: str
    name: str
    parent: str | None = Field(description="Siglas del área superior.")


class AreaQuery(PageQuery):
    q: Text = Field("", max_length=200, description="Texto en las siglas o el nombre.")


class AreaPage(PageOut):
    items: list[AreaOut]

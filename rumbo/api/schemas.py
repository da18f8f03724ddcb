"""What goes in and out of the API (pydantic schemas), and the paginated list shape."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from rumbo.core.api.schemas import (
    Number,
    PageOut,
    PageQuery,
    Text,
)

# --- institutions, areas --------------------------------------------------------------------


class InstitutionOut(Schema):
    code: str
    name: str
    short_name: str


class InstitutionDetailOut(InstitutionOut):
    web_domains: list[str]
    roles: list[str] = Field(
        description="Roles del usuario: planeacion, enlace, revisor, consulta."
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


# --- strategic plans ------------------------------------------------------------------------


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


# --- annual programs: the export tree (same JSON as `rumbo export program`) -----------------


class ProgramOut(Schema):
    year: int
    name: str
    level_names: list[str]
    activity_count: int


class ExportAreaOut(Schema):
    code: str
    name: str


class BeneficiaryOut(Schema):
    description: str
    quantity: str = Field(description="Texto tal cual; «S/C» = sin cuantificar.")


class ExportActivityOut(Schema):
    key: str
    description: str
    unit: str | None
    annual_target: Number | None
    monthly_targets: list[Number | None] = Field(description="12 meses; null = desconocido.")
    beneficiaries: list[BeneficiaryOut]
    lines_of_action: list[str]


class ExportProjectOut(Schema):
    key: str
    name: str
    activities: list[ExportActivityOut]


class ExportSubprogramOut(Schema):
    key: str
    name: str
    area: ExportAreaOut | None
    objective: str
    projects: list[ExportProjectOut]


class ProgramTreeOut(Schema):
    institution: str
    year: int
    subprograms: list[ExportSubprogramOut]


# --- activities -----------------------------------------------------------------------------


class NodeRefOut(Schema):
    key: str
    name: str
    level: str = Field(description="Nombre del nivel (Subprograma, Proyecto…).")


class AreaRefOut(Schema):
    code: str
    name: str


class ActivityOut(Schema):
    key: str
    description: str
    path: list[NodeRefOut] = Field(description="Niveles del programa, de la raíz a la actividad.")
    area: AreaRefOut | None = Field(description="Área responsable (propia o heredada).")
    area_inherited: bool = Field(description="Verdadero si el área viene del nivel superior.")
    unit: str | None
    annual_target: Number | None
    monthly_targets: list[Number | None] = Field(description="12 meses; null = desconocido.")
    beneficiaries: list[BeneficiaryOut]
    lines_of_action: list[str]


class ActivityQuery(PageQuery):
    area: Text = Field("", max_length=30, description="Siglas del área responsable.")
    unit: Text = Field("", max_length=120, description="Unidad de medida.")
    line: Text = Field("", max_length=20, description="Clave de línea de acción.")
    q: Text = Field("", max_length=200, description="Texto en la clave o la descripción.")


class ActivityPage(PageOut):
    items: list[ActivityOut]


class ActivityPatchIn(Schema):
    """Any subset of the fields; what is not sent is not touched."""

    model_config = ConfigDict(extra="forbid")

    # A default of None with a non-optional type: the field may be left out, but an
    # explicit null is refused (pydantic does not validate defaults).
    description: Text = None  # type: ignore[assignment]  # optional, not nullable (see above)
    unit: Text = Field(None, description="Nombre de una unidad del catálogo.")  # type: ignore[assignment]  # optional, not nullable
    area: Text | None = Field(
        None, description="Siglas del área; null = la del nivel superior. Requiere Planeación."
    )
    annual_target: float | None = Field(None, description="null = desconocida.")
    monthly_targets: list[float | None] = Field(
        None,  # type: ignore[arg-type]  # optional, not nullable
        min_length=12,
        max_length=12,
        description="12 valores; null = mes desconocido.",
    )
    lines_of_action: list[Text] = Field(None, description="Claves de líneas de acción.")  # type: ignore[assignment,arg-type]  # optional, not nullable
    reason: Text = Field("", max_length=2000, description="Motivo del cambio (bitácora).")


# --- quality findings -----------------------------------------------------------------------


class FindingActivityOut(Schema):
    key: str
    year: int


class FindingOut(Schema):
    id: int
    code: str
    title: str
    severity: Literal["error", "warning"]
    status: Literal["open", "accepted", "resolved"]
    message: str
    year: int | None
    source_file: str
    source_line: int | None
    object_label: str
    activity: FindingActivityOut | None
    resolved_by: str | None
    resolved_at: datetime | None
    resolution_comment: str


class FindingQuery(PageQuery):
    code: Text = Field("", max_length=40, description="Código del hallazgo.")
    severity: Literal["", "error", "warning"] = ""
    status: Literal["", "open", "accepted", "resolved"] = ""
    year: int | None = Field(None, ge=1990, le=2100)
    file: Text = Field("", max_length=255, description="Archivo de origen.")


class FindingPage(PageOut):
    items: list[FindingOut]


class FindingReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: Literal["accepted", "resolved", "open"]
    comment: Text = Field("", max_length=2000)

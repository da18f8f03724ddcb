"""What goes in and out of the programs' API (pydantic schemas): programs, the export
tree, activities, the review's observations."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from rumbo.core.api.schemas import LongText, Number, PageOut, PageQuery, Text

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
    original_annual_target: Number | None = Field(
        description="Meta anual de la versión 1 aprobada; null antes de aprobar o si la "
        "actividad se dio de alta después."
    )
    original_monthly_targets: list[Number | None] | None = Field(
        description="Los 12 meses de la versión 1 aprobada; null antes de aprobar."
    )


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
    state: Literal["formulacion", "revision", "aprobado", "cerrado"] = Field(
        description="Ciclo de vida: en formulación, en revisión, aprobado, cerrado."
    )
    version: int = Field(description="Versión aprobada en vigor (0: aún no aprobado).")


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
    calendar_simulated: bool = Field(
        False,
        description="true si los meses son simulados: los dio el cronograma de un diseño de "
        "programa con meses simulados (datos de demostración), no un documento.",
    )
    beneficiaries: list[BeneficiaryOut]
    lines_of_action: list[str]
    version: int = Field(
        description="Versión de la actividad (crece con cada cambio); envíala al cambiarla."
    )


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
    version: int = Field(  # type: ignore[assignment]  # optional, not nullable
        None,
        ge=1,
        description="La versión que leíste: si alguien guardó después, 409 con lo guardado "
        "y lo que enviaste. Sin ella no se comprueba (solo cambian los campos enviados).",
    )


# --- the review's observations ------------------------------------------------------------------


class ObservationOut(Schema):
    id: int
    activity: str = Field(description="Clave de la actividad.")
    area: AreaRefOut | None = Field(description="Área responsable de la actividad.")
    text: str
    state: Literal["abierta", "atendida"]
    author: str = Field(description="Quién la escribió (usuario).")
    created_at: dt.datetime
    answer: str | None = Field(description="Respuesta del área; null = sin respuesta.")
    answered_by: str | None
    answered_at: dt.datetime | None
    resolved_by: str | None = Field(description="Quién la marcó atendida.")
    resolved_at: dt.datetime | None


class ObservationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: LongText = Field(description="El texto (hasta 4,000 caracteres).")


class ObservationQuery(Schema):
    state: Text = Field("", max_length=10, description="abierta o atendida; vacío = todas.")

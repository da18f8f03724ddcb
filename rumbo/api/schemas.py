"""What goes in and out of the API (pydantic schemas), and the paginated list shape."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Path, Schema
from pydantic import ConfigDict, PlainValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from rumbo.core.api.schemas import (
    NO_NUL,
    Number,
    PageOut,
    PageQuery,
    Text,
)

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


# --- monthly progress and the period workflow -----------------------------------------------

AreaPath = Annotated[
    str, Path(max_length=30, pattern=NO_NUL, description="Siglas del área responsable (SE).")
]
MonthPath = Annotated[int, Path(ge=1, le=12, description="Mes, de 1 (enero) a 12 (diciembre).")]
MAX_VERSION = 2**31 - 1
Version = Annotated[int, Field(ge=1, le=MAX_VERSION)]
LightOut = Literal["verde", "amarillo", "rojo", "gris"]
PeriodStateOut = Literal["borrador", "enviado", "devuelto", "aprobado"]
LongText = Annotated[str, StringConstraints(pattern=NO_NUL, max_length=4000)]


def _quantity_input(value: Any) -> int | float | str:
    """A number or a text, passed on as is: the service parses it (es-MX «1,234.5»).

    One validator instead of a union, so a wrong value gives one error, not one per type.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PydanticCustomError("float_type", "Se esperaba una cantidad (número).")
    if isinstance(value, str) and ("\x00" in value or len(value) > 40):
        raise PydanticCustomError("float_parsing", "Se esperaba una cantidad (número).")
    return value


Quantity = Annotated[
    Any,
    PlainValidator(_quantity_input),
    WithJsonSchema(
        {"anyOf": [{"type": "number"}, {"type": "string", "maxLength": 40, "pattern": NO_NUL}]}
    ),
]


class ProgressIn(Schema):
    model_config = ConfigDict(extra="forbid")

    achieved: Quantity = Field(
        description="Cantidad alcanzada en el mes: número, o texto es-MX («1,234.5»)."
    )
    comment: LongText = ""
    justification: LongText = Field(
        "", description="Obligatoria cuando el semáforo acumulado no queda en verde."
    )
    version: Version | None = Field(
        None,
        description="La versión del avance que leíste (GET …/progress); null para crearlo.",
    )


class MonthProgressOut(Schema):
    month: int
    programmed: Number | None = Field(description="Programado del mes; null = desconocido.")
    achieved: Number | None = Field(description="Alcanzado del mes; null = sin captura.")
    cumulative_programmed: Number | None
    cumulative_achieved: Number | None = Field(
        description="Acumulado al mes; null si el mes no tiene captura."
    )
    ratio: Number | None = Field(description="Cumplimiento del mes en %; null = gris.")
    semaforo: LightOut = Field(description="Semáforo del mes.")
    cumulative_ratio: Number | None = Field(description="Cumplimiento acumulado en %.")
    cumulative_semaforo: LightOut = Field(
        description="Semáforo acumulado al mes (el que pide justificación)."
    )
    state: PeriodStateOut | None = Field(
        description="Estado de la captura del área en ese mes; null = nunca capturado."
    )
    figure_state: Literal["oficial", "preliminar", "pendiente"] = Field(
        description="Estado de las cifras acumuladas al mes (docs/figures.md): oficial si"
        " todas las capturas del área hasta el mes están aprobadas; pendiente si el área aún"
        " no captura el mes (las cifras acumuladas son null, nunca 0); preliminar en otro caso."
    )
    version: int | None = Field(description="Versión del avance; null = sin avance.")
    comment: str
    justification: str


class ActivityProgressOut(Schema):
    key: str
    area: str | None = Field(description="Siglas del área responsable.")
    months: list[MonthProgressOut] = Field(description="Los 12 meses, de enero a diciembre.")
    simulated: bool = Field(
        False,
        description=(
            "true cuando el avance de este programa es simulado (datos de demostración):"
            " no son cifras reales de la institución."
        ),
    )


class PeriodSubmitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: Version | None = Field(None, description="Versión de la captura que leíste.")


class PeriodApproveIn(PeriodSubmitIn):
    comment: LongText = Field("", description="Observaciones (opcional).")


class PeriodReasonIn(PeriodSubmitIn):
    reason: LongText = Field(description="Motivo (obligatorio; queda en la bitácora).")


class PeriodOut(Schema):
    area: str
    month: int
    state: PeriodStateOut
    version: int
    submitted_at: datetime | None
    decided_at: datetime | None
    comment: str


class HistoryEventOut(Schema):
    who: str = Field(description="Usuario (o «cli:…») que hizo el cambio.")
    when: datetime
    action: str = Field(description="activity.update, progress.create, progress.update…")
    object: str = Field(description="Qué cambió (actividad, o «clave · mes» de un avance).")
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str


class HistoryPage(PageOut):
    items: list[HistoryEventOut]

"""What goes in and out of the monthly progress API (``rumbo.monitoring.api``): an
activity's progress, the capture of an area's month and its workflow, history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Path, Schema
from pydantic import ConfigDict

from rumbo.core.api.schemas import (
    NO_NUL,
    LightOut,
    LongText,
    Number,
    PageOut,
    Quantity,
    Version,
)

AreaPath = Annotated[
    str, Path(max_length=30, pattern=NO_NUL, description="Siglas del área responsable (SE).")
]
MonthPath = Annotated[int, Path(ge=1, le=12, description="Mes, de 1 (enero) a 12 (diciembre).")]
PeriodStateOut = Literal["borrador", "enviado", "devuelto", "aprobado"]


class PhysicalFinancialQuery(Schema):
    month: int | None = Field(
        None,
        ge=1,
        le=12,
        description="Mes, de 1 a 12 (acumulado enero–mes); sin él, el último mes reportado.",
    )


class PhysicalFinancialItemOut(Schema):
    node: str = Field(description="Clave del nodo (subprograma, proyecto…).")
    name: str
    level: str = Field(description="Nombre del nivel en el programa («Subprograma»).")
    physical_percent: Number | None = Field(
        description="Avance físico: cumplimiento promedio de sus actividades (tope 100 %)."
    )
    financial_percent: Number | None = Field(
        description="Avance financiero: devengado ÷ modificado acumulados al mes, en %."
    )
    financial_year_share: Number | None = Field(
        description="Devengado acumulado ÷ modificado anual, en %."
    )
    gap: Number | None = Field(description="Físico − financiero, en puntos porcentuales.")
    gap_light: LightOut = Field(description="Semáforo de la brecha; gris si falta un avance.")
    modificado: Number = Field(description="Modificado acumulado al mes, en pesos.")
    devengado: Number = Field(description="Devengado acumulado al mes, en pesos.")


class PhysicalFinancialOut(Schema):
    year: int
    month: int
    items: list[PhysicalFinancialItemOut]


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

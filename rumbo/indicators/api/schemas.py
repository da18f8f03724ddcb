"""Schemas of the MIR and indicator operations (see mirs.py and indicators.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Path, Schema
from pydantic import ConfigDict, StringConstraints

from rumbo.core.api.schemas import (
    MAX_ID,
    NO_NUL,
    LightOut,
    LongText,
    Number,
    PageOut,
    Quantity,
    Version,
)
from rumbo.monitoring.api_schemas import PeriodStateOut

LevelOut = Literal["fin", "proposito", "componente", "actividad"]
FrequencyOut = Literal["mensual", "trimestral", "semestral", "anual", "bianual", "sexenal"]
DirectionOut = Literal["ascendente", "descendente"]
KindOut = Literal["estrategico", "gestion", "desempeno", "satisfaccion"]
DimensionOut = Literal["eficacia", "eficiencia", "calidad", "economia", ""]
FormulaTypeOut = Literal["porcentaje", "tasa", "promedio", "indice", "razon", "otro"]
AccumulationOut = Literal["periodico", "acumulado"]
StateOut = Literal["formulacion", "revision", "aprobado", "cerrado"]

MirPath = Annotated[int, Path(ge=1, le=MAX_ID, description="Identificador de la MIR.")]
RowPath = Annotated[int, Path(ge=1, le=MAX_ID, description="Identificador del renglón.")]
IndicatorPath = Annotated[int, Path(ge=1, le=MAX_ID, description="Identificador del indicador.")]
PeriodPath = Annotated[
    int, Path(ge=1, le=12, description="Periodo según la frecuencia (1–4 trimestral, 1–12 …).")
]

Short = Annotated[str, StringConstraints(pattern=NO_NUL, max_length=20)]
Name = Annotated[str, StringConstraints(pattern=NO_NUL, max_length=255)]
Unit = Annotated[str, StringConstraints(pattern=NO_NUL, max_length=60)]
VariableName = Annotated[str, StringConstraints(pattern=NO_NUL, min_length=1, max_length=40)]
Score = Annotated[int, Field(ge=1, le=5)]
Year = Annotated[int, Field(ge=1900, le=2100)]
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]


# --- the MIR --------------------------------------------------------------------------------


class MirStateOut(Schema):
    state: StateOut = Field(
        description="Ciclo de la MIR: formulacion, revision, aprobado (sus metas congeladas) "
        "o cerrado."
    )
    agreement: str = Field(description="Acuerdo que aprobó la MIR; vacío si no está aprobada.")
    approved_on: dt.date | None = Field(description="Fecha del acuerdo; null si no está aprobada.")


class MirListItemOut(MirStateOut):
    id: int
    program: str = Field(description="Título del diseño del programa.")
    year: int = Field(description="Ejercicio del programa anual.")
    node_key: str = Field(description="Clave del subprograma o programa específico.")
    area: str | None = Field(description="Siglas del área del subprograma.")
    rows: int = Field(description="Número de renglones.")
    indicators: int = Field(description="Número de indicadores.")


class MirPage(PageOut):
    items: list[MirListItemOut]


class BaselineOut(Schema):
    value: Number
    year: int | None


class TargetOut(Schema):
    period: int = Field(description="Periodo según la frecuencia; 0 = meta anual.")
    label: str = Field(description="«Trimestre 2 (abr–jun)», «Meta anual»…")
    value: Number


class MirIndicatorOut(Schema):
    id: int
    name: str
    formula: str
    frequency: FrequencyOut
    direction: DirectionOut
    dimension: DimensionOut
    baseline: BaselineOut | None = Field(description="Línea base; null = sin línea base.")
    targets: list[TargetOut]
    kind: KindOut
    unit: str
    area: str = Field(description="Siglas del área responsable.")


class MirRowOut(Schema):
    id: int
    level: LevelOut
    code: str
    parent: int | None = Field(description="Para una actividad: el id de su componente.")
    summary: str = Field(description="Resumen narrativo.")
    assumptions: str = Field(description="Supuestos.")
    verification: str = Field(description="Medios de verificación.")
    indicators: list[MirIndicatorOut]
    version: int = Field(description="Versión del renglón (crece con cada cambio).")


class MirOut(MirStateOut):
    id: int
    program: str = Field(description="Título del diseño del programa.")
    year: int
    rows: list[MirRowOut] = Field(
        description="Fin, Propósito y cada Componente seguido de sus Actividades."
    )


class MirFindingOut(Schema):
    code: str
    rule: str = Field(description="La regla que se revisa.")
    severity: Literal["error", "advertencia"]
    level: str = Field(description="Nivel del renglón; vacío = la MIR entera.")
    row: str | None = Field(description="Clave del renglón (F, C1…); null = la MIR entera.")
    row_id: int | None = Field(description="Id del renglón.")
    indicator: int | None = Field(description="Id del indicador, si lo hay.")
    message: str


class MirRowIn(Schema):
    model_config = ConfigDict(extra="forbid")

    level: LevelOut
    summary: LongText = Field(description="Resumen narrativo (obligatorio).")
    parent: RowId | None = Field(None, description="Id del componente (solo actividades).")
    code: Short = Field("", description="Clave: F, P, C1, A1.2…")
    verification: LongText = ""
    assumptions: LongText = ""
    order: int | None = Field(None, ge=0, le=9999, description="Posición; null = al final.")


class MirRowPatchIn(Schema):
    """Any subset of the fields; what is not sent is not touched."""

    model_config = ConfigDict(extra="forbid")

    summary: LongText = None  # type: ignore[assignment]  # optional, not nullable
    parent: RowId | None = Field(None, description="Id del componente (solo actividades).")
    code: Short = None  # type: ignore[assignment]  # optional, not nullable
    verification: LongText = None  # type: ignore[assignment]  # optional, not nullable
    assumptions: LongText = None  # type: ignore[assignment]  # optional, not nullable
    order: int = Field(None, ge=0, le=9999)  # type: ignore[assignment]  # optional, not nullable
    version: int = Field(  # type: ignore[assignment]  # optional, not nullable
        None,
        ge=1,
        description="La versión que leíste: si alguien guardó después, 409 con lo guardado "
        "y lo que enviaste. Sin ella no se comprueba (solo cambian los campos enviados).",
    )


class DeletedOut(Schema):
    message: str


class MirStateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: LongText = Field(
        "", description="Motivo u observaciones (queda en la bitácora; obligatorio al devolver)."
    )


class MirApproveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    agreement: Annotated[str, StringConstraints(pattern=NO_NUL, max_length=120)] = Field(
        description="Número del acuerdo que aprueba la MIR."
    )
    date: dt.date = Field(description="Fecha del acuerdo (AAAA-MM-DD).")


class ReasonQuery(Schema):
    reason: LongText = Field("", description="Motivo (queda en la bitácora).")


# --- indicators -----------------------------------------------------------------------------


class VariableIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: VariableName = Field(description="Nombre en la fórmula (letras, dígitos, _).")
    description: LongText
    unit: Unit = ""
    source: LongText = Field("", description="Fuente o medio de verificación.")


TargetKey = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,2}$")]


class IndicatorFields(Schema):
    """The ficha's fields; in a PATCH, only those sent are changed."""

    model_config = ConfigDict(extra="forbid")

    definition: LongText = None  # type: ignore[assignment]  # optional, not nullable
    formula_as_printed: LongText = None  # type: ignore[assignment]  # optional, not nullable
    formula_type: FormulaTypeOut = None  # type: ignore[assignment]  # optional, not nullable
    unit: Unit = None  # type: ignore[assignment]  # optional, not nullable
    dimension: DimensionOut = None  # type: ignore[assignment]  # optional, not nullable
    direction: DirectionOut = None  # type: ignore[assignment]  # optional, not nullable
    accumulation: AccumulationOut = None  # type: ignore[assignment]  # optional, not nullable
    baseline_value: Quantity | None = Field(None, description="Línea base; null = sin dato.")
    baseline_year: Year | None = None
    cremaa_clear: Score | None = None
    cremaa_relevant: Score | None = None
    cremaa_economic: Score | None = None
    cremaa_monitorable: Score | None = None
    cremaa_adequate: Score | None = None
    cremaa_marginal: Score | None = None
    variables: list[VariableIn] = Field(
        None,  # type: ignore[arg-type]  # optional, not nullable
        max_length=30,
        description="Variables de la fórmula; reemplazan todas.",
    )
    targets: dict[TargetKey, Quantity | None] = Field(
        None,  # type: ignore[arg-type]  # optional, not nullable
        max_length=13,
        description=(
            'Metas por periodo: {"0": meta anual, "1": …, "4": …}; null = sin meta. '
            "Reemplazan todas las metas."
        ),
    )
    order: int = Field(None, ge=0, le=9999, description="Posición en el renglón.")  # type: ignore[assignment]  # optional, not nullable


class IndicatorIn(IndicatorFields):
    name: Name
    formula: LongText = Field(description="Método de cálculo: «realizadas / programadas * 100».")
    kind: KindOut
    frequency: FrequencyOut
    area: Short = Field(description="Siglas del área responsable.")


class IndicatorPatchIn(IndicatorFields):
    name: Name = None  # type: ignore[assignment]  # optional, not nullable
    formula: LongText = None  # type: ignore[assignment]  # optional, not nullable
    kind: KindOut = None  # type: ignore[assignment]  # optional, not nullable
    frequency: FrequencyOut = None  # type: ignore[assignment]  # optional, not nullable
    area: Short = None  # type: ignore[assignment]  # optional, not nullable
    reason: LongText = Field("", description="Motivo del cambio (bitácora).")
    version: int = Field(  # type: ignore[assignment]  # optional, not nullable
        None,
        ge=1,
        description="La versión que leíste: si alguien guardó después, 409 con lo guardado "
        "y lo que enviaste. Sin ella no se comprueba (solo cambian los campos enviados).",
    )


class VariableOut(Schema):
    name: str
    description: str
    unit: str
    source: str


class BandsOut(Schema):
    yellow_low: Number
    green_low: Number
    green_high: Number
    yellow_high: Number
    own: bool = Field(description="Verdadero si el indicador tiene semáforo propio.")


class TrendOut(Schema):
    arrow: Literal["↑", "↓", "="]
    improved: bool | None = Field(description="Mejora según el sentido; null = sin cambio.")
    label: str


class MeasurementOut(Schema):
    period: int
    label: str = Field(description="«Trimestre 2 (abr–jun)».")
    month: int = Field(description="Mes cuya captura contiene la medición (cierre del periodo).")
    target: Number | None = Field(description="Meta del periodo; null = sin meta.")
    values: dict[str, str | None] = Field(
        description="Cada variable con su valor capturado (null = sin capturar)."
    )
    value: Number | None = Field(description="Resultado de la fórmula; null = sin medición.")
    ratio: Number | None = Field(description="Cumplimiento en %; null = gris.")
    semaforo: LightOut
    trend: TrendOut | None = Field(description="Respecto del periodo anterior medido.")
    state: PeriodStateOut | None = Field(
        description="Estado de la captura del mes del área; null = nunca capturado."
    )
    window_open: bool = Field(description="Verdadero si la ventana de captura está abierta.")
    version: int | None = Field(description="Versión de la medición; null = sin medición.")
    comment: str
    justification: str


class IndicatorOut(Schema):
    id: int
    version: int = Field(description="Versión del indicador (crece con cada cambio).")
    mir: int
    row: int
    level: LevelOut
    row_code: str
    name: str
    definition: str
    formula: str
    formula_as_printed: str
    formula_type: FormulaTypeOut
    unit: str
    kind: KindOut
    dimension: DimensionOut
    frequency: FrequencyOut
    direction: DirectionOut
    accumulation: AccumulationOut
    baseline: BaselineOut | None
    area: str
    cremaa: dict[str, int | None] = Field(description="Puntajes CREMAA (1–5; null = sin dato).")
    variables: list[VariableOut]
    targets: list[TargetOut]
    annual_target: Number | None = Field(description="Meta anual (periodo 0, o la única).")
    bands: BandsOut
    measurements: list[MeasurementOut] = Field(description="Un renglón por periodo del año.")


class MeasurementIn(Schema):
    model_config = ConfigDict(extra="forbid")

    values: dict[VariableName, Quantity] = Field(
        description="Valor de cada variable de la fórmula: número o texto es-MX («1,234.5»)."
    )
    comment: LongText = ""
    justification: LongText = Field(
        "", description="Obligatoria cuando el semáforo del periodo no queda en verde."
    )
    version: Version | None = Field(
        None, description="La versión de la medición que leíste; null para crearla."
    )

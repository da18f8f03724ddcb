"""What the approval, version and adjustment operations take and give."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from rumbo.core.api.schemas import Number, Text

Kind = Literal[
    "calendario",
    "meta_anual",
    "alta",
    "baja",
    "descripcion",
    "meta_indicador",
    "ampliacion",
    "reduccion",
    "traspaso",
]


class MovementIn(Schema):
    """One movement of an adecuación presupuestaria (ampliacion, reduccion, traspaso)."""

    model_config = ConfigDict(extra="forbid")

    side: Literal["de", "a"] | None = Field(
        None,
        description="«de»: se quita del modificado; «a»: se da. Por omisión, «a» en una "
        "ampliación y «de» en una reducción; obligatorio en un traspaso.",
    )
    key: Text = Field(max_length=30, description="Clave programática (nivel o actividad).")
    item: Text = Field(max_length=5, description="Partida específica (p. ej. 21101).")
    source: Text = Field(max_length=10, description="Fuente de financiamiento (p. ej. 11).")
    month: int = Field(ge=1, le=12, description="Mes, 1 a 12.")
    amount: Decimal = Field(
        gt=0, description="Importe en pesos, positivo, con dos decimales a lo más."
    )


class ApproveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    agreement: Text = Field(max_length=120, description="Número del acuerdo del Consejo General.")
    date: dt.date = Field(description="Fecha del acuerdo (AAAA-MM-DD).")


class VersionOut(Schema):
    version: int
    approved_at: dt.datetime
    sha256: str = Field(description="SHA-256 del JSON canónico de `snapshot`.")
    reason: str
    adjustment: int | None = Field(description="Id de la solicitud que creó la versión.")


class VersionDetailOut(VersionOut):
    snapshot: dict[str, Any] = Field(description="Contenido congelado de la versión.")


class AdjustmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    activity: Text | None = Field(None, max_length=30, description="Clave de la actividad.")
    indicator: int | None = Field(None, ge=1, description="Id del indicador (meta_indicador).")
    annual_target: Number | None = Field(None, ge=0, description="Nueva meta anual.")
    monthly_targets: list[Number | None] | None = Field(
        None, min_length=12, max_length=12, description="Los 12 meses nuevos; null = desconocido."
    )
    description: Text | None = Field(None, max_length=4000)
    unit: Text | None = Field(None, max_length=120)
    targets: dict[str, Number] | None = Field(
        None, description="Metas nuevas del indicador: periodo → valor."
    )
    key: Text | None = Field(None, max_length=30, description="Clave de la actividad nueva (alta).")
    node: Text | None = Field(None, max_length=30, description="Clave del nivel (alta).")
    area: Text | None = Field(None, max_length=20, description="Siglas del área (alta).")
    movements: list[MovementIn] | None = Field(
        None,
        max_length=200,
        description="Movimientos de una ampliacion, reduccion o traspaso presupuestal.",
    )
    justification: Text = Field(max_length=4000)


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field("", max_length=4000)


class AdjustmentOut(Schema):
    id: int
    number: int = Field(description="Folio de la solicitud en el programa.")
    kind: Kind
    state: Literal["solicitada", "aprobada", "rechazada"]
    activity: str | None
    indicator: int | None
    area: str | None
    before: dict[str, Any]
    after: dict[str, Any]
    justification: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_reason: str
    version: int | None = Field(description="Versión del programa que creó al aprobarse.")

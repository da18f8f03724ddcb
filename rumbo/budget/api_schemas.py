"""The budget API's shapes (``GET …/programs/{year}/budget``)."""

from __future__ import annotations

from ninja import Field, Schema

from rumbo.core.api.schemas import Number, Text


class BudgetQuery(Schema):
    node: Text | None = Field(
        None,
        max_length=30,
        description="Clave de un nivel del programa (subprograma, proyecto): sus renglones y "
        "los de todo lo que cuelga de él, actividades incluidas.",
    )
    chapter: Text | None = Field(
        None, max_length=4, description="Capítulo del gasto (CONAC), por ejemplo «2000»."
    )
    month: int | None = Field(
        None, ge=1, le=12, description="Mes de 1 a 12: solo los renglones de ese mes."
    )


class MomentsOut(Schema):
    aprobado: Number
    modificado: Number
    comprometido: Number
    devengado: Number
    ejercido: Number
    pagado: Number


class BudgetItemOut(MomentsOut):
    node: str = Field(description="Clave del nivel del programa del renglón.")
    activity: str | None = Field(
        description="Clave de la actividad si el renglón es de una actividad; null: del nivel."
    )
    chapter: str = Field(description="Capítulo del gasto de la partida («2000»).")
    partida: str = Field(description="Partida específica («21101»).")
    partida_name: str = Field(description="Nombre de la partida específica.")
    fuente: str = Field(description="Fuente de financiamiento («11»).")
    month: int = Field(description="Mes del renglón, de 1 a 12.")


class BudgetOut(Schema):
    items: list[BudgetItemOut]
    totals: MomentsOut = Field(description="Suma de los renglones de `items`, en pesos.")

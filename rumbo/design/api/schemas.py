"""Schemas of the program design operations: the reads' shapes (see designs.py), and the
writes' bodies (see writes.py).

Each kind of item has one schema of fields (all optional: a PATCH changes only what is
sent) and a create schema that makes its required fields required. The body of the
item operations is checked against the schema of the ``kind`` in the path; the OpenAPI
document lists every kind's schema (``anyOf``), each titled with its kind.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from ninja import Body, Field, Path, Schema
from pydantic import ConfigDict, StringConstraints, WithJsonSchema, create_model

from rumbo.core.api.schemas import MAX_ID, NO_NUL, Number, PageOut, Quantity
from rumbo.indicators.api.schemas import Score

DesignPath = Annotated[int, Path(ge=1, le=MAX_ID, description="Identificador del diseño.")]


# --- program designs: the reads -------------------------------------------------------------


class DesignListItemOut(Schema):
    id: int
    title: str
    year: int
    node_key: str
    node_name: str
    area: str | None
    mir: int | None = Field(description="Id de la MIR; null = aún no tiene.")
    rows: int = Field(description="Renglones de la MIR.")
    indicators: int
    risks: int
    actions: int = Field(description="Acciones del cronograma.")


class DesignPage(PageOut):
    items: list[DesignListItemOut]


class StakeholderOut(Schema):
    id: int
    actor: str
    interests: str
    perceived_problems: str
    resources_mandates: str
    expectations: str
    conflicts_alliances: str
    position: int | None
    power: int | None
    involvement: int | None
    importance: int | None
    notes: str
    version: int = Field(description="Versión (crece con cada cambio guardado).")


class TreeNodeOut(Schema):
    id: int
    role: Literal["central", "causa", "efecto"]
    text: str
    children: list[TreeNodeOut]
    version: int = Field(description="Versión (crece con cada cambio guardado).")


class TreesOut(Schema):
    problema: list[TreeNodeOut]
    objetivo: list[TreeNodeOut]


class AlternativeOut(Schema):
    id: int
    title: str
    actions: list[str]
    chosen: bool
    version: int = Field(description="Versión (crece con cada cambio guardado).")


class PopulationOut(Schema):
    id: int
    group: str
    label: str
    value: Number
    unit: str
    source: str
    cutoff: str
    version: int = Field(description="Versión (crece con cada cambio guardado).")


class RiskLevelOut(Schema):
    score: int = Field(description="Probabilidad × impacto (1–25).")
    slug: Literal["bajo", "medio", "alto", "muy-alto"]
    label: str = Field(description="Bajo, Medio, Alto, Muy alto.")


class RiskOut(Schema):
    id: int
    number: int = Field(description="Número en la matriz (1, 2, …).")
    risk: str
    cause: str
    effect: str
    probability: int
    impact: int
    level: RiskLevelOut
    owner: str
    controls: str
    treatment: Literal["evitar", "reducir", "compartir", "aceptar"]
    treatment_actions: str
    follow_up: str
    version: int = Field(description="Versión (crece con cada cambio guardado).")


class ScheduleActionOut(Schema):
    id: int
    number: str
    description: str
    months: list[int] = Field(description="Meses (1–12) en que se ejecuta.")
    months_simulated: bool = Field(description="Meses simulados: no vienen del documento.")
    responsible: str
    component: int | None = Field(description="Id del componente de la MIR (su grupo).")
    mir_row: int | None = Field(description="Id del renglón (componente o actividad) ligado.")
    activity: str | None = Field(description="Clave de la actividad del programa anual.")
    version: int = Field(description="Versión (crece con cada cambio guardado).")


class DesignOut(Schema):
    id: int
    title: str
    year: int
    node_key: str
    node_name: str
    area: str | None
    mir: int | None
    problem_statement: str
    diagnosis: str
    selection_rationale: str
    population_description: str
    source_note: str
    stakeholders: list[StakeholderOut]
    trees: TreesOut
    alternatives: list[AlternativeOut]
    population: list[PopulationOut]
    risks: list[RiskOut]
    schedule: list[ScheduleActionOut]


# --- the writes -----------------------------------------------------------------------------

ItemKindPath = Literal["involucrado", "arbol", "alternativa", "poblacion", "riesgo", "accion"]
KindPath = Annotated[
    ItemKindPath,
    Path(
        description=(
            "Tipo de elemento: involucrado, arbol (elemento de un árbol), alternativa, "
            "poblacion (cifra de población), riesgo, accion (del cronograma)."
        )
    ),
]
ItemPath = Annotated[int, Path(ge=1, le=MAX_ID, description="Identificador del elemento.")]

# The services' limits: paragraphs up to 5,000 characters, lines up to their column's.
Paragraph = Annotated[str, StringConstraints(pattern=NO_NUL, max_length=5000)]
Line = Annotated[str, StringConstraints(pattern=NO_NUL, max_length=255)]
Short = Annotated[str, StringConstraints(pattern=NO_NUL, max_length=60)]
ActionNumber = Annotated[str, StringConstraints(pattern=NO_NUL, max_length=20)]
ActivityKey = Annotated[str, StringConstraints(pattern=NO_NUL, max_length=30)]
ActionLine = Annotated[str, StringConstraints(pattern=r"^[^\x00\r\n]*$", max_length=1000)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Order = Annotated[int, Field(ge=0, le=100_000)]
ORDER = "Posición entre sus pares; sin enviar, al final."

TreeOut = Literal["problema", "objetivo"]
RoleOut = Literal["central", "causa", "efecto"]
TreatmentOut = Literal["evitar", "reducir", "compartir", "aceptar"]


# --- the design itself ----------------------------------------------------------------------


class DesignPatchIn(Schema):
    """Any subset of the general fields; what is not sent is not touched."""

    model_config = ConfigDict(extra="forbid")

    title: Line = None  # type: ignore[assignment]  # optional, not nullable
    problem_statement: Paragraph = Field(None, description="Planteamiento del problema.")  # type: ignore[assignment]  # optional, not nullable
    diagnosis: Paragraph = Field(None, description="Diagnóstico.")  # type: ignore[assignment]  # optional, not nullable
    selection_rationale: Paragraph = Field(None, description="Justificación de la alternativa.")  # type: ignore[assignment]  # optional, not nullable
    population_description: Paragraph = Field(None, description="Población objetivo.")  # type: ignore[assignment]  # optional, not nullable
    source_note: Paragraph = Field(None, description="Nota de fuentes.")  # type: ignore[assignment]  # optional, not nullable
    reason: Paragraph = Field("", description="Motivo del cambio (bitácora).")


# --- involucrados ---------------------------------------------------------------------------


class StakeholderPatchIn(Schema):
    """involucrado: un actor del análisis de involucrados, con puntajes 1–5 (null = sin dato)."""

    model_config = ConfigDict(extra="forbid", title="involucrado")

    actor: Line = Field(None, description="Nombre del actor.")  # type: ignore[assignment]  # optional, not nullable
    interests: Paragraph = None  # type: ignore[assignment]  # optional, not nullable
    perceived_problems: Paragraph = None  # type: ignore[assignment]  # optional, not nullable
    resources_mandates: Paragraph = None  # type: ignore[assignment]  # optional, not nullable
    expectations: Paragraph = None  # type: ignore[assignment]  # optional, not nullable
    conflicts_alliances: Paragraph = None  # type: ignore[assignment]  # optional, not nullable
    position: Score | None = None
    power: Score | None = None
    involvement: Score | None = None
    importance: Score | None = None
    notes: Paragraph = None  # type: ignore[assignment]  # optional, not nullable
    order: Order = Field(None, description=ORDER)  # type: ignore[assignment]  # optional, not nullable


class StakeholderIn(StakeholderPatchIn):
    """involucrado: un actor del análisis de involucrados, con puntajes 1–5 (null = sin dato)."""

    actor: Line = Field(description="Nombre del actor (obligatorio).")


# --- trees ----------------------------------------------------------------------------------


class TreeNodePatchIn(Schema):
    """arbol: un elemento del árbol de problemas u objetivos. El central no cuelga de nada;
    una causa cuelga del central o de otra causa, un efecto del central o de otro efecto,
    siempre del mismo árbol. Un elemento no cambia de árbol."""

    model_config = ConfigDict(extra="forbid", title="arbol")

    tree: TreeOut = Field(None, description="problema u objetivo.")  # type: ignore[arg-type]  # optional, not nullable
    role: RoleOut = None  # type: ignore[assignment]  # optional, not nullable
    parent: Id | None = Field(None, description="Id del elemento del que cuelga.")
    text: Paragraph = None  # type: ignore[assignment]  # optional, not nullable
    order: Order = Field(None, description=ORDER)  # type: ignore[assignment]  # optional, not nullable


class TreeNodeIn(TreeNodePatchIn):
    """arbol: un elemento del árbol de problemas u objetivos. El central no cuelga de nada;
    una causa cuelga del central o de otra causa, un efecto del central o de otro efecto,
    siempre del mismo árbol."""

    tree: TreeOut = Field(description="problema u objetivo.")
    role: RoleOut
    text: Paragraph


# --- alternatives ---------------------------------------------------------------------------


class AlternativePatchIn(Schema):
    """alternativa: una alternativa de solución; elegir una desmarca la elegida antes."""

    model_config = ConfigDict(extra="forbid", title="alternativa")

    title: Paragraph = None  # type: ignore[assignment]  # optional, not nullable
    actions: list[ActionLine] = Field(
        None,  # type: ignore[arg-type]  # optional, not nullable
        max_length=100,
        description="Acciones, una por elemento (reemplazan todas).",
    )
    chosen: bool = Field(None, description="La alternativa elegida.")  # type: ignore[assignment]  # optional, not nullable
    order: Order = Field(None, description=ORDER)  # type: ignore[assignment]  # optional, not nullable


class AlternativeIn(AlternativePatchIn):
    """alternativa: una alternativa de solución; elegir una desmarca la elegida antes."""

    title: Paragraph


# --- population figures ---------------------------------------------------------------------


class PopulationPatchIn(Schema):
    """poblacion: una cifra de la población (potencial, objetivo…) con su fuente."""

    model_config = ConfigDict(extra="forbid", title="poblacion")

    group: Line = Field(None, description="Grupo: potencial, objetivo, atendida…")  # type: ignore[assignment]  # optional, not nullable
    label: Line = Field(None, description="Qué se cuenta.")  # type: ignore[assignment]  # optional, not nullable
    value: Quantity = Field(
        None, description="La cifra: número o texto es-MX («1,234.5»), 0 o más, dos decimales."
    )
    unit: Short = None  # type: ignore[assignment]  # optional, not nullable
    source: Line = Field(None, description="Fuente de la cifra.")  # type: ignore[assignment]  # optional, not nullable
    cutoff: Short = Field(None, description="Fecha o año de corte.")  # type: ignore[assignment]  # optional, not nullable
    order: Order = Field(None, description=ORDER)  # type: ignore[assignment]  # optional, not nullable


class PopulationIn(PopulationPatchIn):
    """poblacion: una cifra de la población (potencial, objetivo…) con su fuente."""

    label: Line = Field(description="Qué se cuenta.")
    value: Quantity = Field(
        description="La cifra: número o texto es-MX («1,234.5»), 0 o más, dos decimales."
    )
    source: Line = Field(description="Fuente de la cifra (obligatoria).")


# --- risks ----------------------------------------------------------------------------------


class RiskPatchIn(Schema):
    """riesgo: un renglón de la matriz de riesgos; su nivel es probabilidad × impacto."""

    model_config = ConfigDict(extra="forbid", title="riesgo")

    risk: Paragraph = Field(None, description="El riesgo.")  # type: ignore[assignment]  # optional, not nullable
    cause: Paragraph = None  # type: ignore[assignment]  # optional, not nullable
    effect: Paragraph = None  # type: ignore[assignment]  # optional, not nullable
    probability: Score = Field(None, description="1 a 5.")  # type: ignore[assignment]  # optional, not nullable
    impact: Score = Field(None, description="1 a 5.")  # type: ignore[assignment]  # optional, not nullable
    owner: Line = Field(None, description="Responsable.")  # type: ignore[assignment]  # optional, not nullable
    controls: Paragraph = None  # type: ignore[assignment]  # optional, not nullable
    treatment: TreatmentOut = Field(None, description="Sin enviar al crear: reducir.")  # type: ignore[arg-type]  # optional, not nullable
    treatment_actions: Paragraph = None  # type: ignore[assignment]  # optional, not nullable
    follow_up: Paragraph = None  # type: ignore[assignment]  # optional, not nullable
    order: Order = Field(None, description=ORDER)  # type: ignore[assignment]  # optional, not nullable


class RiskIn(RiskPatchIn):
    """riesgo: un renglón de la matriz de riesgos; su nivel es probabilidad × impacto."""

    risk: Paragraph = Field(description="El riesgo.")
    probability: Score = Field(description="1 a 5.")
    impact: Score = Field(description="1 a 5.")


# --- cronograma -----------------------------------------------------------------------------


class ScheduleActionPatchIn(Schema):
    """accion: un renglón del cronograma: la acción y los meses en que se ejecuta."""

    model_config = ConfigDict(extra="forbid", title="accion")

    number: ActionNumber = Field(None, description="Número de la acción («1.2»).")  # type: ignore[assignment]  # optional, not nullable
    description: Paragraph = Field(None, description="La acción.")  # type: ignore[assignment]  # optional, not nullable
    months: list[int] = Field(
        None,  # type: ignore[arg-type]  # optional, not nullable
        max_length=12,
        description="Meses del 1 al 12, cada uno una vez.",
    )
    responsible: Line = None  # type: ignore[assignment]  # optional, not nullable
    mir_row: Id | None = Field(
        None, description="Id del componente o la actividad de la MIR del diseño; null = ninguno."
    )
    activity: ActivityKey | None = Field(
        None, description="Clave de la actividad del programa anual; null = ninguna."
    )
    order: Order = Field(None, description=ORDER)  # type: ignore[assignment]  # optional, not nullable


class ScheduleActionIn(ScheduleActionPatchIn):
    """accion: un renglón del cronograma: la acción y los meses en que se ejecuta."""

    description: Paragraph = Field(description="La acción.")


# --- the kinds together ---------------------------------------------------------------------

CREATE_SCHEMAS: dict[str, type[Schema]] = {
    "involucrado": StakeholderIn,
    "arbol": TreeNodeIn,
    "alternativa": AlternativeIn,
    "poblacion": PopulationIn,
    "riesgo": RiskIn,
    "accion": ScheduleActionIn,
}
VERSION_IN = (
    "La versión que leíste: si alguien guardó después, 409 con lo guardado y lo que "
    "enviaste. Sin ella no se comprueba (solo cambian los campos enviados)."
)


def _versioned(schema: type[Schema]) -> type[Schema]:
    """A kind's patch body with the optional ``version`` the client read."""
    return create_model(  # type: ignore[no-any-return]
        schema.__name__,
        __base__=schema,
        __doc__=schema.__doc__,
        version=(int, Field(None, ge=1, description=VERSION_IN)),
    )


PATCH_SCHEMAS: dict[str, type[Schema]] = {
    "involucrado": _versioned(StakeholderPatchIn),
    "arbol": _versioned(TreeNodePatchIn),
    "alternativa": _versioned(AlternativePatchIn),
    "poblacion": _versioned(PopulationPatchIn),
    "riesgo": _versioned(RiskPatchIn),
    "accion": _versioned(ScheduleActionPatchIn),
}


def _any_of(schemas: dict[str, type[Schema]]) -> dict[str, Any]:
    """Every kind's schema, inline and titled with its kind (the body is one of them)."""
    return {"anyOf": [{**s.model_json_schema(), "title": kind} for kind, s in schemas.items()]}


# The body is parsed as a JSON object here and checked against its kind's schema in the
# view (so a mistake names the fields of that kind only); the document shows every kind.
ItemBody = Annotated[dict[str, Any], WithJsonSchema(_any_of(CREATE_SCHEMAS)), Body()]
ItemPatchBody = Annotated[dict[str, Any], WithJsonSchema(_any_of(PATCH_SCHEMAS)), Body()]

DesignItemOut = (
    StakeholderOut | TreeNodeOut | AlternativeOut | PopulationOut | RiskOut | ScheduleActionOut
)

"""What the anonymous open-data operations answer (pydantic schemas)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from rumbo.core.api.schemas import Number

SIMULATED = (
    "true si las cifras de esta respuesta incluyen datos simulados de demostración (no "
    "reales); false si todas provienen de las capturas de la institución."
)


VERSION = (
    "Número de la versión aprobada del programa cuyas metas usan las cifras (1: la que aprobó "
    "el Consejo General; cada adecuación programática aprobada crea la siguiente); null si el "
    "programa aún no se aprueba (metas en formulación)."
)
VERSION_LABEL = (
    "La misma versión en palabras, como la dicen las páginas y las descargas: «Metas de la "
    "versión 3 del programa (aprobado con el acuerdo … del dd/mm/aaaa), vigente desde el "
    "dd/mm/aaaa.» o «Metas del programa en formulación: aún sin versión aprobada.»"
)
VERSION_SINCE = "Día en que entró en vigor la versión (null si el programa no está aprobado)."
ORIGINAL = (
    "El valor de la versión 1 (la aprobada originalmente, antes de las adecuaciones); null si "
    "el programa aún no se aprueba o si se agregó después de la aprobación."
)


class LicenceOut(Schema):
    name: str
    url: str
    note: str


class OpenInstitutionOut(Schema):
    code: str
    name: str
    short_name: str
    years: list[int] = Field(description="Ejercicios con programa anual publicado.")
    simulated: bool = Field(
        description="true si algún ejercicio publicado tiene cifras simuladas de demostración."
    )
    simulated_years: list[int] = Field(
        description=(
            "Ejercicios publicados con calendarios, avance o mediciones simulados (no reales)."
        )
    )


class OpenMirOut(Schema):
    id: int
    title: str
    published_at: datetime
    simulated: bool = Field(description="true si sus mediciones son simuladas (no reales).")


class OpenNodeOut(Schema):
    key: str
    name: str
    depth: int
    parent_key: str | None
    area: str | None
    objective: str


class OpenActivityOut(Schema):
    key: str
    node_key: str
    area: str | None
    description: str
    unit: str | None
    annual_target: Number | None
    monthly_targets: list[Number | None] = Field(description="12 meses; null = no se conoce.")
    calendar_simulated: bool = Field(
        False,
        description="true si los meses programados son simulados (datos de demostración: "
        "los generó Rumbo a partir de un cronograma con meses simulados).",
    )
    beneficiaries: list[str]
    original_annual_target: Number | None = Field(None, description=f"Meta anual. {ORIGINAL}")
    original_monthly_targets: list[Number | None] | None = Field(
        None, description=f"Los 12 meses (null: no se conocía). {ORIGINAL}"
    )


class OpenProgramOut(Schema):
    institution: str
    institution_name: str
    year: int
    name: str
    published_at: datetime
    mirs: list[OpenMirOut]
    nodes: list[OpenNodeOut]
    activities: list[OpenActivityOut]
    licence: LicenceOut
    simulated: bool = Field(
        description=(
            "true si el calendario de alguna actividad, el avance o las mediciones publicadas "
            "del ejercicio son simulados (datos de demostración, no reales)."
        )
    )
    version: int | None = Field(None, description=VERSION)
    version_label: str = Field("", description=VERSION_LABEL)
    version_since: date | None = Field(None, description=VERSION_SINCE)


class GradeOut(Schema):
    ratio: Number | None = Field(description="Cumplimiento en %, null si no se califica.")
    light: str = Field(description="verde, amarillo, rojo o gris.")


class OpenSummaryOut(Schema):
    """The unit-free summary of a set of activities (docs/figures.md)."""

    activities: int = Field(0, description="Actividades con cifras oficiales en el conjunto.")
    lights: dict[str, int] | None = Field(
        None, description="Actividades por color: verde, amarillo, rojo, gris."
    )
    average_compliance: Number | None = Field(
        None,
        description="Promedio del cumplimiento acumulado de las actividades calificadas, cada"
        " uno con tope de 100 % (docs/figures.md).",
    )
    on_track: Number | None = Field(
        None, description="Actividades en verde ÷ actividades calificadas, en porcentaje."
    )


class OpenMonthOut(OpenSummaryOut):
    month: int
    published: bool = Field(
        description="Si alguna área tiene cifras oficiales en el mes (todas sus capturas de"
        " enero a ese mes aprobadas)."
    )
    areas: list[str] = Field(description="Áreas con cifras oficiales en el mes.")
    programmed: Number | None = Field(
        description="Siempre null: no se suman cantidades de actividades (unidades distintas)."
    )
    achieved: Number | None = Field(
        description="Siempre null: no se suman cantidades de actividades (unidades distintas)."
    )
    cumulative_programmed: Number | None = Field(
        description="Programado acumulado, solo si todas las actividades publicadas del mes"
        " tienen la misma unidad de medida; null en otro caso."
    )
    cumulative_achieved: Number | None = Field(
        description="Alcanzado acumulado, solo si todas las actividades publicadas del mes"
        " tienen la misma unidad de medida; null en otro caso."
    )
    grade: GradeOut = Field(
        description="Semáforo del cumplimiento promedio (average_compliance) con los límites"
        " de la institución."
    )


class OpenAreaProgressOut(OpenSummaryOut):
    area: str
    area_code: str
    months: list[int]
    cumulative_programmed: Number | None
    cumulative_achieved: Number | None
    grade: GradeOut


class BandsOut(Schema):
    yellow_low: Number
    green_low: Number
    green_high: Number
    yellow_high: Number


class OpenProgressOut(Schema):
    institution: str
    year: int
    bands: BandsOut
    months: list[OpenMonthOut]
    areas: list[OpenAreaProgressOut]
    licence: LicenceOut
    simulated: bool = Field(description=SIMULATED)
    version: int | None = Field(None, description=VERSION)
    version_label: str = Field("", description=VERSION_LABEL)
    version_since: date | None = Field(None, description=VERSION_SINCE)


class OpenPeriodOut(Schema):
    period: int
    label: str
    target: Number | None
    value: Number | None = Field(description="null mientras la medición no esté aprobada.")
    published: bool
    grade: GradeOut
    original_target: Number | None = Field(None, description=f"Meta del periodo. {ORIGINAL}")


class OpenIndicatorOut(Schema):
    id: int
    mir_id: int
    program: str
    level: str
    summary: str
    name: str
    definition: str
    formula: str
    unit: str
    kind: str
    dimension: str
    frequency: str
    direction: str
    baseline_value: Number | None
    baseline_year: int | None
    area: str
    annual_target: Number | None
    periods: list[OpenPeriodOut]
    simulated: bool = Field(description="true si las mediciones de su MIR son simuladas.")
    original_annual_target: Number | None = Field(None, description=f"Meta anual. {ORIGINAL}")


class OpenIndicatorsOut(Schema):
    institution: str
    year: int
    indicators: list[OpenIndicatorOut]
    licence: LicenceOut
    simulated: bool = Field(description=SIMULATED)
    version: int | None = Field(None, description=VERSION)
    version_label: str = Field("", description=VERSION_LABEL)
    version_since: date | None = Field(None, description=VERSION_SINCE)


class DictionaryFieldOut(Schema):
    campo: str
    tipo: str
    descripcion: str
    unidad: str


class OpenDatasetOut(Schema):
    slug: str
    title: str
    description: str
    downloads: dict[str, str] = Field(description="Formato → dirección de descarga.")
    dictionary: dict[str, str] = Field(description="Formato → diccionario de datos.")
    fields: list[DictionaryFieldOut]
    simulated: bool = Field(description="true si el conjunto contiene cifras simuladas.")


class OpenDatasetsOut(Schema):
    institution: str
    year: int
    datasets: list[OpenDatasetOut]
    licence: LicenceOut
    simulated: bool = Field(description="true si algún conjunto contiene cifras simuladas.")
    version: int | None = Field(None, description=VERSION)
    version_label: str = Field("", description=VERSION_LABEL)
    version_since: date | None = Field(None, description=VERSION_SINCE)


PERCENT_OR_NULL = " En porcentaje, dos decimales; null si el mes aún no tiene capturas aprobadas."


class ComparisonMonthOut(Schema):
    month: int = Field(description="Mes (1–12).")
    average_compliance: Number | None = Field(
        description=(
            "Cumplimiento promedio de las actividades con cifras oficiales (alcanzado acumulado"
            " ÷ programado acumulado, cada una con tope de 100 %)." + PERCENT_OR_NULL
        )
    )
    on_track_share: Number | None = Field(
        description="Actividades en verde entre las calificadas." + PERCENT_OR_NULL
    )
    timeliness: Number | None = Field(
        description=(
            "Capturas del mes (de las áreas con cifras oficiales) enviadas a más tardar el día"
            " de cierre de su periodo; null también si ninguna tiene fecha de envío."
            + PERCENT_OR_NULL
        )
    )
    completeness: Number | None = Field(
        description=(
            "Actividades con meta programada en el mes que tienen cifra oficial." + PERCENT_OR_NULL
        )
    )


class ComparisonInstitutionOut(Schema):
    code: str
    name: str
    months: list[ComparisonMonthOut] = Field(description="Los 12 meses del ejercicio.")


class ComparisonOut(Schema):
    year: int
    institutions: list[ComparisonInstitutionOut] = Field(
        description="Cada institución que publica su programa del ejercicio, por clave."
    )

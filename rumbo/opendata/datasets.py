"""The open datasets as data: each one's slug, title, description and its data dictionary
(field, type, description, unit). The exports, the pages and the API read these; a new
field is one entry here plus its value in ``exports.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rumbo.core.periods import MONTH_LABELS, MONTH_NAMES

LICENCE_NAME = "Términos de Libre Uso MX"
LICENCE_URL = "https://datos.gob.mx/libreusomx"
LICENCE_NOTE = (
    "Puedes copiar, distribuir, adaptar y aprovechar comercialmente estos datos, citando "
    "la fuente (institución, conjunto de datos, dirección de descarga y fecha de consulta)."
)

SIMULATED_NOTE = (
    "Datos simulados de demostración: estas cifras no son reales. Las generó Rumbo para "
    "mostrar cómo funciona; no provienen de las capturas de la institución."
)
SIMULATED_FIELD_NOTE = (
    "true si la cifra es simulada (datos de demostración, no reales); false si proviene de "
    "las capturas de la institución."
)
SIMULATED_CALENDAR_FIELD_NOTE = (
    "true si la cantidad programada de cada mes es simulada (datos de demostración: la "
    "generó Rumbo a partir de un cronograma con meses simulados, no un documento de la "
    "institución); false si proviene del programa de la institución."
)

VERSION_FIELD_NOTE = (
    "Número de la versión aprobada del programa cuyas metas usan las cifras (1: la que "
    "aprobó el Consejo General; cada adecuación programática aprobada crea la siguiente); "
    "vacío si el programa aún no se aprueba (metas en formulación)."
)
ORIGINAL_NOTE = (
    "vacío si el programa aún no se aprueba o la actividad se dio de alta después de la aprobación."
)

FORMATS = ("csv", "json", "xlsx")
DICTIONARY_FORMATS = ("csv", "json")


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: str  # texto, entero, decimal, booleano (true / false)
    description: str
    unit: str = ""


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    fields: tuple[FieldDef, ...]

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


PROGRAM = Dataset(
    slug="programa",
    title="Programa anual: actividades y calendario",
    description=(
        "Cada actividad del programa anual publicado, con su unidad de medida, su meta "
        "anual y la cantidad programada en cada mes."
    ),
    fields=(
        FieldDef("ejercicio", "entero", "Año fiscal del programa.", "año"),
        FieldDef("nodo_clave", "texto", "Clave del nivel que contiene la actividad."),
        FieldDef("nodo_nombre", "texto", "Nombre del nivel que contiene la actividad."),
        FieldDef("ruta", "texto", "Claves de los niveles, de la raíz a la actividad («/»)."),
        FieldDef("area", "texto", "Área responsable de la actividad."),
        FieldDef("actividad_clave", "texto", "Clave de la actividad, como se publica."),
        FieldDef("actividad", "texto", "Descripción de la actividad."),
        FieldDef("unidad_medida", "texto", "Unidad en que se mide la meta."),
        FieldDef(
            "meta_anual",
            "decimal",
            "Cantidad anual programada vigente (con las adecuaciones aprobadas, si las hay).",
            "unidad de medida",
        ),
        *(
            FieldDef(
                f"prog_{label.lower()}",
                "decimal",
                f"Cantidad programada en {name}; vacío si el mes no se conoce.",
                "unidad de medida",
            )
            for label, name in zip(MONTH_LABELS, MONTH_NAMES, strict=True)
        ),
        FieldDef(
            "beneficiarios", "texto", "Tipo y cantidad de beneficiarios («S/C»: sin cuantificar)."
        ),
        FieldDef(
            "meta_anual_original",
            "decimal",
            "Meta anual aprobada originalmente (versión 1 del programa), antes de las "
            f"adecuaciones programáticas; {ORIGINAL_NOTE}",
            "unidad de medida",
        ),
        *(
            FieldDef(
                f"prog_{label.lower()}_original",
                "decimal",
                f"Cantidad programada en {name} en la versión 1 del programa (la aprobada "
                "originalmente); vacío si el mes no se conocía, si el programa aún no se "
                "aprueba o si la actividad se dio de alta después de la aprobación.",
                "unidad de medida",
            )
            for label, name in zip(MONTH_LABELS, MONTH_NAMES, strict=True)
        ),
        FieldDef("version", "entero", VERSION_FIELD_NOTE, "versión"),
        FieldDef("simulado", "booleano", SIMULATED_CALENDAR_FIELD_NOTE),
    ),
)

PROGRESS = Dataset(
    slug="avance",
    title="Avance mensual aprobado",
    description=(
        "Programado y alcanzado de cada actividad en cada mes en que sus cifras son "
        "oficiales: el área tiene aprobadas las capturas de todos los meses desde enero "
        "hasta ese mes; los demás meses no aparecen. Acumulados y semáforo según "
        "docs/figures.md."
    ),
    fields=(
        FieldDef("ejercicio", "entero", "Año fiscal del programa.", "año"),
        FieldDef("mes", "entero", "Mes del avance (1 a 12).", "mes"),
        FieldDef(
            "area", "texto", "Área responsable, con sus capturas de enero a ese mes aprobadas."
        ),
        FieldDef("actividad_clave", "texto", "Clave de la actividad."),
        FieldDef("actividad", "texto", "Descripción de la actividad."),
        FieldDef("unidad_medida", "texto", "Unidad en que se mide la meta."),
        FieldDef("programado_mes", "decimal", "Cantidad programada en el mes.", "unidad de medida"),
        FieldDef("alcanzado_mes", "decimal", "Cantidad alcanzada en el mes.", "unidad de medida"),
        FieldDef(
            "programado_acumulado",
            "decimal",
            "Programado de los meses aprobados hasta el mes.",
            "unidad de medida",
        ),
        FieldDef(
            "alcanzado_acumulado",
            "decimal",
            "Alcanzado de los meses aprobados hasta el mes.",
            "unidad de medida",
        ),
        FieldDef(
            "cumplimiento",
            "decimal",
            "Alcanzado acumulado entre programado acumulado, por cien.",
            "porcentaje",
        ),
        FieldDef(
            "semaforo", "texto", "Verde, amarillo, rojo o gris (sin programación o sin dato)."
        ),
        FieldDef("simulado", "booleano", SIMULATED_FIELD_NOTE),
        FieldDef(
            "programado_mes_original",
            "decimal",
            "Cantidad programada en el mes en la versión 1 del programa (la aprobada "
            f"originalmente); {ORIGINAL_NOTE}",
            "unidad de medida",
        ),
        FieldDef(
            "programado_acumulado_original",
            "decimal",
            "Programado de enero al mes en la versión 1 del programa (la aprobada "
            f"originalmente); {ORIGINAL_NOTE}",
            "unidad de medida",
        ),
        FieldDef("version", "entero", VERSION_FIELD_NOTE, "versión"),
    ),
)

INDICATORS = Dataset(
    slug="indicadores",
    title="Indicadores de las MIR publicadas y sus mediciones aprobadas",
    description=(
        "Cada periodo de cada indicador de las Matrices de Indicadores para Resultados "
        "publicadas: ficha resumida, meta del periodo y valor medido cuando la captura que "
        "lo contiene fue aprobada."
    ),
    fields=(
        FieldDef("ejercicio", "entero", "Año fiscal del programa.", "año"),
        FieldDef("programa", "texto", "Programa cuyo diseño contiene la MIR."),
        FieldDef("nivel", "texto", "Nivel de la MIR: Fin, Propósito, Componente o Actividad."),
        FieldDef("resumen_narrativo", "texto", "Objetivo del renglón de la MIR."),
        FieldDef("indicador", "texto", "Nombre del indicador."),
        FieldDef("definicion", "texto", "Qué mide el indicador."),
        FieldDef("metodo_calculo", "texto", "Fórmula sobre las variables del indicador."),
        FieldDef("unidad_medida", "texto", "Unidad del resultado del indicador."),
        FieldDef("tipo", "texto", "Estratégico, de gestión u otro."),
        FieldDef("dimension", "texto", "Eficacia, eficiencia, calidad o economía."),
        FieldDef("frecuencia", "texto", "Frecuencia de medición."),
        FieldDef("sentido", "texto", "Ascendente o descendente."),
        FieldDef("linea_base", "decimal", "Valor de la línea base.", "unidad del indicador"),
        FieldDef("linea_base_anio", "entero", "Año de la línea base.", "año"),
        FieldDef("area", "texto", "Área responsable del indicador."),
        FieldDef(
            "meta_anual",
            "decimal",
            "Meta anual vigente (con las adecuaciones aprobadas, si las hay).",
            "unidad del indicador",
        ),
        FieldDef("periodo", "texto", "Periodo de medición dentro del ejercicio."),
        FieldDef(
            "meta_periodo",
            "decimal",
            "Meta vigente del periodo (con las adecuaciones aprobadas, si las hay).",
            "unidad del indicador",
        ),
        FieldDef(
            "valor",
            "decimal",
            "Valor medido; vacío si la medición no está aprobada.",
            "unidad del indicador",
        ),
        FieldDef("cumplimiento", "decimal", "Valor contra meta según el sentido.", "porcentaje"),
        FieldDef("semaforo", "texto", "Verde, amarillo, rojo o gris (sin meta o sin dato)."),
        FieldDef("simulado", "booleano", SIMULATED_FIELD_NOTE),
        FieldDef(
            "meta_anual_original",
            "decimal",
            "Meta anual aprobada originalmente (versión 1 del programa), antes de las "
            "adecuaciones; vacío si no tenía, si el programa aún no se aprueba o si el "
            "indicador se agregó después de la aprobación.",
            "unidad del indicador",
        ),
        FieldDef(
            "meta_periodo_original",
            "decimal",
            "Meta del periodo aprobada originalmente (versión 1 del programa); vacío si no "
            "tenía, si el programa aún no se aprueba o si el indicador se agregó después de "
            "la aprobación.",
            "unidad del indicador",
        ),
        FieldDef("version", "entero", VERSION_FIELD_NOTE, "versión"),
    ),
)


def _pesos(moment: str, what: str) -> FieldDef:
    return FieldDef(moment, "decimal", f"Momento contable {what}, registrado en el mes.", "pesos")


BUDGET = Dataset(
    slug="presupuesto",
    title="Presupuesto: momentos contables por nivel, partida, fuente y mes",
    description=(
        "El presupuesto del programa anual publicado: por cada nivel del programa "
        "(subprograma, proyecto), capítulo del gasto, partida específica, fuente de "
        "financiamiento y mes, los seis momentos contables del egreso registrados en ese mes "
        "(los renglones de las actividades se suman a su nivel). El total a un mes es la suma "
        "de enero a ese mes."
    ),
    fields=(
        FieldDef("ejercicio", "entero", "Año fiscal del programa.", "año"),
        FieldDef("nodo_clave", "texto", "Clave del nivel del programa (subprograma, proyecto)."),
        FieldDef("nodo_nombre", "texto", "Nombre del nivel del programa."),
        FieldDef("capitulo", "texto", "Capítulo del gasto (clasificador por objeto del gasto)."),
        FieldDef("partida", "texto", "Partida específica del gasto."),
        FieldDef("partida_nombre", "texto", "Nombre de la partida específica."),
        FieldDef("fuente", "texto", "Clave de la fuente de financiamiento."),
        FieldDef("mes", "entero", "Mes en que se registraron los importes (1 a 12).", "mes"),
        _pesos("aprobado", "aprobado (asignación original)"),
        _pesos("modificado", "modificado (aprobado más o menos las adecuaciones)"),
        _pesos("comprometido", "comprometido (contratos o pedidos formalizados)"),
        _pesos("devengado", "devengado (bienes o servicios recibidos)"),
        _pesos("ejercido", "ejercido (orden de pago emitida)"),
        _pesos("pagado", "pagado"),
    ),
)

DATASETS: dict[str, Dataset] = {d.slug: d for d in (PROGRAM, PROGRESS, INDICATORS, BUDGET)}

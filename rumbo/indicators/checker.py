"""The MIR checker: structure, columns, syntax and indicators; each finding names its rule.

Rules are listed once in ``RULES`` (code → severity and name); ``docs/mir-checker.md``
explains each. The checker reads a MIR with a fixed number of queries (rows, indicators,
variables, the institution's ``MirPolicy``) whatever its size, and never writes.

The syntax rules on the resumen narrativo (docs/mir-checker.md) are heuristics about Spanish
word shapes, so they are warnings: they must not block a MIR that reads well.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch

from rumbo.core.periods import Frequency
from rumbo.core.text import normalize
from rumbo.indicators.formula import FormulaError, parse
from rumbo.indicators.models import Dimension, Indicator, Level, Mir, MirPolicy, MirRow

ERROR = "error"
WARNING = "advertencia"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    name: str


_RULES = [
    Rule("fin_count", ERROR, "Exactamente un Fin"),
    Rule("proposito_count", ERROR, "Exactamente un Propósito"),
    Rule("componente_missing", ERROR, "Al menos un Componente"),
    Rule("componente_without_actividades", ERROR, "Cada Componente tiene Actividades"),
    Rule("actividad_without_componente", ERROR, "Cada Actividad pertenece a un Componente"),
    Rule("assumptions_missing", ERROR, "Supuestos en cada renglón"),
    Rule("fin_assumptions_missing", WARNING, "Supuestos del Fin"),
    Rule("verification_missing", ERROR, "Medios de verificación en cada renglón"),
    Rule("indicator_missing", ERROR, "Al menos un indicador por renglón"),
    Rule("fin_syntax", WARNING, "Sintaxis del Fin"),
    Rule("proposito_syntax", WARNING, "Sintaxis del Propósito"),
    Rule("componente_syntax", WARNING, "Sintaxis del Componente"),
    Rule("actividad_syntax", WARNING, "Sintaxis de la Actividad"),
    Rule("frequency_level", WARNING, "Frecuencia de medición según el nivel"),
    Rule("dimension_level", WARNING, "Dimensión según el nivel"),
    Rule("dimension_missing", WARNING, "Dimensión del indicador"),
    Rule("formula_invalid", ERROR, "Fórmula válida"),
    Rule("formula_unknown_name", ERROR, "La fórmula usa sólo variables declaradas"),
    Rule("formula_constant", WARNING, "La fórmula usa variables"),
    Rule("variable_unused", WARNING, "Cada variable declarada se usa en la fórmula"),
    Rule("variable_without_source", ERROR, "Cada variable tiene fuente"),
]
RULES: dict[str, Rule] = {r.code: r for r in _RULES}

# What the Marco Lógico expects per level (docs/mir-checker.md); an institution's MirPolicy
# overrides a level's list.
DEFAULT_EXPECTATIONS: dict[str, dict[str, list[str]]] = {
    "frequencies": {
        Level.FIN: [Frequency.ANNUAL, Frequency.BIENNIAL, Frequency.SEXENNIAL],
        Level.PROPOSITO: [Frequency.SEMIANNUAL, Frequency.ANNUAL],
        Level.COMPONENTE: [Frequency.QUARTERLY, Frequency.SEMIANNUAL],
        Level.ACTIVIDAD: [Frequency.MONTHLY, Frequency.QUARTERLY],
    },
    "dimensions": {
        Level.FIN: [Dimension.EFFICACY],
        Level.PROPOSITO: [Dimension.EFFICACY],
        Level.COMPONENTE: [Dimension.EFFICACY, Dimension.EFFICIENCY, Dimension.QUALITY],
        Level.ACTIVIDAD: [
            Dimension.EFFICIENCY,
            Dimension.ECONOMY,
            Dimension.EFFICACY,
            Dimension.QUALITY,
        ],
    },
}

LEVEL_LABEL = dict(Level.choices)
_IN_LEVEL: dict[str, str] = {
    Level.FIN: "un Fin",
    Level.PROPOSITO: "un Propósito",
    Level.COMPONENTE: "un Componente",
    Level.ACTIVIDAD: "una Actividad",
}
_DIMENSION_LABEL = dict(Dimension.choices)


@dataclass(frozen=True)
class MirFinding:
    code: str
    rule: str
    severity: str
    level: str
    row_code: str
    row_id: int | None
    indicator_id: int | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity,
            "level": self.level,
            "row": self.row_code or None,
            "indicator": self.indicator_id,
            "message": self.message,
        }

    def as_text(self) -> str:
        where = f"{self.row_code}: " if self.row_code else ""
        return f"{self.severity} {self.code} ({self.rule}) {where}{self.message}"


def _finding(
    code: str,
    message: str,
    *,
    row: MirRow | None = None,
    row_code: str = "",
    level: str = "",
    indicator: Indicator | None = None,
) -> MirFinding:
    rule = RULES[code]
    return MirFinding(
        code=code,
        rule=rule.name,
        severity=rule.severity,
        level=row.level if row is not None else level,
        row_code=row_code,
        row_id=row.pk if row is not None else None,
        indicator_id=indicator.pk if indicator is not None else None,
        message=message,
    )


# --- reading ------------------------------------------------------------------------------


def _rows(mir: Mir) -> list[MirRow]:
    """All rows with indicators and variables: three queries whatever the MIR's size."""
    indicators = Indicator.objects.order_by("order", "pk").prefetch_related("variables")
    return list(
        MirRow.objects.filter(mir=mir)
        .order_by("order", "pk")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
    )


def _expectations(mir: Mir) -> dict[str, dict[str, list[str]]]:
    """The default expectations with the institution's MirPolicy lists laid over them."""
    policy = MirPolicy.objects.filter(institution__annual_programs__nodes__design__mir=mir).first()
    merged = {kind: dict(levels) for kind, levels in DEFAULT_EXPECTATIONS.items()}
    if policy is not None:
        for kind, override in (
            ("frequencies", policy.frequencies),
            ("dimensions", policy.dimensions),
        ):
            if not isinstance(override, dict):
                continue
            for level, values in override.items():
                if level in merged[kind] and isinstance(values, list) and values:
                    merged[kind][level] = [str(v) for v in values]
    return merged


def _tree_order(rows: list[MirRow]) -> Iterator[MirRow]:
    """Fin, Propósito, each Componente followed by its Actividades, then stray Actividades."""
    by_level: dict[str, list[MirRow]] = {lvl.value: [] for lvl in Level}
    for row in rows:
        by_level.setdefault(row.level, []).append(row)
    yield from by_level[Level.FIN]
    yield from by_level[Level.PROPOSITO]
    placed: set[int] = set()
    for comp in by_level[Level.COMPONENTE]:
        yield comp
        for act in by_level[Level.ACTIVIDAD]:
            if act.parent_id == comp.pk:
                placed.add(act.pk)
                yield act
    yield from (act for act in by_level[Level.ACTIVIDAD] if act.pk not in placed)


def _labels(rows: Iterable[MirRow]) -> dict[int, str]:
    """Each row's code, or «Componente 2» (its place in its level) when it has none."""
    counters: dict[str, int] = {}
    labels: dict[int, str] = {}
    for row in rows:
        counters[row.level] = counters.get(row.level, 0) + 1
        labels[row.pk] = row.code.strip() or f"{LEVEL_LABEL[row.level]} {counters[row.level]}"
    return labels


# --- syntax of the resumen narrativo -----------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that end like an infinitive but are nouns or adjectives.
_NOT_INFINITIVES = _words(
    "mujer lugar hogar poder taller militar particular popular bienestar placer deber par mar "
    "alrededor exterior interior anterior superior inferior mayor menor proveedor elector"
)
_PRESENT_FORMS = _words(
    "es son esta estan tiene tienen cuenta cuentan participa participan ejerce ejercen conoce "
    "conocen accede acceden cumple cumplen dispone disponen recibe reciben mejora mejoran logra "
    "logran obtiene obtienen incrementa incrementan aumenta aumentan fortalece fortalecen "
    "utiliza utilizan vota votan confia confian conserva conservan mantiene mantienen asiste "
    "asisten goza gozan posee poseen reconoce reconocen garantiza garantizan promueve promueven"
)
# Words ending in -an / -en that are not verbs.
_NOT_PRESENT = _words(
    "bien tambien quien alguien orden imagen origen joven examen regimen margen resumen dictamen "
    "volumen certamen crimen abdomen germen virgen almacen anden desden eden tren rehen plan "
    "gran pan san can capitan refran afan guardian iman volcan huracan desvan galan"
)
_PARTICIPLE_ENDINGS = ("ado", "ada", "ados", "adas", "ido", "ida", "idos", "idas")
_IRREGULAR_PARTICIPLES = frozenset(
    stem + ending
    for stem in _words(
        "hech impres puest escrit resuelt abiert cubiert devuelt vist dich rot vuelt provist "
        "satisfech inscrit descrit suscrit prescrit compuest dispuest propuest expuest impuest "
        "repuest frit elect"
    )
    for ending in ("o", "a", "os", "as")
)
# Nouns that end like a participle (-ado, -ida…) and must not count as one.
_PARTICIPLE_LOOKALIKES = _words(
    "estado estados mercado senado abogado grado lado resultado resultados apartado comunicado "
    "jurado diputado diputados diputada diputadas delegado delegados partido partidos contenido "
    "contenidos sentido apellido apellidos vestido ruido ejido medida medidas vida salida "
    "partida comida avenida jornada jornadas entrada entradas mirada temporada cuidado pasado "
    "privado privada privados privadas"
)
# Endings of nouns derived from verbs (elaboración, seguimiento, montaje, asistencia…).
_NOMINAL_SUFFIXES = tuple(
    _words("cion ciones sion siones miento mientos aje ajes ncia ncias ura uras eo eos")
)
# Nouns derived from verbs without one of those endings.
_NOMINAL_WORDS = _words(
    "entrega registro diseno envio pago apoyo control compra firma analisis cierre reparto "
    "conteo computo recuento traslado deposito inicio uso manejo ajuste cambio avance acopio "
    "resguardo retiro cobro gasto estudio reporte informe venta alta baja carga descarga "
    "consulta busqueda asesoria visita difusion"
)


def _is_infinitive(word: str) -> bool:
    return word.endswith(("ar", "er", "ir")) and word not in _NOT_INFINITIVES and len(word) > 3


def _syntax_problems(level: str, summary: str) -> list[str]:
    words = normalize(summary).split()
    if not words:
        return []
    first, rest = words[0], words[1:]
    text = " ".join(words)
    problems: list[str] = []
    if level == Level.FIN:
        if not (text.startswith(("contribuir a ", "contribuir al "))):
            problems.append("debe iniciar con «Contribuir a»")
        if " mediante " not in f" {text} " and " a traves de " not in f" {text} ":
            problems.append("debe decir cómo contribuye («mediante …» o «a través de …»)")
        return problems
    if first == "contribuir" or _is_infinitive(first):
        problems.append(f"no debe iniciar con un verbo en infinitivo («{summary.split()[0]}»)")
    if level == Level.PROPOSITO:
        if not any(_looks_present(w, prev) for prev, w in zip(words, rest, strict=False)):
            problems.append(
                "debe decir qué logra la población con un verbo en presente "
                "(«La ciudadanía … participa …»)"
            )
    elif level == Level.COMPONENTE:
        if not any(_looks_participle(w) for w in words):
            problems.append(
                "debe nombrar el bien o servicio con un participio («… entregados», «… realizadas»)"
            )
    elif level == Level.ACTIVIDAD and not _looks_nominal(first):
        problems.append(
            "debe iniciar con un sustantivo de acción («Elaboración …», «Seguimiento …», "
            "«Entrega …»)"
        )
    return problems


def _looks_present(word: str, previous: str) -> bool:
    if previous == "se" or word in _PRESENT_FORMS:
        return True
    return len(word) >= 4 and word.endswith(("an", "en")) and word not in _NOT_PRESENT


def _looks_participle(word: str) -> bool:
    if word in _PARTICIPLE_LOOKALIKES:
        return False
    return word in _IRREGULAR_PARTICIPLES or (len(word) > 4 and word.endswith(_PARTICIPLE_ENDINGS))


def _looks_nominal(word: str) -> bool:
    return word in _NOMINAL_WORDS or (len(word) > 4 and word.endswith(_NOMINAL_SUFFIXES))


# --- the checker ---------------------------------------------------------------------------


def check_mir(mir: Mir) -> list[MirFinding]:
    """Every finding on ``mir``, MIR-wide ones first, then row by row in reading order."""
    rows = list(_tree_order(_rows(mir)))
    expected = _expectations(mir)
    labels = _labels(rows)
    findings = list(_structure(rows, labels))
    for row in rows:
        findings.extend(_row_findings(row, labels[row.pk], expected))
    return findings


def _structure(rows: list[MirRow], labels: dict[int, str]) -> Iterator[MirFinding]:
    counts = {lvl.value: 0 for lvl in Level}
    for row in rows:
        counts[row.level] = counts.get(row.level, 0) + 1
    for level, code in ((Level.FIN, "fin_count"), (Level.PROPOSITO, "proposito_count")):
        n = counts[level]
        if n != 1:
            label = LEVEL_LABEL[level]
            message = (
                f"La MIR no tiene {label}; debe tener exactamente uno"
                if n == 0
                else f"La MIR tiene {n} renglones de {label}; debe tener exactamente uno"
            )
            yield _finding(code, message, level=level)
    if counts[Level.COMPONENTE] == 0:
        yield _finding(
            "componente_missing",
            "La MIR no tiene Componentes; debe tener al menos uno",
            level=Level.COMPONENTE,
        )
    by_pk = {row.pk: row for row in rows}
    parents = {row.parent_id for row in rows if row.level == Level.ACTIVIDAD}
    for row in rows:
        if row.level == Level.COMPONENTE and row.pk not in parents:
            yield _finding(
                "componente_without_actividades",
                f"El Componente {labels[row.pk]} no tiene Actividades",
                row=row,
                row_code=labels[row.pk],
            )
        if row.level == Level.ACTIVIDAD:
            parent = by_pk.get(row.parent_id) if row.parent_id is not None else None
            if parent is None or parent.level != Level.COMPONENTE:
                yield _finding(
                    "actividad_without_componente",
                    f"La Actividad {labels[row.pk]} no está bajo un Componente de esta MIR",
                    row=row,
                    row_code=labels[row.pk],
                )


def _row_findings(
    row: MirRow, label: str, expected: dict[str, dict[str, list[str]]]
) -> Iterator[MirFinding]:
    where = _of_row(row.level, label)
    if not row.assumptions.strip():
        code = "fin_assumptions_missing" if row.level == Level.FIN else "assumptions_missing"
        yield _finding(code, f"Faltan los supuestos {where}", row=row, row_code=label)
    if not row.verification.strip():
        yield _finding(
            "verification_missing",
            f"Faltan los medios de verificación {where}",
            row=row,
            row_code=label,
        )
    indicators = list(row.indicators.all())
    if not indicators:
        yield _finding("indicator_missing", f"No hay indicadores {where}", row=row, row_code=label)
    problems = _syntax_problems(row.level, row.summary)
    if problems:
        yield _finding(
            f"{row.level}_syntax",
            f"El resumen narrativo {where} " + "; ".join(problems),
            row=row,
            row_code=label,
        )
    for indicator in indicators:
        yield from _indicator_findings(row, label, indicator, expected)


def _indicator_findings(
    row: MirRow, label: str, indicator: Indicator, expected: dict[str, dict[str, list[str]]]
) -> Iterator[MirFinding]:
    def finding(code: str, message: str) -> MirFinding:
        return _finding(code, message, row=row, row_code=label, indicator=indicator)

    name = f"«{indicator.name}»"
    in_level = _IN_LEVEL[row.level]
    frequencies = expected["frequencies"].get(row.level, [])
    if frequencies and indicator.frequency not in frequencies:
        yield finding(
            "frequency_level",
            f"El indicador {name} se mide con frecuencia {indicator.frequency}; "
            f"en {in_level} se espera {_either(frequencies)}",
        )
    dimensions = expected["dimensions"].get(row.level, [])
    if not indicator.dimension:
        yield finding("dimension_missing", f"El indicador {name} no tiene dimensión")
    elif dimensions and indicator.dimension not in dimensions:
        shown = [_DIMENSION_LABEL.get(d, d).lower() for d in dimensions]
        actual = _DIMENSION_LABEL.get(indicator.dimension, indicator.dimension).lower()
        yield finding(
            "dimension_level",
            f"El indicador {name} es de {actual}; en {in_level} se espera {_either(shown)}",
        )
    variables = list(indicator.variables.all())
    declared = [v.name for v in variables]
    for variable in variables:
        if not variable.source.strip():
            yield finding(
                "variable_without_source",
                f"La variable «{variable.name}» del indicador {name} no tiene fuente",
            )
    try:
        formula = parse(indicator.formula)
    except FormulaError as exc:
        yield finding(
            "formula_invalid", f"La fórmula del indicador {name} no es válida: {exc.message}"
        )
        return
    try:
        formula.check_names(declared)
    except FormulaError as exc:
        yield finding("formula_unknown_name", f"En la fórmula del indicador {name}: {exc.message}")
    if not formula.variables:
        yield finding(
            "formula_constant",
            f"La fórmula del indicador {name} no usa variables: su valor nunca cambia",
        )
    used = set(formula.variables)
    for variable_name in declared:
        if variable_name not in used:
            yield finding(
                "variable_unused",
                f"La variable «{variable_name}» del indicador {name} no aparece en la fórmula",
            )


def _of_row(level: str, label: str) -> str:
    """«del Fin», «del Componente C1», «de la Actividad A1.1»."""
    if level == Level.FIN:
        return "del Fin"
    if level == Level.PROPOSITO:
        return "del Propósito"
    if level == Level.ACTIVIDAD:
        return f"de la Actividad {label}"
    return f"del Componente {label}"


def _either(values: list[str]) -> str:
    if len(values) == 1:
        return values[0]
    return ", ".join(values[:-1]) + " o " + values[-1]

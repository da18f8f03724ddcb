from __future__ import annotations

from dataclasses import dataclass

import pytest

from rumbo.design.models import ProgramDesign
from rumbo.indicators.checker import (
    DEFAULT_EXPECTATIONS,
    RULES,
    MirFinding,
    _syntax_problems,
    check_mir,
)
from rumbo.indicators.models import Indicator, IndicatorVariable, Mir, MirPolicy, MirRow
from rumbo.institutions.models import Area
from tests.factories import Demo, ProgramNodeFactory

QUERIES = 4  # rows, indicators, variables, the institution's MirPolicy


def codes(findings: list[MirFinding]) -> list[str]:
    return [f.code for f in findings]


def only(findings: list[MirFinding], code: str) -> list[MirFinding]:
    return [f for f in findings if f.code == code]


# --- the demo MIR -------------------------------------------------------------------------


def test_demo_mir_findings(demo: Demo, django_assert_num_queries) -> None:
    with django_assert_num_queries(QUERIES):
        findings = check_mir(demo.design.mir)
    assert [(f.code, f.row_code) for f in findings] == [
        ("componente_without_actividades", "C2"),
        ("assumptions_missing", "C2"),
    ]
    missing_acts, missing_assumptions = findings
    assert missing_acts == MirFinding(
        code="componente_without_actividades",
        rule="Cada Componente tiene Actividades",
        severity="error",
        level="componente",
        row_code="C2",
        row_id=demo.design.c2.pk,
        indicator_id=None,
        message="El Componente C2 no tiene Actividades",
    )
    assert missing_assumptions.message == "Faltan los supuestos del Componente C2"
    assert missing_assumptions.as_dict() == {
        "code": "assumptions_missing",
        "rule": "Supuestos en cada renglón",
        "severity": "error",
        "level": "componente",
        "row": "C2",
        "indicator": None,
        "message": "Faltan los supuestos del Componente C2",
    }


def test_demo_fixed_has_no_findings(demo: Demo) -> None:
    d = demo.design
    MirRow.objects.filter(pk=d.c2.pk).update(assumptions="Las juntas instalan a tiempo.")
    MirRow.objects.create(
        mir=d.mir,
        level="actividad",
        parent=d.c2,
        order=6,
        code="A2.1",
        summary="Ubicación de casillas.",
        verification="Encarte",
        assumptions="Los propietarios dan permiso.",
    )
    findings = check_mir(d.mir)
    assert codes(findings) == ["indicator_missing"]  # the new actividad has none yet
    assert findings[0].row_code == "A2.1"
    assert findings[0].message == "No hay indicadores de la Actividad A2.1"


def test_every_rule_has_a_spanish_name_and_a_severity() -> None:
    assert len(RULES) == 21
    for rule in RULES.values():
        assert rule.severity in {"error", "advertencia"}
        assert rule.name[0].isupper()


# --- a clean hand-built MIR, broken one rule at a time ------------------------------------------


@dataclass
class Built:
    mir: Mir
    area: Area
    fin: MirRow
    proposito: MirRow
    componente: MirRow
    actividad: MirRow
    indicators: dict[str, Indicator]


def add_indicator(
    row: MirRow,
    area: Area,
    frequency: str,
    dimension: str = "eficacia",
    formula: str = "atendidas / solicitadas * 100",
    variables: tuple[str, ...] = ("atendidas", "solicitadas"),
) -> Indicator:
    indicator = Indicator.objects.create(
        row=row,
        name=f"Indicador de {row.code}",
        formula=formula,
        kind="gestion",
        dimension=dimension,
        frequency=frequency,
        area=area,
    )
    for order, name in enumerate(variables):
        IndicatorVariable.objects.create(
            indicator=indicator,
            name=name,
            description=name,
            source="Registro administrativo",
            order=order,
        )
    return indicator


def add_row(mir: Mir, level: str, code: str, summary: str, parent: MirRow | None = None) -> MirRow:
    return MirRow.objects.create(
        mir=mir,
        level=level,
        parent=parent,
        code=code,
        order=MirRow.objects.filter(mir=mir).count() + 1,
        summary=summary,
        verification="Informe publicado",
        assumptions="Las condiciones se mantienen.",
    )


@pytest.fixture
def built(demo: Demo) -> Built:
    node = ProgramNodeFactory(program=demo.program, key="09", area=demo.area_se)
    design = ProgramDesign.objects.create(node=node, title="Programa de prueba")
    mir = Mir.objects.create(design=design)
    fin = add_row(
        mir,
        "fin",
        "F",
        "Contribuir al fortalecimiento de la democracia a través de la educación cívica.",
    )
    proposito = add_row(mir, "proposito", "P", "La ciudadanía participa en los ejercicios.")
    componente = add_row(mir, "componente", "C1", "Talleres de educación cívica impartidos.")
    actividad = add_row(
        mir, "actividad", "A1.1", "Capacitación de las personas facilitadoras.", componente
    )
    area = demo.area_se
    indicators = {
        "fin": add_indicator(fin, area, "anual"),
        "proposito": add_indicator(proposito, area, "anual"),
        "componente": add_indicator(componente, area, "trimestral", "calidad"),
        "actividad": add_indicator(actividad, area, "mensual", "eficiencia"),
    }
    built = Built(mir, area, fin, proposito, componente, actividad, indicators)
    assert check_mir(mir) == []
    return built


def test_missing_fin_proposito_and_componentes(built: Built) -> None:
    MirRow.objects.filter(mir=built.mir).delete()
    findings = check_mir(built.mir)
    assert [(f.code, f.level, f.row_id, f.message) for f in findings] == [
        ("fin_count", "fin", None, "La MIR no tiene Fin; debe tener exactamente uno"),
        (
            "proposito_count",
            "proposito",
            None,
            "La MIR no tiene Propósito; debe tener exactamente uno",
        ),
        (
            "componente_missing",
            "componente",
            None,
            "La MIR no tiene Componentes; debe tener al menos uno",
        ),
    ]
    assert all(f.severity == "error" for f in findings)


def test_two_fins_and_two_propositos(built: Built) -> None:
    add_indicator(add_row(built.mir, "fin", "F2", built.fin.summary), built.area, "anual")
    add_indicator(
        add_row(built.mir, "proposito", "P2", built.proposito.summary), built.area, "anual"
    )
    findings = check_mir(built.mir)
    assert [f.message for f in findings] == [
        "La MIR tiene 2 renglones de Fin; debe tener exactamente uno",
        "La MIR tiene 2 renglones de Propósito; debe tener exactamente uno",
    ]


def test_componente_without_actividades(built: Built) -> None:
    built.actividad.delete()
    findings = check_mir(built.mir)
    assert codes(findings) == ["componente_without_actividades"]
    assert findings[0].row_id == built.componente.pk


def test_actividad_must_hang_from_a_componente(built: Built, demo: Demo) -> None:
    stray = add_row(built.mir, "actividad", "A9", "Revisión de materiales.")
    add_indicator(stray, built.area, "mensual", "eficiencia")
    under_actividad = add_row(
        built.mir, "actividad", "A10", "Revisión de listas.", parent=built.actividad
    )
    add_indicator(under_actividad, built.area, "mensual", "eficiencia")
    other_mir_componente = demo.design.c1
    foreign = add_row(built.mir, "actividad", "A11", "Revisión de actas.", other_mir_componente)
    add_indicator(foreign, built.area, "mensual", "eficiencia")
    findings = check_mir(built.mir)
    assert [(f.code, f.row_code) for f in findings] == [
        ("actividad_without_componente", "A9"),
        ("actividad_without_componente", "A10"),
        ("actividad_without_componente", "A11"),
    ]
    assert findings[0].message == "La Actividad A9 no está bajo un Componente de esta MIR"


def test_rows_without_a_code_are_named_by_their_place(built: Built) -> None:
    MirRow.objects.filter(pk=built.componente.pk).update(code="", assumptions="")
    second = add_row(built.mir, "componente", "", "Materiales distribuidos.")
    add_indicator(second, built.area, "trimestral")
    findings = check_mir(built.mir)
    assert [(f.code, f.row_code, f.message) for f in findings] == [
        (
            "componente_without_actividades",
            "Componente 2",
            "El Componente Componente 2 no tiene Actividades",
        ),
        ("assumptions_missing", "Componente 1", "Faltan los supuestos del Componente Componente 1"),
    ]


@pytest.mark.parametrize(
    ("row", "code", "severity", "message"),
    [
        ("fin", "fin_assumptions_missing", "advertencia", "Faltan los supuestos del Fin"),
        ("proposito", "assumptions_missing", "error", "Faltan los supuestos del Propósito"),
        ("componente", "assumptions_missing", "error", "Faltan los supuestos del Componente C1"),
        (
            "actividad",
            "assumptions_missing",
            "error",
            "Faltan los supuestos de la Actividad A1.1",
        ),
    ],
)
def test_missing_assumptions(
    built: Built, row: str, code: str, severity: str, message: str
) -> None:
    target = getattr(built, row)
    MirRow.objects.filter(pk=target.pk).update(assumptions="  ")
    findings = check_mir(built.mir)
    assert [(f.code, f.severity, f.message, f.row_id) for f in findings] == [
        (code, severity, message, target.pk)
    ]


@pytest.mark.parametrize("row", ["fin", "proposito", "componente", "actividad"])
def test_missing_verification(built: Built, row: str) -> None:
    target = getattr(built, row)
    MirRow.objects.filter(pk=target.pk).update(verification="")
    findings = check_mir(built.mir)
    assert codes(findings) == ["verification_missing"]
    assert findings[0].level == row
    assert findings[0].message.startswith("Faltan los medios de verificación d")


@pytest.mark.parametrize("row", ["fin", "proposito", "componente", "actividad"])
def test_missing_indicator(built: Built, row: str) -> None:
    built.indicators[row].delete()
    findings = check_mir(built.mir)
    assert codes(findings) == ["indicator_missing"]
    assert findings[0].severity == "error"


# --- syntax of the resumen narrativo ----------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "summary", "fragments"),
    [
        ("fin", "Contribuir a la certeza institucional mediante el cumplimiento.", []),
        ("fin", "Contribuir al voto libre a través de la difusión.", []),
        ("fin", "CONTRIBUIR A la participación MEDIANTE talleres", []),
        ("fin", "Fortalecer la democracia mediante talleres.", ["iniciar con «Contribuir a»"]),
        ("fin", "Contribuir a la democracia.", ["cómo contribuye"]),
        ("fin", "Democracia fortalecida.", ["iniciar con «Contribuir a»", "cómo contribuye"]),
        ("proposito", "Las áreas del Instituto cumplen los acuerdos en plazo.", []),
        ("proposito", "La ciudadanía mexiquense participa en los procesos electorales.", []),
        ("proposito", "La participación de las mujeres se incrementa.", []),
        ("proposito", "Las juventudes conocen sus derechos político-electorales.", []),
        ("proposito", "Fomentar la participación ciudadana.", ["infinitivo («Fomentar»)"]),
        ("proposito", "Contribuir a la participación.", ["infinitivo"]),
        ("proposito", "Participación ciudadana en el plan de trabajo.", ["verbo en presente"]),
        ("componente", "Casillas instaladas.", []),
        ("componente", "Sesiones del Consejo General efectuadas.", []),
        ("componente", "Materiales impresos y distribuidos.", []),
        ("componente", "Convenios suscritos con universidades.", []),
        ("componente", "Capacitación a partidos políticos del Estado.", ["participio"]),
        ("componente", "Vínculos con instituciones públicas y privadas.", ["participio"]),
        ("componente", "Realizar talleres de la jornada electoral.", ["infinitivo", "participio"]),
        ("actividad", "Elaboración del informe mensual de acuerdos.", []),
        ("actividad", "Seguimiento de los acuerdos.", []),
        ("actividad", "Entrega de materiales a las juntas.", []),
        ("actividad", "Difusión de la convocatoria.", []),
        ("actividad", "Apertura de casillas.", []),
        ("actividad", "Monitoreo de medios.", []),
        ("actividad", "Elaborar el informe mensual.", ["infinitivo", "sustantivo de acción"]),
        ("actividad", "Informes mensuales elaborados.", ["sustantivo de acción"]),
    ],
)
def test_syntax_heuristics(level: str, summary: str, fragments: list[str]) -> None:
    problems = " ".join(_syntax_problems(level, summary))
    if not fragments:
        assert problems == ""
    for fragment in fragments:
        assert fragment in problems


def test_syntax_findings_are_warnings_naming_the_level(built: Built) -> None:
    MirRow.objects.filter(pk=built.fin.pk).update(summary="Fortalecer la democracia.")
    MirRow.objects.filter(pk=built.proposito.pk).update(summary="Promover la participación.")
    MirRow.objects.filter(pk=built.componente.pk).update(summary="Talleres de educación cívica.")
    MirRow.objects.filter(pk=built.actividad.pk).update(summary="Capacitar a las personas.")
    findings = check_mir(built.mir)
    assert codes(findings) == [
        "fin_syntax",
        "proposito_syntax",
        "componente_syntax",
        "actividad_syntax",
    ]
    assert {f.severity for f in findings} == {"advertencia"}
    assert findings[0].rule == "Sintaxis del Fin"
    assert findings[0].message == (
        "El resumen narrativo del Fin debe iniciar con «Contribuir a»; debe decir cómo "
        "contribuye («mediante …» o «a través de …»)"
    )
    assert findings[3].message.startswith(
        "El resumen narrativo de la Actividad A1.1 no debe iniciar con un verbo en infinitivo "
        "(«Capacitar»)"
    )


# --- indicators -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "frequency", "flagged"),
    [
        ("fin", "anual", False),
        ("fin", "sexenal", False),
        ("fin", "semestral", True),
        ("proposito", "semestral", False),
        ("proposito", "trimestral", True),
        ("componente", "semestral", False),
        ("componente", "anual", True),
        ("actividad", "trimestral", False),
        ("actividad", "semestral", True),
    ],
)
def test_frequency_per_level(built: Built, row: str, frequency: str, flagged: bool) -> None:
    indicator = built.indicators[row]
    Indicator.objects.filter(pk=indicator.pk).update(frequency=frequency)
    findings = check_mir(built.mir)
    assert codes(findings) == (["frequency_level"] if flagged else [])
    if flagged:
        assert findings[0].indicator_id == indicator.pk
        assert findings[0].severity == "advertencia"
        expected = " o ".join(DEFAULT_EXPECTATIONS["frequencies"][row][-1:])
        assert findings[0].message.endswith(expected)


def test_frequency_message(built: Built) -> None:
    Indicator.objects.filter(pk=built.indicators["actividad"].pk).update(frequency="anual")
    (finding,) = check_mir(built.mir)
    assert finding.message == (
        "El indicador «Indicador de A1.1» se mide con frecuencia anual; en una Actividad se "
        "espera mensual o trimestral"
    )


@pytest.mark.parametrize(
    ("row", "dimension", "flagged"),
    [
        ("fin", "eficacia", False),
        ("fin", "eficiencia", True),
        ("proposito", "calidad", True),
        ("componente", "eficiencia", False),
        ("componente", "economia", True),
        ("actividad", "economia", False),
    ],
)
def test_dimension_per_level(built: Built, row: str, dimension: str, flagged: bool) -> None:
    Indicator.objects.filter(pk=built.indicators[row].pk).update(dimension=dimension)
    assert codes(check_mir(built.mir)) == (["dimension_level"] if flagged else [])


def test_dimension_messages(built: Built) -> None:
    Indicator.objects.filter(pk=built.indicators["componente"].pk).update(dimension="economia")
    Indicator.objects.filter(pk=built.indicators["actividad"].pk).update(dimension="")
    findings = check_mir(built.mir)
    assert [(f.code, f.message) for f in findings] == [
        (
            "dimension_level",
            "El indicador «Indicador de C1» es de economía; en un Componente se espera "
            "eficacia, eficiencia o calidad",
        ),
        ("dimension_missing", "El indicador «Indicador de A1.1» no tiene dimensión"),
    ]


def test_institution_policy_overrides_a_level(
    built: Built, demo: Demo, django_assert_num_queries
) -> None:
    MirPolicy.objects.create(
        institution=demo.institution,
        frequencies={"actividad": ["trimestral"], "nivel_raro": ["anual"], "fin": "anual"},
        dimensions={"fin": ["eficacia", "calidad"], "proposito": []},
    )
    MirPolicy.objects.create(institution=demo.other_institution, frequencies={"fin": ["mensual"]})
    Indicator.objects.filter(pk=built.indicators["fin"].pk).update(dimension="calidad")
    Indicator.objects.filter(pk=built.indicators["proposito"].pk).update(dimension="calidad")
    with django_assert_num_queries(QUERIES):
        findings = check_mir(built.mir)
    # actividad mensual is now off-policy; fin calidad is allowed; an empty list keeps the
    # default (propósito: eficacia); a malformed entry ("fin": "anual") is ignored.
    assert [(f.code, f.level) for f in findings] == [
        ("dimension_level", "proposito"),
        ("frequency_level", "actividad"),
    ]
    assert findings[1].message.endswith("en una Actividad se espera trimestral")


def test_formula_that_does_not_parse(built: Built) -> None:
    Indicator.objects.filter(pk=built.indicators["componente"].pk).update(
        formula="atendidas / (solicitadas * 100"
    )
    (finding,) = check_mir(built.mir)
    assert finding.code == "formula_invalid"
    assert finding.severity == "error"
    assert finding.message == (
        "La fórmula del indicador «Indicador de C1» no es válida: Falta cerrar el paréntesis "
        "abierto (carácter 13)"
    )


def test_formula_with_an_undeclared_name_and_an_unused_variable(built: Built) -> None:
    Indicator.objects.filter(pk=built.indicators["proposito"].pk).update(
        formula="atendidas / total * 100"
    )
    findings = check_mir(built.mir)
    assert [(f.code, f.severity, f.message) for f in findings] == [
        (
            "formula_unknown_name",
            "error",
            "En la fórmula del indicador «Indicador de P»: «total» no es una variable del "
            "indicador; las variables son: atendidas, solicitadas",
        ),
        (
            "variable_unused",
            "advertencia",
            "La variable «solicitadas» del indicador «Indicador de P» no aparece en la fórmula",
        ),
    ]


def test_constant_formula(built: Built) -> None:
    Indicator.objects.filter(pk=built.indicators["fin"].pk).update(formula="100")
    assert codes(check_mir(built.mir)) == [
        "formula_constant",
        "variable_unused",
        "variable_unused",
    ]


def test_variable_without_source(built: Built) -> None:
    variable = built.indicators["actividad"].variables.get(name="solicitadas")
    IndicatorVariable.objects.filter(pk=variable.pk).update(source=" ")
    (finding,) = check_mir(built.mir)
    assert finding.code == "variable_without_source"
    assert finding.severity == "error"
    assert finding.message == (
        "La variable «solicitadas» del indicador «Indicador de A1.1» no tiene fuente"
    )


def test_query_count_does_not_grow_with_the_mir(built: Built, django_assert_num_queries) -> None:
    for n in range(2, 12):
        comp = add_row(built.mir, "componente", f"C{n}", "Materiales distribuidos.")
        add_indicator(comp, built.area, "trimestral")
        for m in range(1, 4):
            act = add_row(built.mir, "actividad", f"A{n}.{m}", "Entrega de materiales.", comp)
            add_indicator(act, built.area, "mensual")
            add_indicator(
                act, built.area, "trimestral", variables=("atendidas", "solicitadas", "x")
            )
    with django_assert_num_queries(QUERIES):
        findings = check_mir(built.mir)
    assert len(findings) == 30  # one unused variable «x» per extra actividad
    assert set(codes(findings)) == {"variable_unused"}


def test_findings_follow_reading_order(built: Built) -> None:
    second = add_row(built.mir, "componente", "C2", "Materiales distribuidos.")
    add_indicator(second, built.area, "trimestral")
    late_act = add_row(built.mir, "actividad", "A1.2", "Revisión final.", built.componente)
    MirRow.objects.filter(pk=late_act.pk).update(assumptions="")
    findings = check_mir(built.mir)
    assert [(f.code, f.row_code) for f in findings] == [
        ("componente_without_actividades", "C2"),
        ("assumptions_missing", "A1.2"),
        ("indicator_missing", "A1.2"),
    ]


def test_checking_twice_gives_the_same_findings(demo: Demo) -> None:
    first = check_mir(demo.design.mir)
    assert check_mir(demo.design.mir) == first

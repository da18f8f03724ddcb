"""The pure rules of the PAA importer: the calendar, beneficiaries and the parser on small texts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rumbo.imports.base import ImportFailure, SourceText
from rumbo.imports.paa import (
    ParsedBeneficiary,
    calendar_certain_months,
    is_quantity,
    pair_beneficiaries,
    parse_paa,
)


def d(*values: str | int) -> list[Decimal]:
    return [Decimal(str(v)) for v in values]


# -- calendar_certain_months --------------------------------------------------------------


def test_twelve_values_are_the_twelve_months_even_if_they_do_not_add_up() -> None:
    values = d(*range(1, 13))
    assert calendar_certain_months(Decimal(1), values) == dict(enumerate(values, start=1))


def test_one_lost_value_equal_to_all_others_completes_the_calendar() -> None:
    assert calendar_certain_months(Decimal(12), d(*[1] * 11)) == {m: 1 for m in range(1, 13)}


def test_one_lost_zero_keeps_only_months_that_every_placement_agrees_on() -> None:
    # 1,120 = 160 × 7 + 0 × 4: the lost value is 0; Ene–Ago depend on where it was.
    months = calendar_certain_months(Decimal(1120), d(*[160] * 7, *[0] * 4))
    assert months == {9: 0, 10: 0, 11: 0, 12: 0}


def test_one_lost_positive_value_is_certain_only_between_equal_neighbours() -> None:
    # 3,720 = 340 × 7 + 250 × 4 + 340: the lost 340 sits somewhere in the first run.
    months = calendar_certain_months(Decimal(3720), d(*[340] * 7, *[250] * 4))
    assert months == {m: 340 for m in range(1, 8)}


def test_one_lost_value_between_different_neighbours_leaves_nothing_certain() -> None:
    assert calendar_certain_months(Decimal(4), d(0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0)) == {}


def test_values_above_the_annual_quantity_leave_nothing_certain() -> None:
    assert calendar_certain_months(Decimal(10), d(*[1] * 11)) == {}


def test_several_lost_values_are_known_only_when_they_must_be_zero() -> None:
    # Ten values already add up to the annual: the two lost ones are 0.
    months = calendar_certain_months(Decimal(5), d(1, 1, 1, 1, 1, 0, 0, 0, 0, 0))
    assert months == {8: 0, 9: 0, 10: 0, 11: 0, 12: 0}
    # A positive remainder shared by two lost values could be split any way.
    assert calendar_certain_months(Decimal(12), d(*[1] * 10)) == {}


def test_no_values_at_all() -> None:
    assert calendar_certain_months(Decimal(0), []) == {m: 0 for m in range(1, 13)}
    assert calendar_certain_months(Decimal(3), []) == {}


def test_fractions_are_exact() -> None:
    values = d("0.33", "0.33", "0.34", *[0] * 8)
    # The lost value is 0; it may be Ene, so only the months after the 0.34 are certain.
    assert calendar_certain_months(Decimal(1), values) == {m: 0 for m in range(5, 13)}
    values = d("0.08", *["0.08"] * 9, "0.12")
    assert calendar_certain_months(Decimal(1), values)[1] == Decimal("0.08")


# -- beneficiaries -------------------------------------------------------------------------


def rows(*pairs: tuple[str, str]) -> list[ParsedBeneficiary]:
    return [ParsedBeneficiary(a, b) for a, b in pairs]


def test_types_and_quantities_pair_on_commas() -> None:
    result, problem = pair_beneficiaries(
        "Áreas administrativas del IEEM, INE, Fiscalías, Tribunales.", "13,1,S/C, S/C"
    )
    assert problem == ""
    assert result == rows(
        ("Áreas administrativas del IEEM", "13"), ("INE", "1"), ("Fiscalías", "S/C"),
        ("Tribunales", "S/C"),
    )  # fmt: skip


def test_a_final_y_splits_only_when_that_makes_the_counts_match() -> None:
    result, problem = pair_beneficiaries(
        "Áreas administrativas del IEEM, Consejo General, Junta General y Comisiones.",
        "13,1,1,10",
    )
    assert problem == ""
    assert result[-2:] == rows(("Junta General", "1"), ("Comisiones", "10"))
    # Without the need, the ' y ' stays inside the type.
    result, problem = pair_beneficiaries("Consejo General y Junta General.", "1")
    assert (result, problem) == (rows(("Consejo General y Junta General", "1")), "")


def test_thousands_separators_and_estimates_are_kept_as_printed() -> None:
    result, problem = pair_beneficiaries(
        "Representaciones de los medios de comunicación y ciudadanía del Estado de México",
        "30,12,261,306",
    )
    assert problem == ""
    assert result == rows(
        ("Representaciones de los medios de comunicación", "30"),
        ("ciudadanía del Estado de México", "12,261,306"),
    )
    result, problem = pair_beneficiaries("Población del Estado de México.", "16,992,418")
    assert (result, problem) == (rows(("Población del Estado de México", "16,992,418")), "")
    result, problem = pair_beneficiaries("Niñas, niños y adolescentes.", "S/C")
    assert (result, problem) == (rows(("Niñas, niños y adolescentes", "S/C")), "")


def test_unpaired_or_ambiguous_beneficiaries_stay_whole_with_a_problem() -> None:
    result, problem = pair_beneficiaries(
        "SE's, CAE's y ciudadanía participante.", "690, 4,800, 1,663, 500"
    )
    assert result == rows(("SE's, CAE's y ciudadanía participante", "690, 4,800, 1,663, 500"))
    assert "se guardaron juntos" in problem
    # '3,340' is either one quantity or two: both readings pair, so neither is chosen.
    result, problem = pair_beneficiaries(
        "Órgano Central, Órganos Desconcentrados y Mesas Directivas de Casilla.", "3,340, S/C"
    )
    assert len(result) == 1 and "más de una forma" in problem
    # '5,800 E' is one estimate for the whole group, or 5 and 800 for two of its parts.
    result, problem = pair_beneficiaries("Niñas, niños y adolescentes.", "5,800 E")
    assert result == rows(("Niñas, niños y adolescentes", "5,800 E"))
    assert "más de una forma" in problem


def test_a_lone_type_or_quantity_is_kept_and_reported() -> None:
    assert pair_beneficiaries("IEEM.", "") == (
        rows(("IEEM", "")),
        "Tipo de beneficiario «IEEM» sin cantidad.",
    )
    result, problem = pair_beneficiaries("", "S/C")
    assert result == rows(("", "S/C")) and "sin tipo" in problem
    assert pair_beneficiaries("", "") == ([], "")


def test_is_quantity() -> None:
    for text in ("S/C", "8E", "8 E", "1, S/C, S/C, 8E y S/C", "16, 1, 1.", "2,300", "SC, 13E, 1"):
        assert is_quantity(text), text
    for text in ("IEEM.", "Reporte", "1 IEEM", "Consejo General"):
        assert not is_quantity(text), text


# -- parse_paa on small texts -------------------------------------------------------------

HEADER = (
    "Cantidad Anual\tEne\tFeb\tMar\tAbr\tMay\tJun\tJul\tAgo\tSep\tOct\tNov\tDic\t"
    "Tipo de Beneficiarios/Destinatarios\tCantidad"
)
EMPTY = "\t" * 12


def source(*lines: str, name: str = "otro.txt") -> SourceText:
    return SourceText(name=name, lines=list(lines), sha256="0")


def document(
    *detail: str, title: str = "Programa Anual de Actividades 2031", declared: int = 2
) -> SourceText:
    return source(
        title,
        "Subprograma 07: Gestión.",
        "Área: Dirección X",
        "Objetivo General:",
        "Que todo funcione.",
        "Clave\tProyectos Específicos:\tActiv.",
        f"0701\tProyecto uno.\t{declared}",
        f"Total:\t\t{declared}",
        "Marco Legal: Código local.",
        "",
        HEADER,
        "0701\tProyecto uno." + EMPTY,
        *detail,
    )


def test_another_institutions_file_in_the_same_layout() -> None:
    parsed = parse_paa(
        document(
            f"070101\tHacer algo.{EMPTY}\tInforme\t",
            "\t24\t2\t2\t2\t2\t2\t2\t2\t2\t2\t2\t2\t2\tCiudadanía.\tS/C",
            "Programa Anual de Actividades 2031",  # page header between an activity and the next
            HEADER,
            "070102\tHacer otra cosa.\t3\t0\t0\t1\t0\t0\t1\t0\t0\t1\t0\t0\t0\tSesión\t",
            "\t\t\t\t\t\t\t\t\t\t\t\t\t\t45",
            f"070103\t2 informes al año.{EMPTY}\tInforme",
            "",
            "INSTITUTO ELECTORAL DEL ESTADO DE ALGÚN LUGAR",  # page break before the figures
            HEADER,
            "2\t0\t0\t0\t0\t0\t1\t0\t0\t0\t0\t0\t1\tIEEM.\t1",
            declared=3,
        )
    )
    assert parsed.year == 2031
    (sp,) = parsed.subprograms
    assert (sp.key, sp.name, sp.area_label, sp.objective) == (
        "07", "Gestión.", "Dirección X", "Que todo funcione."
    )  # fmt: skip
    assert sp.legal_framework == "Código local."
    first, second, third = parsed.activities()
    assert (first.unit, first.annual, len(first.months)) == ("Informe", 24, 12)
    assert first.beneficiaries == rows(("Ciudadanía", "S/C"))
    assert (second.unit, second.annual, second.months[12]) == ("Sesión", 3, 0)
    assert second.beneficiaries == rows(("", "45"))
    assert (third.description, third.unit, third.annual) == ("2 informes al año.", "Informe", 2)
    assert third.months[6] == 1 and third.beneficiaries == rows(("IEEM", "1"))
    assert [f.code for f in parsed.findings] == ["beneficiaries_unpaired"]


def test_declared_counts_that_differ_are_findings() -> None:
    parsed = parse_paa(
        document(
            f"070101\tHacer algo.{EMPTY}\tInforme\t", "\t1\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"
        )
    )
    codes = {(f.code, f.line) for f in parsed.findings}
    assert ("count_mismatch", 7) in codes  # the project row declares 2
    assert ("count_mismatch", 8) in codes  # the subprogram total declares 2


def test_not_this_layout() -> None:
    with pytest.raises(ImportFailure, match="no parece un Programa Anual de Actividades"):
        parse_paa(source("Objetivos y metas", "2024\tÁrea\tObjetivo"))
    with pytest.raises(ImportFailure, match="ninguna actividad"):
        parse_paa(source("Subprograma 01: Algo.", "Área: X"))


def test_an_activity_without_its_figures_at_the_end_is_a_truncated_file() -> None:
    with pytest.raises(ImportFailure) as exc:
        parse_paa(
            document(
                f"070101\tHacer algo.{EMPTY}\tInforme\t",
                "\t1\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\tIEEM.\t1",
                f"070102\tHacer otra cosa.{EMPTY}\tInforme\t",
            )
        )
    assert str(exc.value).startswith("otro.txt:15: ")
    assert "truncado" in str(exc.value)


def test_no_year_in_the_title_is_not_a_parse_error() -> None:
    parsed = parse_paa(
        document(
            f"070101\tHacer algo.{EMPTY}\tInforme\t",
            "\t1\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\tIEEM.\t1",
            title="Programa de trabajo",
        )
    )
    assert parsed.year is None

"""Shapes of other institutions' PAA texts in the same layout.

Each document is small and written for its test: the blank annual and month cells, the
descriptions wrapped over several lines, a key that fits nowhere, other wordings of the
header and a Windows-1252 text.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from rumbo.audit.services import Actor
from rumbo.imports.base import ImportFailure, SourceText
from rumbo.imports.models import ImportRun, QualityFinding
from rumbo.imports.paa import ParsedBeneficiary, import_paa, parse_paa
from rumbo.programs.models import Activity
from tests.imports.test_paa_rules import EMPTY, HEADER, document

MONTHS_2 = "\t".join(["2"] * 12)


def activity_findings(activity: Activity) -> list[QualityFinding]:
    return list(
        QualityFinding.objects.filter(object_id=activity.pk, object_label__startswith="Act")
    )


def findings(parsed, key: str) -> list[tuple[str, int | None, str]]:  # type: ignore[no-untyped-def]
    return [(f.code, f.line, f.message) for f in parsed.findings if f.object_label.endswith(key)]


# -- 5. other wordings of the header and other encodings ----------------------------------


@pytest.mark.parametrize(
    "wording",
    ["Meta Anual", "Meta anual", "Cantidad anual programada", "Total anual", "META ANUAL"],
)
def test_the_annual_column_may_be_headed_with_a_synonym(wording: str) -> None:
    header = HEADER.replace("Cantidad Anual", wording)
    lines = list(
        document(f"070101\tHacer algo.{EMPTY}\tInforme\t", f"\t24\t{MONTHS_2}\tIEEM.\t1").lines
    )
    lines[lines.index(HEADER)] = header
    parsed = parse_paa(SourceText(name="otro.txt", lines=lines, sha256="0"))
    (activity,) = parsed.activities()
    assert (activity.unit, activity.annual, activity.months) == (
        "Informe", 24, {m: 2 for m in range(1, 13)}
    )  # fmt: skip
    assert activity.beneficiaries == [ParsedBeneficiary("IEEM", "1")]


def test_a_sentence_that_starts_like_a_synonym_is_not_the_header() -> None:
    lines = list(
        document(f"070101\tHacer algo.{EMPTY}\tInforme\t", f"\t24\t{MONTHS_2}\tIEEM.\t1").lines
    )
    lines[lines.index(HEADER)] = "Meta anual de la institución: atender a todos."
    with pytest.raises(ImportFailure, match="ninguna actividad"):
        parse_paa(SourceText(name="otro.txt", lines=lines, sha256="0"))


def small_text() -> str:
    return "\n".join(
        document(
            f"070101\tDifusión en español y atención ciudadana.{EMPTY}\tCampaña\t",
            f"\t24\t{MONTHS_2}\tNiñas, niños y jóvenes.\tS/C",
            declared=1,
        ).lines
    )


def run(path: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    return import_paa(path, institution_code="OTRO", actor=Actor.cli(), **kwargs)  # type: ignore[arg-type]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("encoding", "prefix", "label"),
    [
        ("utf-8", b"", "UTF-8"),
        ("utf-8", b"\xef\xbb\xbf", "UTF-8 con BOM"),
        ("cp1252", b"", "Windows-1252"),
    ],
)
def test_utf8_with_or_without_bom_then_windows_1252(
    tmp_path: Path, encoding: str, prefix: bytes, label: str
) -> None:
    path = tmp_path / "paa.txt"
    path.write_bytes(prefix + small_text().encode(encoding))
    report = run(path)
    activity = Activity.objects.select_related("unit").get()
    assert activity.description == "Difusión en español y atención ciudadana."
    assert activity.unit is not None and activity.unit.name == "Campaña"
    assert [(b.description, b.quantity) for b in activity.beneficiaries.all()] == [
        ("Niñas, niños y jóvenes", "S/C")
    ]
    assert report.encoding == label
    assert report.to_dict()["encoding"] == label
    assert f"  codificación: {label}\n" in report.to_text()


@pytest.mark.django_db
def test_bytes_of_neither_encoding_are_refused_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "malo.txt"
    # 0x81 is undefined in Windows-1252 and invalid in UTF-8.
    path.write_bytes(small_text().encode("cp1252") + b"\n\x81")
    with pytest.raises(ImportFailure) as exc:
        run(path)
    line = small_text().count("\n") + 2
    assert str(exc.value) == (
        f"malo.txt:{line}: el texto no está en UTF-8 ni en Windows-1252 (byte 0x81); guárdelo "
        "en UTF-8"
    )
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_utf8_with_a_few_bytes_of_another_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mezcla.txt"
    # Read as Windows-1252, every «ó» of the UTF-8 part would become «Ã³»: refuse instead.
    path.write_bytes(small_text().encode("utf-8") + "\nAtención".encode("cp1252"))
    with pytest.raises(ImportFailure) as exc:
        run(path)
    line = small_text().count("\n") + 2
    assert str(exc.value) == (
        f"mezcla.txt:{line}: el texto mezcla UTF-8 con otra codificación (byte 0xf3); "
        "guárdelo de nuevo en UTF-8"
    )


# -- 3. a key-like line that fits nowhere ---------------------------------------------------


def test_a_key_that_lost_a_digit_is_reported_even_when_the_counts_agree() -> None:
    parsed = parse_paa(
        document(
            f"070101\tHacer algo.{EMPTY}\tInforme\t",
            f"\t24\t{MONTHS_2}\tIEEM.\t1",
            f"07010\tHacer otra cosa.{EMPTY}\tReporte\t",  # 070102 without its last digit
            "\t12\t1\t1\t1\t1\t1\t1\t1\t1\t1\t1\t1\t1\tINE.\t1",
            declared=1,  # the printed counts agree with what is read: 1 activity
        )
    )
    (activity,) = parsed.activities()
    assert (activity.key, activity.annual, activity.months) == (
        "070101", 24, {m: 2 for m in range(1, 13)}
    )  # fmt: skip
    # The figures of the lost line are not appended to the activity above.
    assert activity.beneficiaries == [ParsedBeneficiary("IEEM", "1")]
    assert [(f.code, f.line, f.message) for f in parsed.findings] == [
        (
            "unparsed_line",
            15,
            "La línea empieza con «07010», que parece una clave pero no es la de un proyecto "
            "(4 dígitos) ni la de una actividad (6 dígitos); no se importó: «07010 Hacer "
            "otra cosa. Reporte».",
        ),
        (
            "unparsed_line",
            16,
            "Línea fuera de cualquier actividad: «12 1 1 1 1 1 1 1 1 1 1 1 1 INE. 1».",
        ),
    ]


def test_a_key_line_in_the_summary_table_that_is_no_project_key_is_reported() -> None:
    lines = list(
        document(f"070101\tHacer algo.{EMPTY}\tInforme\t", f"\t24\t{MONTHS_2}\tIEEM.\t1").lines
    )
    assert lines[6] == "0701\tProyecto uno.\t2"
    lines.insert(7, "07020\tProyecto dos.\t1")
    parsed = parse_paa(SourceText(name="otro.txt", lines=lines, sha256="0"))
    assert ("unparsed_line", 8) in [(f.code, f.line) for f in parsed.findings]
    (finding,) = [f for f in parsed.findings if f.line == 8]
    assert finding.message == (
        "La línea empieza con «07020», que parece una clave pero no es la de un proyecto "
        "(4 dígitos); no se importó: «07020 Proyecto dos. 1»."
    )


# -- 1. blank cells -------------------------------------------------------------------------


def twelve(*values: object) -> str:
    return "\t".join(str(v) for v in values)


def test_a_blank_annual_cell_keeps_the_twelve_months_in_their_columns() -> None:
    parsed = parse_paa(
        document(
            f"070101\tHacer algo.{EMPTY}\tInforme\t",
            f"\t\t{twelve(3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2)}\tCiudadanía.\tS/C",
            declared=1,
        )
    )
    (activity,) = parsed.activities()
    assert activity.annual is None  # unknown: never January, never 0
    assert activity.months == dict(
        zip(range(1, 13), [Decimal(v) for v in (3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2)], strict=True)
    )
    assert activity.calendar_as_printed == "3 | 1 | 1 | 1 | 1 | 1 | 1 | 1 | 1 | 1 | 1 | 2"
    assert activity.beneficiaries == [ParsedBeneficiary("Ciudadanía", "S/C")]
    assert findings(parsed, "070101") == [
        (
            "empty_required",
            14,
            "La celda de la cantidad anual está vacía; la cantidad anual queda sin dato (los "
            "meses suman 15). Se guardaron los 12 meses en su columna.",
        )
    ]


def test_a_blank_month_cell_keeps_the_other_months_in_their_columns() -> None:
    parsed = parse_paa(
        document(
            f"070101\tHacer algo.{EMPTY}\tInforme\t",
            f"\t24\t{twelve(2, '', 2, 2, 2, 2, 2, 2, 2, 2, '', 2)}\tIEEM.\t1",
            declared=1,
        )
    )
    (activity,) = parsed.activities()
    assert activity.annual == 24
    assert activity.months == {m: 2 for m in range(1, 13) if m not in (2, 11)}
    assert activity.calendar_as_printed == "2 |  | 2 | 2 | 2 | 2 | 2 | 2 | 2 | 2 |  | 2"
    assert findings(parsed, "070101") == [
        (
            "empty_required",
            14,
            "Las celdas de Feb, Nov en el calendario están vacías y quedan sin dato. Los demás "
            "suman 20 y la cantidad anual es 24; faltarían 4. Se guardaron 10 meses (Ene, "
            "Mar, Abr, May, Jun, Jul, Ago, Sep, Oct, Dic) en su columna.",
        )
    ]


def test_a_full_row_whose_months_do_not_add_up_is_a_sum_mismatch() -> None:
    parsed = parse_paa(
        document(
            f"070101\tHacer algo.{EMPTY}\tInforme\t",
            f"\t25\t{MONTHS_2}\tIEEM.\t1",
            declared=1,
        )
    )
    (activity,) = parsed.activities()
    assert (activity.annual, activity.months) == (25, {m: 2 for m in range(1, 13)})
    assert [code for code, _, _ in findings(parsed, "070101")] == ["sum_mismatch"]


def test_a_blank_annual_that_left_no_cell_is_ambiguous_and_nothing_is_guessed() -> None:
    # The same figures without the empty cell: 2 may be the annual (and a month is lost)
    # or January (and the annual is blank). The eleven after it add up to more than 2.
    parsed = parse_paa(
        document(
            f"070101\tHacer algo.{EMPTY}\tInforme\t",
            f"\t{MONTHS_2}\tCiudadanía.\tS/C",
            declared=1,
        )
    )
    (activity,) = parsed.activities()
    assert (activity.annual, activity.months) == (None, {})
    assert findings(parsed, "070101") == [
        (
            "missing_months",
            14,
            "El primer número, 2, se leyó como cantidad anual, pero los 11 valores mensuales "
            "que le siguen (2 | 2 | 2 | 2 | 2 | 2 | 2 | 2 | 2 | 2 | 2) suman 22, más que esa "
            "cantidad: o la celda de la cantidad anual está vacía y ese número es Ene, o falta "
            "un mes y alguna cifra está mal. La cantidad anual y el calendario quedan sin "
            "dato; revíselos contra el documento.",
        )
    ]


def test_a_row_with_a_cell_merged_is_read_in_order_as_before() -> None:
    # One cell fewer than the header (Dic lost into the beneficiaries): the geometry is
    # ambiguous, so the blank cell's month is not assumed; the lost-column rule applies.
    parsed = parse_paa(
        document(
            f"070101\tHacer algo.{EMPTY}\tInforme\t",
            f"\t12\t\t{twelve(*[1] * 10)}\tIEEM.\t1",
            declared=1,
        )
    )
    (activity,) = parsed.activities()
    assert (activity.annual, activity.months) == (12, {})
    assert [code for code, _, _ in findings(parsed, "070101")] == ["missing_months"]


@pytest.mark.django_db
def test_a_blank_annual_is_stored_as_unknown(tmp_path: Path) -> None:
    path = tmp_path / "paa.txt"
    text = "\n".join(
        document(
            f"070101\tHacer algo.{EMPTY}\tInforme\t",
            f"\t\t{MONTHS_2}\tCiudadanía.\tS/C",
            declared=1,
        ).lines
    )
    path.write_text(text, encoding="utf-8")
    run(path)
    activity = Activity.objects.get()
    assert activity.annual_target is None
    assert {m.month: m.quantity for m in activity.monthly_targets.all()} == {
        m: 2 for m in range(1, 13)
    }
    (finding,) = activity_findings(activity)
    assert (finding.code, finding.source_line) == ("empty_required", 14)


# -- 2. descriptions wrapped over several lines ----------------------------------------------


def test_wrapped_descriptions_and_units_are_joined_by_column() -> None:
    parsed = parse_paa(
        document(
            # Three lines of description; the figures on a line of their own.
            f"070101\tElaborar el informe mensual{EMPTY}\tInforme\t",
            "\tde avance del programa, con las\t",
            "\tobservaciones de las áreas.",
            f"\t24\t{MONTHS_2}\tÁreas del instituto.\t12",
            # The unit wrapped too: its second line in the unit's column.
            f"070102\tIntegrar la base de datos de{EMPTY}\tBase de\t",
            f"\tlas consultas atendidas.{EMPTY}\tDatos\t",
            f"\t12\t{twelve(*[1] * 12)}\tCiudadanía.\tS/C",
            # The key line without unit: the unit comes on the continuation line.
            "070103\tAtender las solicitudes de",
            f"\tinformación pública.{EMPTY}\tSolicitud\t",
            f"\t\t{MONTHS_2}\tPersonas solicitantes.\tS/C",
            # The figures go on after the description's second line.
            f"070104\tPublicar los acuerdos{EMPTY}\tAcuerdo\t",
            f"\taprobados.\t6\t{twelve(1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0)}\tConsejo General.\t1",
            declared=4,
        )
    )
    first, second, third, fourth = parsed.activities()
    assert (first.description, first.unit, first.annual) == (
        "Elaborar el informe mensual de avance del programa, con las observaciones de las áreas.",
        "Informe",
        24,
    )
    assert first.months == {m: 2 for m in range(1, 13)}
    assert first.beneficiaries == [ParsedBeneficiary("Áreas del instituto", "12")]
    assert (second.description, second.unit, second.annual) == (
        "Integrar la base de datos de las consultas atendidas.", "Base de Datos", 12
    )  # fmt: skip
    assert second.beneficiaries == [ParsedBeneficiary("Ciudadanía", "S/C")]
    assert (third.description, third.unit, third.annual) == (
        "Atender las solicitudes de información pública.", "Solicitud", None
    )  # fmt: skip
    assert third.months == {m: 2 for m in range(1, 13)}
    assert third.beneficiaries == [ParsedBeneficiary("Personas solicitantes", "S/C")]
    assert (fourth.description, fourth.unit, fourth.annual) == (
        "Publicar los acuerdos aprobados.", "Acuerdo", 6
    )  # fmt: skip
    assert fourth.months == dict(zip(range(1, 13), [Decimal(v) for v in (1, 0) * 6], strict=True))
    assert fourth.beneficiaries == [ParsedBeneficiary("Consejo General", "1")]
    # Only the blank annual of 070103 is a finding: no missing unit, no empty figures.
    assert [(f.code, f.object_label) for f in parsed.findings] == [
        ("empty_required", "Actividad 070103")
    ]


def test_text_of_a_continuation_line_outside_the_units_column_is_reported() -> None:
    parsed = parse_paa(
        document(
            f"070101\tElaborar el informe{EMPTY}\tInforme\t",
            "\tmensual.\t\t\tanual",
            f"\t24\t{MONTHS_2}\tIEEM.\t1",
            declared=1,
        )
    )
    (activity,) = parsed.activities()
    assert (activity.description, activity.unit) == ("Elaborar el informe mensual.", "Informe")
    assert activity.beneficiaries == [ParsedBeneficiary("IEEM", "1")]
    assert findings(parsed, "070101") == [
        (
            "unparsed_line",
            14,
            "«anual», en una línea que continúa la descripción, no está en la columna de la "
            "unidad de medida; no se usó.",
        )
    ]


@pytest.mark.django_db
def test_the_import_command_says_which_encoding_it_read(tmp_path: Path) -> None:
    path = tmp_path / "paa.txt"
    path.write_bytes(small_text().encode("cp1252"))
    out = io.StringIO()
    call_command("rumbo_import", "paa", str(path), "--institution", "OTRO", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:2] == [
        "Importación completada: paa · paa.txt · OTRO · 2031",
        "  codificación: Windows-1252",
    ]
    out = io.StringIO()
    call_command(
        "rumbo_import", "paa", str(path), "--institution", "OTRO", "--format", "json", stdout=out
    )
    assert json.loads(out.getvalue())["encoding"] == "Windows-1252"
    assert ImportRun.objects.latest("pk").summary["encoding"] == "Windows-1252"

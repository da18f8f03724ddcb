"""Importing the IEEM Programa Anual de Actividades 2024 (data/samples/003)."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.audit.services import Actor
from rumbo.core.numbers import parse_number
from rumbo.imports.base import ImportFailure, ImportReport
from rumbo.imports.models import FindingStatus, ImportRun, QualityFinding
from rumbo.imports.paa import import_paa
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.services import area_resolve_many
from rumbo.programs.models import (
    Activity,
    AnnualProgram,
    Beneficiary,
    MonthlyTarget,
    ProgramNode,
    UnitOfMeasure,
)

NAME = "003_f85b278706467e27.txt"


def run(path: Path, code: str = "IEEM", **kwargs: object) -> ImportReport:
    return import_paa(path, institution_code=code, actor=Actor.cli(), **kwargs)  # type: ignore[arg-type]


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def write(tmp_path: Path, lines: list[str], name: str = NAME) -> Path:
    target = tmp_path / name
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


def months_of(activity: Activity) -> dict[int, Decimal]:
    return {m.month: m.quantity for m in activity.monthly_targets.all()}


def people_of(activity: Activity) -> list[tuple[str, str]]:
    return [(b.description, b.quantity) for b in activity.beneficiaries.all()]


def findings_of(key: str) -> set[tuple[str, int | None]]:
    return {
        (f.code, f.source_line)
        for f in QualityFinding.objects.filter(object_label__endswith=f" {key}")
    }


@pytest.fixture
def imported(paa_file: Path) -> ImportReport:
    return run(paa_file)


# -- the real document ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_whole_program_is_loaded(imported: ImportReport) -> None:
    program = AnnualProgram.objects.get()
    assert (program.institution.code, program.year) == ("IEEM", 2024)
    assert program.name == "Programa Anual de Actividades 2024"
    assert program.level_names == ["Subprograma", "Proyecto", "Actividad"]
    assert program.source_file == NAME
    assert ProgramNode.objects.filter(depth=0).count() == 13
    assert ProgramNode.objects.filter(depth=1).count() == 86
    assert Activity.objects.count() == 318
    assert imported.created["subprograma"] == 13
    assert imported.created["proyecto"] == 86
    assert imported.created["actividad"] == 318
    assert imported.year == 2024
    assert ImportRun.objects.get().summary["created"]["actividad"] == 318


@pytest.mark.django_db
def test_subprograms_carry_area_objective_and_legal_framework(imported: ImportReport) -> None:
    sp = ProgramNode.objects.get(key="01")
    assert sp.name == "Coordinación y supervisión de la gestión institucional."
    assert sp.area is not None and sp.area.name == "Secretaría Ejecutiva"
    assert sp.objective.startswith("Las áreas institucionales, tienen coordinación")
    assert sp.legal_framework.startswith("Constitución Política de los Estados Unidos")
    assert sp.source_line == 174
    # «Marco Legal:» alone on its line, the text below.
    assert ProgramNode.objects.get(key="04").legal_framework.startswith("Artículos 1, 34")
    assert Area.objects.filter(institution__code="IEEM").count() == 13
    project = ProgramNode.objects.get(key="0101")
    assert (project.depth, project.parent, project.source_line) == (1, sp, 207)
    assert project.name.startswith("Solicitudes de las áreas institucionales")
    activity = Activity.objects.get(key="010101")
    assert (activity.node, activity.area) == (project, sp.area)


@pytest.mark.django_db
def test_activity_with_a_value_glued_to_the_beneficiaries(imported: ImportReport) -> None:
    # 209: \t4,060\t260\t…\t180\t120 Áreas administrativas del IEEM, INE, …\t13,1,S/C, S/C
    a = Activity.objects.select_related("unit").get(key="010101")
    assert a.unit is not None and a.unit.name == "Solicitud"
    assert a.annual_target == 4060
    assert a.source_line == 208
    assert list(months_of(a).values()) == [
        260,
        330,
        580,
        600,
        600,
        400,
        180,
        200,
        250,
        360,
        180,
        120,
    ]
    assert (
        a.calendar_as_printed
        == "260 | 330 | 580 | 600 | 600 | 400 | 180 | 200 | 250 | 360 | 180 | 120"
    )
    assert people_of(a) == [
        ("Áreas administrativas del IEEM", "13"),
        ("INE", "1"),
        ("Fiscalías", "S/C"),
        ("Tribunales", "S/C"),
    ]
    assert findings_of("010101") == {("value_glued_to_text", 209)}


@pytest.mark.django_db
def test_activities_with_fractions(imported: ImportReport) -> None:
    a = Activity.objects.select_related("unit").get(key="120203")  # 1308: 1\t0.33\t0.33\t0.34\t0…
    assert a.unit is not None and a.unit.name == "Certificación"
    assert a.annual_target == 1
    assert months_of(a) == {1: Decimal("0.33"), 2: Decimal("0.33"), 3: Decimal("0.34")} | {
        m: 0 for m in range(4, 13)
    }
    assert people_of(a) == [("Servidoras públicas electorales de la UCTIGEVP", "15")]
    assert findings_of("120203") == set()
    b = Activity.objects.get(key="120204")  # 0.08 × 11 and 0.12
    assert months_of(b) == {m: Decimal("0.08") for m in range(1, 12)} | {12: Decimal("0.12")}
    # 1285: 0.08 × 10 and 0.12 add up to 0.92: the lost 0.08 fits anywhere in Ene–Nov.
    c = Activity.objects.get(key="120104")
    assert months_of(c) == {m: Decimal("0.08") for m in range(1, 11)}
    assert findings_of("120104") == {("missing_months", 1285)}


@pytest.mark.django_db
def test_activity_with_thousands(imported: ImportReport) -> None:
    a = Activity.objects.get(key="080104")  # \t132,000\t20,000\t…\t0 Población del Estado…
    assert a.annual_target == 132000
    assert list(months_of(a).values()) == [
        20000, 20000, 20500, 20500, 20500, 30500, 0, 0, 0, 0, 0, 0
    ]  # fmt: skip
    assert people_of(a) == [("Población del Estado de México", "16,992,418")]
    assert findings_of("080104") == {("value_glued_to_text", 973)}


@pytest.mark.django_db
def test_activities_with_eleven_months(imported: ImportReport) -> None:
    # 1,120 = 160 × 7 + 0 × 4: the lost value is 0, so only Sep–Dic are certain.
    a = Activity.objects.get(key="010701")
    assert a.annual_target == 1120
    assert months_of(a) == {9: 0, 10: 0, 11: 0, 12: 0}
    assert a.calendar_as_printed == " | ".join(["160"] * 7 + ["0"] * 4)
    (finding,) = QualityFinding.objects.filter(object_label="Actividad 010701")
    assert (finding.code, finding.source_line) == ("missing_months", 249)
    assert "1,120" in finding.message and "(Sep, Oct, Nov, Dic)" in finding.message
    # 12 = eleven 1s + the lost 1: every placement gives the same calendar.
    b = Activity.objects.get(key="010402")
    assert months_of(b) == {m: 1 for m in range(1, 13)}
    (finding,) = QualityFinding.objects.filter(object_label="Actividad 010402")
    assert finding.code == "missing_months" and "Se completó el calendario" in finding.message
    # 4 = 0,0,1,0,0,1,0,0,1,0,0: the lost 1 could be anywhere between zeros.
    assert months_of(Activity.objects.get(key="010801")) == {}


@pytest.mark.django_db
def test_activity_without_unit(imported: ImportReport) -> None:
    a = Activity.objects.get(key="020101")
    assert a.unit is None
    assert a.annual_target == 610
    assert people_of(a) == [("IEEM", "1")]
    assert ("missing_unit", 322) in findings_of("020101")


@pytest.mark.django_db
def test_figures_on_the_key_line(imported: ImportReport) -> None:
    # 511: 040101\t…\t24\t2 × 11\tEvento, and the quantity alone on the next line.
    a = Activity.objects.get(key="040101")
    assert a.unit is not None and a.unit.name == "Evento"
    assert months_of(a) == {m: 2 for m in range(1, 13)}
    assert people_of(a) == [("", "S/C")]
    # 520: the twelfth number is the beneficiary quantity (the eleven before add up to 1).
    b = Activity.objects.get(key="040202")
    assert b.unit is None and b.annual_target == 1
    assert months_of(b) == {m: 0 for m in range(7, 13)}
    assert people_of(b) == [("", "2,300")]
    assert {code for code, _ in findings_of("040202")} == {
        "missing_unit", "missing_months", "beneficiaries_unpaired"
    }  # fmt: skip


@pytest.mark.django_db
def test_other_quirks(imported: ImportReport) -> None:
    # A key separated by a space (1189) is still read, with its figures.
    a = Activity.objects.get(key="100402")
    assert (a.source_line, a.annual_target, len(months_of(a))) == (1189, 4, 12)
    assert findings_of("100402") == {("key_format", 1189)}
    # The project line 0905 carries a stray «Reporte»; the activity below has no figures.
    assert findings_of("0905") == {("unparsed_line", 1109)}
    b = Activity.objects.get(key="090501")
    assert (b.annual_target, months_of(b)) == (None, {})  # unknown, never read as zero
    assert people_of(b) == [("Personas de la Unidad de Informática y Estadística", "18")]
    assert findings_of("090501") == {("missing_unit", 1110), ("empty_required", 1110)}
    # Twelve months that do not add up (1015).
    c = Activity.objects.get(key="080304")
    assert len(months_of(c)) == 12
    (finding,) = QualityFinding.objects.filter(object_label="Actividad 080304")
    assert (finding.code, finding.source_line) == ("sum_mismatch", 1015)
    assert "suman 13" in finding.message and "anual es 14" in finding.message
    # The last activity's figures are on the file's last line, with no newline after it.
    assert Activity.objects.get(key="130503").annual_target == 12
    # Units are one catalog per institution: «Reporte» exists once.
    assert UnitOfMeasure.objects.filter(normalized="reporte").count() == 1


@pytest.mark.django_db
def test_every_finding_has_its_line_and_object(imported: ImportReport) -> None:
    codes = imported.findings_by_code()
    assert set(codes) == {
        "beneficiaries_unpaired", "empty_required", "key_format", "missing_months",
        "missing_unit", "sum_mismatch", "unparsed_line", "value_glued_to_text",
    }  # fmt: skip
    assert QualityFinding.objects.count() == len(imported.findings)
    for f in QualityFinding.objects.all():
        assert f.source_line and f.message and f.object_id, f
        assert f.concerns is not None
        key = f.object_label.split()[-1]
        assert key == f.concerns.key
        # The line is the object's key line or one of the lines right after it.
        assert 0 <= f.source_line - f.concerns.source_line <= 1, f


def raw_calendars(lines: list[str]) -> dict[str, tuple[Decimal | None, list[Decimal]]]:
    """Annual and month values of each activity, read from the text without the parser."""
    result: dict[str, tuple[Decimal | None, list[Decimal]]] = {}
    keys = [i for i, line in enumerate(lines) if re.match(r"^\d{6}[\t ]", line)]
    for n, i in enumerate(keys):
        end = keys[n + 1] if n + 1 < len(keys) else len(lines)
        numbers: list[Decimal] = []
        for line in [lines[i].split("\t", 2)[-1], *lines[i + 1 : end]]:
            cells = [c.strip() for c in line.split("\t") if c.strip()]
            numbers = []
            for cell in cells:
                glued = re.match(r"^([\d.,]+) \D", cell)
                value = parse_number(glued.group(1) if glued else cell)
                if value is None:
                    break
                numbers.append(value)
                if glued:
                    break
            if len(numbers) >= 2:
                break
        annual = numbers[0] if numbers else None
        result[lines[i][:6]] = (annual, numbers[1:])
    return result


@pytest.mark.django_db
def test_every_doubtful_calendar_has_a_finding(paa_file: Path, imported: ImportReport) -> None:
    calendars = raw_calendars(lines_of(paa_file))
    assert len(calendars) == 318
    flagged: dict[str, set[str]] = defaultdict(set)
    for f in imported.findings:
        flagged[f.object_label.split()[-1]].add(f.code)
    calendar_codes = {"missing_months", "sum_mismatch", "empty_required"}
    doubtful = 0
    for key, (annual, months) in calendars.items():
        if annual is None or len(months) != 12 or sum(months) != annual:
            doubtful += 1
            assert flagged[key] & calendar_codes, key
        else:
            assert not flagged[key] & calendar_codes, key
            assert list(months_of(Activity.objects.get(key=key)).values()) == months, key
    assert doubtful == imported.findings_by_code()["missing_months"] + 3 + 1


# -- re-importing --------------------------------------------------------------------------


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(paa_file: Path, imported: ImportReport) -> None:
    accepted = QualityFinding.objects.get(object_label="Actividad 080304")
    accepted.status = FindingStatus.ACCEPTED
    accepted.save()
    counts = [m.objects.count() for m in (ProgramNode, Activity, MonthlyTarget, Beneficiary)]
    again = run(paa_file)
    assert not again.created and not again.updated and not again.deleted
    assert again.unchanged == {"programa": 1, "subprograma": 13, "proyecto": 86, "actividad": 318}
    assert len(again.findings) == len(imported.findings)
    assert again.findings_closed == 0
    assert [
        m.objects.count() for m in (ProgramNode, Activity, MonthlyTarget, Beneficiary)
    ] == counts
    assert QualityFinding.objects.count() == len(imported.findings)
    accepted.refresh_from_db()
    assert accepted.status == FindingStatus.ACCEPTED


@pytest.mark.django_db
def test_reimporting_a_changed_file_updates_only_the_changes(
    paa_file: Path, tmp_path: Path
) -> None:
    lines = lines_of(paa_file)
    first = run(write(tmp_path, lines))
    assert first.created["actividad"] == 318
    # One month of 010102 (211) and the beneficiaries of 010202 (218) change; 011301 goes.
    assert lines[210].startswith("\t12\t1\t1\t")
    lines[210] = lines[210].replace("\t12\t1\t1\t", "\t12\t1\t2\t", 1)
    assert lines[217].endswith("3 IEEM.\t1")
    lines[217] = lines[217].replace("3 IEEM.\t1", "3 IEEM, INE.\t1, 1")
    assert lines[289].startswith("011301") and lines[290].startswith("\t12")
    del lines[289:291]
    second = run(write(tmp_path, lines))
    assert second.updated == {"actividad": 2}
    assert second.deleted == {"actividad": 1}
    assert not second.created
    assert Activity.objects.count() == 317
    assert months_of(Activity.objects.get(key="010102"))[2] == 2
    assert people_of(Activity.objects.get(key="010202")) == [("IEEM", "1"), ("INE", "1")]
    # Activities after the deleted lines moved up two lines: kept current, not "updated".
    assert second.unchanged["actividad"] == 315
    assert Activity.objects.get(key="130503").source_line == 1414
    # Findings of the deleted activity are closed, not lost.
    assert second.findings_closed >= 1


# -- dry run and failures ------------------------------------------------------------------


@pytest.mark.django_db
def test_dry_run_writes_nothing(paa_file: Path) -> None:
    report = run(paa_file, dry_run=True)
    assert report.dry_run and report.created["actividad"] == 318
    assert len(report.findings) > 300
    for model in (Institution, AnnualProgram, ProgramNode, Activity, MonthlyTarget, Area):
        assert not model.objects.exists(), model
    assert not QualityFinding.objects.exists() and not ImportRun.objects.exists()


@pytest.mark.django_db
def test_year_comes_from_the_title_or_from_the_caller(paa_file: Path, tmp_path: Path) -> None:
    report = run(paa_file, year=2025)
    program = AnnualProgram.objects.get()
    assert program.year == 2025
    finding = QualityFinding.objects.get(code="year_mismatch")
    assert (finding.source_line, finding.concerns) == (3, program)
    assert "2025" in finding.message and "2024" in finding.message
    assert report.findings_by_code()["year_mismatch"] == 1
    lines = [
        line for line in lines_of(paa_file) if not line.startswith("Programa Anual de Actividades")
    ]
    with pytest.raises(ImportFailure, match="--year") as exc:
        run(write(tmp_path, lines))
    assert str(exc.value).startswith(f"{NAME}: ")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no existe"),
        (b"", "vac\u00edo"),
        (b"\x00\x01PK\x03\x04binary", "binario"),
        (
            b"Programa Anual de Actividades 2024\nSubprograma 01: Algo.\n",
            "ninguna actividad",
        ),
    ],
)
def test_bad_files_are_refused(tmp_path: Path, content: bytes | None, expected: str) -> None:
    path = tmp_path / "malo.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ImportFailure, match=expected) as exc:
        run(path)
    assert "malo.txt" in str(exc.value)
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_another_layout_is_refused(sipot_iv_file: Path) -> None:
    with pytest.raises(ImportFailure) as exc:
        run(sipot_iv_file)
    assert str(exc.value) == (
        f"{sipot_iv_file.name}: no parece un Programa Anual de Actividades: no tiene "
        "secciones «Subprograma NN:»"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("keep", "line", "why"),
    [
        (230, 157, "subprograma 02"),  # the structure table announces 13 subprograms
        (1416, 1416, "actividad 130503 sin sus cantidades"),  # key line, figures cut off
        (1398, 1347, "proyecto 1303"),  # the summary of subprogram 13 announces 1303–1305
    ],
)
def test_truncated_files_are_refused(
    paa_file: Path, tmp_path: Path, keep: int, line: int, why: str
) -> None:
    path = write(tmp_path, lines_of(paa_file)[:keep])
    with pytest.raises(ImportFailure) as exc:
        run(path)
    assert str(exc.value).startswith(f"{NAME}:{line}: ")
    assert why in str(exc.value) and "truncado" in str(exc.value)
    assert not Institution.objects.exists()


@pytest.mark.django_db
def test_declared_counts_are_checked(paa_file: Path, tmp_path: Path) -> None:
    lines = lines_of(paa_file)
    assert lines[182].startswith("0101\t") and lines[182].endswith("\t3")
    lines[182] = lines[182][:-1] + "4"
    report = run(write(tmp_path, lines))
    assert report.findings_by_code()["count_mismatch"] == 1
    (finding,) = QualityFinding.objects.filter(code="count_mismatch")
    assert (finding.source_line, finding.object_label) == (183, "Proyecto 0101")
    assert "declara 4 y se encontraron 3" in finding.message


@pytest.mark.django_db
def test_area_spelled_differently_from_the_canonical_name(paa_file: Path) -> None:
    inst = Institution.objects.create(code="IEEM", name="IEEM")
    Area.objects.create(institution=inst, name="Secretaria ejecutiva", code="SE")
    report = run(paa_file)
    assert report.findings_by_code()["area_alias"] == 1
    finding = QualityFinding.objects.get(code="area_alias")
    assert (finding.source_line, finding.object_label) == (176, "Subprograma 01")
    assert ProgramNode.objects.get(key="01").area.code == "SE"  # type: ignore[union-attr]


# -- cost ----------------------------------------------------------------------------------


def first_subprograms(lines: list[str], count: int) -> list[str]:
    """The document cut after its first ``count`` subprograms, structure table included."""
    following = f"Subprograma {count + 1:02d}:"
    end = next(i for i, line in enumerate(lines) if line.startswith(following))
    kept = [
        line for line in lines[:end] if not (re.match(r"^\d{2}\t", line) and int(line[:2]) > count)
    ]
    return kept


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_file(paa_file: Path, tmp_path: Path) -> None:
    lines = lines_of(paa_file)
    small = write(tmp_path, first_subprograms(lines, 2), "small.txt")
    labels = [line[len("Área: ") :] for line in lines if line.startswith("Área: ")]
    for code in ("SMALL", "FULL"):  # the areas exist, as after a first import
        inst = Institution.objects.create(code=code, name=code)
        area_resolve_many(institution=inst, labels=labels, actor=Actor.cli(), changes=[])
    with CaptureQueriesContext(connection) as few:
        report = run(small, "SMALL")
    assert report.created["actividad"] == 43
    with CaptureQueriesContext(connection) as many:
        report = run(paa_file, "FULL")
    assert report.created["actividad"] == 318
    # 275 more activities, ~2,000 more monthly rows: only a few more bulk batches.
    assert len(many) - len(few) <= 25, (len(few), len(many))
    assert len(many) < 100


@pytest.mark.django_db
def test_accepted_finding_survives_a_reimport_that_shifts_lines(
    paa_file: Path, tmp_path: Path
) -> None:
    import_paa(paa_file, institution_code="SHIFT", year=2024, actor=Actor.cli())
    finding = QualityFinding.objects.filter(institution__code="SHIFT", code="sum_mismatch").first()
    assert finding is not None
    finding.status = FindingStatus.ACCEPTED
    finding.save()
    old_line = finding.source_line
    shifted = tmp_path / paa_file.name
    shifted.write_text("\n\n" + paa_file.read_text(encoding="utf-8"), encoding="utf-8")
    import_paa(shifted, institution_code="SHIFT", year=2024, actor=Actor.cli())
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ACCEPTED
    assert finding.source_line == old_line + 2
    assert not QualityFinding.objects.filter(
        institution__code="SHIFT", status=FindingStatus.RESOLVED
    ).exists()


@pytest.mark.django_db
def test_a_first_number_smaller_than_the_months_after_it_is_not_stored_as_annual(
    imported: ImportReport,
) -> None:
    # 584: \t5\t1\t1\t1\t1\t1\t1\t0\t0\t0\t0\t0\t…: the eleven values add up to 6. The 5 is
    # the annual with a month lost, or January under a blank annual: neither is guessed.
    a = Activity.objects.get(key="041002")
    assert (a.annual_target, months_of(a)) == (None, {})
    (finding,) = QualityFinding.objects.filter(
        object_label="Actividad 041002", code="missing_months"
    )
    assert finding.source_line == 584
    assert finding.message.startswith("El primer número, 5, se leyó como cantidad anual")

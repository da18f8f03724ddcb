from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.audit.services import Actor
from rumbo.core.text import normalize
from rumbo.imports.base import ImportFailure, read_text_file
from rumbo.imports.models import FindingStatus, ImportRun, QualityFinding
from rumbo.imports.sipot_objectives import (
    YEAR_MISMATCH_CODE,
    import_sipot_objectives,
    parse_sipot_objectives,
)
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.services import area_resolve_many
from rumbo.programs.models import AreaObjective
from tests.imports.documents import FrIvRow, fr_iv_document

# The sample's columns, by position (the importer finds them by header text instead).
YEAR, START, END, AREA, OBJECTIVE, INDICATOR, GOAL, UNIT, LINK, RESPONSIBLE, UPDATED, NOTE = range(
    12
)


def data_lines(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of each data row, found without the importer's code."""
    out = []
    for number, text in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        cells = text.split("\t")
        if len(cells) == 12 and cells[0].strip() != "Ejercicio":
            out.append((number, cells))
    return out


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def edited(tmp_path: Path, source: Path, name: str, changes: dict[int, dict[int, str]]) -> Path:
    """Copy of ``source`` with cells replaced: {line number: {column: new text}}."""
    lines = source.read_text(encoding="utf-8").split("\n")
    for number, cells_changed in changes.items():
        cells = lines[number - 1].split("\t")
        for column, value in cells_changed.items():
            cells[column] = value
        lines[number - 1] = "\t".join(cells)
    return write_lines(tmp_path / name, lines)


def lines_with(report, code: str, text: str = "") -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(f.line for f in report.findings if f.code == code and text in f.message)


SPELLING_GROUPS = [
    ["(DEAPF)", "(DEAPYF)", "(DEAPyF)"],
    ["Geoespacial (DEOEG)", "Geostadística (DEOEG)", "(DEOEyG)"],
    ["Unidad Teórica de Asuntos Jurídicos", "Unidad Técnica de Asuntos Jurídicos"],
    ["(DEGDDHCC)", "(DEGDHCECC)", "(DEGGHECC)", "(DEGHECC)", "(DEGHECJC)", "(DGGDHECC)"],
    ["(UTCSD)", "(UTCSyD)"],
    ["(DEPCYC)", "(DEPCyC)"],
]


# ---------------------------------------------------------------- parse (pure)


def test_parse_reads_every_data_row_in_file_order(sipot_iv_file: Path) -> None:
    expected = data_lines(sipot_iv_file)
    assert len(expected) == 139
    parsed = parse_sipot_objectives(read_text_file(sipot_iv_file, kind_label="x"))
    assert parsed.year == 2024
    assert [r.row_number for r in parsed.rows] == list(range(1, 140))
    assert [r.line for r in parsed.rows] == [n for n, _ in expected]
    first, cells = parsed.rows[0], expected[0][1]
    assert first.area == "Órganos Desconcentrados del 01 al 33"
    assert (first.period_start, first.period_end, first.updated_on) == (
        date(2024, 1, 1),
        date(2024, 12, 31),
        date(2024, 12, 31),
    )
    assert (first.objective, first.indicator, first.goal, first.unit) == (
        cells[OBJECTIVE].strip(),
        cells[INDICATOR].strip(),
        cells[GOAL].strip(),
        "Trimestral",
    )
    assert first.hyperlink == cells[LINK].strip()
    assert first.note.startswith("Las metas y objetivos se vinculan a un solo hipervínculo")


def test_header_variants_of_art_70_are_recognised(tmp_path: Path) -> None:
    header = [
        "EJERCICIO",
        "Fecha de Inicio del Periodo que se Informa",
        "Fecha de Término del Periodo que se Informa",
        "Denominación del área",
        "Descripción breve y clara de cada objetivo",
        "Indicadores asociados",
        "Meta(s) por cada indicador",
        "Unidad de medida por cada meta",
        "Hipervínculo al documento del programa",
        "Áreas responsables que generan, poseen, publican y actualizan la información",
        "Fecha de validación",
        "Fecha de Actualización",
        "Nota",
    ]
    row = [
        "2023",
        "01/01/2023",
        "31/12/2023",
        "Dirección de Organización (DO)",
        "Organizar",
        "Porcentaje de casillas",
        "100 %",
        "Porcentaje",
        "https://www.ieem.org.mx/poa.pdf",
        "Dirección de Organización",
        "15/01/2024",
        "10/01/2024",
    ]  # fmt: skip  (the export dropped the empty Nota)
    path = write_lines(
        tmp_path / "fr-iv.txt",
        ["Formato IV", "\t".join(header), "\t".join(row), "\t".join(header), "\t".join(row)],
    )
    parsed = parse_sipot_objectives(read_text_file(path, kind_label="x"))
    assert parsed.year == 2023
    assert len(parsed.rows) == 2
    got = parsed.rows[0]
    assert (got.area, got.goal, got.unit, got.note) == (
        "Dirección de Organización (DO)", "100 %", "Porcentaje", ""
    )  # fmt: skip
    assert got.updated_on == date(2024, 1, 10)
    assert got.validated_on == date(2024, 1, 15)
    assert [f.code for f in parsed.findings] == ["duplicate_row"]


# ---------------------------------------------------------------- import of the sample


@pytest.mark.django_db
def test_import_stores_139_rows_with_their_areas(sipot_iv_file: Path) -> None:
    report = import_sipot_objectives(sipot_iv_file, institution_code="IECM", actor=Actor.cli())
    assert report.year == 2024
    assert report.created["objetivo de área"] == 139
    rows = list(AreaObjective.objects.select_related("area").order_by("row_number"))
    assert [r.row_number for r in rows] == list(range(1, 140))
    assert {r.year for r in rows} == {2024}
    expected = data_lines(sipot_iv_file)
    assert [r.source_line for r in rows] == [n for n, _ in expected]
    assert [r.area_as_printed for r in rows] == [c[AREA].strip() for _, c in expected]
    assert all(r.source_file == sipot_iv_file.name for r in rows)

    # Every spelling of one area lands on a single area, and different areas stay apart.
    by_spelling: dict[str, set[int]] = defaultdict(set)
    for r in rows:
        by_spelling[r.area_as_printed].add(r.area_id)
    group_areas = []
    for group in SPELLING_GROUPS:
        ids = {i for label, s in by_spelling.items() if any(g in label for g in group) for i in s}
        assert len(ids) == 1, group
        group_areas.append(ids.pop())
    assert len(set(group_areas)) == len(SPELLING_GROUPS)
    assert Area.objects.filter(institution__code="IECM").count() == 13
    assert report.extra["áreas"] == 13


@pytest.mark.django_db
def test_findings_are_on_the_right_lines(sipot_iv_file: Path) -> None:
    report = import_sipot_objectives(sipot_iv_file, institution_code="IECM", actor=Actor.cli())
    expected = data_lines(sipot_iv_file)
    frequencies = {"trimestral", "mensual", "anual", "semestral", "quincenal"}
    assert lines_with(report, "unit_is_frequency") == [
        n for n, c in expected if normalize(c[UNIT]) in frequencies
    ]
    assert len(lines_with(report, "unit_is_frequency")) == 139
    repeats = [n for n, c in expected if normalize(c[GOAL]) == normalize(c[INDICATOR])]
    assert lines_with(report, "meta_not_quantified") == repeats
    assert len(repeats) == 136  # the other three state a different percentage
    off_domain = [n for n, c in expected if not c[LINK].startswith("https://www.iecm.mx/")]
    assert lines_with(report, "suspicious_link") == off_domain
    assert len(off_domain) == 67
    link = next(f for f in report.findings if f.code == "suspicious_link")
    assert "inferido" in link.message and "iecm.mx" in link.message

    seen: dict[tuple[str, ...], int] = {}
    duplicates = []
    for n, c in expected:
        key = tuple(normalize(c[i]) for i in range(12) if i not in (START, END, UPDATED))
        if key in seen:
            duplicates.append((n, seen[key]))
        seen.setdefault(key, n)
    assert duplicates == [(56, 55)]
    (dup,) = [f for f in report.findings if f.code == "duplicate_row"]
    assert dup.line == 56 and "línea 55" in dup.message

    stored = {r.source_line: r for r in AreaObjective.objects.select_related("area")}
    non_canonical = [
        n
        for n, r in sorted(stored.items())
        if r.area_as_printed not in (r.area.name, f"{r.area.name} ({r.area.code})")
    ]
    assert lines_with(report, "area_alias") == non_canonical
    assert len(non_canonical) == 23
    assert set(report.findings_by_code()) == {
        "area_alias", "duplicate_row", "meta_not_quantified", "suspicious_link",
        "unit_is_frequency",
    }  # fmt: skip
    # Findings point at the stored row.
    finding = QualityFinding.objects.get(code="duplicate_row")
    assert finding.concerns == stored[56]
    assert finding.source_line == 56


@pytest.mark.django_db
def test_registered_domains_are_used_and_never_changed_by_an_import(
    sipot_iv_file: Path,
) -> None:
    Institution.objects.create(code="IECM", name="IECM", web_domains=["https://www.iecm.mx"])
    Institution.objects.create(code="OTRO", name="Otro")
    report = import_sipot_objectives(sipot_iv_file, institution_code="IECM", actor=Actor.cli())
    assert len(lines_with(report, "suspicious_link")) == 67
    assert not any("inferido" in f.message for f in report.findings)
    assert report.extra["dominio_inferido"] is False

    other = import_sipot_objectives(sipot_iv_file, institution_code="OTRO", actor=Actor.cli())
    assert Institution.objects.get(code="OTRO").web_domains == []
    (note,) = [f for f in other.findings if f.code == "suspicious_link"]
    assert note.line is None and "«otro»" in note.message


@pytest.mark.django_db
def test_reimport_changes_nothing_and_keeps_review_status(sipot_iv_file: Path) -> None:
    first = import_sipot_objectives(sipot_iv_file, institution_code="IECM", actor=Actor.cli())
    # A fuzzy area match becomes a stored alias; its finding must stay the same one.
    accepted = QualityFinding.objects.filter(code="area_alias", message__contains="Teórica").get()
    accepted.status = FindingStatus.ACCEPTED
    accepted.save()
    pks = list(AreaObjective.objects.order_by("row_number").values_list("pk", "area_id"))
    total = QualityFinding.objects.count()

    second = import_sipot_objectives(sipot_iv_file, institution_code="IECM", actor=Actor.cli())
    assert not second.created and not second.updated and not second.deleted
    assert second.unchanged["objetivo de área"] == 139
    assert second.findings_by_code() == first.findings_by_code()
    assert second.findings_closed == 0
    assert QualityFinding.objects.count() == total
    accepted.refresh_from_db()
    assert accepted.status == FindingStatus.ACCEPTED
    assert list(AreaObjective.objects.order_by("row_number").values_list("pk", "area_id")) == pks
    assert Area.objects.count() == 13


@pytest.mark.django_db
def test_rows_no_longer_in_the_file_are_deleted(tmp_path: Path, sipot_iv_file: Path) -> None:
    import_sipot_objectives(sipot_iv_file, institution_code="IECM", actor=Actor.cli())
    last = data_lines(sipot_iv_file)[-10][0]
    lines = sipot_iv_file.read_text(encoding="utf-8").split("\n")
    shorter = write_lines(tmp_path / sipot_iv_file.name, lines[: last - 1])
    report = import_sipot_objectives(shorter, institution_code="IECM", actor=Actor.cli())
    assert report.deleted == {"objetivo de área": 10}
    assert report.unchanged["objetivo de área"] == 129
    assert AreaObjective.objects.count() == 129


@pytest.mark.django_db
def test_dry_run_writes_nothing(sipot_iv_file: Path) -> None:
    report = import_sipot_objectives(
        sipot_iv_file, institution_code="IECM", actor=Actor.cli(), dry_run=True
    )
    assert report.created["objetivo de área"] == 139
    assert len(report.findings) > 300
    assert not Institution.objects.exists()
    assert not Area.objects.exists()
    assert not AreaObjective.objects.exists()
    assert not QualityFinding.objects.exists()
    assert not ImportRun.objects.exists()


# ---------------------------------------------------------------- cell problems and year rule


@pytest.mark.django_db
def test_cell_problems_become_findings_on_their_line(tmp_path: Path, sipot_iv_file: Path) -> None:
    rows = data_lines(sipot_iv_file)
    (a, _), (b, _), (c, _), (d, _), (e, _) = rows[2:7]
    path = edited(
        tmp_path,
        sipot_iv_file,
        "celdas.txt",
        {
            a: {LINK: "htps//www.iecm.mx/poa.pdf"},
            b: {START: "2024-01-01", UPDATED: "31/02/2024"},
            c: {GOAL: "", UNIT: ""},
            d: {AREA: ""},
            e: {GOAL: "Cumplir con lo programado", INDICATOR: "Porcentaje de avance"},
        },
    )
    report = import_sipot_objectives(path, institution_code="IECM", actor=Actor.cli())
    at = Counter((f.code, f.line) for f in report.findings)
    assert at[("suspicious_link", a)] == 1
    assert "mal formado" in next(
        f.message for f in report.findings if f.line == a and f.code == "suspicious_link"
    )
    assert at[("date_format", b)] == 2
    assert at[("empty_required", c)] == 1
    assert at[("empty_required", d)] == 1
    assert at[("meta_not_quantified", e)] == 1
    assert "no expresa una cantidad" in next(
        f.message for f in report.findings if f.line == e and f.code == "meta_not_quantified"
    )
    assert at[("unit_is_frequency", c)] == 0
    # A row without an area cannot be stored; the others keep their row numbers.
    assert AreaObjective.objects.count() == 138
    assert not AreaObjective.objects.filter(source_line=d).exists()
    assert AreaObjective.objects.get(source_line=b).period_start is None
    assert AreaObjective.objects.get(source_line=e).row_number == 7


@pytest.mark.django_db
def test_ejercicio_of_the_file_wins_and_differences_are_reported(
    tmp_path: Path, sipot_iv_file: Path
) -> None:
    odd = data_lines(sipot_iv_file)[4][0]
    path = edited(tmp_path, sipot_iv_file, "ejercicio.txt", {odd: {YEAR: "2023"}})
    report = import_sipot_objectives(path, institution_code="IECM", actor=Actor.cli())
    assert report.year == 2024
    assert lines_with(report, YEAR_MISMATCH_CODE, "se importó como 2024") == [odd]
    # Its period (2024) is also outside the ejercicio the row claims (2023).
    assert lines_with(report, "date_format", "no está dentro del ejercicio 2023") == [odd]
    assert AreaObjective.objects.get(source_line=odd).year == 2024

    forced = import_sipot_objectives(
        sipot_iv_file, institution_code="IECM", year=2025, actor=Actor.cli()
    )
    assert forced.year == 2025
    assert lines_with(forced, YEAR_MISMATCH_CODE, "se importó como 2025") == [
        n for n, _ in data_lines(sipot_iv_file)
    ]
    assert AreaObjective.objects.filter(year=2025).count() == 139
    assert AreaObjective.objects.filter(year=2024).count() == 139  # another ejercicio untouched


def test_half_and_half_ejercicio_needs_year(tmp_path: Path, sipot_iv_file: Path) -> None:
    rows = data_lines(sipot_iv_file)
    path = edited(
        tmp_path, sipot_iv_file, "mitad.txt", {n: {YEAR: "2023"} for n, _ in rows[: len(rows) // 2]}
    )
    lines = path.read_text(encoding="utf-8").split("\n")
    write_lines(path, [ln for n, ln in enumerate(lines, 1) if n != rows[-1][0]])  # 138 rows
    with pytest.raises(ImportFailure, match="--year"):
        parse_sipot_objectives(read_text_file(path, kind_label="x"))
    parsed = parse_sipot_objectives(read_text_file(path, kind_label="x"), year=2023)
    assert parsed.year == 2023


# ---------------------------------------------------------------- bad files, queries


@pytest.mark.django_db
def test_bad_files_fail_clearly(
    tmp_path: Path, sipot_iv_file: Path, paa_file: Path, pgd_table_file: Path, pgd_text_file: Path
) -> None:
    empty = write_lines(tmp_path / "vacio.txt", ["", "   "])
    binary = tmp_path / "binario.xlsx"
    binary.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")
    lines = sipot_iv_file.read_text(encoding="utf-8").split("\n")
    header_line = next(n for n, t in enumerate(lines, 1) if t.startswith("Ejercicio\t"))
    header_only = write_lines(tmp_path / "encabezado.txt", lines[:header_line])
    cases = [
        (tmp_path / "no-existe.txt", "no existe"),
        (empty, "vacío"),
        (binary, "binario"),
        (paa_file, "no parece el formato"),
        (pgd_table_file, "no parece el formato"),
        (pgd_text_file, "no parece el formato"),
        (header_only, "no tiene filas"),
    ]
    for path, message in cases:
        with pytest.raises(ImportFailure, match=message) as exc:
            import_sipot_objectives(path, institution_code="IECM", actor=Actor.cli())
        assert path.name in str(exc.value)

    last = data_lines(sipot_iv_file)[20][0]
    cut = write_lines(tmp_path / "cortado.txt", [*lines[: last - 1], lines[last - 1][:300]])
    with pytest.raises(ImportFailure, match="truncado") as exc:
        import_sipot_objectives(cut, institution_code="IECM", actor=Actor.cli())
    assert (exc.value.file, exc.value.line) == ("cortado.txt", last)

    mangled = [*lines]
    mangled[header_line - 1] = mangled[header_line - 1].replace("Denominación", "Nombre")
    mangled[header_line - 1] = mangled[header_line - 1].replace("Meta(s)", "Valor")
    path = write_lines(tmp_path / "sin-area.txt", mangled)
    with pytest.raises(ImportFailure, match="Denominación del área, Meta") as exc:
        import_sipot_objectives(path, institution_code="IECM", actor=Actor.cli())
    assert exc.value.line == header_line
    assert not Institution.objects.exists()


@pytest.mark.django_db
def test_a_broken_row_inside_the_file_is_reported_not_fatal(
    tmp_path: Path, sipot_iv_file: Path
) -> None:
    rows = data_lines(sipot_iv_file)
    broken = rows[10][0]
    lines = sipot_iv_file.read_text(encoding="utf-8").split("\n")
    lines[broken - 1] = "\t".join(lines[broken - 1].split("\t")[:5])
    lines.insert(broken, "texto suelto entre filas")
    path = write_lines(tmp_path / "rota.txt", lines)
    report = import_sipot_objectives(path, institution_code="IECM", actor=Actor.cli())
    assert lines_with(report, "unparsed_line") == [broken, broken + 1]
    assert AreaObjective.objects.count() == 138


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_file(tmp_path: Path, sipot_iv_file: Path) -> None:
    lines = sipot_iv_file.read_text(encoding="utf-8").split("\n")
    small = write_lines(tmp_path / "small.txt", lines[: data_lines(sipot_iv_file)[30][0]])
    labels = [c[AREA] for _, c in data_lines(sipot_iv_file)]
    for code in ("WARM", "SMALL", "FULL"):
        inst = Institution.objects.create(code=code, name=code)
        area_resolve_many(institution=inst, labels=labels, actor=Actor.cli(), changes=[])
    import_sipot_objectives(sipot_iv_file, institution_code="WARM", actor=Actor.cli())
    counts = []
    for code, path in (("SMALL", small), ("FULL", sipot_iv_file)):
        with CaptureQueriesContext(connection) as ctx:
            report = import_sipot_objectives(path, institution_code=code, actor=Actor.cli())
        # Bulk INSERTs are split in batches by SQLite's limit of 999 parameters per
        # statement; that is the only part allowed to depend on the size.
        counts.append(sum(not q["sql"].startswith("INSERT") for q in ctx.captured_queries))
    assert report.created["objetivo de área"] == 139
    assert counts[0] == counts[1] <= 10


# ---------------------------------------------------------------- metas written in words


@pytest.mark.django_db
def test_a_meta_written_in_words_is_a_quantity(tmp_path: Path) -> None:
    path = fr_iv_document(
        tmp_path / "metas.txt",
        [
            FrIvRow("Dirección de Organización (DO)", goal="Cuatro informes trimestrales"),
            FrIvRow("Dirección de Organización (DO)", goal="Doce reportes mensuales"),
            FrIvRow("Dirección de Organización (DO)", goal="Un informe anual"),
            FrIvRow("Dirección de Organización (DO)", goal="Cumplir con lo programado"),
        ],
    )
    report = import_sipot_objectives(path, institution_code="IEEM", actor=Actor.cli())
    # Lines 3–5 state their quantity in words; line 6 states none.
    assert [(f.code, f.line) for f in report.findings] == [("meta_not_quantified", 6)]
    assert report.findings[0].message == (
        "La meta no expresa una cantidad (no tiene cifras ni porcentaje)."
    )

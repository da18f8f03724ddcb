from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.audit.services import Actor
from rumbo.imports.base import ImportFailure
from rumbo.imports.models import FindingStatus, ImportRun, QualityFinding
from rumbo.imports.pgd import import_pgd
from rumbo.institutions.models import Institution
from rumbo.strategy.models import (
    GeneralProgram,
    LineOfAction,
    Policy,
    StrategicObjective,
    StrategicPlan,
    SwotItem,
)

pytestmark = pytest.mark.django_db

PERIOD_001 = {"start_year": 2023, "end_year": 2026}


def line_of(path: Path, needle: str, start: int = 1) -> int:
    """1-based number of the first line at or after ``start`` that contains ``needle``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, text in enumerate(lines, 1):
        if number >= start and needle in text:
            return number
    raise AssertionError(f"{needle!r} not in {path.name}")


def write_variant(tmp_path: Path, source: Path, name: str, edit) -> Path:  # type: ignore[no-untyped-def]
    lines = source.read_text(encoding="utf-8").split("\n")
    target = tmp_path / name
    target.write_text("\n".join(edit(lines)), encoding="utf-8")
    return target


def findings_at(report) -> set[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return {(f.code, f.line) for f in report.findings}


# ---------------------------------------------------------------- text layout (001)


def test_text_layout_reads_swot_mission_vision_objectives_and_lines(pgd_text_file: Path) -> None:
    report = import_pgd(pgd_text_file, institution_code="IECM", actor=Actor.cli(), **PERIOD_001)

    plan = StrategicPlan.objects.get(institution__code="IECM")
    assert (plan.start_year, plan.end_year) == (2023, 2026)
    assert plan.name == "Plan General de Desarrollo 2023-2026"
    assert plan.source_file == pgd_text_file.name
    kinds = Counter(SwotItem.objects.filter(plan=plan).values_list("kind", flat=True))
    assert kinds == {"fortaleza": 6, "debilidad": 5, "oportunidad": 6, "amenaza": 6}
    assert StrategicObjective.objects.filter(plan=plan).count() == 5
    assert LineOfAction.objects.filter(plan=plan).count() == 25
    assert report.created["elemento FODA"] == 23
    assert report.findings == []

    assert plan.mission == (
        "Administrar mecanismos e instrumentos de participación ciudadana y elecciones íntegras "
        "e incluyentes en la Ciudad de México; promover la cultura democrática a fin de "
        "garantizar la construcción de ciudadanía, el ejercicio pleno de los derechos "
        "políticos, electorales y humanos."
    )
    assert plan.vision.startswith("Seguiremos siendo una institución autónoma, cercana a la")
    assert plan.vision.endswith(
        "Nos consolidamos como una institución confiable, innovadora y eficiente en el uso de "
        "recursos."
    )
    # The page furniture between both paragraphs stays out of them.
    assert "Instituto Electoral" not in plan.mission + plan.vision
    assert "30/09/2024" not in plan.vision


def test_text_layout_wrapped_and_shared_line_items(pgd_text_file: Path) -> None:
    import_pgd(pgd_text_file, institution_code="IECM", actor=Actor.cli(), **PERIOD_001)
    plan = StrategicPlan.objects.get()
    swot = {(s.kind, s.order): s.text for s in SwotItem.objects.filter(plan=plan)}
    # A FODA item wrapped over two lines, the second one starting with a capital.
    assert swot[("amenaza", 1)] == (
        "Semáforo de crecimiento nacional se encuentra en naranja, por un crecimiento débil del "
        "primer semestre del Producto Interno Bruto."
    )
    assert swot[("fortaleza", 1)].endswith(
        "organización de procesos electorales, certificación en ISO Electoral."
    )
    # Two items printed on one line, the second one wrapping onto the next.
    assert swot[("oportunidad", 5)] == (
        "Aprovechar el conocimiento de campo para trabajar de forma más cercana con la ciudadanía."
    )
    assert swot[("oportunidad", 6)] == (
        "Aprovechar la apreciación de la ciudadanía por la democracia para difundir la cultura "
        "cívica."
    )


def test_text_layout_objectives_and_lines_keep_codes_and_links(pgd_text_file: Path) -> None:
    import_pgd(pgd_text_file, institution_code="IECM", actor=Actor.cli(), **PERIOD_001)
    objectives = {o.code: o for o in StrategicObjective.objects.all()}
    assert list(objectives) == ["OE1", "OE2", "OE3", "OE4", "OE5"]
    assert objectives["OE4"].text == (
        "Innovar y optimizar los procesos sustantivos y de apoyo, así como los servicios que "
        "brinda el Instituto y aprovechar el uso de la tecnología, para ampliar el alcance hacia "
        "la población."
    )
    assert objectives["OE5"].text.startswith("Visibilizar y socializar")  # "OE5.Visibilizar"
    lines = {ln.code: ln for ln in LineOfAction.objects.select_related("objective")}
    assert len(lines) == 25
    assert all(ln.objective.code == f"OE{code.split('.')[0]}" for code, ln in lines.items())
    assert Counter(ln.objective.code for ln in lines.values()) == {
        "OE1": 4, "OE2": 5, "OE3": 4, "OE4": 6, "OE5": 6
    }  # fmt: skip
    assert lines["2.1"].text.startswith("Garantizar el ejercicio")  # "2.1.Garantizar"
    assert lines["5.6"].text.endswith(
        "protección de datos personales en los procesos institucionales."
    )


def test_text_layout_needs_the_period_and_refuses_a_contradiction(
    pgd_text_file: Path, pgd_table_file: Path
) -> None:
    with pytest.raises(ImportFailure, match="--period") as exc:
        import_pgd(pgd_text_file, institution_code="IECM", actor=Actor.cli())
    assert exc.value.file == pgd_text_file.name
    with pytest.raises(ImportFailure, match="2020-2023") as exc:
        import_pgd(
            pgd_table_file, institution_code="IECM", actor=Actor.cli(), start_year=2023,
            end_year=2026,
        )  # fmt: skip
    assert exc.value.line == line_of(pgd_table_file, "Plan General de Desarrollo 2020 al 2023")
    assert not StrategicPlan.objects.exists()


def test_text_layout_labelled_mission_and_vision_win(tmp_path: Path, pgd_text_file: Path) -> None:
    def edit(lines: list[str]) -> list[str]:
        mission = line_of(pgd_text_file, "Administrar mecanismos e") - 1
        vision = line_of(pgd_text_file, "Seguiremos siendo") - 1
        lines[vision] = "Visión: " + lines[vision]
        lines[mission] = "Misión: " + lines[mission].strip()
        return lines

    path = write_variant(tmp_path, pgd_text_file, "etiquetas.txt", edit)
    import_pgd(path, institution_code="IECM", actor=Actor.cli(), **PERIOD_001)
    plan = StrategicPlan.objects.get()
    assert plan.mission.startswith("Administrar mecanismos")
    assert plan.vision.startswith("Seguiremos siendo")


def test_text_layout_findings_on_their_lines(tmp_path: Path, pgd_text_file: Path) -> None:
    repeated = line_of(pgd_text_file, "Línea de acción 3.4.")
    dropped = line_of(pgd_text_file, "Línea de acción 2.3.")

    def edit(lines: list[str]) -> list[str]:
        lines = list(lines)
        lines[dropped - 1] = ""  # 2.3 disappears: its text now continues 2.2
        lines.append(lines[repeated - 1])  # 3.4 printed twice at the end
        lines.append("Línea de acción 9.1. Una línea de un objetivo que no existe.")
        return lines

    path = write_variant(tmp_path, pgd_text_file, "variante.txt", edit)
    total = len(path.read_text(encoding="utf-8").split("\n"))
    report = import_pgd(path, institution_code="IECM", actor=Actor.cli(), **PERIOD_001)
    assert findings_at(report) == {
        ("count_mismatch", line_of(pgd_text_file, "Línea de acción 2.1.")),
        ("duplicate_row", total - 1),
        ("unparsed_line", total),
    }
    orphan = LineOfAction.objects.get(code="9.1")
    assert orphan.objective is None
    finding = QualityFinding.objects.get(code="unparsed_line")
    assert finding.concerns == orphan
    assert "OE9" in finding.message


OTHER_INSTITUTION_TEXT = """PRIMER TRIMESTRE
Periodo de actualización: trimestral.
FORTALEZAS
• Personal con experiencia en la organización de elecciones locales y en la
capacitación de funcionariado de casilla.
• Infraestructura tecnológica propia.
DEBILIDADES
• Rotación de personal.
OPORTUNIDADES
• Convenios con universidades. • Interés ciudadano en la
participación política.
AMENAZAS
• Recortes presupuestales.
Organizar, desarrollar y vigilar los procesos electorales locales con
certeza, legalidad e imparcialidad para la ciudadanía mexiquense.
Instituto Electoral del Estado de México
Página 2
Ser la institución electoral más confiable del país, reconocida por
su profesionalismo.
OE1. Garantizar elecciones
confiables.
OE2. Promover la cultura cívica.
Línea de acción 1.1. Modernizar la
logística electoral.
Línea de acción 2.1. Impulsar programas de educación cívica.
Instituto Electoral del Estado de México
Línea de acción 2.2. Difundir resultados.
"""


def test_text_layout_of_another_institution(tmp_path: Path) -> None:
    """Other bullets, no double spacing, other furniture: nothing here is IECM-specific."""
    path = tmp_path / "ieem.txt"
    path.write_text(OTHER_INSTITUTION_TEXT, encoding="utf-8")
    report = import_pgd(
        path, institution_code="IEEM", actor=Actor.cli(), start_year=2024, end_year=2027
    )
    assert report.findings == []
    plan = StrategicPlan.objects.get()
    assert plan.mission.startswith("Organizar, desarrollar") and plan.mission.endswith(
        "mexiquense."
    )
    assert plan.vision == (
        "Ser la institución electoral más confiable del país, reconocida por su profesionalismo."
    )
    swot = [(s.kind, s.text) for s in SwotItem.objects.order_by("kind", "order")]
    assert ("oportunidad", "Interés ciudadano en la participación política.") in swot
    assert len(swot) == 6
    lines = {ln.code: (ln.objective.code, ln.text) for ln in LineOfAction.objects.all()}
    assert lines == {
        "1.1": ("OE1", "Modernizar la logística electoral."),
        "2.1": ("OE2", "Impulsar programas de educación cívica."),  # page header dropped
        "2.2": ("OE2", "Difundir resultados."),
    }


# ---------------------------------------------------------------- table layout (002)


def test_table_layout_counts_and_hierarchy(pgd_table_file: Path) -> None:
    report = import_pgd(pgd_table_file, institution_code="IECM", actor=Actor.cli())
    plan = StrategicPlan.objects.get()
    assert (plan.start_year, plan.end_year, plan.name) == (
        2020, 2023, "Plan General de Desarrollo 2020-2023"
    )  # fmt: skip
    assert plan.mission == plan.vision == ""
    assert Policy.objects.filter(plan=plan).count() == 6
    assert GeneralProgram.objects.filter(plan=plan).count() == 12
    assert StrategicObjective.objects.filter(plan=plan).count() == 9
    assert LineOfAction.objects.filter(plan=plan).count() == 39
    assert not SwotItem.objects.exists()
    assert report.findings == []
    assert report.extra["formato"] == "tabla"

    policy = Policy.objects.get(code="1")
    assert (
        policy.name
        == "Administración de elecciones locales y mecanismos de participación ciudadana"
    )
    assert Policy.objects.get(code="2").name == "De deliberación y participación ciudadana"
    # Program 2 sits under policy 1 (merged cell); program 5 under policy 3 after a page break.
    assert GeneralProgram.objects.get(code="2").policy == policy
    assert GeneralProgram.objects.get(code="5").policy.code == "3"
    # An objective belongs to the program of the row where it first appears.
    assert StrategicObjective.objects.get(code="4").program.code == "3"


def test_table_layout_carries_merged_cells_and_skips_subheadings(pgd_table_file: Path) -> None:
    import_pgd(pgd_table_file, institution_code="IECM", actor=Actor.cli())
    lines = {ln.code: ln for ln in LineOfAction.objects.select_related("objective", "program")}
    assert (lines["3.4"].objective.code, lines["3.4"].program.code) == ("4", "3")
    assert lines["3.4"].text == (
        "Fortalecer la infraestructura de los órganos desconcentrados para el fomento de la "
        "deliberación y la participación."
    )
    assert (lines["5.1"].objective.code, lines["5.1"].program.code) == ("5", "5")
    # A row whose first three cells are empty continues program 8 and objective 6.
    assert (lines["8.3"].objective.code, lines["8.3"].program.code) == ("6", "8")
    assert (lines["12.9"].objective.code, lines["12.9"].program.code) == ("9", "12")
    program_names = set(GeneralProgram.objects.values_list("name", flat=True))
    assert not any(ln.text in program_names for ln in lines.values())
    assert not any(ln.text.startswith("De ") for ln in lines.values())


def test_table_layout_attaches_the_footnote(pgd_table_file: Path) -> None:
    import_pgd(pgd_table_file, institution_code="IECM", actor=Actor.cli())
    text = LineOfAction.objects.get(code="12.5").text
    first, note = text.split("\n\n")
    assert first.endswith("prisión preventiva.¹")
    assert note.startswith("¹ Acorde con la Resolución dictada en el expediente SUP-JDC-352/2018")
    assert note.endswith("Poder Judicial de la Federación.")
    assert "¹" not in LineOfAction.objects.get(code="12.6").text


def test_table_layout_findings_on_their_lines(tmp_path: Path, pgd_table_file: Path) -> None:
    row_7 = line_of(pgd_table_file, "2. De administración de mecanismos")
    row_12 = line_of(pgd_table_file, "<p>Vinculación institucional</p>")
    footnote = line_of(pgd_table_file, "¹ Acorde")

    def edit(lines: list[str]) -> list[str]:
        lines = list(lines)
        lines[row_12 - 1] = (
            lines[row_12 - 1]
            .replace("<p>Vinculación institucional</p>", "<p>Párrafo suelto sin clave.</p>")
            .replace("<p>4.2.", "<p>5.9.")
        )
        lines[row_7 - 1] = lines[row_7 - 1].replace("<p>2.1.", "<p>1.3.")
        lines[footnote - 1] = "² Nota que nadie cita."
        return lines

    path = write_variant(tmp_path, pgd_table_file, "variante.txt", edit)
    report = import_pgd(path, institution_code="IECM", actor=Actor.cli())
    assert Counter((f.code, f.line) for f in report.findings) == {
        ("duplicate_row", row_7): 1,  # 1.3 again
        ("count_mismatch", row_7): 1,  # 2.x now starts at 2.2
        ("unparsed_line", row_12): 1,  # paragraph without a key
        ("key_format", row_12): 1,  # 5.9 printed in program 4's row
        ("count_mismatch", row_12): 1,  # 4.2 missing
        ("count_mismatch", line_of(pgd_table_file, "<p>5.1.")): 1,  # 5.3 … 5.8 missing
        ("unparsed_line", footnote): 1,  # ² cited by nobody
        ("unparsed_line", line_of(pgd_table_file, "<p>12.5.")): 1,  # ¹ without its note
    }
    assert QualityFinding.objects.get(code="key_format").concerns == LineOfAction.objects.get(
        code="5.9"
    )


# ---------------------------------------------------------------- both: idempotence, dry run


@pytest.mark.parametrize("fixture", ["pgd_text_file", "pgd_table_file"])
def test_reimport_changes_nothing(fixture: str, request: pytest.FixtureRequest) -> None:
    path = request.getfixturevalue(fixture)
    period = PERIOD_001 if fixture == "pgd_text_file" else {}
    first = import_pgd(path, institution_code="IECM", actor=Actor.cli(), **period)
    snapshot = list(LineOfAction.objects.values_list("pk", "code", "text", "objective_id"))
    second = import_pgd(path, institution_code="IECM", actor=Actor.cli(), **period)
    assert not second.created and not second.updated and not second.deleted
    assert (
        sum(second.unchanged.values()) == sum(first.created.values()) - first.created["institución"]
    )
    assert list(LineOfAction.objects.values_list("pk", "code", "text", "objective_id")) == snapshot
    assert StrategicPlan.objects.count() == 1


def test_reimport_keeps_review_status_and_removes_vanished_items(
    tmp_path: Path, pgd_table_file: Path
) -> None:
    def with_orphan_paragraph(lines: list[str]) -> list[str]:
        return [
            ln.replace("<p>Vinculación institucional</p>", "<p>Párrafo suelto.</p>") for ln in lines
        ]

    path = write_variant(tmp_path, pgd_table_file, "pgd.txt", with_orphan_paragraph)
    import_pgd(path, institution_code="IECM", actor=Actor.cli())
    finding = QualityFinding.objects.get()
    finding.status = FindingStatus.ACCEPTED
    finding.save()
    import_pgd(path, institution_code="IECM", actor=Actor.cli())
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ACCEPTED
    assert QualityFinding.objects.count() == 1

    last_row = line_of(pgd_table_file, "<p>12.5.")
    path.write_text(
        "\n".join(pgd_table_file.read_text(encoding="utf-8").split("\n")[: last_row - 1]),
        encoding="utf-8",
    )
    report = import_pgd(path, institution_code="IECM", actor=Actor.cli())
    assert report.deleted == {"línea de acción": 5, "objetivo estratégico": 1}
    assert not StrategicObjective.objects.filter(code="9").exists()
    assert LineOfAction.objects.count() == 34
    assert report.findings_closed == 0  # the accepted finding is not reopened or closed
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ACCEPTED


def test_dry_run_writes_nothing(pgd_table_file: Path) -> None:
    report = import_pgd(pgd_table_file, institution_code="IECM", actor=Actor.cli(), dry_run=True)
    assert report.dry_run
    assert report.created["línea de acción"] == 39
    assert not Institution.objects.exists()
    assert not StrategicPlan.objects.exists()
    assert not ImportRun.objects.exists()


def test_query_count_does_not_grow_with_the_document(tmp_path: Path, pgd_table_file: Path) -> None:
    small = write_variant(
        tmp_path,
        pgd_table_file,
        "small.txt",
        lambda lines: lines[: line_of(pgd_table_file, "3. De fomento a la cultura") - 1],
    )
    import_pgd(pgd_table_file, institution_code="WARM", actor=Actor.cli())  # caches
    counts = []
    for code, path in (("SMALL", small), ("FULL", pgd_table_file)):
        with CaptureQueriesContext(connection) as ctx:
            report = import_pgd(path, institution_code=code, actor=Actor.cli())
        assert report.findings == []
        # Bulk INSERTs are split in batches by SQLite's limit of 999 parameters per
        # statement; that is the only part allowed to depend on the size.
        counts.append(sum(not q["sql"].startswith("INSERT") for q in ctx.captured_queries))
    assert report.created["línea de acción"] == 39
    assert counts[0] == counts[1] <= 12


# ---------------------------------------------------------------- bad files


def test_bad_files_fail_clearly(tmp_path: Path, paa_file: Path, sipot_iv_file: Path) -> None:
    empty = tmp_path / "vacio.txt"
    empty.write_text("  \n", encoding="utf-8")
    binary = tmp_path / "binario.txt"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    cases = [
        (tmp_path / "no-existe.txt", "no existe"),
        (empty, "vacío"),
        (binary, "binario"),
        (paa_file, "no parece un Plan General de Desarrollo"),
        (sipot_iv_file, "no parece un Plan General de Desarrollo"),
    ]
    for path, message in cases:
        with pytest.raises(ImportFailure, match=message) as exc:
            import_pgd(path, institution_code="IECM", actor=Actor.cli(), **PERIOD_001)
        assert path.name in str(exc.value)
    assert not Institution.objects.exists()


def test_truncated_files_fail_with_the_line(
    tmp_path: Path, pgd_text_file: Path, pgd_table_file: Path
) -> None:
    row = line_of(pgd_table_file, "<p>3.4.")
    cut_row = write_variant(
        tmp_path, pgd_table_file, "cortado.txt",
        lambda lines: [*lines[: row - 1], lines[row - 1][: lines[row - 1].index("<p>3.5.") + 20]],
    )  # fmt: skip
    with pytest.raises(ImportFailure, match="truncado") as exc:
        import_pgd(cut_row, institution_code="IECM", actor=Actor.cli())
    assert (exc.value.file, exc.value.line) == ("cortado.txt", row)

    half_row = write_variant(
        tmp_path, pgd_table_file, "media-fila.txt",
        lambda lines: [*lines[: row - 1], "\t".join(lines[row - 1].split("\t")[:3])],
    )  # fmt: skip
    with pytest.raises(ImportFailure, match="columnas") as exc:
        import_pgd(half_row, institution_code="IECM", actor=Actor.cli())
    assert exc.value.line == row

    header_only = write_variant(tmp_path, pgd_table_file, "encabezado.txt", lambda lines: lines[:5])
    with pytest.raises(ImportFailure, match="no tiene filas"):
        import_pgd(header_only, institution_code="IECM", actor=Actor.cli())

    before_objectives = line_of(pgd_text_file, "OE1.")
    no_objectives = write_variant(
        tmp_path, pgd_text_file, "sin-objetivos.txt", lambda lines: lines[: before_objectives - 1]
    )
    with pytest.raises(ImportFailure, match="OE1"):
        import_pgd(no_objectives, institution_code="IECM", actor=Actor.cli(), **PERIOD_001)

    vision = (
        line_of(pgd_text_file, "Seguiremos siendo"),
        line_of(pgd_text_file, "eficiente en el uso de recursos."),
    )
    without_vision = write_variant(
        tmp_path, pgd_text_file, "sin-vision.txt",
        lambda lines: [ln for n, ln in enumerate(lines, 1) if not vision[0] <= n <= vision[1]],
    )  # fmt: skip
    with pytest.raises(ImportFailure, match="visión") as exc:
        import_pgd(without_vision, institution_code="IECM", actor=Actor.cli(), **PERIOD_001)
    assert "Misión:" in exc.value.message
    assert not StrategicPlan.objects.exists()

"""The design loader on the real IECM file: content, validation, idempotency, the CLI."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.design.loader import SIMULATED, DesignFileError, import_design
from rumbo.design.models import ProgramDesign, Risk, ScheduleAction, Stakeholder, TreeNode
from rumbo.imports.base import ImportFailure
from rumbo.imports.management.commands.rumbo_import import Command as ImportCommand
from rumbo.indicators.models import Indicator, Measurement, Mir, MirRow
from rumbo.institutions.models import Area, Institution
from rumbo.programs.models import AnnualProgram, ProgramNode

FILE = "iecm_vinculacion_2024.json"


@pytest.fixture
def design_file(samples_dir: Path) -> Path:
    return samples_dir / FILE


@pytest.fixture
def doc(design_file: Path) -> dict[str, Any]:
    return json.loads(design_file.read_text(encoding="utf-8"))


def _load(path: Path, **kwargs: Any):  # type: ignore[no-untyped-def]
    return import_design(path, institution_code="IECM", actor=Actor.cli(), **kwargs)


def _write(tmp_path: Path, doc: dict[str, Any], name: str = FILE) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _counts() -> tuple[int, ...]:
    return (
        Institution.objects.count(),
        AnnualProgram.objects.count(),
        ProgramNode.objects.count(),
        ProgramDesign.objects.count(),
        Indicator.objects.count(),
        Area.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db
def test_the_vinculacion_program_is_loaded_faithfully(design_file: Path) -> None:
    report = _load(design_file, year=2024)
    assert report.extra["resultado"] == "creado"
    design = ProgramDesign.objects.select_related("node__program", "node__area__parent").get()
    program = design.node.program
    assert (program.institution.code, program.year, program.name) == (
        "IECM",
        2024,
        "Programa Operativo Anual 2024",
    )
    assert program.level_names == ["Programa", "Actividad institucional", "Acción"]
    assert design.node.depth == 0
    dvoe = design.node.area
    assert dvoe is not None and dvoe.parent is not None
    assert (dvoe.name, dvoe.code) == ("Dirección de Vinculación con Organismos Externos", "DVOE")
    assert (dvoe.parent.name, dvoe.parent.code) == ("Secretaría Ejecutiva", "SE")
    assert design.title == "Programa Específico de Vinculación 2024"
    assert design.problem_statement.endswith("la cultura democrática insuficientes.")
    assert "8,906 chilangas y chilangos emitieron su voto." in design.diagnosis
    assert design.selection_rationale.startswith("Para los cuatro objetivos señalados")

    stakeholders = list(design.stakeholders.all())
    assert len(stakeholders) == 8
    sa = next(s for s in stakeholders if s.actor == "Secretaría Administrativa")
    assert (sa.position, sa.power, sa.involvement, sa.importance) == (4, 3, 5, 5)
    assert sa.notes == "Primera puntuación de la tabla, sin encabezado legible en el documento: 5"
    involvement = {s.actor: s.involvement for s in stakeholders}
    assert involvement["Direcciones Ejecutivas"] == 4
    assert involvement["Contraloría Interna"] == 2
    assert involvement["Unidades Técnicas"] == 3
    assert all(s.interests == "" for s in stakeholders)

    nodes = list(TreeNode.objects.filter(design=design))
    for tree in ("problema", "objetivo"):
        roles = [n.role for n in nodes if n.tree == tree]
        assert (roles.count("central"), roles.count("efecto"), roles.count("causa")) == (1, 4, 4)
    alternatives = list(design.alternatives.all())
    assert len(alternatives) == 4 and all(a.chosen for a in alternatives)
    assert len(alternatives[3].action_list) == 5

    figures = {(f.group[:10], f.label): f for f in design.population_figures.all()}
    assert len(figures) == 23
    assert figures[("Población ", "Mexicanos que residen en la CDMX")].value == Decimal(9209944)
    total = next(
        f for f in design.population_figures.all() if f.label == "Total" and f.unit == "matrículas"
    )
    assert (total.value, total.source, total.cutoff) == (Decimal(834861), "IME", "2011–2020")

    rows = list(MirRow.objects.filter(mir__design=design))
    levels = [r.level for r in rows]
    assert (levels.count("fin"), levels.count("proposito")) == (1, 1)
    assert (levels.count("componente"), levels.count("actividad")) == (5, 0)
    fin = rows[0]
    assert "identifica al IECM como un órgano electoral independiente" in fin.summary
    assert fin.assumptions == "La ciudadanía identifica al IECM como autoridad electoral local."

    indicators = list(
        Indicator.objects.filter(row__mir__design=design).prefetch_related("variables")
    )
    assert len(indicators) == 7
    assert [i.frequency for i in indicators] == ["anual", "anual"] + ["trimestral"] * 5
    assert [i.kind for i in indicators].count("desempeno") == 2
    c3 = next(i for i in indicators if i.row.code == "C3")
    assert c3.name == "Porcentaje de gestiones atendidas"
    assert c3.formula == "gestiones_atendidas / gestiones_solicitadas * 100"
    assert c3.formula_as_printed.startswith("% de cumplimiento = No. de gestiones atendidas")
    assert [v.source for v in c3.variables.all()] == ["Informe", "Informe"]
    assert all(i.dimension == "" and i.area_id == dvoe.pk for i in indicators)
    assert (
        SIMULATED in design.mir.notes
        and "C3 · Porcentaje de gestiones atendidas" in design.mir.notes
    )

    actions = list(ScheduleAction.objects.filter(design=design).select_related("component"))
    assert len(actions) == 26
    # The month marks are not legible in the OCR: the file's months are flagged simulated.
    assert all(a.months and a.months_simulated for a in actions)
    assert all(a.months == sorted(set(a.months)) for a in actions)
    assert [a.number for a in actions if a.component and a.component.code == "C3"] == [
        str(n) for n in range(1, 9)
    ]
    risks = list(Risk.objects.filter(design=design))
    assert risks and all(r.risk.startswith(SIMULATED) for r in risks)
    assert "ANEXO 1" in design.source_note

    assert AuditEvent.objects.filter(institution_id=program.institution_id).count() > 100


@pytest.mark.django_db
def test_reloading_the_same_file_changes_nothing(design_file: Path) -> None:
    _load(design_file)
    before = _counts()
    pk = ProgramDesign.objects.get().pk
    report = _load(design_file)
    assert report.extra["resultado"] == "sin cambios"
    assert not report.created and not report.updated and not report.deleted
    assert report.unchanged["indicador"] == 7
    assert "sin cambios:  MIR: 1" in report.to_text()
    assert _counts() == before
    assert ProgramDesign.objects.get().pk == pk


@pytest.mark.django_db
def test_a_changed_file_replaces_the_design(tmp_path: Path, doc: dict[str, Any]) -> None:
    _load(_write(tmp_path, doc))
    doc["stakeholders"][0]["power"] = 3
    report = _load(_write(tmp_path, doc))
    assert report.extra["resultado"] == "reemplazado"
    assert report.deleted["diseño de programa"] == 1
    assert ProgramDesign.objects.count() == 1
    assert Stakeholder.objects.get(order=1).power == 3
    assert Indicator.objects.count() == 7


@pytest.mark.django_db
def test_a_changed_file_never_drops_measurements(tmp_path: Path, doc: dict[str, Any]) -> None:
    _load(_write(tmp_path, doc))
    indicator = Indicator.objects.get(row__code="C3")
    Measurement.objects.create(indicator=indicator, period=1, values={}, value=Decimal(90))
    before = _counts()
    doc["stakeholders"][0]["power"] = 3
    with pytest.raises(ImportFailure, match="1 mediciones"):
        _load(_write(tmp_path, doc))
    assert _counts() == before
    assert Stakeholder.objects.get(order=1).power == 5


@pytest.mark.django_db
def test_a_changed_file_never_replaces_an_approved_mir(tmp_path: Path, doc: dict[str, Any]) -> None:
    _load(_write(tmp_path, doc))
    Mir.objects.update(state="aprobado", agreement="IECM/ACU-CG-005/2024")
    before = _counts()
    doc["stakeholders"][0]["power"] = 3
    with pytest.raises(
        ImportFailure, match="su MIR está aprobada \\(acuerdo IECM/ACU-CG-005/2024\\)"
    ):
        _load(_write(tmp_path, doc))
    assert _counts() == before
    assert Stakeholder.objects.get(order=1).power == 5


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        *head, last = path.split(".")
        target: Any = doc
        for part in head:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return mutate


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        *head, last = path.split(".")
        target: Any = doc
        for part in head:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return mutate


@pytest.mark.parametrize(
    ("mutate", "where", "says"),
    [
        (
            _set("mir.rows.3.indicators.0.frequency", "quincenal"),
            "mir.rows[3].indicators[0].frequency",
            "se esperaba uno de: mensual, trimestral",
        ),
        (
            _set(
                "mir.rows.0.indicators.0.formula", "acciones_hechas / acciones_planificadas * 100"
            ),
            "mir.rows[0].indicators[0].formula",
            "«acciones_hechas» no es una variable del indicador",
        ),
        (_set("stakeholders.3.power", 6), "stakeholders[3].power", "entero de 1 a 5"),
        (_drop("design.title"), "design.title", "falta el campo"),
        (_set("schedule.0.months", [0, 13]), "schedule[0].months", "del 1 al 12"),
        (
            _set("mir.rows.4.indicators.0.targets", {"5": "90"}),
            "mir.rows[4].indicators[0].targets.5",
            "periodo fuera",
        ),
        (_set("mir.rows.2.level", "subcomponente"), "mir.rows[2].level", "se esperaba uno de"),
        (_set("population.0.value", "9,209,944"), "population[0].value", "número no negativo"),
        (_set("risks.0.colour", "rojo"), "risks[0].colour", "campo desconocido"),
    ],
)
@pytest.mark.django_db
def test_invalid_files_name_file_and_path_and_write_nothing(
    tmp_path: Path,
    doc: dict[str, Any],
    mutate: Callable[[dict[str, Any]], None],
    where: str,
    says: str,
) -> None:
    bad = copy.deepcopy(doc)
    mutate(bad)
    before = _counts()
    with pytest.raises(DesignFileError) as info:
        _load(_write(tmp_path, bad))
    message = str(info.value)
    assert message.startswith(f"{FILE}: ")
    assert any(path == where and says in text for path, text in info.value.errors), (
        info.value.errors
    )
    assert f"{where}: " in message
    assert _counts() == before


@pytest.mark.django_db
def test_every_problem_is_reported_at_once(tmp_path: Path, doc: dict[str, Any]) -> None:
    doc["stakeholders"][0]["position"] = 0
    doc["mir"]["rows"][1]["indicators"][0]["kind"] = "estrategica"
    with pytest.raises(DesignFileError) as info:
        _load(_write(tmp_path, doc))
    assert [p for p, _ in info.value.errors] == [
        "stakeholders[0].position",
        "mir.rows[1].indicators[0].kind",
    ]


@pytest.mark.django_db
def test_wrong_institution_year_or_json_are_refused(tmp_path: Path, design_file: Path) -> None:
    with pytest.raises(ImportFailure, match="el archivo es de «IECM», no de «IEEM»"):
        import_design(design_file, institution_code="IEEM", actor=Actor.cli())
    with pytest.raises(ImportFailure, match="ejercicio 2024, no de 2025"):
        _load(design_file, year=2025)
    broken = tmp_path / "roto.json"
    broken.write_text('{\n  "format": "rumbo-diseno/1",\n  "year": 2024,,\n}', encoding="utf-8")
    with pytest.raises(ImportFailure, match=r"roto.json:3: JSON inválido"):
        _load(broken)
    assert _counts() == (0, 0, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_dry_run_writes_nothing(design_file: Path) -> None:
    report = _load(design_file, dry_run=True)
    assert report.created["indicador"] == 7
    assert ProgramDesign.objects.count() == 0 and Institution.objects.count() == 0


@pytest.mark.django_db
def test_cli_imports_and_reports(design_file: Path) -> None:
    out = io.StringIO()
    call_command(
        "rumbo_import",
        "diseno",
        str(design_file),
        "--institution",
        "IECM",
        "--year",
        "2024",
        stdout=out,
    )
    assert out.getvalue().startswith(f"Importación completada: diseno · {FILE} · IECM · 2024")
    out = io.StringIO()
    call_command(
        "rumbo_import",
        "diseno",
        str(design_file),
        "--institution",
        "iecm",
        "--format",
        "json",
        stdout=out,
    )
    summary = json.loads(out.getvalue())
    assert summary["resultado"] == "sin cambios"
    assert summary["created"] == {} and summary["unchanged"]["renglón de la MIR"] == 7


@pytest.mark.django_db
def test_cli_error_is_one_line_naming_file_and_path(
    tmp_path: Path, doc: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    doc["mir"]["rows"][3]["indicators"][0]["frequency"] = "quincenal"
    path = _write(tmp_path, doc)
    with pytest.raises(SystemExit) as exit_info:
        ImportCommand().run_from_argv(
            ["rumbo", "rumbo_import", "diseno", str(path), "--institution", "IECM"]
        )
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"rumbo: error: {FILE}: mir.rows[3].indicators[0].frequency: se esperaba")
    # run_from_argv closes the database connections on its way out (as the real command
    # does), so the test's own connection cannot be queried here; that a refused file
    # writes nothing is checked through import_design above.

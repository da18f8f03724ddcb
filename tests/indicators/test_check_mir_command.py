"""`rumbo check-mir`: through call_command, and through the real console script for exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rumbo.indicators.checker import MirFinding, check_mir
from rumbo.indicators.management.commands.rumbo_check_mir import summary_line
from rumbo.indicators.models import MirRow
from tests.console import cli_environment, prepare
from tests.factories import Demo

RUMBO = str(Path(sys.executable).with_name("rumbo"))


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("rumbo_check_mir", *args, stdout=out)
    return out.getvalue()


def test_text_lists_each_finding_and_a_summary(demo: Demo) -> None:
    mir = demo.design.mir
    lines = run("--institution", "ieem", "--mir", str(mir.pk)).splitlines()
    assert lines == [
        f"MIR {mir.pk} · Programa de Seguimiento 2024 (IEEM)",
        "error componente_without_actividades (Cada Componente tiene Actividades) C2: "
        "El Componente C2 no tiene Actividades",
        "error assumptions_missing (Supuestos en cada renglón) C2: "
        "Faltan los supuestos del Componente C2",
        "2 errores y 0 advertencias.",
    ]


def test_json_is_the_list_of_findings(demo: Demo) -> None:
    mir = demo.design.mir
    data = json.loads(run("--institution", "IEEM", "--mir", str(mir.pk), "--format", "json"))
    assert data == [f.as_dict() for f in check_mir(mir)]
    assert [set(d) for d in data] == [
        {"code", "rule", "severity", "level", "row", "indicator", "message"}
    ] * 2
    assert data[0]["code"] == "componente_without_actividades"
    assert data[0]["row"] == "C2"


def test_warnings_only_and_no_findings(demo: Demo) -> None:
    d = demo.design
    MirRow.objects.filter(pk=d.c2.pk).delete()
    MirRow.objects.filter(pk=d.fin.pk).update(assumptions="")
    lines = run("--institution", "IEEM", "--mir", str(d.mir.pk)).splitlines()
    assert lines[1:] == [
        "advertencia fin_assumptions_missing (Supuestos del Fin) F: Faltan los supuestos del Fin",
        "0 errores y 1 advertencia.",
    ]
    MirRow.objects.filter(pk=d.fin.pk).update(assumptions="El Consejo sesiona.")
    assert run("--institution", "IEEM", "--mir", str(d.mir.pk)).splitlines()[1:] == [
        "Sin hallazgos: la MIR cumple todas las reglas revisadas."
    ]
    assert run("--institution", "IEEM", "--mir", str(d.mir.pk), "--format", "json") == "[]\n"


def test_summary_line_plurals() -> None:
    def finding(severity: str) -> MirFinding:
        return MirFinding("x", "Regla", severity, "fin", "F", None, None, "m")

    assert summary_line([finding("error")]) == "1 error y 0 advertencias."
    assert summary_line([finding("error"), finding("error"), finding("advertencia")]) == (
        "2 errores y 1 advertencia."
    )


def test_unknown_institution(demo: Demo) -> None:
    with pytest.raises(CommandError) as info:
        run("--institution", "XYZ", "--mir", str(demo.design.mir.pk))
    assert str(info.value) == "--institution: no existe la institución XYZ"
    assert info.value.returncode == 2


def test_mir_of_another_institution_or_missing(demo: Demo) -> None:
    mir = demo.design.mir
    with pytest.raises(CommandError) as info:
        run("--institution", "IECM", "--mir", str(mir.pk))
    assert str(info.value) == f"--mir: la institución IECM no tiene una MIR con número {mir.pk}"
    assert info.value.returncode == 2
    with pytest.raises(CommandError, match="no tiene una MIR con número 999999"):
        run("--institution", "IEEM", "--mir", "999999")


def test_query_count_is_constant(demo: Demo, django_assert_num_queries) -> None:
    # institution, MIR with its design, then the checker's four
    with django_assert_num_queries(6):
        run("--institution", "IEEM", "--mir", str(demo.design.mir.pk))


# --- the console script -------------------------------------------------------------------

SETUP = """
from rumbo.institutions.models import Institution, Area
from rumbo.programs.models import AnnualProgram, ProgramNode
from rumbo.design.models import ProgramDesign
from rumbo.indicators.models import Mir, MirRow, Indicator, IndicatorVariable
ieem = Institution.objects.create(code="IEEM", name="Instituto Electoral del Estado de México")
Institution.objects.create(code="IECM", name="Instituto Electoral de la Ciudad de México")
area = Area.objects.create(institution=ieem, name="Secretaría Ejecutiva", code="SE")
program = AnnualProgram.objects.create(institution=ieem, year=2024, name="Programa 2024")
node = ProgramNode.objects.create(program=program, key="01", name="Vinculación", area=area)
mir = Mir.objects.create(design=ProgramDesign.objects.create(node=node, title="Vinculación"))
rows = [
    ("fin", "F", "Contribuir a la democracia mediante la educación cívica.", None),
    ("proposito", "P", "La ciudadanía participa en los ejercicios.", None),
    ("componente", "C1", "Talleres impartidos.", None),
]
made = {}
for order, (level, code, summary, parent) in enumerate(rows):
    made[code] = MirRow.objects.create(
        mir=mir, level=level, code=code, order=order, summary=summary,
        verification="Informe", assumptions="Condiciones estables.",
    )
made["A1"] = MirRow.objects.create(
    mir=mir, level="actividad", code="A1", order=9, parent=made["C1"],
    summary="Capacitación de facilitadores.", verification="Listas", assumptions="Asisten.",
)
for code, frequency in (("F", "anual"), ("P", "anual"), ("C1", "trimestral"), ("A1", "mensual")):
    ind = Indicator.objects.create(
        row=made[code], name="Porcentaje " + code, formula="a / b * 100", kind="gestion",
        dimension="eficacia", frequency=frequency, area=area,
    )
    for name in ("a", "b"):
        IndicatorVariable.objects.create(indicator=ind, name=name, description=name, source="R")
print(mir.pk)
"""
BREAK = "from rumbo.indicators.models import MirRow; MirRow.objects.filter(code='A1').delete()"


@pytest.fixture(scope="module")
def cli_env(
    tmp_path_factory: pytest.TempPathFactory, cli_database: Path
) -> tuple[dict[str, str], str]:
    env = cli_environment(tmp_path_factory.mktemp("cli-check-mir"), cli_database)
    created = prepare(env, "manage", "shell", "--no-imports", "-c", SETUP)
    return env, created.stdout.strip()


def rumbo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RUMBO, *args], env=env, capture_output=True, text=True, timeout=120)


def test_cli_help_and_exit_codes(cli_env: tuple[dict[str, str], str]) -> None:
    env, mir_id = cli_env
    top = rumbo(env, "--help")
    assert "check-mir" in top.stdout
    help_ = rumbo(env, "check-mir", "--help")
    assert help_.returncode == 0
    assert "usage: rumbo check-mir" in help_.stdout

    clean = rumbo(env, "check-mir", "--institution", "IEEM", "--mir", mir_id)
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.splitlines()[-1] == (
        "Sin hallazgos: la MIR cumple todas las reglas revisadas."
    )

    unknown = rumbo(env, "check-mir", "--institution", "XYZ", "--mir", mir_id)
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "rumbo: error: --institution: no existe la institución XYZ"
    assert unknown.stdout == ""

    foreign = rumbo(env, "check-mir", "--institution", "IECM", "--mir", mir_id)
    assert foreign.returncode == 2
    assert "no tiene una MIR con número" in foreign.stderr
    assert "Traceback" not in foreign.stderr

    not_a_number = rumbo(env, "check-mir", "--institution", "IEEM", "--mir", "uno")
    assert not_a_number.returncode == 2
    bad_format = rumbo(env, "check-mir", "--institution", "IEEM", "--mir", mir_id, "--format", "x")
    assert bad_format.returncode == 2

    broken = rumbo(env, "manage", "shell", "--no-imports", "-c", BREAK)
    assert broken.returncode == 0, broken.stderr
    errors = rumbo(env, "check-mir", "--institution", "IEEM", "--mir", mir_id, "--format", "json")
    assert errors.returncode == 1, errors.stderr
    assert [f["code"] for f in json.loads(errors.stdout)] == ["componente_without_actividades"]
    text = rumbo(env, "check-mir", "--institution", "ieem", "--mir", mir_id)
    assert text.returncode == 1
    assert text.stdout.splitlines()[-1] == "1 error y 0 advertencias."

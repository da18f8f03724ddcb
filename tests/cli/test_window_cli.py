"""`rumbo window extend` through the real console script, on its own SQLite database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.console import cli_environment, prepare

RUMBO = str(Path(sys.executable).with_name("rumbo"))

SETUP = (
    "from rumbo.institutions.models import Institution, Area;"
    "i = Institution.objects.create(code='IEEM', name='Instituto Electoral del Estado de México');"
    "Area.objects.create(institution=i, name='Secretaría Ejecutiva', code='SE')"
)
CHECK = (
    "from rumbo.monitoring.models import WindowExtension;"
    "from rumbo.audit.models import AuditEvent;"
    "print([(e.year, e.month, e.area.code if e.area else None, str(e.until), e.reason)"
    " for e in WindowExtension.objects.order_by('id')]);"
    "print(AuditEvent.objects.filter(action='window.extend').count())"
)
FAR = "2099-12-31"


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory, cli_database: Path) -> dict[str, str]:
    env = cli_environment(tmp_path_factory.mktemp("cli-window"), cli_database)
    prepare(env, "manage", "shell", "--no-imports", "-c", SETUP)
    return env


def rumbo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RUMBO, *args], env=env, capture_output=True, text=True, timeout=120)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("rumbo: error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def test_help_is_listed_and_has_its_own_usage(cli_env: dict[str, str]) -> None:
    assert "window" in rumbo(cli_env, "--help").stdout
    sub = rumbo(cli_env, "window", "--help")
    assert sub.returncode == 0
    assert "usage: rumbo window" in sub.stdout
    assert "--until" in sub.stdout


def test_extend_one_area_and_all_areas(cli_env: dict[str, str]) -> None:
    base = ["window", "extend", "--institution", "ieem", "--year", "2024", "--month", "3"]
    one = rumbo(cli_env, *base, "--area", "se", "--until", FAR, "--reason", "Cambio de titular")
    assert one.returncode == 0, one.stderr
    assert "para el área SE en IEEM hasta el 31/12/2099" in one.stdout
    every = rumbo(cli_env, *base, "--until", FAR, "--reason", "Falla del sistema")
    assert every.returncode == 0, every.stderr
    assert "todas las áreas" in every.stdout
    check = rumbo(cli_env, "manage", "shell", "--no-imports", "-c", CHECK)
    assert check.returncode == 0, check.stderr
    extensions, audited = check.stdout.strip().splitlines()[-2:]
    assert extensions == (
        "[(2024, 3, 'SE', '2099-12-31', 'Cambio de titular'), "
        "(2024, 3, None, '2099-12-31', 'Falla del sistema')]"
    )
    assert audited == "2"


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--institution", "XX"], ["no existe la institución 'XX'"]),
        (["--area", "ZZ"], ["no existe el área 'ZZ' en IEEM"]),
        (["--month", "13"], ["mes fuera de rango: 13"]),
        (["--month", "marzo"], ["mes inválido"]),
        (["--year", "24"], ["año fuera de rango"]),
        (["--until", "31/12/2099"], ["fecha inválida"]),
        (["--until", "2000-01-01"], ["La prórroga no puede terminar antes de hoy"]),
        (["--reason", "   "], ["Escribe el motivo"]),
    ],
)
def test_bad_input_ends_in_one_line(
    cli_env: dict[str, str], args: list[str], fragments: list[str]
) -> None:
    options = {
        "--institution": "IEEM",
        "--year": "2024",
        "--month": "3",
        "--until": FAR,
        "--reason": "Motivo",
    }
    extra: list[str] = []
    for flag, value in zip(args[::2], args[1::2], strict=True):
        if flag in options:
            options[flag] = value
        else:
            extra += [flag, value]
    flat = [x for pair in options.items() for x in pair]
    assert_one_line_error(rumbo(cli_env, "window", "extend", *flat, *extra), *fragments)

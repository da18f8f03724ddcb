"""`rumbo user create` through the real console script, on its own SQLite database."""

from __future__ import annotations

import re
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
    "from django.contrib.auth import get_user_model;"
    "from rumbo.institutions.models import Membership;"
    "u = get_user_model().objects.get(username='{username}');"
    "print(u.check_password('{password}'));"
    "ms = Membership.objects.filter(user=u);"
    "print(sorted((m.role, m.area.code if m.area else '') for m in ms))"
)


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory, cli_database: Path) -> dict[str, str]:
    env = cli_environment(tmp_path_factory.mktemp("cli-user"), cli_database)
    prepare(env, "manage", "shell", "--no-imports", "-c", SETUP)
    return env


def rumbo(env: dict[str, str], *args: str, stdin: str | None = None):
    return subprocess.run(
        [RUMBO, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def check(env: dict[str, str], username: str, password: str) -> list[str]:
    result = rumbo(
        env,
        "manage",
        "shell",
        "--no-imports",
        "-c",
        CHECK.format(username=username, password=password),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("rumbo: error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def test_create_generates_and_prints_a_password_once(cli_env):
    result = rumbo(
        cli_env, "user", "create", "ana", "--institution", "IEEM", "--role", "planeacion"
    )
    assert result.returncode == 0, result.stderr
    assert "Se creó el usuario «ana» con el rol Planeación en IEEM." in result.stdout
    match = re.search(r"Contraseña \(se muestra una sola vez\): (\S+)", result.stdout)
    assert match, result.stdout
    password = match.group(1)
    assert result.stdout.count(password) == 1
    lines = check(cli_env, "ana", password)
    assert lines[0] == "True"
    assert lines[1] == "[('planeacion', '')]"


def test_password_from_stdin_and_existing_user_gets_the_role_only(cli_env):
    result = rumbo(
        cli_env,
        "user",
        "create",
        "beto",
        "--institution",
        "ieem",
        "--role",
        "consulta",
        "--password-stdin",
        stdin="una-frase-muy-larga-2024\nsegunda línea ignorada\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Contraseña" not in result.stdout
    result = rumbo(
        cli_env,
        "user",
        "create",
        "beto",
        "--institution",
        "IEEM",
        "--role",
        "enlace",
        "--area",
        "se",
        "--password-stdin",
        stdin="otra-contraseña-distinta\n",
    )
    assert result.returncode == 0, result.stderr
    assert "ya existía" in result.stdout and "su contraseña no cambió" in result.stdout
    lines = check(cli_env, "beto", "una-frase-muy-larga-2024")
    assert lines[0] == "True"
    assert lines[1] == "[('consulta', ''), ('enlace', 'SE')]"

    again = rumbo(cli_env, "user", "create", "beto", "--institution", "IEEM", "--role", "consulta")
    assert_one_line_error(again, "ya tiene el rol Consulta")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--institution", "NOEXISTE", "--role", "consulta"], ["no existe la institución"]),
        (["--institution", "IEEM", "--role", "jefe"], ["rol desconocido", "planeacion"]),
        (["--institution", "IEEM", "--role", "enlace"], ["necesita --area"]),
        (
            ["--institution", "IEEM", "--role", "enlace", "--area", "XX"],
            ["no existe el área", "SE"],
        ),
        (["--institution", "IEEM", "--role", "revisor", "--area", "SE"], ["solo se usa con"]),
    ],
)
def test_bad_input_is_one_line_and_creates_nothing(cli_env, args, fragments):
    result = rumbo(cli_env, "user", "create", "carla", *args)
    assert_one_line_error(result, *fragments)
    exists = rumbo(
        cli_env,
        "manage",
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.auth import get_user_model;"
        "print(get_user_model().objects.filter(username='carla').exists())",
    )
    assert exists.stdout.strip() == "False"


def test_weak_password_and_bad_username_are_refused(cli_env):
    weak = rumbo(
        cli_env,
        "user",
        "create",
        "dora",
        "--institution",
        "IEEM",
        "--role",
        "consulta",
        "--password-stdin",
        stdin="123\n",
    )
    assert_one_line_error(weak, "dora:", "contraseña")
    bad = rumbo(
        cli_env, "user", "create", "con espacio", "--institution", "IEEM", "--role", "consulta"
    )
    assert_one_line_error(bad, "sin espacios")
    empty = rumbo(
        cli_env,
        "user",
        "create",
        "eva",
        "--institution",
        "IEEM",
        "--role",
        "consulta",
        "--password-stdin",
        stdin="",
    )
    assert_one_line_error(empty, "no se leyó ninguna contraseña")


def test_help(cli_env):
    result = rumbo(cli_env, "user", "--help")
    assert result.returncode == 0
    assert "usage: rumbo user" in result.stdout and "--password-stdin" in result.stdout

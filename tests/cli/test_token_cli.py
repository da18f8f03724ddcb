"""`rumbo token create` through the real console script, then the token against the API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.console import cli_environment, prepare

RUMBO = str(Path(sys.executable).with_name("rumbo"))


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory, cli_database: Path) -> dict[str, str]:
    env = cli_environment(
        tmp_path_factory.mktemp("token-cli"),
        cli_database,
        DJANGO_SUPERUSER_PASSWORD="clave-larga-de-prueba-2024",
    )
    prepare(env, "manage", "createsuperuser", "--noinput", "--username", "ana", "--email", "a@b.mx")
    return env


def rumbo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RUMBO, *args], env=env, capture_output=True, text=True, timeout=120)


def test_create_prints_the_token_alone_and_it_authenticates(cli_env: dict[str, str]) -> None:
    result = rumbo(cli_env, "token", "create", "ana", "--name", "carga nocturna")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert result.stdout == token + "\n"
    assert token.startswith("rumbo_") and " " not in token
    check = rumbo(
        cli_env,
        "manage",
        "shell",
        "-c",
        "from rumbo.accounts.tokens import token_authenticate;"
        "from rumbo.accounts.models import ApiToken;"
        f"print(token_authenticate('{token}'), ApiToken.objects.get().name)",
    )
    assert check.stdout.strip().splitlines()[-1] == "ana carga nocturna", check.stderr


def test_unknown_user_is_one_line_error(cli_env: dict[str, str]) -> None:
    result = rumbo(cli_env, "token", "create", "nadie")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["rumbo: error: no existe el usuario 'nadie'"]


def test_help(cli_env: dict[str, str]) -> None:
    result = rumbo(cli_env, "token", "--help")
    assert result.returncode == 0
    assert "usage: rumbo token" in result.stdout

"""The publication checker's faces (page and `rumbo check-format`) refuse every hostile
spreadsheet with the guard's message, never a 500 or a traceback, and never show the
content of a file an XXE entity points to (issue 16, finding 4)."""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.console import cli_environment
from tests.core import hostile_files as h

CHECK = "/i/IEEM/transparencia/revisar/"
RUMBO = str(Path(sys.executable).with_name("rumbo"))
PASSWD_LINE = h.PASSWD_LINE
HOSTILE = [
    *h.XLSX_REFUSALS,
    (
        "campo.csv",
        h.csv_with_long_field,
        "«campo.csv», línea 2: una celda tiene más de 131,072 caracteres; el máximo es 32,767 "
        "caracteres por celda (el de Excel).",
    ),
]
IDS = [name for name, _, _ in HOSTILE]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "build", "message"), HOSTILE, ids=IDS)
def test_the_checker_page_refuses_each_hostile_file(as_user, name, build, message) -> None:
    upload = SimpleUploadedFile(name, build())
    response = as_user("consulta").post(CHECK, {"formato": "fr-iv", "archivo": upload})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert f"No se pudo revisar el archivo: {message}" in page
    assert PASSWD_LINE not in page


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory, cli_database: Path) -> dict[str, str]:
    return cli_environment(tmp_path_factory.mktemp("cli-upload-limits"), cli_database)


def check_format(env: dict[str, str], path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [RUMBO, "check-format", str(path), "--format", "fr-iv"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(("name", "build", "message"), HOSTILE, ids=IDS)
def test_check_format_refuses_each_hostile_file_in_one_line(
    cli_env, tmp_path: Path, name, build, message
) -> None:
    path = tmp_path / name
    path.write_bytes(build())
    result = check_format(cli_env, path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert message in lines[0]
    assert PASSWD_LINE not in result.stdout + result.stderr


def test_check_format_looks_at_the_size_before_reading(cli_env, tmp_path: Path) -> None:
    path = tmp_path / "enorme.csv"
    with path.open("wb") as out:  # sparse: 2 GB that take no disk and must not be read
        out.truncate(2 * 1024**3)
    result = check_format(cli_env, path)
    assert result.returncode == 2
    assert "«enorme.csv» pesa 2,048.0 MB; el máximo es 20 MB." in result.stderr

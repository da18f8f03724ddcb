"""`rumbo export sipot …` and `rumbo check-format …` as users run them (real processes)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.console import cli_environment, prepare

RUMBO = str(Path(sys.executable).with_name("rumbo"))
SIPOT = Path(__file__).resolve().parents[2] / "data" / "samples" / "000_19180f02e9762917.txt"


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory, cli_database: Path) -> dict[str, str]:
    env = cli_environment(tmp_path_factory.mktemp("cli-transparency"), cli_database)
    prepare(env, "import", "sipot-objetivos", str(SIPOT), "--institution", "IECM")
    return env


def rumbo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RUMBO, *args], env=env, capture_output=True, text=True, timeout=300)


def one_line(result: subprocess.CompletedProcess[str], code: int, *fragments: str) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def test_export_sipot_xlsx_and_csv(cli_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "fr-iv.xlsx"
    done = rumbo(
        cli_env, "export", "sipot", "fr-iv", "--institution", "IECM", "--year", "2024",
        "--format", "xlsx", "-o", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    ws = load_workbook(out).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[5][0] == "Ejercicio"
    assert len(rows) - 6 == 139
    out_csv = tmp_path / "fr-iv.csv"
    done = rumbo(
        cli_env, "export", "sipot", "cdmx-121-iv", "--institution", "iecm", "--year", "2024",
        "--quarter", "4", "--format", "csv", "-o", str(out_csv),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    header, *data = list(csv.reader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert header[3] == "Denominación del Área o Unidad Responsable"
    assert len(data) == 139 and {r[1] for r in data} == {"01/10/2024"}


def test_check_format_json_text_and_exit_status(cli_env: dict[str, str]) -> None:
    done = rumbo(cli_env, "check-format", str(SIPOT), "--format", "fr-iv", "--output", "json")
    assert done.returncode == 1, done.stderr  # the sample has errors (links)
    findings = json.loads(done.stdout)
    assert {tuple(sorted(f)) for f in findings} == {
        ("code", "column", "message", "row", "severity")
    }
    assert {"duplicate_row", "suspicious_link", "unit_is_frequency"} <= {
        f["code"] for f in findings
    }
    text = rumbo(
        cli_env, "check-format", str(SIPOT), "--format", "fr-iv", "--institution", "IECM",
        "--output", "text",
    )  # fmt: skip
    assert text.returncode == 1
    lines = text.stdout.strip().splitlines()
    assert "encabezado en la fila 11, 139 filas de datos" in lines[0]
    assert lines[-1].endswith("advertencias.")
    assert any(line.startswith("error suspicious_link (fila 12, columna") for line in lines)


def test_a_clean_file_exits_zero(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    header = (
        "Ejercicio,Fecha de inicio del periodo que se informa,Fecha de término del periodo que se "
        "informa,Denominación del área,Descripción breve y clara de cada objetivo,Indicadores "
        "asociados,Meta(s) por cada indicador,Unidad de medida por cada meta,Hipervínculo al "
        "documento del programa,Área(s) responsable(s),Fecha de actualización,Nota"
    )
    row = (
        "2023,01/01/2023,31/12/2023,Dirección de Organización,Organizar,Porcentaje de casillas,"
        "100 %,Porcentaje,https://www.ieem.org.mx/poa.pdf,Dirección de Organización,15/01/2024,"
    )
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    done = rumbo(cli_env, "check-format", str(path), "--format", "fr-iv", "--output", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["/nonexistent.xlsx", "--format", "fr-iv"], ["el archivo no existe"]),
        ([str(SIPOT), "--format", "fr-xx"], ["--format", "invalid choice"]),
        (
            [str(SIPOT), "--format", "fr-iv", "--institution", "NADA"],
            ["no existe la institución NADA"],
        ),
        ([str(SIPOT), "--format", "fr-v"], ["no parece el formato fr-v"]),
        ([str(SIPOT)], ["--format"]),
    ],
)
def test_check_format_bad_arguments_exit_two(
    cli_env: dict[str, str], args: list[str], fragments: list[str]
) -> None:
    one_line(rumbo(cli_env, "check-format", *args), 2, *fragments)


def test_check_format_unreadable_files_exit_two(cli_env: dict[str, str], tmp_path: Path) -> None:
    empty = tmp_path / "vacio.csv"
    empty.write_bytes(b"")
    one_line(rumbo(cli_env, "check-format", str(empty), "--format", "fr-iv"), 2, "vacío")
    corrupt = tmp_path / "roto.xlsx"
    corrupt.write_bytes(b"PK\x03\x04roto")
    one_line(rumbo(cli_env, "check-format", str(corrupt), "--format", "fr-iv"), 2, "XLSX")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ["sipot", "--institution", "IECM", "--year", "2024", "--format", "csv"],
            "indique el formato",
        ),
        (
            ["sipot", "fr-x", "--institution", "IECM", "--year", "2024", "--format", "csv"],
            "desconocido",
        ),
        (["sipot", "fr-iv", "--institution", "IECM", "--year", "2024"], "xlsx o csv"),
        (
            [
                "sipot",
                "fr-iv",
                "--institution",
                "IECM",
                "--year",
                "2024",
                "--format",
                "csv",
                "--quarter",
                "5",
            ],
            "--quarter",
        ),
        (["sipot", "fr-iv", "--institution", "NADA", "--year", "2024", "--format", "csv"], "NADA"),
        (["program", "fr-iv", "--institution", "IECM", "--year", "2024"], "no admite"),
    ],
)
def test_export_sipot_errors(cli_env: dict[str, str], args: list[str], fragment: str) -> None:
    one_line(rumbo(cli_env, "export", *args), 1, fragment)

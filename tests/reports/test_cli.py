"""`rumbo report …` through the real console script, on its own SQLite database."""

from __future__ import annotations

import json
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from tests.console import cli_environment, prepare

RUMBO = str(Path(sys.executable).with_name("rumbo"))
SETUP = (
    "from tests.factories import build_demo;"
    " from tests.reports.conftest import add_progress, set_state;"
    " from rumbo.monitoring.models import PeriodState;"
    "d = build_demo(); add_progress(d.activity_full, {1: 340, 2: 300});"
    "[set_state(d, d.area_se, m, PeriodState.APPROVED) for m in (1, 2)]"
)


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory, cli_database: Path) -> dict[str, str]:
    env = cli_environment(tmp_path_factory.mktemp("cli-report"), cli_database)
    root = str(settings.BASE_DIR)
    prepare(env, "manage", "shell", "--pythonpath", root, "--no-imports", "-c", SETUP, cwd=root)
    return env


def rumbo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RUMBO, *args], env=env, capture_output=True, text=True, timeout=180)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode != 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 or result.returncode == 2, result.stderr
    assert "error" in lines[-1]
    for fragment in fragments:
        assert fragment in lines[-1], (fragment, lines[-1])


def test_help_lists_report(cli_env):
    assert "report" in rumbo(cli_env, "--help").stdout
    sub = rumbo(cli_env, "report", "--help")
    assert sub.returncode == 0
    assert "usage: rumbo report" in sub.stdout
    for option in ("--institution", "--year", "--month", "--quarter", "--format", "--area"):
        assert option in sub.stdout


def test_monthly_xlsx_and_pdf(cli_env, tmp_path):
    out = tmp_path / "mensual.xlsx"
    base = ["report", "monthly", "--institution", "IEEM", "--year", "2024", "--month", "2"]
    result = rumbo(cli_env, *base, "--format", "xlsx", "-o", str(out))
    assert result.returncode == 0, result.stderr
    ws = load_workbook(BytesIO(out.read_bytes()))["Avance"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "010101")
    assert row[6] == 680 and row[8] == 640  # cumulative programmed and achieved to February
    assert row[11] == "Oficial"  # SE approved January and February
    pdf = tmp_path / "mensual.pdf"
    result = rumbo(cli_env, *base, "--area", "SE", "--format", "pdf", "-o", str(pdf))
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")


def test_monthly_json_to_stdout(cli_env):
    result = rumbo(
        cli_env, "report", "monthly", "--institution", "IEEM", "--year", "2024", "--month", "3",
        "--area", "SE", "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["institution"], data["month"], data["area"]) == ("IEEM", 3, "SE")
    full = next(a for a in data["activities"] if a["key"] == "010101")
    # SE has not captured March: pending, shown as null — never as 0.
    assert full["state"] == "pendiente" and full["light"] == "gris"
    assert full["achieved_to_date"] is None and full["percent"] is None
    assert full["programmed_to_date"] == 1020  # 340 × 3
    assert data["totals"]["states"] == {"oficial": 0, "preliminar": 0, "pendiente": 4}


def test_physical_financial_json_to_stdout_and_xlsx(cli_env, tmp_path):
    base = ["report", "fisico-financiero", "--institution", "IEEM", "--year", "2024"]
    result = rumbo(cli_env, *base, "--month", "2", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["institution"], data["year"], data["month"]) == ("IEEM", 2024, 2)
    assert data["has_budget"] is False  # this database has no budget lines
    project = next(i for i in data["items"] if i["node"] == "0101")
    # 010101 is 640 of 680 (94.12 %); 010102–010104 are graded too.
    assert project["level"] == "Proyecto" and project["gap_light"] == "gris"
    assert project["financial_percent"] is None and project["modificado"] == 0
    out = tmp_path / "ff.xlsx"
    result = rumbo(cli_env, *base, "--month", "2", "--format", "xlsx", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "Físico-financiero" in load_workbook(BytesIO(out.read_bytes())).sheetnames
    result = rumbo(cli_env, *base, "--format", "json")
    assert_one_line_error(result, "--month", "fisico-financiero requiere el mes")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["quarterly", "--quarter", "2"], None),
        (["program"], None),
        (["mir"], None),
    ],
)
def test_other_reports(cli_env, tmp_path, args, fragment):
    out = tmp_path / "informe.xlsx"
    result = rumbo(
        cli_env,
        "report",
        *args,
        "--institution",
        "ieem",
        "--year",
        "2024",
        "--format",
        "xlsx",
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert (
        load_workbook(BytesIO(out.read_bytes())).worksheets[0]["A1"].value.startswith("Instituto")
    )


BASE = ["--institution", "IEEM", "--year", "2024", "--format", "xlsx", "-o", "/dev/null"]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["monthly", *BASE], ["--month", "requiere el mes"]),
        (["quarterly", *BASE], ["--quarter", "requiere el trimestre"]),
        (["monthly", "--month", "13", *BASE], ["mes: 13"]),
        (["monthly", "--month", "marzo", *BASE], ["--month", "'marzo'"]),
        (["quarterly", "--quarter", "5", *BASE], ["trimestre: 5"]),
        (["program", "--month", "3", *BASE], ["--month", "solo se usa con el informe monthly"]),
        (["mir", "--quarter", "1", *BASE], ["--quarter", "quarterly"]),
        (["program", "--area", "SE", *BASE], ["--area"]),
        (["monthly", "--month", "3", "--area", "ZZ", *BASE], ["siglas ZZ"]),
        (["mir", "--mir", "999", *BASE], ["no tiene una MIR 999"]),
        (
            [
                "monthly",
                "--month",
                "3",
                "--institution",
                "NOPE",
                "--year",
                "2024",
                "--format",
                "pdf",
                "-o",
                "/dev/null",
            ],
            ["no existe la institución NOPE"],
        ),
        (
            [
                "program",
                "--institution",
                "IEEM",
                "--year",
                "2023",
                "--format",
                "pdf",
                "-o",
                "/dev/null",
            ],
            ["no tiene programa anual 2023"],
        ),
        (
            [
                "program",
                "--institution",
                "IEEM",
                "--year",
                "20x4",
                "--format",
                "pdf",
                "-o",
                "/dev/null",
            ],
            ["año inválido"],
        ),
    ],
)
def test_errors_are_one_clear_line(cli_env, args, fragments):
    assert_one_line_error(rumbo(cli_env, "report", *args), *fragments)


def test_month_and_quarter_are_exclusive_and_format_is_checked(cli_env):
    both = rumbo(cli_env, "report", "monthly", "--month", "1", "--quarter", "1", *BASE)
    assert both.returncode == 2 and "not allowed with argument" in both.stderr
    bad = rumbo(
        cli_env,
        "report",
        "program",
        "--institution",
        "IEEM",
        "--year",
        "2024",
        "--format",
        "docx",
        "-o",
        "/dev/null",
    )
    assert bad.returncode == 2 and "--format" in bad.stderr

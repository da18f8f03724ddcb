"""The `rumbo` console script as users run it: real processes, exit codes, stderr lines.

These tests use their own temporary SQLite database through DATABASE_URL, whatever the
suite's database is, because each call is a separate process.
"""

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
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
PAA = SAMPLES / "003_f85b278706467e27.txt"
SIPOT = SAMPLES / "000_19180f02e9762917.txt"
PGD_TEXT = SAMPLES / "001_21bc9bdb581439c2.txt"
PGD_TABLE = SAMPLES / "002_c34a5bd474591bee.txt"


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory, cli_database: Path) -> dict[str, str]:
    env = cli_environment(tmp_path_factory.mktemp("cli"), cli_database)
    # cli_database was made by `rumbo init`; run again, it finds nothing left to do.
    prepare(env, "init")
    return env


def rumbo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RUMBO, *args], env=env, capture_output=True, text=True, timeout=300)


def rumbo_bytes(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([RUMBO, *args], env=env, capture_output=True, timeout=300)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("rumbo: error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def test_help_lists_every_command_and_each_has_help(cli_env: dict[str, str]) -> None:
    top = rumbo(cli_env, "--help")
    assert top.returncode == 0
    for name in ("init", "demo", "serve", "import", "export", "quality"):
        assert name in top.stdout
        sub = rumbo(cli_env, name, "--help")
        assert sub.returncode == 0, sub.stderr
        assert f"usage: rumbo {name}" in sub.stdout


def test_unknown_command_is_refused(cli_env: dict[str, str]) -> None:
    result = rumbo(cli_env, "frobnicate")
    assert result.returncode == 2
    assert "comando desconocido" in result.stderr


@pytest.mark.parametrize("kind", ["paa", "pgd", "sipot-objetivos"])
def test_bad_files_end_in_one_line_naming_the_file(
    cli_env: dict[str, str], tmp_path: Path, kind: str
) -> None:
    missing = tmp_path / "no-existe.txt"
    assert_one_line_error(
        rumbo(cli_env, "import", kind, str(missing), "--institution", "T1"), "no-existe.txt"
    )
    empty = tmp_path / "vacio.txt"
    empty.write_text("")
    assert_one_line_error(
        rumbo(cli_env, "import", kind, str(empty), "--institution", "T1"), "vacio.txt", "vacío"
    )
    binary = tmp_path / "imagen.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert_one_line_error(
        rumbo(cli_env, "import", kind, str(binary), "--institution", "T1"), "imagen.png", "binario"
    )
    other = {"paa": SIPOT, "pgd": PAA, "sipot-objetivos": PAA}[kind]
    assert_one_line_error(
        rumbo(cli_env, "import", kind, str(other), "--institution", "T1"), other.name
    )
    # Nothing of those attempts was written.
    quality = rumbo(cli_env, "quality", "--institution", "T1", "--format", "json")
    if quality.returncode == 0:
        assert json.loads(quality.stdout) == []


def test_truncated_program_is_refused_or_flagged_never_half_written(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    lines = PAA.read_text(encoding="utf-8").splitlines(keepends=True)
    # Cut in the middle of an activity: its numbers line is missing.
    cut = next(i for i, line in enumerate(lines) if line.startswith("010101\t"))
    truncated = tmp_path / "truncado.txt"
    truncated.write_text("".join(lines[: cut + 1]), encoding="utf-8")
    result = rumbo(cli_env, "import", "paa", str(truncated), "--institution", "TRUNC")
    if result.returncode != 0:
        assert_one_line_error(result, "truncado.txt")
        export = rumbo(cli_env, "export", "program", "--institution", "TRUNC", "--year", "2024")
        assert export.returncode == 1
    else:
        findings = json.loads(
            rumbo(cli_env, "quality", "--institution", "TRUNC", "--format", "json").stdout
        )
        assert any(f["source"]["file"] == "truncado.txt" for f in findings)


def test_dry_run_writes_nothing(cli_env: dict[str, str]) -> None:
    result = rumbo(cli_env, "import", "paa", str(PAA), "--institution", "DRY", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "no se guardó nada" in result.stdout
    export = rumbo(cli_env, "export", "program", "--institution", "DRY", "--year", "2024")
    assert_one_line_error(export, "DRY")


def test_import_export_and_quality_round_trip(cli_env: dict[str, str], tmp_path: Path) -> None:
    first = rumbo(cli_env, "import", "paa", str(PAA), "--institution", "IEEM", "--format", "json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["created"]["actividad"] == 318 or sum(report["created"].values()) > 318

    again = rumbo(cli_env, "import", "paa", str(PAA), "--institution", "IEEM", "--format", "json")
    assert again.returncode == 0, again.stderr
    second = json.loads(again.stdout)
    assert second["created"] == {} and second["updated"] == {} and second["deleted"] == {}
    assert second["findings_total"] == report["findings_total"]

    exported = rumbo(cli_env, "export", "program", "--institution", "IEEM", "--year", "2024")
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    # The life cycle (issue 15) added the program's state and version in force.
    assert set(data) == {"institution", "year", "subprograms", "state", "version"}
    assert (data["state"], data["version"]) == ("formulacion", 0)
    assert (data["institution"], data["year"]) == ("IEEM", 2024)
    assert len(data["subprograms"]) == 13
    projects = [p for sp in data["subprograms"] for p in sp["projects"]]
    activities = [a for p in projects for a in p["activities"]]
    assert (len(projects), len(activities)) == (86, 318)
    sp = data["subprograms"][0]
    assert set(sp) == {"key", "name", "area", "objective", "projects"}
    assert set(sp["area"]) == {"code", "name"}
    act = activities[0]
    assert set(act) == {
        "key",
        "description",
        "unit",
        "annual_target",
        "monthly_targets",
        "beneficiaries",
        "lines_of_action",
        "original_annual_target",
        "original_monthly_targets",
    }
    assert act["original_annual_target"] is None  # not approved: no original yet
    assert len(act["monthly_targets"]) == 12
    assert all(len(a["monthly_targets"]) == 12 for a in activities)
    assert act["key"] == "010101" and act["annual_target"] == 4060

    csv_out = tmp_path / "programa.csv"
    result = rumbo(
        cli_env,
        "export",
        "program",
        "--institution",
        "IEEM",
        "--year",
        "2024",
        "--format",
        "csv",
        "-o",
        str(csv_out),
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(csv_out.read_text(encoding="utf-8"))))
    assert len(rows) == 318
    assert rows[0]["Clave actividad"] == "010101" and rows[0]["Cantidad anual"] == "4060"

    xlsx_out = tmp_path / "programa.xlsx"
    result = rumbo(
        cli_env,
        "export",
        "program",
        "--institution",
        "IEEM",
        "--year",
        "2024",
        "--format",
        "xlsx",
        "-o",
        str(xlsx_out),
    )
    assert result.returncode == 0, result.stderr
    wb = load_workbook(xlsx_out, read_only=True)
    sheet = wb["Programa"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][6] == "Clave actividad"
    assert len(values) == 319
    assert values[1][6] == "010101" and values[1][9] == 4060

    piped = rumbo_bytes(
        cli_env, "export", "program", "--institution", "IEEM", "--year", "2024", "--format", "xlsx"
    )
    assert piped.returncode == 0 and piped.stdout[:2] == b"PK"

    quality = rumbo(
        cli_env, "quality", "--institution", "IEEM", "--year", "2024", "--format", "json"
    )
    assert quality.returncode == 0, quality.stderr
    findings = json.loads(quality.stdout)
    assert len(findings) == report["findings_total"]
    assert findings and set(findings[0]) == {
        "code",
        "severity",
        "object",
        "source",
        "message",
        "status",
    }
    assert set(findings[0]["source"]) == {"file", "line"}
    assert {f["source"]["file"] for f in findings} == {PAA.name}
    text = rumbo(cli_env, "quality", "--institution", "IEEM", "--format", "text")
    assert text.returncode == 0 and f"{PAA.name}:" in text.stdout


def test_objectives_export_carries_canonical_areas(cli_env: dict[str, str]) -> None:
    result = rumbo(cli_env, "import", "sipot-objetivos", str(SIPOT), "--institution", "IECM")
    assert result.returncode == 0, result.stderr
    exported = rumbo(cli_env, "export", "objectives", "--institution", "IECM", "--year", "2024")
    assert exported.returncode == 0, exported.stderr
    rows = json.loads(exported.stdout)
    assert len(rows) == 139
    assert all(set(r["area"]) == {"code", "name"} for r in rows)
    names_by_code: dict[str, set[str]] = {}
    for r in rows:
        names_by_code.setdefault(r["area"]["code"], set()).add(r["area"]["name"])
    assert all(len(names) == 1 for names in names_by_code.values())
    csv_text = rumbo(
        cli_env,
        "export",
        "objectives",
        "--institution",
        "IECM",
        "--year",
        "2024",
        "--format",
        "csv",
    )
    assert len(list(csv.reader(io.StringIO(csv_text.stdout)))) == 140


def test_export_refuses_unknown_institution_and_bad_year(cli_env: dict[str, str]) -> None:
    assert_one_line_error(
        rumbo(cli_env, "export", "program", "--institution", "NADA", "--year", "2024"), "NADA"
    )
    assert_one_line_error(
        rumbo(cli_env, "export", "program", "--institution", "NADA", "--year", "20x4"), "20x4"
    )

"""Every report in both formats, opened by the tools users have: XLSX re-read by openpyxl
and converted by LibreOffice headless; PDF rendered to PNG by pdftoppm and its text
extracted by pdftotext. The slow conversions live in this one module."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rumbo.monitoring.models import PeriodState
from rumbo.reports.builders import build_report
from tests.factories import measure_indicator
from tests.reports.conftest import set_state

pytestmark = pytest.mark.django_db

REPORTS = [
    ("monthly", {"month": 3}),
    ("quarterly", {"quarter": 2}),
    ("program", {}),
    ("mir", {}),
]
TITLES = {
    "monthly": "Informe mensual de avance programático",
    "quarterly": "Informe trimestral de indicadores (SED)",
    "program": "Programa anual",
    "mir": "Matriz de Indicadores para Resultados",
}


@pytest.fixture
def data(progress):
    d = progress.design
    measure_indicator(d.ind_c1, 1, realizadas="70", programadas="100")
    measure_indicator(d.ind_c1, 2, realizadas="84", programadas="100")
    set_state(progress, progress.area_se, 6, PeriodState.APPROVED)
    return progress


def _soffice(path: Path, target: str, tmp_path: Path) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None:  # pragma: no cover - CI installs LibreOffice
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = tmp_path / "lo-profile"
    out = tmp_path / "converted"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    converted = out / f"{path.stem}.{target.split(':')[0]}"
    assert converted.exists() and converted.stat().st_size > 0, (result.stdout, result.stderr)
    return converted


def _pdftotext(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(("kind", "scope"), REPORTS)
def test_xlsx_reads_back_and_converts(data, tmp_path, kind, scope):
    file = build_report(kind=kind, institution="IEEM", year=2024, fmt="xlsx", **scope)
    assert file.content_type.startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(file.content))
    ws = wb.worksheets[0]
    assert ws["A1"].value == "Instituto Electoral del Estado de México"
    assert ws["A2"].value.startswith(TITLES[kind])
    assert ws["A4"].value.startswith("Generado el ")
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}$", ws["A4"].value)
    assert ws.freeze_panes is not None
    numbers = [
        c.value
        for sheet in wb.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, int | float) and not isinstance(c.value, bool)
    ]
    assert numbers, "figures are numbers, not text"
    path = tmp_path / file.filename
    path.write_bytes(file.content)
    csv = _soffice(path, "csv", tmp_path).read_text(encoding="utf-8", errors="replace")
    assert "Instituto Electoral del Estado de M" in csv


def test_monthly_xlsx_values(data):
    file = build_report(kind="monthly", institution="IEEM", year=2024, month=3, fmt="xlsx")
    wb = load_workbook(BytesIO(file.content))
    ws = wb["Avance"]
    rows = {r[0].value: r for r in ws.iter_rows() if r[0].value == "010101"}
    row = [c.value for c in rows["010101"]]
    # key, description, area, unit, annual, month prog, cum prog, month ach, cum ach, %, light
    assert row[2:10] == ["SE", "Reporte", 4060, 340, 1020, 330, 970, pytest.approx(0.951)]
    assert row[10] == "Verde"
    assert row[11] == "Oficial"
    assert rows["010101"][9].number_format == "0.00%"
    assert rows["010101"][10].fill.fgColor.rgb.endswith("C8E6C9")
    summary = wb["Resumen"]
    rows = {r[0]: r for r in summary.iter_rows(values_only=True) if r[0]}
    # Columns: area, name, capture, figures' state, activities, green, yellow, red, grey,
    # on track, average compliance. SE: 010101 green (95.10 %), 010102 red (0 of 0.25),
    # 010103 red (1 of 3 = 33.33 %), 010104 red (0 of 3); 1 green of 4 graded = 25 %;
    # (95.10 + 0 + 33.33 + 0) / 4 = 32.1075 → 32.11 %.
    assert list(rows["SE"][2:9]) == ["aprobado", "Oficial", 4, 1, 0, 3, 0]
    assert rows["SE"][9:11] == (pytest.approx(0.25), pytest.approx(0.3211))
    # DO: 020101 has nothing programmed to March (grey): nothing graded, no percentage.
    assert list(rows["DO"][2:11]) == ["enviado", "Preliminar", 1, 0, 0, 0, 1, None, None]
    official = rows["Total de cifras en estado oficial"]
    assert list(official[3:9]) == ["Oficial", 4, 1, 0, 3, 0]
    assert rows["Total de cifras en estado preliminar"][4] == 1
    assert rows["Total de cifras en estado pendiente"][4] == 0
    assert list(rows["Total"][4:9]) == [5, 1, 0, 3, 1]
    assert rows["Total"][9:11] == (pytest.approx(0.25), pytest.approx(0.3211))
    # Quantities only per unit: Reporte = 010101 + 010102 + 020101 (1,020 + 0.25 + 0
    # programmed, 970 + 0 + 1 achieved: 971 / 1,020.25 = 95.17 %); Evento = 010103 +
    # 010104 (3 + 3 programmed, 1 + 0 achieved: 1 / 6 = 16.67 %).
    assert list(rows["Reporte"][4:8]) == [3, 1020.25, 971, pytest.approx(0.9517)]
    assert list(rows["Evento"][4:8]) == [2, 6, 1, pytest.approx(0.1667)]
    # The chart's months: average compliance January 66.67, February 48.04, March 32.11.
    assert [rows[m][10] for m in ("Ene", "Feb", "Mar")] == [
        pytest.approx(0.6667),
        pytest.approx(0.4804),
        pytest.approx(0.3211),
    ]


@pytest.mark.parametrize(("kind", "scope"), REPORTS)
def test_pdf_renders_and_holds_the_figures(data, tmp_path, kind, scope):
    file = build_report(kind=kind, institution="IEEM", year=2024, fmt="pdf", **scope)
    assert file.content.startswith(b"%PDF")
    path = tmp_path / file.filename
    path.write_bytes(file.content)
    result = subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    pngs = list(tmp_path.glob("p*.png"))
    assert pngs and pngs[0].stat().st_size > 0
    text = _pdftotext(path)
    first = text.split("\f")[0]
    assert "Instituto Electoral del Estado de México" in first
    assert TITLES[kind] in " ".join(first.split())
    assert re.search(r"Página 1 de \d+", first)
    assert re.search(r"Generado el \d{2}/\d{2}/\d{4} \d{2}:\d{2}", first)
    pages = int(re.search(r"Página 1 de (\d+)", first).group(1))
    assert f"Página {pages} de {pages}" in text
    flat = " ".join(text.split())
    if kind == "monthly":
        assert "Ejercicio 2024 · marzo" in flat
        for figure in ("4,060", "1,020", "970", "95.1 %", "33.33 %", "Preliminar", "Oficial"):
            assert figure in flat, figure
        assert "Se recibieron menos solicitudes." in flat
        assert "Cifras preliminares" in flat
    elif kind == "quarterly":
        assert "Trimestre 2 (abr–jun)" in flat
        assert "Porcentaje de informes entregados" in flat
        for figure in ("85", "84", "98.82 %", "Verde"):
            assert figure in flat, figure
    elif kind == "program":
        assert "010101" in flat and "4,060" in flat and "340" in flat
    else:
        assert "Porcentaje de acuerdos cumplidos" in flat
        assert "realizadas / programadas * 100" in flat
        assert "Fichas técnicas" in flat

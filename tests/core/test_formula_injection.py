"""No exported cell runs as a formula: a description set to a live HYPERLINK comes out of
every CSV and XLSX Rumbo writes — open data, program export, reports, the bitácora — as
the exact text, never as a formula (re-read with openpyxl and, for the anonymous open-data
download, with LibreOffice)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rumbo.audit.services import Actor, audit_record
from rumbo.core.exportfile import safe_csv_writer, spreadsheet_safe
from rumbo.programs.exports import program_to_csv, program_to_xlsx
from rumbo.programs.models import Activity
from tests.opendata.conftest import publish

PAYLOAD = '=HYPERLINK("http://evil.example/phish","Ver evidencia")'


def _xlsx_texts(content: bytes) -> list[str]:
    """Every cell's text; fails on any formula cell."""
    book = load_workbook(io.BytesIO(content))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def _csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.fixture
def planted(demo):  # type: ignore[no-untyped-def]
    Activity.objects.filter(pk=demo.activity_full.pk).update(description=PAYLOAD)
    return demo


def test_the_rule_on_its_own():
    assert spreadsheet_safe(PAYLOAD) == "'" + PAYLOAD
    for start in ("=1+1", "+1+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_safe(start) == "'" + start
    # Plain numbers written as text run nothing and stay as they are.
    for number in ("-5", "+1.5", "-0.25", "3", "-1e3"):
        assert spreadsheet_safe(number) == number
    out = io.StringIO()
    safe_csv_writer(out).writerow([PAYLOAD, 7, None, "Texto"])
    assert (
        out.getvalue()
        == '"\'=HYPERLINK(""http://evil.example/phish"",""Ver evidencia"")",7,,Texto\r\n'
    )


def test_open_data_downloads_carry_the_text_not_a_formula(planted, client):
    publish(planted.program)
    xlsx = client.get("/datos/IEEM/2024/descargas/programa.xlsx")
    assert xlsx.status_code == 200
    content = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    assert PAYLOAD in _xlsx_texts(content)
    csv_response = client.get("/datos/IEEM/2024/descargas/programa.csv")
    raw = (
        b"".join(csv_response.streaming_content) if csv_response.streaming else csv_response.content
    )
    cells = _csv_cells(raw)
    assert "'" + PAYLOAD in cells and PAYLOAD not in cells


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_open_data_cell_as_text(planted, client, tmp_path: Path):
    publish(planted.program)
    response = client.get("/datos/IEEM/2024/descargas/programa.xlsx")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    source = tmp_path / "programa.xlsx"
    source.write_bytes(content)
    subprocess.run(  # a formula would be computed: the cell would read «Ver evidencia»
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",  # UTF-8
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    rows = list(csv.reader(io.StringIO((tmp_path / "programa.csv").read_text("utf-8"))))
    cells = [cell for row in rows for cell in row]
    assert PAYLOAD in cells
    assert "Ver evidencia" not in cells


def test_program_export_xlsx_and_csv(planted):
    assert PAYLOAD in _xlsx_texts(program_to_xlsx(planted.program))
    cells = _csv_cells(program_to_csv(planted.program).encode())
    assert "'" + PAYLOAD in cells and PAYLOAD not in cells


def test_monthly_report_xlsx(planted, as_user):
    url = reverse("web:report_download", args=["IEEM", "mensual", 2024, "xlsx"]) + "?mes=3"
    response = as_user("planeacion").get(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert PAYLOAD in _xlsx_texts(content)


def test_audit_log_csv_and_xlsx(planted, as_user):
    audit_record(
        actor=Actor.cli(),
        institution_id=planted.institution.pk,
        action="program.review",
        obj=planted.program,
        before={},
        after={},
        reason=PAYLOAD,
    )
    client = as_user("planeacion")
    url = reverse("web:audit_log", args=["IEEM"])
    xlsx = client.get(url + "?formato=xlsx")
    assert xlsx.status_code == 200
    assert PAYLOAD in _xlsx_texts(xlsx.content)
    csv_response = client.get(url + "?formato=csv")
    cells = _csv_cells(csv_response.content)
    assert "'" + PAYLOAD in cells and PAYLOAD not in cells


def test_every_csv_is_written_through_the_safe_writer():
    """One place for the rule: a new ``csv.writer`` elsewhere would bypass it."""
    root = Path(__file__).resolve().parents[2] / "rumbo"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "exportfile.py"
        and (
            "csv.writer(" in path.read_text("utf-8") or "csv.DictWriter(" in path.read_text("utf-8")
        )
    ]
    assert offenders == []

"""The download buttons of the report and transparency pages: each is a form that asks for
an export job; submitting exactly what the page holds returns the file (inline) or queues
it (Redis), and the file is the one the CLI builds."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rumbo.jobs.models import ExportJob, JobState
from rumbo.reports.builders import build_report
from rumbo.transparency.generate import build_sipot
from tests.conftest import run_worker
from tests.reports.conftest import load_progress

pytestmark = pytest.mark.django_db

FORM = re.compile(r'<form method="post" action="([^"]+)">(.*?)</form>', re.S)
FIELD = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _forms(page: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Forms that ask for a job, by the label of their button."""
    found = {}
    for action, body in FORM.findall(page):
        fields = {k: html.unescape(v) for k, v in FIELD.findall(body) if k != "csrfmiddlewaretoken"}
        if "kind" not in fields:
            continue
        label = re.search(r"<button[^>]*>(.*?)</button>", body, re.S)
        aria = re.search(r'aria-label="([^"]+)"', body)
        found[html.unescape(aria.group(1) if aria else label.group(1).strip())] = (action, fields)
    return found


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_monthly_report_buttons_return_the_clis_file(as_user, demo):
    load_progress(demo)
    client = as_user("enlace_otra")
    page = client.get(reverse("web:report", args=["IEEM", "mensual", 2024]) + "?mes=3")
    forms = _forms(page.content.decode())
    assert set(forms) == {"Descargar XLSX", "Descargar PDF"}
    action, fields = forms["Descargar XLSX"]
    assert action == reverse("web:job_create", args=["IEEM"])
    assert fields == {"kind": "report-monthly", "year": "2024", "month": "3", "fmt": "xlsx"}
    response = client.post(action, fields)
    assert response.status_code == 200
    assert 'filename="IEEM-informe-mensual-2024-03.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(_body(response)))
    expected = load_workbook(
        io.BytesIO(
            build_report(kind="monthly", institution="IEEM", year=2024, month=3, fmt="xlsx").content
        )
    )
    values = lambda wb: [  # noqa: E731
        [c for c in row if not (isinstance(c, str) and c.startswith("Generado"))]
        for ws in wb
        for row in ws.iter_rows(values_only=True)
    ]
    assert values(workbook)[4:] == values(expected)[4:]  # after the title block (times differ)
    job = ExportJob.objects.get()
    assert job.label == "Informe mensual de avance 03/2024 (XLSX)"


def test_pdf_button_for_one_area(as_user, demo):
    load_progress(demo)
    client = as_user("planeacion")
    page = client.get(reverse("web:report", args=["IEEM", "mensual", 2024]) + "?mes=3&area=SE")
    action, fields = _forms(page.content.decode())["Descargar PDF"]
    assert fields["area"] == "SE"
    response = client.post(action, fields)
    assert response["Content-Type"] == "application/pdf"
    assert _body(response).startswith(b"%PDF")
    assert 'filename="IEEM-informe-mensual-2024-03-SE.pdf"' in response["Content-Disposition"]


def test_transparency_buttons_for_a_quarter(as_user, demo):
    client = as_user("consulta")
    page = client.get(reverse("web:transparency", args=["IEEM"]) + "?ejercicio=2024&trimestre=2")
    forms = _forms(page.content.decode())
    label = next(k for k in forms if k.endswith(" en CSV"))
    action, fields = forms[label]
    assert fields["kind"] == "sipot" and fields["quarter"] == "2" and fields["year"] == "2024"
    response = client.post(action, fields)
    assert response.status_code == 200
    expected = build_sipot(
        format_id=fields["format_id"], institution="IEEM", year=2024, quarter=2, fmt="csv"
    )
    assert _body(response) == expected.content


def test_with_redis_a_report_button_queues_the_job(
    as_user, demo, redis_queue, django_capture_on_commit_callbacks
):
    load_progress(demo)
    client = as_user("revisor")
    page = client.get(reverse("web:report", args=["IEEM", "trimestral", 2024]) + "?trimestre=1")
    action, fields = _forms(page.content.decode())["Descargar PDF"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action, fields)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.state == JobState.QUEUED
    assert job.label == "Informe trimestral de indicadores T1 2024 (PDF)"
    run_worker(redis_queue)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    assert job.filename == "IEEM-informe-trimestral-2024-T1.pdf"
    download = client.get(reverse("web:job_download", args=["IEEM", job.token]))
    assert _body(download).startswith(b"%PDF")


def test_a_bad_report_choice_fails_the_job_with_the_reports_message(as_user, demo):
    client = as_user("planeacion")
    response = client.post(
        reverse("web:job_create", args=["IEEM"]),
        {"kind": "report-monthly", "year": "2024", "month": "13", "fmt": "pdf"},
    )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert job.state == JobState.FAILED
    assert "mes" in job.error

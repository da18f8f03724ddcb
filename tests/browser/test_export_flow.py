"""A long export in the background: ask on the program page, watch the job page wait for
the worker and turn into a download link, download, and read the workbook."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from rumbo.jobs.models import ExportJob, JobState
from tests.browser.test_indicator_flow import log_in
from tests.conftest import run_worker
from tests.factories import build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_queued_export_becomes_a_download(page, redis_queue, settings, tmp_path, screenshot):
    settings.DATA_DIR = tmp_path
    demo = build_demo()
    log_in(page, "consulta")
    page.goto(reverse("web:program", args=["IEEM", 2024]))
    page.get_by_label("Exportar el programa completo").select_option("xlsx")
    page.get_by_role("button", name="Exportar").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Programa anual 2024 (XLSX)")
    expect(page.get_by_text("En cola")).to_be_visible()
    expect(page.get_by_text("No hay ningún proceso de trabajo")).to_be_visible()
    screenshot("export-queued")
    job = ExportJob.objects.get()
    assert job.background and job.state == JobState.QUEUED

    run_worker(redis_queue)  # the worker runs here; the page polls by itself
    link = page.get_by_role("link", name="Descargar IEEM-programa-2024.xlsx")
    expect(link).to_be_visible()
    expect(page.get_by_text("En cola")).to_have_count(0)
    screenshot("export-ready")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "IEEM-programa-2024.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    cells = [c for ws in workbook for row in ws.iter_rows(values_only=True) for c in row]
    assert demo.activity_full.key in cells

    page.goto(reverse("web:jobs", args=["IEEM"]))
    expect(page.get_by_role("link", name="IEEM-programa-2024.xlsx")).to_be_visible()

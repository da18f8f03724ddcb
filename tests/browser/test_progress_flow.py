"""A Consulta user reads the monthly report, clicks an area's «Rojo» count and lands on the
list of exactly those activities, with their figures; then downloads it as CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, build_demo
from tests.reports.conftest import load_progress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_a_report_count_to_its_activities(page, screenshot, tmp_path):
    load_progress(build_demo())

    page.goto("/i/IEEM/")
    page.get_by_label("Usuario").fill("consulta")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/$"))

    page.goto("/i/IEEM/informes/mensual/2024/?mes=3")
    se = page.locator('tr[data-area="SE"]')
    red = se.locator('td[data-col="rojo"] a')
    expect(red).to_have_text("3")  # 010102, 010103 and 010104 are red at March
    expect(page.locator('tr[data-area="DO"] td[data-col="rojo"] a')).to_have_count(0)
    screenshot("progress-01-report")
    red.click()

    expect(page).to_have_url(re.compile(r"/avance/actividades/\?mes=3&semaforo=rojo&area=SE$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Avance por actividad")
    expect(page.locator("body")).to_contain_text("Cifras acumuladas de enero a marzo")
    expect(page.get_by_role("list", name="Filtros activos")).to_contain_text("Área: SE")
    expect(page.get_by_role("list", name="Filtros activos")).to_contain_text("Semáforo: Rojo")
    rows = page.locator("tbody tr[data-key]")
    expect(rows).to_have_count(3)
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.key)") == [
        "010102",
        "010103",
        "010104",
    ]
    sessions = page.locator('tr[data-key="010103"]')
    expect(sessions.locator('[data-col="programmed_to_date"]')).to_have_text("3")
    expect(sessions.locator('[data-col="achieved_to_date"]')).to_have_text("1")
    expect(sessions.locator('[data-col="percent"]')).to_have_text("33.33 %")
    expect(sessions.locator('[data-col="light"]')).to_have_text("Rojo")
    expect(sessions.locator('[data-col="state"]')).to_have_text("Oficial")
    expect(page.locator('[data-light="rojo"] dd')).to_have_text("3")
    screenshot("progress-02-list")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Descargar CSV").click()
    download = download_info.value
    assert download.suggested_filename == "IEEM-avance-actividades-2024-03.csv"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows_csv = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert [r[0] for r in rows_csv[1:]] == ["010102", "010103", "010104"]

    # Removing the light chip widens the list to every SE activity.
    page.get_by_role("link", name="Quitar el filtro «Semáforo: Rojo»").click()
    expect(page).to_have_url(re.compile(r"\?mes=3&area=SE$"))
    expect(page.locator("tbody tr[data-key]")).to_have_count(4)

    # The key leads to the activity page and its month-by-month progress.
    page.get_by_role("link", name="010103").click()
    expect(page.get_by_role("heading", name="Avance mes a mes")).to_be_visible()
    march = page.locator('#tabla-avance tr[data-month="3"]')
    expect(march.locator('[data-col="achieved_to_date"]')).to_have_text("1")
    expect(
        page.locator('#tabla-avance tr[data-month="4"] [data-col="achieved_month"]')
    ).to_have_text("Pendiente")

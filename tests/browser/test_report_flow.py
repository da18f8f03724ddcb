"""A Consulta user opens the reports, chooses the monthly report, reads it and downloads the
XLSX, which openpyxl reads back with the same figures."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.factories import PASSWORD, build_demo
from tests.reports.conftest import load_progress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consulta_reads_and_downloads_the_monthly_report(page, screenshot, tmp_path):
    load_progress(build_demo())

    page.goto("/i/IEEM/")
    page.get_by_label("Usuario").fill("consulta")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/$"))

    page.get_by_role("link", name="Informes").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/informes/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Informes")
    page.get_by_label("Informe mensual de avance programático").check()
    page.get_by_label("Ejercicio").select_option("2024")
    page.get_by_label("Mes (informes mensual y físico-financiero)").select_option(label="Marzo")
    screenshot("report-01-index")
    page.get_by_role("button", name="Ver informe").click()

    expect(page).to_have_url(re.compile(r"/i/IEEM/informes/mensual/2024/\?mes=3$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Informe mensual de avance programático"
    )
    expect(page.locator("main, body").first).to_contain_text("Ejercicio 2024 · marzo")
    row = page.locator("tr", has_text="Atención de solicitudes de información pública")
    expect(row).to_contain_text("4,060")
    expect(row).to_contain_text("1,020")
    expect(row).to_contain_text("970")
    expect(row).to_contain_text("95.1 % Verde")
    expect(row).not_to_contain_text("Prelim.")
    expect(page.locator("tr", has_text="Diseño de la documentación electoral")).to_contain_text(
        "Prelim."
    )
    expect(page.locator(".chart svg")).to_be_visible()
    screenshot("report-02-monthly")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Descargar XLSX").click()
    download = download_info.value
    assert download.suggested_filename == "IEEM-informe-mensual-2024-03.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    wb = load_workbook(path)
    ws = wb["Avance"]
    assert ws["A1"].value == "Instituto Electoral del Estado de México"
    values = next(r for r in ws.iter_rows(values_only=True) if r[0] == "010101")
    assert values[4:9] == (4060, 340, 1020, 330, 970)

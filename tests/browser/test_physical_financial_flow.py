"""Planeación reads physical against financial progress: the dashboard's panel, the drill-down
into a subprograma's proyectos, then the «Informe de avance físico-financiero» for March,
whose XLSX openpyxl reads back with the same figures."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.factories import PASSWORD, build_demo
from tests.reports.conftest import add_budget, load_progress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_planeacion_reads_physical_against_financial(page, screenshot, tmp_path):
    demo = build_demo()
    load_progress(demo)
    add_budget(demo)

    page.goto("/i/IEEM/")
    page.get_by_label("Usuario").fill("planeacion")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/$"))

    page.goto("/i/IEEM/programa/2024/tablero/?mes=3")
    panel = page.locator("#panel-fisico-financiero")
    expect(panel.get_by_role("heading", level=2)).to_have_text("Avance físico y financiero a marzo")
    # 01: 32.11 % physical against 3,440 ÷ 5,000 = 68.80 % financial: −36.69 pp, rojo.
    row = panel.locator('tr[data-node="01"]')
    expect(row).to_contain_text("32.11 %")
    expect(row).to_contain_text("68.8 %")
    expect(row).to_contain_text("-36.69 · Rojo")
    expect(panel.locator("#grafica-fisico-financiero")).to_be_visible()
    screenshot("physical-financial-01-dashboard")

    row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/tablero/nodo/\d+/\?mes=3"))
    panel = page.locator("#panel-fisico-financiero")
    expect(panel.locator('tr[data-node="0101"]')).to_contain_text("$3,440.00")
    expect(panel.locator('tr[data-node="total"]')).to_contain_text("Total de 01")
    screenshot("physical-financial-02-subprograma")

    page.goto("/i/IEEM/informes/")
    page.get_by_label("Informe de avance físico-financiero").check()
    page.get_by_label("Ejercicio").select_option("2024")
    page.get_by_label("Mes (informes mensual y físico-financiero)").select_option(label="Marzo")
    page.get_by_role("button", name="Ver informe").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/informes/fisico-financiero/2024/\?mes=3$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Informe de avance físico-financiero"
    )
    activity = page.locator('tr[data-key="010101"]')
    expect(activity).to_contain_text("$2.00")  # 1,940 pesos ÷ 970 achieved
    expect(page.locator('tr[data-total="all"]')).to_contain_text("$5,000.00")
    screenshot("physical-financial-03-report")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Descargar XLSX").click()
    download = download_info.value
    assert download.suggested_filename == "IEEM-informe-fisico-financiero-2024-03.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    ws = load_workbook(path)["Físico-financiero"]
    values = next(r for r in ws.iter_rows(values_only=True) if r[0] == "0101")
    assert (values[7], values[8], values[10], values[12]) == (-36.69, "Rojo", 5000, 3440)

"""Planeación downloads the program as Excel, edits it, previews the upload and applies it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.factories import PASSWORD, build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def test_planning_edits_the_program_in_excel(page, screenshot, tmp_path: Path):
    demo = build_demo()
    page.goto("/i/IEEM/programa/2024/")
    page.get_by_label("Usuario").fill("planeacion")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/programa/2024/$"))
    # The program page links to the upload page (its text belongs to the program page).
    page.locator('a[href="/i/IEEM/programa/2024/cargar/"]').first.click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/programa/2024/cargar/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cargar Excel")
    screenshot("roundtrip-01-cargar")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Descargar plantilla de Excel").click()
    download = download_info.value
    assert download.suggested_filename == "programa-IEEM-2024.xlsx"
    original = tmp_path / download.suggested_filename
    download.save_as(original)

    # Edit it as a person would: the March target of 010101 and a new activity.
    wb = load_workbook(original)
    ws = wb["Actividades"]
    headers = [c.value for c in ws[1]]
    assert ws.freeze_panes == "D2"
    row = next(c.row for c in ws["C"] if c.value == "010101")
    ws.cell(row=row, column=headers.index("Mar") + 1, value=355)
    ws.append(
        ["01", "0101", "010105", "Informe trimestral de la carga por Excel", "SE", "Reporte", 4]
    )
    ws.cell(row=row, column=headers.index("Abr") + 1, value="cuatro")
    wrong = tmp_path / "POA con errores.xlsx"
    wb.save(wrong)
    ws.cell(row=row, column=headers.index("Abr") + 1, value=340)
    edited = tmp_path / "POA 2024 editado.xlsx"
    wb.save(edited)

    # A file with a bad cell: the error names its row and column, nothing is applied.
    page.get_by_label("Archivo de Excel (.xlsx)").set_input_files(str(wrong))
    page.get_by_role("button", name="Ver vista previa").click()
    errors = page.get_by_role("table", name="Errores por fila")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr")).to_contain_text(f"{row}")
    expect(errors.locator("tbody tr")).to_contain_text("Abr")
    expect(errors.locator("tbody tr")).to_contain_text("«cuatro» no es una cantidad")
    expect(page.get_by_role("button", name="Confirmar y aplicar")).to_have_count(0)
    screenshot("roundtrip-02-errores")

    page.get_by_label("Archivo de Excel (.xlsx)").set_input_files(str(edited))
    page.get_by_role("button", name="Ver vista previa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vista previa de la carga")
    changes = page.locator("#cambio-010101")
    expect(changes).to_contain_text("Mes: marzo")
    expect(changes.locator("td.before")).to_have_text("340")
    expect(changes.locator("td.after")).to_have_text("355")
    expect(page.locator("#nueva-010105")).to_contain_text(
        "Informe trimestral de la carga por Excel"
    )
    expect(page.get_by_role("heading", name=re.compile("Se eliminará"))).to_have_count(0)
    screenshot("roundtrip-03-vista-previa")

    page.get_by_role("button", name="Confirmar y aplicar").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/programa/2024/$"))
    expect(page.get_by_role("status").first).to_contain_text(
        "Carga aplicada: 1 agregada, 1 modificada y 0 eliminadas."
    )
    screenshot("roundtrip-04-programa")

    assert demo.activity_full.monthly_targets.get(month=3).quantity == 355
    page.goto("/i/IEEM/programa/2024/actividad/010101/")
    history = page.locator("section.history")
    expect(history).to_contain_text("Carga de Excel: POA 2024 editado.xlsx")
    expect(history.locator(".history-after").first).to_contain_text("355")
    screenshot("roundtrip-05-historial")

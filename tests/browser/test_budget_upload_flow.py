"""Planeación loads the budget from the financial system's file: template, preview of the
differences (antes → después), apply, and the same file again says «Sin cambios»."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from rumbo.audit.services import Actor
from rumbo.budget.importer import import_budget
from rumbo.budget.models import BudgetLine
from rumbo.budget.services import cog_load
from tests.factories import PASSWORD, build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "Clave programática,Partida,Fuente,Mes,Momento,Importe,Nombre de la partida"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def _csv(path: Path, march: str) -> Path:
    path.write_text(
        "\n".join(
            [
                HEADER,
                '0101,21101,11,3,aprobado,"1,000.00",Materiales de oficina',
                f'0101,21101,11,3,modificado,"{march}",',
                "010101,33401,11,4,aprobado,250.50,Capacitación",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def test_planning_uploads_the_budget_with_a_preview(page, screenshot, tmp_path: Path):
    build_demo()
    cog_load()
    # What the financial system sent last month, imported by the CLI.
    import_budget(
        _csv(tmp_path / "febrero.csv", "1,000.00"),
        institution_code="IEEM",
        year=2024,
        actor=Actor.cli(),
    )
    page.goto("/i/IEEM/programa/2024/")
    page.get_by_label("Usuario").fill("planeacion")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/programa/2024/$"))
    page.get_by_role("link", name="Cargar presupuesto").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/programa/2024/presupuesto/cargar/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cargar presupuesto")
    screenshot("presupuesto-01-cargar")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Descargar plantilla").click()
    download = download_info.value
    assert download.suggested_filename == "plantilla-presupuesto-IEEM-2024.xlsx"
    template = tmp_path / download.suggested_filename
    download.save_as(template)
    wb = load_workbook(template)
    assert [c.value for c in wb["Presupuesto"][1]] == HEADER.split(",")
    keys = {row[0] for row in wb["Claves"].iter_rows(min_row=2, values_only=True)}
    assert {"0101", "010101"} <= keys

    # The modificado of March goes from 1,000.00 to 1,500.00.
    march = _csv(tmp_path / "marzo.csv", "1,500.00")
    page.get_by_label("Archivo del sistema financiero (CSV o XLSX)").set_input_files(str(march))
    page.get_by_label("Último mes cerrado").select_option("3")
    page.get_by_role("button", name="Ver vista previa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vista previa del presupuesto")
    changes = page.get_by_role("table", name="Cambios por renglón y momento")
    expect(changes.locator("tbody tr")).to_have_count(1)
    row = changes.locator("tbody tr")
    expect(row).to_contain_text("0101 · 21101 · 11")
    expect(row).to_contain_text("marzo")
    expect(row).to_contain_text("Modificado")
    expect(row.locator("td.before")).to_have_text("$1,000.00")
    expect(row.locator("td.after")).to_have_text("$1,500.00")
    expect(page.locator("#total-modificado")).to_contain_text("+$500.00")
    assert BudgetLine.objects.get(node__key="0101", month=3).modificado == Decimal(1000)
    screenshot("presupuesto-02-vista-previa")

    page.get_by_role("button", name="Aplicar").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/programa/2024/presupuesto/$"))
    expect(page.get_by_text("Presupuesto aplicado desde «marzo.csv»")).to_be_visible()
    assert BudgetLine.objects.get(node__key="0101", month=3).modificado == Decimal(1500)
    screenshot("presupuesto-03-aplicado")
    page.get_by_role("link", name="Cargar presupuesto").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/programa/2024/presupuesto/cargar/$"))

    page.get_by_label("Archivo del sistema financiero (CSV o XLSX)").set_input_files(str(march))
    page.get_by_role("button", name="Ver vista previa").click()
    expect(page.get_by_role("status").filter(has_text="Sin cambios.")).to_be_visible()
    expect(page.get_by_role("button", name="Aplicar")).to_have_count(0)
    screenshot("presupuesto-04-sin-cambios")

"""An anonymous citizen reads the published progress and downloads it, in a real browser."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry
from tests.factories import build_demo
from tests.opendata.conftest import publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_opens_open_data_and_downloads_the_progress(page, screenshot):
    demo = build_demo()
    publish(demo.program, mirs=[demo.design.mir])
    PeriodReport.objects.create(
        program=demo.program, area=demo.area_se, month=1, state=PeriodState.APPROVED
    )
    ProgressEntry.objects.create(activity=demo.activity_full, month=1, achieved=Decimal(300))

    page.goto("/datos/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Datos abiertos")
    expect(page.get_by_text("Cerrar sesión")).to_have_count(0)  # nobody is logged in
    screenshot("opendata-01-inicio")
    page.get_by_role("link", name="Instituto Electoral del Estado de México").click()
    expect(page).to_have_url(re.compile(r"/datos/IEEM/$"))
    page.get_by_role("link", name="avance").click()
    expect(page).to_have_url(re.compile(r"/datos/IEEM/2024/avance/$"))

    canvas = page.locator("canvas#grafica-avance")
    expect(canvas).to_be_visible()  # Chart.js loaded and drew (the figure is hidden otherwise)
    table = page.locator("#tabla-avance")
    expect(table).to_be_visible()
    january = table.locator('tr[data-month="1"]')
    # SE's four activities in January: 010101 300 of 340 = 88.24 % (yellow), 010102 nothing
    # programmed (grey), 010103 and 010104 0 of 1 (SE captured January, no entry: red).
    # Average compliance (88.24 + 0 + 0) / 3 = 29.413… → 29.41 % (red); 0 of 3 on track.
    expect(january.locator('[data-col="activities"]')).to_have_text("4")
    expect(january.locator('[data-col="amarillo"]')).to_have_text("1")
    expect(january.locator('[data-col="rojo"]')).to_have_text("2")
    expect(january.locator('[data-col="on_track"]')).to_have_text("0 %")
    expect(january.locator('[data-col="average_compliance"]')).to_have_text("29.41 %")
    expect(january).to_contain_text("Rojo")
    expect(table.locator('tr[data-month="2"]')).to_contain_text("Sin publicar")
    expect(page.get_by_role("link", name="Términos de Libre Uso MX")).to_have_attribute(
        "href", "https://datos.gob.mx/libreusomx"
    )
    screenshot("opendata-02-avance")

    page.get_by_role("link", name="Descargar los datos").click()
    expect(page).to_have_url(re.compile(r"/datos/IEEM/2024/descargas/$"))
    expect(page.get_by_text("LÉEME")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Avance mensual aprobado"))
    with page.expect_download() as info:
        row.get_by_role("link", name="datos en CSV").click()
    download = info.value
    assert download.suggested_filename == "IEEM-2024-avance.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    full = [r for r in rows if r["actividad_clave"] == "010101"]
    assert [(r["mes"], r["programado_mes"], r["alcanzado_mes"]) for r in full] == [
        ("1", "340", "300")
    ]

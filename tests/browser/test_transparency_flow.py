"""A user uploads the fr. IV sample on the checker page and reads the findings table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import PASSWORD, build_demo

SAMPLE = Path(settings.SAMPLES_DIR) / "000_19180f02e9762917.txt"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_user_uploads_the_sample_and_sees_the_findings(page, screenshot) -> None:  # type: ignore[no-untyped-def]
    build_demo()
    page.goto("/i/IEEM/")
    page.get_by_label("Usuario").fill("consulta")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.get_by_role("link", name="Revisar un formato").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/transparencia/revisar/$"))
    page.get_by_label("Formato").select_option("fr-iv")
    page.get_by_label("Archivo (XLSX, CSV o texto con tabuladores)").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Revisar").click()
    table = page.get_by_role("table", name="Hallazgos del archivo")
    expect(table).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("139 filas de datos")
    duplicate = table.locator("tr", has=page.locator("code", has_text="duplicate_row"))
    expect(duplicate).to_have_count(1)
    expect(duplicate.locator("td").nth(2)).to_have_text("56")
    link = table.locator("tr", has_text="www.iccm.mx").first
    expect(link.locator("td").nth(1)).to_contain_text("Error")
    screenshot("transparency-check-000")

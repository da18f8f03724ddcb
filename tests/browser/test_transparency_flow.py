"""A user uploads the fr. IV sample on the checker page and reads the findings table;
Planeación reviews the format Rumbo generates, corrects a row and sees its finding gone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from rumbo.audit.services import Actor
from rumbo.imports.sipot_objectives import import_sipot_objectives
from rumbo.institutions.models import Institution
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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_planeacion_reviews_a_format_fixes_a_row_and_the_finding_is_gone(page, screenshot) -> None:  # type: ignore[no-untyped-def]
    def top(name: str) -> None:
        """The visible part only: the whole review page is ~30,000 px tall (343 findings)."""
        screenshot(name, full_page=False)

    build_demo()
    Institution.objects.filter(code="IECM").update(web_domains=["iecm.mx"])
    import_sipot_objectives(SAMPLE, institution_code="IECM", actor=Actor.cli())
    page.goto("/i/IECM/")
    page.get_by_label("Usuario").fill("ajeno")  # Planeación of IECM
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.get_by_role("link", name="Formatos de transparencia").click()
    page.get_by_role("link", name="Revisar Art. 70 fr. IV antes de descargar").click()
    expect(page).to_have_url(re.compile(r"/i/IECM/transparencia/fr-iv/revision/\?ejercicio=2024$"))
    expect(page.get_by_role("status")).to_contain_text("67 errores")
    expect(page.get_by_role("alert")).to_contain_text("67 filas no pasarán")
    errors = page.get_by_role("table", name="Errores del formato")
    first = errors.locator("tr", has_text="suspicious_link").first
    expect(first).to_contain_text("Fila 1 de los objetivos importados")
    top("transparency-review-before")

    first.get_by_role("link", name="Corregir la fila").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Corregir la fila 1 de los objetivos y metas 2024"
    )
    link = page.get_by_label("Hipervínculo al documento del programa")
    expect(link).to_have_value(re.compile(r"^https://www\.iccm\.mx/"))
    link.fill("https://www.iecm.mx/web/portal/gob/2024/IECM_AJULUG-006-2024.pdf")
    page.get_by_label("Unidad de medida por cada meta").fill("Porcentaje")
    page.get_by_label("Motivo de la corrección").fill("Dominio mal escrito en el archivo del área")
    screenshot("area-objective-edit")
    page.get_by_role("button", name="Guardar la corrección").click()

    expect(page).to_have_url(re.compile(r"/i/IECM/transparencia/fr-iv/revision/\?ejercicio=2024$"))
    expect(
        page.get_by_text("Se guardó la corrección de la fila 1. Hallazgos resueltos: 2.")
    ).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("66 filas no pasarán")
    expect(errors.locator("tr", has_text="Fila 1 de los objetivos importados")).to_have_count(0)
    warnings = page.get_by_role("table", name="Advertencias del formato")
    row_1 = warnings.locator("tr", has_text="Fila 1 de los objetivos importados")
    expect(row_1).to_have_count(1)  # only its meta, which still repeats the indicator
    expect(row_1).to_contain_text("meta_not_quantified")
    top("transparency-review-after")

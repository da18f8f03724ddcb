"""The approved program and its changes, as the people who do them: Planeación records the
Consejo's approval; the enlace of the Secretaría Ejecutiva asks to raise an annual target
and to adjust an indicator's meta; Planeación approves both; the monthly report shows the
original beside the adjusted target and names the new version; fr. V shows the adjusted
indicator meta.

Hand-worked figures (tests/factories.py): activity 010101 has an annual target of 4,060
and 340 a month (330 in November and December), so to June it programs 6 × 340 = 2,040;
raising May by 40 and the year to 4,100 makes June's 2,080. Indicator «Porcentaje de
informes entregados» is quarterly with metas 80, 85, 90, 95: its meta is 95, adjusted to
87.5."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, user: str) -> None:
    page.context.clear_cookies()
    page.goto("/i/IEEM/")
    page.get_by_label("Usuario").fill(user)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/$"))


def test_request_approve_and_see_original_and_adjusted(page, screenshot):
    build_demo()

    # Planeación records the approval: version 1 is frozen.
    login(page, "planeacion")
    page.goto("/i/IEEM/programa/2024/")
    page.get_by_role("link", name="Aprobación y versiones").click()
    page.get_by_label("Acuerdo del Consejo General").fill("IEEM/CG/07/2024")
    page.get_by_label("Fecha del acuerdo").fill("26/01/2024")
    screenshot("adjust-01-approval")
    page.get_by_role("button", name="Registrar la aprobación y congelar la versión 1").click()
    expect(page.get_by_role("status")).to_contain_text("versión 1 congelada")
    expect(page.locator("main")).to_contain_text("versión en vigor: 1")

    # The enlace cannot edit the calendar any more: the page sends it to a request.
    login(page, "enlace_se")
    page.goto("/i/IEEM/programa/2024/actividad/010101/calendario/")
    expect(page).to_have_url(re.compile(r"/adecuaciones/nueva/\?actividad=010101"))
    expect(page.get_by_role("status")).to_contain_text("solicitud de adecuación")
    page.get_by_label("Ajuste de meta anual").check()
    page.get_by_role("textbox", name="Meta anual").fill("4,100")
    page.get_by_label("Mayo").fill("380")
    page.get_by_label("Justificación").fill(
        "Cuarenta informes más en mayo por el proceso electoral."
    )
    screenshot("adjust-02-request")
    page.get_by_role("button", name="Enviar solicitud").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Solicitud de adecuación 1")
    expect(page.locator("main")).to_contain_text("Solicitada")
    expect(page.get_by_role("button", name="Aprobar y aplicar")).to_have_count(0)

    # …and an indicator's meta.
    page.goto("/i/IEEM/programa/2024/adecuaciones/nueva/")
    option = page.locator("#indicador option", has_text="Porcentaje de informes entregados")
    page.get_by_label("Indicador (ajuste de meta)").select_option(option.get_attribute("value"))
    page.get_by_role("button", name="Continuar").nth(1).click()
    page.get_by_label("Trimestre 4 (oct–dic)").fill("87.5")
    page.get_by_label("Justificación").fill(
        "El cuarto trimestre coincide con la jornada electoral."
    )
    page.get_by_role("button", name="Enviar solicitud").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Solicitud de adecuación 2")

    # Planeación decides both.
    login(page, "planeacion")
    page.goto("/i/IEEM/programa/2024/adecuaciones/")
    for folio, version in ((1, 2), (2, 3)):
        page.get_by_role("link", name=str(folio), exact=True).click()
        page.get_by_label("Motivo de la decisión").fill("Procede.")
        page.get_by_role("button", name="Aprobar y aplicar").click()
        expect(page.get_by_role("status")).to_contain_text(f"versión {version}")
        page.get_by_role("link", name="Adecuaciones").first.click()
    screenshot("adjust-03-list")

    # The monthly report: the target in force, the original beside it, the version.
    page.goto("/i/IEEM/informes/mensual/2024/?mes=6")
    expect(page.locator("[data-version]")).to_contain_text("versión 3")
    row = page.locator("tr", has_text="Atención de solicitudes de información pública")
    expect(row).to_contain_text("4,100")
    expect(row).to_contain_text("orig. 4,060")
    expect(row).to_contain_text("2,080")
    expect(row).to_contain_text("orig. 2,040")
    screenshot("adjust-04-report")

    # fr. V: «Metas programadas» 95 as approved, «Metas ajustadas» 87.5.
    response = page.request.get("/i/IEEM/transparencia/fr-v.csv?ejercicio=2024")
    assert response.status == 200
    header, *rows = list(csv.reader(io.StringIO(response.body().decode("utf-8-sig"))))
    row = next(
        dict(zip(header, r, strict=True))
        for r in rows
        if r[header.index("Nombre del indicador")] == "Porcentaje de informes entregados"
    )
    assert row["Metas programadas"] == "95"
    assert row["Metas ajustadas, en su caso"] == "87.5"
    assert "adecuación 2 aprobada" in row["Nota"]

"""The program's review, as the people who do it: Planeación sends the program to revisión
and writes an observation on activity 010101; the enlace of the Secretaría Ejecutiva (the
activity's area, inherited from subprogram 01) answers it and can no longer edit the
calendar; Planeación marks it atendida and records the Consejo's approval."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_adjustment_flow import login
from tests.factories import build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVITY = "/i/IEEM/programa/2024/actividad/010101/"


def test_review_observe_answer_resolve_and_approve(page, screenshot):
    build_demo()

    # Planeación sends the program to revisión…
    login(page, "planeacion")
    page.goto("/i/IEEM/programa/2024/")
    page.get_by_role("link", name="Aprobación y versiones").click()
    page.get_by_role("button", name="Enviar a revisión").click()
    expect(page.get_by_role("status")).to_contain_text("Se cambió el estado del programa")
    expect(page.locator("[data-state]")).to_have_text("En revisión")

    # …and writes an observation on the activity.
    page.goto(ACTIVITY)
    page.get_by_label("Nueva observación").fill(
        "Noviembre y diciembre programan 330: confirma si es correcto."
    )
    screenshot("review-01-observation")
    page.get_by_role("button", name="Guardar la observación").click()
    expect(page.get_by_role("status")).to_contain_text("Se guardó la observación a 010101")
    thread = page.locator(".observation")
    expect(thread).to_have_count(1)
    expect(thread).to_contain_text("Noviembre y diciembre programan 330")
    expect(thread).to_contain_text("Abierta")
    page.goto("/i/IEEM/programa/2024/")
    expect(page.locator("[data-review]")).to_contain_text("1 observación abierta")

    # The enlace of SE answers; en revisión it no longer edits the calendar.
    login(page, "enlace_se")
    page.goto(ACTIVITY)
    expect(page.get_by_role("link", name="Editar calendario")).to_have_count(0)
    page.get_by_label("Respuesta del área").fill(
        "Es correcto: en noviembre y diciembre baja la demanda de solicitudes."
    )
    page.get_by_role("button", name="Responder").click()
    expect(page.get_by_role("status")).to_contain_text("Se guardó tu respuesta")
    expect(thread).to_contain_text("Respuesta de enlace_se")
    expect(page.get_by_role("button", name="Marcar como atendida")).to_have_count(0)
    screenshot("review-02-answer")

    # Planeación marks it atendida, sees it in the list, and approves.
    login(page, "planeacion")
    page.goto(ACTIVITY)
    page.get_by_role("button", name="Marcar como atendida").click()
    expect(page.get_by_role("status")).to_contain_text("quedó atendida")
    expect(thread).to_contain_text("Atendida por planeacion")
    page.goto("/i/IEEM/programa/2024/")
    expect(page.locator("[data-review]")).to_contain_text("0 observaciones abiertas")
    page.get_by_role("link", name="Observaciones de revisión", exact=True).click()
    expect(page.locator("[data-counts]")).to_contain_text("0 abiertas de 1 observación")
    expect(page.locator("main")).to_contain_text("Secretaría Ejecutiva (SE)")
    screenshot("review-03-list")
    page.goto("/i/IEEM/programa/2024/aprobacion/")
    expect(page.locator("[data-open-observations]")).to_have_count(0)
    page.get_by_label("Acuerdo del Consejo General").fill("IEEM/CG/07/2024")
    page.get_by_label("Fecha del acuerdo").fill("26/01/2024")
    page.get_by_role("button", name="Registrar la aprobación y congelar la versión 1").click()
    expect(page.get_by_role("status")).to_contain_text("versión 1 congelada")
    expect(page.locator("[data-state]")).to_have_text("Aprobado")
    screenshot("review-04-approved")

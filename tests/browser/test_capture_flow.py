"""An enlace captures a month, a reviewer returns it, the enlace corrects it, it is approved."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry, WindowExtension
from tests.factories import PASSWORD, build_demo, measure_indicator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRID = reverse("web:capture_grid", args=["IEEM", 2024, "SE", 1])


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(reverse("login"))
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_capture_submit_return_correct_approve(page, screenshot):
    demo = build_demo()
    measure_indicator(demo.design.ind_a11, 1)  # a due indicator is part of the month
    # January 2024's window closed long ago: an extension keeps it open past the real date.
    WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=1,
        until=timezone.localdate() + timedelta(days=60),
        reason="Prueba de captura",
        created_by="planeacion",
    )
    full, missing, mismatch = demo.activity_full, demo.activity_missing, demo.activity_mismatch

    log_in(page, "enlace_se")
    page.goto(reverse("web:capture", args=["IEEM", 2024]))
    expect(page.locator("#captura-SE-1")).to_contain_text("Sin captura")
    expect(page.locator("#captura-DO-1")).to_have_count(0)
    screenshot("captura-01-indice-enlace")
    page.locator("#captura-SE-1 a").click()
    expect(page).to_have_url(re.compile(r"/captura/SE/1/$"))
    page.wait_for_load_state("load")  # capture.js (deferred) has attached its listeners

    # A red value: the preview turns red and reveals the justification field.
    first = page.locator(f"#avance-{full.pk}")
    first.fill("100")
    row = page.locator("#fila-010101")
    expect(row.locator("[data-light]")).to_contain_text("Rojo · 29.41 %")
    expect(page.locator(f"#justificacion-{full.pk}")).to_be_visible()
    page.locator(f"#justificacion-{full.pk}").fill("Se suspendió la atención por mantenimiento.")
    # Enter moves to the next row's input.
    first.focus()
    first.press("Enter")
    expect(page.locator(f"#avance-{demo.activity_fraction.pk}")).to_be_focused()
    page.locator(f"#avance-{missing.pk}").fill("1")
    page.locator(f"#avance-{mismatch.pk}").fill("1")
    screenshot("captura-02-captura-con-justificacion")
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator(".messages")).to_contain_text("Se guardaron los avances de enero 2024")
    expect(row.locator("[data-light]")).to_contain_text("Rojo · 29.41 %")
    assert ProgressEntry.objects.get(activity=full, month=1).achieved == 100

    page.get_by_role("button", name="Enviar a revisión").click()
    expect(page.locator("#estado-periodo")).to_contain_text("Enviado")
    expect(page.locator("#solo-lectura")).to_contain_text("mientras se revisa")
    screenshot("captura-03-enviada")

    log_in(page, "revisor")
    page.goto(GRID)
    page.get_by_label("Observaciones para devolver").fill("Falta el oficio de mantenimiento.")
    page.get_by_role("button", name="Devolver con observaciones").click()
    expect(page.locator("#estado-periodo")).to_contain_text("Devuelto")
    screenshot("captura-04-devuelta")

    log_in(page, "enlace_se")
    page.goto(GRID)
    expect(page.locator("#observaciones")).to_contain_text("Falta el oficio de mantenimiento.")
    page.locator(f"#avance-{full.pk}").fill("340")
    expect(row.locator("[data-light]")).to_contain_text("Verde · 100 %")
    page.get_by_role("button", name="Guardar").click()
    expect(row.locator("[data-light]")).to_contain_text("Verde · 100 %")
    page.get_by_role("button", name="Enviar a revisión").click()
    expect(page.locator("#estado-periodo")).to_contain_text("Enviado")

    log_in(page, "revisor")
    page.goto(GRID)
    page.get_by_role("button", name="Aprobar").click()
    expect(page.locator("#estado-periodo")).to_contain_text("Aprobado")
    expect(page.locator("#solo-lectura")).to_contain_text("salvo que Planeación la reabra")
    expect(page.locator("input[data-achieved-input]")).to_have_count(0)
    screenshot("captura-05-aprobada")
    assert PeriodReport.objects.get().state == PeriodState.APPROVED
    assert ProgressEntry.objects.get(activity=full, month=1).achieved == 340

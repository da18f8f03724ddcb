"""Review as a conversation: the reviewer returns a capture with an observation, the enlace
answers in the thread, corrects a value and sends it again; the reviewer reads the answer
and sees «antes → ahora» on the corrected row only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from rumbo.monitoring.models import PeriodSubmission, WindowExtension
from tests.browser.test_capture_flow import log_in
from tests.factories import build_demo, measure_indicator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRID = reverse("web:capture_grid", args=["IEEM", 2024, "SE", 1])
WAIT = 60_000  # ms: a slow machine; every wait ends as soon as the page shows it


def test_return_answer_correct_resubmit(page, screenshot):
    demo = build_demo()
    measure_indicator(demo.design.ind_a11, 1)
    WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=1,
        until=timezone.localdate() + timedelta(days=60),
        reason="Prueba de revisión",
        created_by="planeacion",
    )
    full = demo.activity_full

    log_in(page, "enlace_se")
    page.goto(GRID)
    page.locator(f"#avance-{full.pk}").fill("20")
    page.locator(f"#justificacion-{full.pk}").fill("Paro laboral en la oficialía.")
    page.locator(f"#avance-{demo.activity_missing.pk}").fill("1")
    page.locator(f"#avance-{demo.activity_mismatch.pk}").fill("1")
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator(".messages")).to_contain_text("Se guardaron", timeout=WAIT)
    page.get_by_role("button", name="Enviar a revisión").click()
    expect(page.locator("#estado-periodo")).to_contain_text("Enviado", timeout=WAIT)

    log_in(page, "revisor")
    page.goto(GRID)
    expect(page.locator("[data-row-change]")).to_have_count(0)  # a first send: nothing to compare
    page.get_by_label("Observaciones para devolver").fill("¿20 solicitudes? El informe dice 2.")
    page.get_by_role("button", name="Devolver con observaciones").click()
    expect(page.locator("#estado-periodo")).to_contain_text("Devuelto", timeout=WAIT)
    thread = page.locator("#conversacion")
    expect(thread).to_contain_text("¿20 solicitudes? El informe dice 2.")
    expect(thread).to_contain_text("Devolución")

    log_in(page, "enlace_se")
    page.goto(GRID)
    expect(thread).to_contain_text("¿20 solicitudes? El informe dice 2.")
    page.get_by_label("Tu respuesta a la revisión").fill("Tienes razón: fue un error de captura.")
    page.get_by_role("button", name="Responder").click()
    answer = thread.locator(".thread-respuesta")
    expect(answer).to_contain_text("Tienes razón: fue un error de captura.", timeout=WAIT)
    expect(answer).to_contain_text("(Enlace de área)")
    page.locator(f"#avance-{full.pk}").fill("2")
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator(".messages")).to_contain_text("Se guardaron", timeout=WAIT)
    expect(page.locator("#fila-010101 [data-row-change]")).to_contain_text("antes 20 → ahora 2")
    page.get_by_role("button", name="Enviar a revisión").click()
    expect(page.locator("#estado-periodo")).to_contain_text("Enviado", timeout=WAIT)

    log_in(page, "revisor")
    page.goto(GRID)
    expect(thread.locator(".thread-respuesta")).to_contain_text("fue un error de captura")
    expect(page.locator("#fila-010101 [data-row-change]")).to_contain_text("antes 20 → ahora 2")
    expect(page.locator("[data-row-change]")).to_have_count(1)
    sent = timezone.localtime(PeriodSubmission.objects.get(number=1).submitted_at)
    expect(page.locator("#cambios")).to_have_text(f"1 cambio desde el envío del {sent:%d/%m/%Y}.")
    screenshot("revision-conversacion-y-cambios")

"""The monthly cycle as the people who run it, end to end, with real mail.

The enlace of the Secretaría Ejecutiva signs in and finds January on «Mis pendientes»,
captures it, attaches evidence to one row without losing the figure typed in another, and
sends it. The revisor receives the e-mail, opens the capture from its link, and returns it
with an observation; the enlace answers in the thread, corrects 20 → 2 and sends it again;
the revisor, mailed again, sees «antes 20 → ahora 2» and approves two area-months at once
from «Mis pendientes». The oversight user (Fiscalización) reads the evidence and the
bitácora and can change nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from rumbo.audit.models import AuditEvent
from rumbo.monitoring.models import Evidence, PeriodReport, ProgressEntry, WindowExtension
from tests.browser.test_capture_flow import log_in
from tests.factories import build_demo, measure_indicator
from tests.smtp import body_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRID = reverse("web:capture_grid", args=["IEEM", 2024, "SE", 1])
PDF = b"%PDF-1.4\n% informe de enero\n%%EOF\n"
WAIT = 60_000  # ms: a slow machine; every wait ends as soon as the page shows it


def _link_path(message) -> str:  # type: ignore[no-untyped-def]
    """The path of the page a notification e-mail links to."""
    found = re.search(r"(/i/IEEM/\S+/)", body_text(message))
    assert found, body_text(message)
    return found.group(1)


def test_capture_send_review_answer_resend_approve_and_oversee(
    page, screenshot, settings, tmp_path, smtp_server
):
    settings.DATA_DIR = tmp_path  # evidence files are written under it
    demo = build_demo()
    measure_indicator(demo.design.ind_a11, 1)  # January's due indicator, so it can be sent
    WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=1,
        until=timezone.localdate() + timedelta(days=20),
        reason="Prueba del ciclo mensual",
        created_by="planeacion",
    )
    # Another area's month, already sent: the revisor approves both at once at the end.
    other = PeriodReport.objects.create(
        program=demo.program,
        area=demo.area_otra,
        month=4,
        state="enviado",
        submitted_at=timezone.now() - timedelta(days=3),
        submitted_by=demo.users["enlace_otra"],
    )
    full, missing, mismatch = demo.activity_full, demo.activity_missing, demo.activity_mismatch
    revisor_mail = demo.users["revisor"].email
    enlace_mail = demo.users["enlace_se"].email

    # 1. The enlace lands on its pending month and opens it.
    log_in(page, "enlace_se")
    expect(page).to_have_url(re.compile(r"/pendientes/$"))
    pending = page.locator("[data-list=to-capture] li")
    expect(pending).to_contain_text("Enero 2024 · por capturar")
    screenshot("ciclo-01-pendientes-enlace")
    pending.get_by_role("link", name="Enero 2024").click()
    expect(page).to_have_url(re.compile(re.escape(GRID) + "$"))
    page.wait_for_load_state("load")  # the deferred scripts have attached their listeners

    # 2. It saves two rows, then types 20 in 010101 and, before saving it, attaches the
    #    evidence of 010103: the typed figure survives the upload.
    page.locator(f"#avance-{missing.pk}").fill("1")
    page.locator(f"#avance-{mismatch.pk}").fill("1")
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator(".messages")).to_contain_text("Se guardaron", timeout=WAIT)
    page.wait_for_load_state("load")
    achieved = page.locator(f"#avance-{full.pk}")
    achieved.fill("20")
    page.locator(f"#justificacion-{full.pk}").fill("Paro laboral en la oficialía.")
    row_b = page.locator("#fila-010103")
    row_b.locator("#archivo-010103").set_input_files(
        {"name": "informe-enero.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    row_b.get_by_role("button", name="Adjuntar", exact=True).click()
    expect(page.locator("#evidencia-mensajes-010103")).to_contain_text(
        "se adjuntó informe-enero.pdf", timeout=WAIT
    )
    expect(achieved).to_have_value("20")
    screenshot("ciclo-02-evidencia-sin-perder-lo-tecleado")
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator(".messages")).to_contain_text("Se guardaron", timeout=WAIT)
    assert ProgressEntry.objects.get(activity=full, month=1).achieved == Decimal(20)
    page.get_by_role("button", name="Enviar a revisión").click()
    expect(page.locator("#estado-periodo")).to_contain_text("Enviado", timeout=WAIT)

    # 3. The revisor is mailed, follows the link and returns the capture with an observation.
    sent_mail = smtp_server.wait_for(
        lambda m: revisor_mail in str(m["To"]) and "Captura por revisar" in str(m["Subject"])
    )
    assert "enero 2024 · SE" in str(sent_mail["Subject"])
    log_in(page, "revisor")
    page.goto(_link_path(sent_mail))
    expect(page.locator("#estado-periodo")).to_contain_text("Enviado")
    expect(page.locator("[data-row-change]")).to_have_count(0)  # a first send: nothing to compare
    page.get_by_label("Observaciones para devolver").fill("¿20 solicitudes? El informe dice 2.")
    page.get_by_role("button", name="Devolver con observaciones").click()
    expect(page.locator("#estado-periodo")).to_contain_text("Devuelto", timeout=WAIT)

    # 4. The enlace is mailed, answers in the thread, corrects 20 → 2 and sends it again.
    returned = smtp_server.wait_for(
        lambda m: enlace_mail in str(m["To"]) and "Captura devuelta" in str(m["Subject"])
    )
    assert "¿20 solicitudes? El informe dice 2." in body_text(returned)
    log_in(page, "enlace_se")
    expect(page.locator("[data-list=returned]")).to_contain_text("El informe dice 2")
    page.goto(_link_path(returned))
    thread = page.locator("#conversacion")
    expect(thread).to_contain_text("¿20 solicitudes? El informe dice 2.")
    page.get_by_label("Tu respuesta a la revisión").fill("Tienes razón: fueron dos informes.")
    page.get_by_role("button", name="Responder").click()
    expect(thread.locator(".thread-respuesta")).to_contain_text("fueron dos informes", timeout=WAIT)
    page.wait_for_load_state("load")
    page.locator(f"#avance-{full.pk}").fill("2")
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator(".messages")).to_contain_text("Se guardaron", timeout=WAIT)
    page.get_by_role("button", name="Enviar a revisión").click()
    expect(page.locator("#estado-periodo")).to_contain_text("Enviado", timeout=WAIT)

    # 5. The revisor, mailed again, reads the answer and the difference, then approves this
    #    month and the other area's at once from «Mis pendientes».
    smtp_server.wait_for(
        lambda m: (
            revisor_mail in str(m["To"])
            and "Captura por revisar" in str(m["Subject"])
            and m is not sent_mail
        )
    )
    log_in(page, "revisor")
    page.goto(GRID)
    expect(thread.locator(".thread-respuesta")).to_contain_text("fueron dos informes")
    expect(page.locator("#fila-010101 [data-row-change]")).to_contain_text("antes 20 → ahora 2")
    expect(page.locator("[data-row-change]")).to_have_count(1)
    screenshot("ciclo-03-revisor-ve-los-cambios")
    page.goto(reverse("web:pending"))
    page.get_by_label("Secretaría Ejecutiva (SE) · Enero 2024").check()
    page.get_by_label("Dirección de Organización (DO) · Abril 2024").check()
    page.get_by_role("button", name="Aprobar seleccionadas").click()
    expect(page.get_by_role("status")).to_contain_text("Se aprobaron 2 capturas", timeout=WAIT)
    screenshot("ciclo-04-dos-aprobadas")
    se_january = PeriodReport.objects.get(program=demo.program, area=demo.area_se, month=1)
    assert se_january.state == "aprobado"
    other.refresh_from_db()
    assert other.state == "aprobado"
    assert AuditEvent.objects.filter(action="period.approve").count() == 2
    smtp_server.wait_for(
        lambda m: enlace_mail in str(m["To"]) and "Captura aprobada" in str(m["Subject"])
    )

    # 6. Oversight reads the evidence and the bitácora, and can change nothing.
    recorded = AuditEvent.objects.count()
    log_in(page, "fiscalizacion")
    page.goto(GRID)
    link = page.get_by_role("link", name="informe-enero.pdf")
    with page.expect_download() as download:
        link.click()
    saved = download.value.path()
    assert saved is not None and Path(saved).read_bytes() == PDF
    for name in ("Guardar", "Enviar a revisión", "Adjuntar", "Responder"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    page.goto(reverse("web:institution", args=["IEEM"]))
    page.get_by_role("link", name="Bitácora").click()
    table = page.locator(".audit-table")
    expect(table).to_contain_text("Aprobó la captura")
    expect(table).to_contain_text("Cantidad alcanzada: 20 → 2")
    expect(table).to_contain_text("Escribió en la conversación de la captura")
    screenshot("ciclo-05-fiscalizacion-bitacora")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    refused = page.request.post(
        page.url.split("/i/")[0] + GRID,
        form={"csrfmiddlewaretoken": token, "accion": "guardar", f"avance-{full.pk}": "3"},
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    assert refused.status == 403
    assert AuditEvent.objects.count() == recorded
    assert ProgressEntry.objects.get(activity=full, month=1).achieved == Decimal(2)
    assert Evidence.objects.count() == 1

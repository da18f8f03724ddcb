"""The oversight user (Fiscalización) reads an activity's evidence and the bitácora in
words, and can change nothing: no saving button on the capture grid or the program, and a
write sent anyway is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor, audit_record
from rumbo.monitoring.evidence import evidence_path
from rumbo.monitoring.models import Evidence, PeriodReport, PeriodState, ProgressEntry
from tests.browser.test_capture_flow import log_in
from tests.factories import build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRID = reverse("web:capture_grid", args=["IEEM", 2024, "SE", 1])


def _month_with_evidence_and_history(demo) -> None:
    entry = ProgressEntry.objects.create(activity=demo.activity_full, month=1, achieved=2)
    evidence = Evidence.objects.create(
        entry=entry,
        original_name="informe-enero.pdf",
        storage_name="IEEM/00/oversight.pdf",
        content_type="application/pdf",
        size=17,
        sha256="0" * 64,
    )
    path = evidence_path(evidence.storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 informe\n")
    report = PeriodReport.objects.create(
        program=demo.program, area=demo.area_se, month=1, state=PeriodState.APPROVED
    )
    audit_record(
        actor=Actor.for_user(demo.users["enlace_se"]),
        institution_id=demo.institution.pk,
        action="progress.update",
        obj=entry,
        before={"achieved": "20.0000"},
        after={"achieved": "2"},
        reason="Eran dos informes, no veinte.",
    )
    audit_record(
        actor=Actor.for_user(demo.users["revisor"]),
        institution_id=demo.institution.pk,
        action="period.approve",
        obj=report,
        before={"state": "enviado"},
        after={"state": "aprobado"},
    )


def test_oversight_reads_evidence_and_the_bitacora_and_changes_nothing(
    page, screenshot, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    demo = build_demo()
    _month_with_evidence_and_history(demo)
    recorded = AuditEvent.objects.count()

    log_in(page, "fiscalizacion")
    page.goto(GRID)
    link = page.get_by_role("link", name="informe-enero.pdf")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    saved = download.value.path()
    assert saved is not None and Path(saved).read_bytes() == b"%PDF-1.4 informe\n"
    for name in (
        "Guardar",
        "Enviar a revisión",
        "Adjuntar",
        "Aprobar",
        "Devolver con observaciones",
    ):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    screenshot("fiscalizacion-01-captura")

    page.goto(reverse("web:program", args=["IEEM", 2024]))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^(Agregar|Proponer) "))).to_have_count(0)
    page.goto(reverse("web:activity", args=["IEEM", 2024, demo.activity_full.key]))
    expect(page.get_by_role("link", name=re.compile(r"^Editar"))).to_have_count(0)
    screenshot("fiscalizacion-02-actividad")

    # A write sent anyway (with the session's CSRF token) is refused.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    refused = page.request.post(
        page.url.split("/i/")[0] + GRID,
        form={
            "csrfmiddlewaretoken": token,
            "accion": "guardar",
            f"avance-{demo.activity_full.pk}": "3",
        },
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    assert refused.status == 403
    assert AuditEvent.objects.count() == recorded
    assert ProgressEntry.objects.get(activity=demo.activity_full, month=1).achieved == 2

    page.goto(reverse("web:institution", args=["IEEM"]))
    page.get_by_role("link", name="Bitácora").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitácora de cambios")
    table = page.locator(".audit-table")
    expect(table).to_contain_text("Aprobó la captura")
    expect(table).to_contain_text("Corrigió el avance del mes")
    expect(table).to_contain_text("Cantidad alcanzada: 20 → 2")
    expect(table).to_contain_text("Eran dos informes, no veinte.")
    expect(table).to_contain_text("Estado: Enviado → Aprobado")
    expect(table).not_to_contain_text("period.approve")
    screenshot("fiscalizacion-03-bitacora")
    table.get_by_role("link", name="010101 · enero").click()
    expect(page).to_have_url(re.compile(r"/actividad/010101/$"))

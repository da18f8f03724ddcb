"""«Mis pendientes» as people use it: an enlace signs in and finds its month to capture with
its deadline; the revisor signs in, checks two sent area-months and approves them at once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rumbo.audit.models import AuditEvent
from rumbo.monitoring.models import PeriodReport, WindowExtension
from tests.factories import PASSWORD, build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/cuenta/entrar/")
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_enlace_lands_on_its_month_to_capture(page, screenshot):
    demo = build_demo()
    until = timezone.localdate() + timedelta(days=3)
    WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=11,
        area=demo.area_se,
        until=until,
        reason="Cambio de sistema",
        created_by="planeacion",
    )

    sign_in(page, "enlace_se")
    expect(page).to_have_url(re.compile(r"/pendientes/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mis pendientes")
    row = page.locator("[data-list=to-capture] li")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"Noviembre 2024 · por capturar · cierra el {until:%d/%m/%Y}")
    # The count arrives after the page, in the main navigation.
    expect(page.locator("nav.main-nav")).to_contain_text("Mis pendientes (1)")
    screenshot("pendientes-01-enlace")
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page)
    screenshot("pendientes-02-enlace-telefono")

    row.get_by_role("link", name="Noviembre 2024").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/programa/2024/captura/SE/11/$"))


def test_the_revisor_approves_two_sent_months_at_once(page, screenshot):
    demo = build_demo()
    sent = {}
    for area, month, days in [
        (demo.area_se, 1, 6),
        (demo.area_otra, 4, 4),
        (demo.area_se, 2, 2),
    ]:
        sent[(area.code, month)] = PeriodReport.objects.create(
            program=demo.program,
            area=area,
            month=month,
            state="enviado",
            submitted_at=timezone.now() - timedelta(days=days),
            submitted_by=demo.users["enlace_se"],
        )

    sign_in(page, "revisor")
    expect(page).to_have_url(re.compile(r"/pendientes/$"))
    rows = page.locator("[data-list=to-review] li")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("6 días esperando")  # oldest first
    expect(page.locator("nav.main-nav")).to_contain_text("Mis pendientes (3)")
    page.get_by_label("Secretaría Ejecutiva (SE) · Enero 2024").check()
    page.get_by_label("Dirección de Organización (DO) · Abril 2024").check()
    page.get_by_label("Comentario para todas (opcional)").fill("Revisadas con sus evidencias.")
    screenshot("pendientes-03-revisor")
    page.get_by_role("button", name="Aprobar seleccionadas").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Se aprobaron 2 capturas: Secretaría Ejecutiva (SE), enero 2024, IEEM; "
        "Dirección de Organización (DO), abril 2024, IEEM."
    )
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Secretaría Ejecutiva (SE) · Febrero 2024")
    expect(page.locator("nav.main-nav")).to_contain_text("Mis pendientes (1)")
    screenshot("pendientes-04-aprobadas")
    states = {key: PeriodReport.objects.get(pk=r.pk).state for key, r in sent.items()}
    assert states == {("SE", 1): "aprobado", ("DO", 4): "aprobado", ("SE", 2): "enviado"}
    assert AuditEvent.objects.filter(action="period.approve").count() == 2

    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page)
    screenshot("pendientes-05-revisor-telefono")

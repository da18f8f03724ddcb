"""An adecuación presupuestaria as the people who do it: Planeación writes a traspaso of
$2,500.50 from partida 21101 to 33401 of proyecto 0101 in March, previews the modificado
before → after, sends it; Revisión (the institution decides so) approves it; the detail
shows the modificado applied.

By hand (tests/adjustments/budget_world.py): 0101 · 21101 · 11 has 10,000.00 in March,
0101 · 33401 · 11 has 5,000.00; after the traspaso 7,499.50 and 7,500.50."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from rumbo.adjustments.models import AdjustmentPolicy
from rumbo.budget.services import cog_load
from tests.adjustments.budget_world import load, modified
from tests.factories import PASSWORD, build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, user: str) -> None:
    page.context.clear_cookies()
    page.goto("/i/IEEM/")
    page.get_by_label("Usuario").fill(user)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/$"))


def test_planeacion_requests_a_traspaso_and_revision_approves_it(page, screenshot, tmp_path):
    demo = build_demo()
    cog_load()
    load(tmp_path)
    AdjustmentPolicy.objects.create(institution=demo.institution, decider="revisor")

    login(page, "planeacion")
    page.goto("/i/IEEM/programa/2024/adecuaciones/nueva/")
    page.get_by_role("link", name="Traspaso presupuestal").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Traspaso presupuestal")
    page.get_by_label("Lado, fila 1").select_option("de")
    page.get_by_label("Clave, fila 1").select_option("0101")
    page.get_by_label("Partida, fila 1").select_option("21101")
    page.get_by_label("Mes, fila 1").select_option("3")
    page.get_by_label("Importe, fila 1").fill("2,500.50")
    page.get_by_label("Lado, fila 3").select_option("a")
    page.get_by_label("Clave, fila 3").select_option("0101")
    page.get_by_label("Partida, fila 3").select_option("33401")
    page.get_by_label("Mes, fila 3").select_option("3")
    page.get_by_label("Importe, fila 3").fill("2,500.50")
    page.get_by_role("button", name="Vista previa").click()
    preview = page.get_by_role("region", name="Vista previa")
    expect(preview).to_contain_text("$10,000.00")
    expect(preview).to_contain_text("$7,499.50")
    expect(preview).to_contain_text("$7,500.50")
    screenshot("budget-adjust-01-preview")
    page.get_by_label("Justificación").fill("La capacitación de marzo cuesta más de lo previsto.")
    page.get_by_role("button", name="Enviar solicitud").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Solicitud de adecuación 1")
    expect(page.locator("main")).to_contain_text("Solicitada")
    expect(page.get_by_role("button", name="Aprobar y aplicar")).to_have_count(0)
    assert modified("0101", "21101") == Decimal("10000.00")  # nothing moved yet

    login(page, "revisor")
    page.goto("/i/IEEM/programa/2024/adecuaciones/")
    page.get_by_role("link", name="1", exact=True).click()
    page.get_by_label("Motivo de la decisión").fill("Procede.")
    page.get_by_role("button", name="Aprobar y aplicar").click()
    expect(page.get_by_role("status")).to_contain_text("el modificado del presupuesto ya cambió")
    table = page.locator("table.budget-movements")
    row = table.locator("tr", has_text="21101")
    expect(row).to_contain_text("$10,000.00")
    expect(row).to_contain_text("$7,499.50")
    expect(table.locator("tr", has_text="33401")).to_contain_text("$7,500.50")
    expect(table).to_contain_text("Total que se quita")
    screenshot("budget-adjust-02-approved")
    assert modified("0101", "21101") == Decimal("7499.50")
    assert modified("0101", "33401") == Decimal("7500.50")

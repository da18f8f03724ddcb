"""The grid's live semáforo computes with exact decimals, like the server: 0.99 of 1.1 is
exactly 90 % (green at the band's edge), where binary floating point gives 89.99… %
(yellow)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from rumbo.core.semaforo import grade
from rumbo.monitoring.models import WindowExtension
from rumbo.programs.models import MonthlyTarget
from tests.factories import build_demo

from .test_capture_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_preview_grades_the_band_edge_exactly(page):
    demo = build_demo()
    full = demo.activity_full
    MonthlyTarget.objects.filter(activity=full, month=1).update(quantity=Decimal("1.1"))
    WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=1,
        until=timezone.localdate() + timedelta(days=60),
        reason="Prueba de vista previa exacta",
        created_by="planeacion",
    )
    # What the server says, computed independently of the page.
    assert grade(programmed=Decimal("1.1"), achieved=Decimal("0.99")).light.value == "verde"
    log_in(page, "enlace_se")
    page.goto(reverse("web:capture_grid", args=["IEEM", 2024, "SE", 1]))
    expect(page).to_have_url(re.compile(r"/captura/SE/1/$"))
    page.wait_for_load_state("load")
    row = page.locator("#fila-010101")
    light = row.locator("[data-light]")
    page.locator(f"#avance-{full.pk}").fill("0.99")
    expect(light).to_contain_text("Verde · 90 %", timeout=30_000)
    expect(page.locator(f"#justificacion-{full.pk}")).to_be_hidden()
    # 0.9 ÷ 1.1 = 81.8181… %: yellow, shown rounded half up to 81.82 %.
    page.locator(f"#avance-{full.pk}").fill("0.9")
    expect(light).to_contain_text("Amarillo · 81.82 %", timeout=30_000)
    # 1,234.5 typed the es-MX way against 1.1: far above the band, red.
    page.locator(f"#avance-{full.pk}").fill("1,234.5")
    expect(light).to_contain_text("Rojo · 112,227.27 %", timeout=30_000)

"""An enlace opens the MIR, reads a ficha and captures a measurement; the semáforo shows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from rumbo.indicators.models import Measurement
from rumbo.monitoring.models import WindowExtension
from tests.factories import PASSWORD, build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(reverse("login"))
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_enlace_captures_an_indicator_measurement(page, screenshot):
    demo = build_demo()
    # March 2024 (which closes T1) closed long ago: an extension keeps it open past today.
    WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=3,
        until=timezone.localdate() + timedelta(days=60),
        reason="Prueba de medición",
        created_by="planeacion",
    )
    ind = demo.design.ind_c1

    log_in(page, "enlace_se")
    page.goto(reverse("web:mir", args=["IEEM", demo.design.design.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Matriz de Indicadores")
    expect(page.locator(f"#renglon-{demo.design.c1.pk}")).to_contain_text("Seguimiento de acuerdos")
    screenshot("indicador-01-mir")

    page.get_by_role("link", name=ind.name).click()
    expect(page).to_have_url(re.compile(rf"/indicador/{ind.pk}/$"))
    expect(page.locator("#tabla-mediciones tr[data-period='1']")).to_contain_text("sin dato")
    page.wait_for_load_state("load")
    expect(page.locator(".chart.chart-ready")).to_have_count(1)  # Chart.js drew the chart
    screenshot("indicador-02-ficha")

    page.locator("#tabla-mediciones tr[data-period='1']").get_by_role(
        "link", name="Capturar"
    ).click()
    expect(page).to_have_url(re.compile(r"/medicion/1/$"))
    page.get_by_label(re.compile("realizadas")).fill("14")
    page.get_by_label(re.compile("programadas")).fill("20")
    page.get_by_role("button", name="Guardar medición").click()
    # 70 % against a target of 80 → 87.5 %: yellow, so a justification is asked for.
    expect(page.locator("#justificacion-error")).to_contain_text("amarillo")
    screenshot("indicador-03-justificacion")
    page.get_by_label(re.compile("Justificación")).fill("Dos áreas entregaron tarde.")
    page.get_by_role("button", name="Guardar medición").click()

    expect(page).to_have_url(re.compile(rf"/indicador/{ind.pk}/#mediciones$"))
    row = page.locator("#tabla-mediciones tr[data-period='1']")
    expect(row.locator(".light")).to_contain_text("Amarillo · 87.5 %")
    expect(row.locator("[data-col='value']")).to_contain_text("70")
    screenshot("indicador-04-semaforo")
    assert Measurement.objects.get(indicator=ind, period=1).justification

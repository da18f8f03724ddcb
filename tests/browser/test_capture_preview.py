"""On a month not yet saved, the grid's live semáforo adds the
typed value to what the earlier months achieved (it used to add it to 0: «Rojo · 4.57 %»
for exactly the programmed value)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry, WindowExtension
from tests.factories import build_demo

from .test_capture_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_the_programmed_value_on_an_unsaved_month_previews_green(page, screenshot):
    demo = build_demo()
    full = demo.activity_full  # 340 programmed every month
    for month in (1, 2):
        ProgressEntry.objects.create(activity=full, month=month, achieved=Decimal(340))
        PeriodReport.objects.create(
            program=demo.program, area=demo.area_se, month=month, state=PeriodState.APPROVED
        )
    WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=3,
        until=timezone.localdate() + timedelta(days=60),
        reason="Prueba de vista previa",
        created_by="planeacion",
    )
    log_in(page, "enlace_se")
    page.goto(reverse("web:capture_grid", args=["IEEM", 2024, "SE", 3]))
    expect(page).to_have_url(re.compile(r"/captura/SE/3/$"))
    page.wait_for_load_state("load")
    row = page.locator("#fila-010101")
    expect(row).to_have_attribute("data-achieved-before", re.compile(r"^680(\.0+)?$"))
    page.locator(f"#avance-{full.pk}").fill("340")
    # (340 + 340 + 340) / 1,020 = 100 %: green, and no justification is asked for.
    expect(row.locator("[data-light]")).to_contain_text("Verde · 100 %")
    expect(page.locator(f"#justificacion-{full.pk}")).to_be_hidden()
    screenshot("captura-vista-previa-mes-sin-guardar")

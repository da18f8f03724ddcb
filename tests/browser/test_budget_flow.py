"""Consulta reads the budget: from the program page to the budget page, filters by a
capítulo and downloads the same table as XLSX."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from rumbo.budget.models import MOMENTS, BudgetLine, FundingSource, GenericItem, SpecificItem
from rumbo.budget.services import cog_load
from tests.browser.test_indicator_flow import log_in
from tests.factories import build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (partida, month, aprobado, modificado, comprometido, devengado, ejercido, pagado)
LINES = [
    ("21101", 1, "1000.50", "1000.50", "800", "400.25", "300", "200"),
    ("33401", 2, "2500", "2400", "1200", "1000", "900", "800"),
    ("33401", 3, "500.25", "500.25", "0", "0", "0", "0"),
]


def test_consulta_filters_by_chapter_and_downloads(page, screenshot):
    demo = build_demo()
    cog_load()
    source = FundingSource.objects.create(institution=demo.institution, key="11", name="Fiscal")
    for key, month, *amounts in LINES:
        item, _ = SpecificItem.objects.get_or_create(
            institution=demo.institution,
            key=key,
            defaults={"generic": GenericItem.objects.get(key=key[:3]), "name": f"Partida {key}"},
        )
        BudgetLine.objects.create(
            program=demo.program, node=demo.project, item=item, source=source, month=month,
            **{m: Decimal(a) for m, a in zip(MOMENTS, amounts, strict=True)},
        )  # fmt: skip

    log_in(page, "consulta")
    page.goto(reverse("web:program", args=["IEEM", 2024]))
    page.get_by_role("link", name="Presupuesto", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Presupuesto")
    # No month closed: the whole year. Total aprobado 1,000.50 + 2,500 + 500.25.
    total = page.locator('table[data-table="nodes"] tfoot tr')
    expect(total).to_contain_text("$4,000.75")
    screenshot("budget-page")

    page.get_by_label("Capítulo del gasto", exact=True).select_option("3000")
    page.get_by_role("button", name="Ver").click()
    # Capítulo 3000: aprobado 2,500 + 500.25; modificado 2,900.25; devengado 1,000:
    # 1,000 ÷ 2,900.25 = 34.479…% → 34.48.
    expect(total).to_contain_text("$3,000.25")
    expect(total).to_contain_text("$2,900.25")
    expect(total).to_contain_text("34.48 %")
    expect(page.locator('table[data-table="chapters"] tbody tr')).to_have_count(1)
    screenshot("budget-chapter-3000")

    with page.expect_download() as info:
        page.get_by_role("link", name="Descargar XLSX").click()
    download = info.value
    assert download.suggested_filename == "IEEM-presupuesto-2024-12-cap3000.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))["Presupuesto"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[1] == "Total"]
    assert len(rows) == 2
    assert [Decimal(str(v)) for v in rows[0][2:8]] == [
        Decimal("3000.25"), Decimal("2900.25"), Decimal("1200"), Decimal("1000"),
        Decimal("900"), Decimal("800"),
    ]  # fmt: skip

"""Informe de avance físico-financiero: its figures worked by hand on the factories' IEEM
program, the same figures in the XLSX (openpyxl), the PDF (pdftotext), the JSON and the
page, its downloads, and size-independent query counts."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rumbo.budget.models import BudgetLine, FundingSource, SpecificItem
from rumbo.core.semaforo import Light
from rumbo.reports.builders import build_report, report_data
from rumbo.reports.common import ReportError
from tests.factories import ActivityFactory
from tests.reports.conftest import add_budget, add_progress, load_progress

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def budget(demo):
    load_progress(demo)
    add_budget(demo)
    return demo


def test_figures_by_hand(budget):
    report = report_data(kind="fisico-financiero", institution="IEEM", year=2024, month=3)
    rows = {r.key: r for r in report.rows}
    assert [r.key for r in report.rows] == ["01", "0101", "010101", "02", "0201"]
    project = rows["0101"]
    # Physical: SE's four activities (95.10 + 0 + 33.33 + 0) ÷ 4 = 32.1075 → 32.11.
    # Financial: 3,000 + 2,000 modificado, 1,500 + 1,940 devengado → 3,440 ÷ 5,000 = 68.80;
    # gap 32.11 − 68.80 = −36.69 pp: rojo.
    assert (project.physical_percent, project.financial_percent) == (D("32.11"), D("68.80"))
    assert (project.gap, project.gap_light) == (D("-36.69"), Light.RED)
    full = rows["010101"]
    # 970 of 1,020 = 95.10 against 1,940 ÷ 2,000 = 97.00: −1.90, verde; 1,940 pesos ÷ 970
    # units = 2.00 pesos each.
    assert (full.physical_percent, full.financial_percent) == (D("95.10"), D("97.00"))
    assert (full.gap, full.gap_light, full.cost_per_unit) == (D("-1.90"), Light.GREEN, D("2.00"))
    # 02 has no budget: its financial side is missing, its gap grey.
    assert rows["02"].financial_percent is None and rows["02"].gap_light is Light.GREY
    total = report.total
    assert (total.to_date.modificado, total.to_date.devengado) == (D(5000), D(3440))
    assert (total.to_date.ejercido, total.to_date.pagado) == (D(1900), D(1800))


def test_the_four_faces_agree(budget, tmp_path):
    args = {"kind": "fisico-financiero", "institution": "IEEM", "year": 2024, "month": 3}
    data = json.loads(build_report(**args, fmt="json").content)
    item = next(i for i in data["items"] if i["node"] == "0101")
    assert {k: item[k] for k in ("physical_percent", "financial_percent", "gap", "gap_light")} == {
        "physical_percent": 32.11, "financial_percent": 68.8, "gap": -36.69, "gap_light": "rojo",
    }  # fmt: skip
    assert (item["modificado"], item["devengado"]) == (5000, 3440)
    activity = next(i for i in data["items"] if i["node"] == "010101")
    assert (activity["kind"], activity["cost_per_unit"]) == ("actividad", 2)
    assert data["total"]["node"] is None and data["total"]["devengado"] == 3440

    file = build_report(**args, fmt="xlsx")
    assert file.filename == "IEEM-informe-fisico-financiero-2024-03.xlsx"
    ws = load_workbook(BytesIO(file.content))["Físico-financiero"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "0101")
    assert row[2] == pytest.approx(0.3211) and row[5] == pytest.approx(0.688)
    assert (row[7], row[8], row[10], row[12]) == (-36.69, "Rojo", 5000, 3440)
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "010101")
    assert (row[16], row[17]) == (970, 2)  # achieved to date, cost per unit
    total = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Total")
    assert (total[10], total[12], total[13], total[14]) == (5000, 3440, 1900, 1800)

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    pdf = build_report(**args, fmt="pdf")
    path = tmp_path / "informe.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    text = " ".join(text.split())
    fragments = ("Informe de avance físico-financiero", "32.11 %", "68.8 %", "-36.69 · Rojo",
                 "$5,000.00", "$3,440.00", "$2.00", "Total del programa", "Brecha")  # fmt: skip
    for fragment in fragments:
        assert fragment in text, fragment


def test_the_page_and_its_download(as_user, budget):
    client = as_user("consulta")
    url = reverse("web:report", args=["IEEM", "fisico-financiero", 2024]) + "?mes=3"
    html = client.get(url).content.decode()
    assert "Informe de avance físico-financiero" in html
    assert 'data-key="0101"' in html and "-36.69 · Rojo" in html and "$3,440.00" in html
    assert "Descargar XLSX" in html and 'value="report-fisico-financiero"' in html
    index = client.get(reverse("web:report_index", args=["IEEM"])).content.decode()
    assert 'value="fisico-financiero"' in index
    download = reverse("web:report_download", args=["IEEM", "fisico-financiero", 2024, "xlsx"])
    response = client.get(download + "?mes=3")
    assert response.status_code == 200
    assert "IEEM-informe-fisico-financiero-2024-03.xlsx" in response["Content-Disposition"]
    assert client.get(download).status_code == 400  # no month


def test_a_program_without_budget_says_so(demo, as_user):
    load_progress(demo)
    report = report_data(kind="fisico-financiero", institution="IEEM", year=2024, month=3)
    assert not report.figures.has_budget
    assert all(r.gap_light is Light.GREY for r in report.rows)
    url = reverse("web:report", args=["IEEM", "fisico-financiero", 2024]) + "?mes=3"
    assert "no tiene presupuesto cargado" in as_user("consulta").get(url).content.decode()


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"month": None}, "requiere el mes"),
        ({"month": 13}, "mes: 13"),
        ({"quarter": 1}, "trimestre"),
    ],
)
def test_bad_arguments(demo, kwargs, fragment):
    with pytest.raises(ReportError, match=fragment):
        report_data(kind="fisico-financiero", institution="IEEM", year=2024, **kwargs)


REPORT_QUERIES = 11  # institution, program, version label, program_figures (8), budget lines


@pytest.mark.parametrize("extra", [0, 6])
def test_query_counts_do_not_depend_on_size(budget, django_assert_num_queries, extra):
    for i in range(extra):
        a = ActivityFactory(node=budget.project, key=f"0101{50 + i}", months=[1] * 12)
        add_progress(a, {1: 1, 2: 1, 3: 1})
        BudgetLine.objects.create(
            program=budget.program, node=budget.project, activity=a,
            item=SpecificItem.objects.get(key="21101"), source=FundingSource.objects.get(key="11"),
            month=2, modificado=D(10), devengado=D(5),
        )  # fmt: skip
    with django_assert_num_queries(REPORT_QUERIES):
        report_data(kind="fisico-financiero", institution="IEEM", year=2024, month=3)


def test_the_monthly_report_has_the_section(budget, tmp_path):
    """The same figures as the report, in the monthly report's page, XLSX and PDF; not in an
    area's report (the budget is by node)."""
    monthly = report_data(kind="monthly", institution="IEEM", year=2024, month=3)
    section = {r.key: r for r in monthly.physical_financial.rows}
    assert (section["0101"].gap, section["0101"].to_date.devengado) == (D("-36.69"), D(3440))
    assert report_data(kind="monthly", institution="IEEM", year=2024, month=3, area="SE")\
        .physical_financial is None  # fmt: skip
    args = {"kind": "monthly", "institution": "IEEM", "year": 2024, "month": 3}
    ws = load_workbook(BytesIO(build_report(**args, fmt="xlsx").content))["Físico-financiero"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "0101")
    assert (row[7], row[8], row[12]) == (-36.69, "Rojo", 3440)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    path = tmp_path / "mensual.pdf"
    path.write_bytes(build_report(**args, fmt="pdf").content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    text = " ".join(text.split())
    assert "Avance físico-financiero a marzo" in text and "-36.69 · Rojo" in text


def test_the_monthly_report_without_budget_has_no_section(demo):
    load_progress(demo)
    monthly = report_data(kind="monthly", institution="IEEM", year=2024, month=3)
    assert monthly.physical_financial is None

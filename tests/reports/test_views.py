"""Report pages: who reads them, what they show, their downloads, and pinned query counts."""

from __future__ import annotations

import html
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from rumbo.indicators.models import Mir
from rumbo.monitoring.simulated import SIMULATED_PROGRESS_NOTE
from rumbo.reports.common import SIMULATED_MEASUREMENTS_NOTE
from tests.conftest import PERSONAS
from tests.factories import ActivityFactory
from tests.reports.conftest import add_progress, load_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def progress(demo):
    return load_progress(demo)


def _url(slug: str, **query: object) -> str:
    url = reverse("web:report", args=["IEEM", slug, 2024])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_reads_the_index_and_the_monthly_report(as_user, progress, persona):
    client = as_user(persona)
    index = client.get(reverse("web:report_index", args=["IEEM"]))
    assert index.status_code == 200
    html = index.content.decode()
    assert "Informe mensual de avance programático" in html
    assert 'name="mes"' in html and 'name="trimestre"' in html
    page = client.get(_url("mensual", mes=3))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ejercicio 2024 · marzo" in html
    assert "Descargar XLSX" in html and "Descargar PDF" in html
    assert "95.1 %" in html
    # SE's average compliance: (95.10 + 0 + 33.33 + 0) / 4 = 32.1075 → 32.11 %.
    assert 'data-col="average_compliance">32.11 %' in html
    assert "Cifras preliminares" in html
    assert "<svg" in html  # the chart, drawn on the server


def test_the_institution_page_links_the_reports(as_user, demo):
    html = as_user("consulta").get(reverse("web:institution", args=["IEEM"])).content.decode()
    assert reverse("web:report_index", args=["IEEM"]) in html


def test_other_institutions_get_403_and_anonymous_the_login(client, demo):
    client.force_login(demo.users["ajeno"])
    for url in (
        reverse("web:report_index", args=["IEEM"]),
        _url("mensual", mes=3),
        reverse("web:report_download", args=["IEEM", "mensual", 2024, "xlsx"]) + "?mes=3",
    ):
        assert client.get(url).status_code == 403, url
    client.logout()
    response = client.get(_url("programa"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_the_index_form_goes_to_the_report(as_user, demo):
    client = as_user("consulta")
    response = client.get(
        reverse("web:report_index", args=["IEEM"]),
        {"informe": "mensual", "anio": "2024", "mes": "3", "area": "SE", "trimestre": "1"},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("mensual", mes=3, area="SE")
    response = client.get(
        reverse("web:report_index", args=["IEEM"]),
        {"informe": "trimestral", "anio": "2024", "mes": "3", "trimestre": "2"},
    )
    assert response["Location"] == _url("trimestral", trimestre=2)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (_url("mensual"), "requiere el mes"),
        (_url("mensual", mes=14), "mes: 14"),
        (_url("trimestral", trimestre="x"), "trimestre: &#x27;x&#x27;"),
        (_url("mensual", mes=3, area="ZZ"), "siglas ZZ"),
    ],
)
def test_bad_choices_explain_themselves(as_user, demo, url, message):
    response = as_user("consulta").get(url)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_unknown_report_or_format_is_404(as_user, demo):
    client = as_user("consulta")
    assert client.get(reverse("web:report", args=["IEEM", "semanal", 2024])).status_code == 404
    url = reverse("web:report_download", args=["IEEM", "programa", 2024, "docx"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("slug", "query", "filename"),
    [
        ("mensual", "?mes=3&area=SE", "IEEM-informe-mensual-2024-03-SE"),
        ("trimestral", "?trimestre=2", "IEEM-informe-trimestral-2024-T2"),
        ("programa", "", "IEEM-programa-anual-2024"),
        ("mir", "", "IEEM-mir-2024"),
    ],
)
def test_downloads_are_the_builder_files(as_user, progress, slug, query, filename):
    client = as_user("enlace_otra")
    xlsx = client.get(reverse("web:report_download", args=["IEEM", slug, 2024, "xlsx"]) + query)
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == f'attachment; filename="{filename}.xlsx"'
    wb = load_workbook(BytesIO(xlsx.content))
    assert wb.worksheets[0]["A1"].value == "Instituto Electoral del Estado de México"
    if slug == "mensual":
        pdf = client.get(reverse("web:report_download", args=["IEEM", slug, 2024, "pdf"]) + query)
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")


def test_a_bad_download_is_400_with_the_reason(as_user, demo):
    url = reverse("web:report_download", args=["IEEM", "mensual", 2024, "xlsx"])
    response = as_user("consulta").get(url)
    assert response.status_code == 400
    assert "requiere el mes" in response.content.decode()


PAGE_QUERIES = {
    "mensual": ({"mes": 3}, 17),  # + the approved baseline (original targets), budget lines
    "trimestral": ({"trimestre": 2}, 11),
    "programa": ({}, 11),
    "mir": ({}, 14),
    "fisico-financiero": ({"mes": 3}, 15),
}


@pytest.mark.parametrize("extra", [0, 5])
@pytest.mark.parametrize("slug", sorted(PAGE_QUERIES))
def test_page_query_counts_are_pinned(as_user, progress, django_assert_num_queries, slug, extra):
    for i in range(extra):
        a = ActivityFactory(node=progress.project, key=f"0101{60 + i}", annual_target=Decimal(3),
                            months=[1, 1, 1] + [0] * 9)  # fmt: skip
        add_progress(a, {1: 1, 2: 1})
    client = as_user("enlace_se")
    query, count = PAGE_QUERIES[slug]
    url = _url(slug, **query)
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200


def test_the_index_opens_on_the_last_reported_month_with_pinned_queries(
    as_user, progress, django_assert_num_queries
):
    from rumbo.monitoring.dashboard import dashboard_month

    month = dashboard_month(program=progress.program)
    assert month >= 1
    client = as_user("consulta")
    url = reverse("web:report_index", args=["IEEM"])
    client.get(url)
    with django_assert_num_queries(8):
        html = client.get(url).content.decode()
    assert f'<option value="{month}" selected>' in html
    assert f'<option value="{(month + 2) // 3}" selected>Trimestre' in html


def _xlsx_text(content: bytes) -> str:
    wb = load_workbook(BytesIO(content))
    return "\n".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "informe.pdf"
    path.write_bytes(content)
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return " ".join(result.stdout.split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_simulated_figures_carry_a_notice_on_dashboards_and_reports(as_user, progress, tmp_path):
    """The monthly report and the dashboards when the program's progress is simulated, the
    quarterly report when a MIR's measurements are; never for real figures."""
    client = as_user("consulta")
    dashboards = [
        reverse("web:dashboard", args=["IEEM", 2024]),
        reverse("web:dashboard_area", args=["IEEM", 2024, "SE"]),
        reverse("web:dashboard_node", args=["IEEM", 2024, progress.subprogram.pk]),
    ]
    monthly, quarterly = _url("mensual", mes=3), _url("trimestral", trimestre=1)

    def download(slug: str, query: str, fmt: str) -> bytes:
        url = reverse("web:report_download", args=["IEEM", slug, 2024, fmt]) + query
        return client.get(url).content

    def faces() -> dict[str, str]:
        out = {url: client.get(url).content.decode() for url in [*dashboards, monthly, quarterly]}
        out["monthly.xlsx"] = _xlsx_text(download("mensual", "?mes=3", "xlsx"))
        out["quarterly.xlsx"] = _xlsx_text(download("trimestral", "?trimestre=1", "xlsx"))
        out["monthly.pdf"] = _pdf_text(download("mensual", "?mes=3", "pdf"), tmp_path)
        out["quarterly.pdf"] = _pdf_text(download("trimestral", "?trimestre=1", "pdf"), tmp_path)
        return out

    assert {face for face, text in faces().items() if "Datos simulados" in text} == set()

    progress.program.progress_simulated = True
    progress.program.save()
    Mir.objects.filter(pk=progress.design.mir.pk).update(measurements_simulated=True)
    measurements = SIMULATED_MEASUREMENTS_NOTE.format(titles=f"«{progress.design.design.title}»")
    expected = {
        **dict.fromkeys([*dashboards, monthly, "monthly.xlsx", "monthly.pdf"], "progress"),
        **dict.fromkeys([quarterly, "quarterly.xlsx", "quarterly.pdf"], "measurements"),
    }
    notes = {"progress": SIMULATED_PROGRESS_NOTE, "measurements": measurements}
    found = faces()
    assert {face: notes[kind] in html.unescape(found[face]) for face, kind in expected.items()} == (
        dict.fromkeys(expected, True)
    )

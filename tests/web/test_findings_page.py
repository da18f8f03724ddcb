"""The quality findings list: filters, counts, pagination, links to activities, few queries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rumbo.imports.models import FindingStatus
from tests.factories import QualityFindingFactory

pytestmark = pytest.mark.django_db

# session + user + institution + membership + filter choices + counts + page + activity links
FINDINGS_PAGE_QUERIES = 8


def findings(client, query: str = "") -> str:
    response = client.get(reverse("web:findings", args=["IEEM"]) + query)
    assert response.status_code == 200
    return response.content.decode()


def row_codes(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="finding-code"><code>(\w+)</code>', html)


def test_rows_show_code_title_severity_status_place_object_and_message(as_user, demo):
    html = findings(as_user("revisor"))
    assert row_codes(html) == ["area_alias", "missing_months", "sum_mismatch"]
    assert "Faltan valores mensuales en el calendario" in html
    assert "Área escrita con otra grafía" in html
    assert "✖</span> Error" in html
    assert "⚠</span> Advertencia" in html
    assert "Abierto" in html
    assert "003_f85b278706467e27.txt:120" in html
    assert "Se leyeron 11 valores mensuales; falta uno." in html
    assert "iccm.mx" not in html  # another institution's finding


def test_an_activity_finding_links_to_the_activity_in_the_program(as_user, demo):
    html = findings(as_user("revisor"))
    activity = demo.activity_missing
    href = reverse("web:activity", args=["IEEM", 2024, activity.key])
    assert f'<a href="{href}">010103 Sesiones de la Junta General</a>' in html
    assert "DEOEyG" in html  # a finding without an activity keeps its label, unlinked


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?codigo=sum_mismatch", ["sum_mismatch"]),
        ("?severidad=warning", ["area_alias"]),
        ("?archivo=000_19180f02e9762917.txt", ["area_alias"]),
        ("?ejercicio=2024&severidad=error", ["missing_months", "sum_mismatch"]),
        ("?codigo=date_format", []),
        ("?estado=resolved", []),
        ("?estado=open", ["area_alias", "missing_months", "sum_mismatch"]),
    ],
)
def test_filters(as_user, demo, query, expected):
    assert row_codes(findings(as_user("consulta"), query)) == expected


def test_filter_by_activity_shows_only_its_findings(as_user, demo):
    html = findings(as_user("consulta"), f"?actividad={demo.activity_mismatch.pk}")
    assert row_codes(html) == ["sum_mismatch"]
    assert "Solo los de una actividad." in html
    assert "Quitar filtros" in html


def test_counts_follow_the_filters(as_user, demo):
    text = " ".join(findings(as_user("consulta"), "?severidad=error").split())
    assert "2 hallazgos con estos filtros:" in text
    assert "2 errores" in text
    assert "0 advertencias" in text


def test_invalid_filter_values_are_reported_and_ignored(as_user, demo):
    html = findings(as_user("consulta"), "?codigo=inventado&ejercicio=abc&severidad=warning")
    assert row_codes(html) == ["area_alias"]
    assert "Escoja una opción válida" in html or "Seleccione una opción válida" in html


def test_the_status_filter_is_spanish(as_user, demo):
    html = findings(as_user("consulta"))
    assert '<option value="accepted">Aceptado</option>' in html
    title = "Los meses no suman la cantidad anual (sum_mismatch)"
    assert f'<option value="sum_mismatch">{title}</option>' in html


def test_pagination_by_fifty_keeps_the_filters(as_user, demo):
    QualityFindingFactory.create_batch(
        120, institution=demo.institution, code="key_format", source_file="zz.txt"
    )
    client = as_user("consulta")
    first = findings(client, "?codigo=key_format")
    assert len(row_codes(first)) == 50
    assert "página 1 de 3" in first
    assert 'href="?codigo=key_format&amp;pagina=2"' in first
    last = findings(client, "?codigo=key_format&pagina=3")
    assert len(row_codes(last)) == 20
    assert 'rel="prev"' in last
    assert 'rel="next"' not in last
    beyond = findings(client, "?codigo=key_format&pagina=99")
    assert len(row_codes(beyond)) == 20


def test_thousands_in_counts_use_a_comma(as_user, demo):
    QualityFindingFactory.create_batch(1200, institution=demo.institution, code="key_format")
    text = " ".join(findings(as_user("consulta"), "?codigo=key_format").split())
    assert "1,200 hallazgos" in text


def test_no_findings_message(as_user, demo):
    html = findings(as_user("consulta"), "?codigo=date_format")
    assert "No hay hallazgos con estos filtros." in html


def test_findings_page_queries_do_not_grow(as_user, demo, django_assert_num_queries):
    client = as_user("consulta")
    with django_assert_num_queries(FINDINGS_PAGE_QUERIES):
        findings(client)
    for activity in [demo.activity_full, demo.activity_fraction, demo.activity_otra]:
        QualityFindingFactory.create_batch(
            30, institution=demo.institution, concerns=activity, status=FindingStatus.OPEN
        )
    with django_assert_num_queries(FINDINGS_PAGE_QUERIES):
        html = findings(client)
    assert len(row_codes(html)) == 50
    activity_prefix = 'href="/i/IEEM/programa/2024/actividad/'
    assert html.count(activity_prefix) == 49  # all but the area_alias finding, first by file
    with django_assert_num_queries(FINDINGS_PAGE_QUERIES):
        findings(client, "?codigo=sum_mismatch&severidad=error&estado=open&pagina=2")

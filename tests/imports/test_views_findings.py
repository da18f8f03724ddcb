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


# --- reviewing: accept, resolve, reopen -------------------------------------------------------

HTMX = {"HTTP_HX_REQUEST": "true"}


def review_url(finding) -> str:
    return reverse("web:finding_review", args=["IEEM", finding.pk])


def a_finding(demo):
    from rumbo.imports.models import QualityFinding

    return QualityFinding.objects.get(institution=demo.institution, code="sum_mismatch")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("planeacion", 302),
        ("revisor", 302),
        ("enlace_se", 403),
        ("enlace_otra", 403),
        ("consulta", 403),
    ],
)
def test_only_planeacion_and_revisor_review(as_user, demo, persona, expected):
    finding = a_finding(demo)
    response = as_user(persona).post(
        review_url(finding), {"estado": "accepted", "comentario": "Correcto en el original."}
    )
    assert response.status_code == expected
    finding.refresh_from_db()
    assert (finding.status == FindingStatus.ACCEPTED) == (expected == 302)


@pytest.mark.parametrize("persona", ["enlace_se", "consulta"])
def test_readers_see_no_review_form(as_user, demo, persona):
    html = findings(as_user(persona))
    assert "finding-review" not in html
    assert "/revisar/" not in html


def test_reviewers_see_a_labelled_form_per_row(as_user, demo):
    html = findings(as_user("revisor"))
    assert html.count('class="review-form"') == 3
    finding = a_finding(demo)
    assert f'hx-post="{review_url(finding)}"' in html
    assert f'<label for="comentario-{finding.pk}">Comentario (obligatorio)</label>' in html


def test_get_and_other_institutions(as_user, demo, client):
    finding = a_finding(demo)
    assert as_user("planeacion").get(review_url(finding)).status_code == 405
    client.force_login(demo.users["ajeno"])
    assert client.post(review_url(finding), {"estado": "accepted"}).status_code == 403
    other = QualityFindingFactory(institution=demo.other_institution, code="key_format")
    url = reverse("web:finding_review", args=["IEEM", other.pk])
    assert as_user("planeacion").post(url, {"estado": "accepted"}).status_code == 404


def test_accept_with_htmx_returns_the_updated_row(as_user, demo):
    finding = a_finding(demo)
    response = as_user("revisor").post(
        review_url(finding),
        {"estado": "accepted", "comentario": "El original suma 11.", "volver": "severidad=error"},
        **HTMX,
    )
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    assert html.startswith(f'<tr id="hallazgo-{finding.pk}"')
    assert '<span class="status status-accepted">Aceptado</span>' in html
    assert re.search(r"por Ana Pérez el \d\d/\d\d/\d{4}", html)  # full name, dd/mm/aaaa
    assert '<q class="block small review-comment">El original suma 11.</q>' in html
    assert '<option value="open">Reabrir</option>' in html
    assert 'name="volver" value="severidad=error"' in html


def test_a_missing_comment_comes_back_next_to_the_field(as_user, demo):
    finding = a_finding(demo)
    response = as_user("planeacion").post(
        review_url(finding), {"estado": "resolved", "comentario": " "}, **HTMX
    )
    html = response.content.decode()
    assert "Escribe un comentario que explique por qué se acepta o resuelve." in html
    assert 'aria-invalid="true"' in html
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_without_js_redirects_back_to_the_same_filters(as_user, demo):
    finding = a_finding(demo)
    client = as_user("planeacion")
    response = client.post(
        review_url(finding),
        {"estado": "resolved", "comentario": "Corregido.", "volver": "severidad=error&pagina=1"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/i/IEEM/hallazgos/?severidad=error&pagina=1"
    html = client.get(response["Location"]).content.decode()
    assert "Hallazgo sum_mismatch: resuelto." in html
    response = client.post(review_url(finding), {"estado": "open", "volver": "//evil.example"})
    assert response["Location"].startswith("/i/IEEM/hallazgos/")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    assert finding.resolution_comment == ""


def test_an_error_without_js_is_a_message(as_user, demo):
    client = as_user("planeacion")
    response = client.post(review_url(a_finding(demo)), {"estado": "accepted"}, follow=True)
    assert "Hallazgo sum_mismatch: Escribe un comentario" in response.content.decode()


def test_findings_page_queries_with_reviews_and_forms(as_user, demo, django_assert_num_queries):
    from rumbo.audit.services import Actor
    from rumbo.imports.review import finding_review

    client = as_user("planeacion")
    with django_assert_num_queries(FINDINGS_PAGE_QUERIES):
        findings(client)
    for reviewer in ["planeacion", "revisor"]:
        for finding in QualityFindingFactory.create_batch(
            10, institution=demo.institution, concerns=demo.activity_full
        ):
            finding_review(
                actor=Actor.for_user(demo.users[reviewer]),
                finding=finding,
                status="accepted",
                comment="Revisado.",
            )
    with django_assert_num_queries(FINDINGS_PAGE_QUERIES):
        html = findings(client)
    assert html.count("por Ana Pérez el") == 20


def test_plan_findings_link_to_the_plan(as_user, demo):
    from rumbo.strategy.models import LineOfAction

    line = LineOfAction.objects.get(plan=demo.plan_new, code="1.1")
    QualityFindingFactory(
        institution=demo.institution, code="key_format", concerns=line, source_file="a.txt"
    )
    html = findings(as_user("consulta"), "?archivo=a.txt")
    href = reverse("web:plan", args=["IEEM", demo.plan_new.pk])
    assert f'<a href="{href}">{line}</a>' in html

"""Accepting or resolving the open findings of a filter at once, and the program's flag of
activities with findings to attend."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.imports.models import FindingStatus, QualityFinding
from rumbo.imports.review import findings_review_many
from rumbo.imports.selectors import FindingFilters
from tests.factories import QualityFindingFactory

pytestmark = pytest.mark.django_db

LIST = reverse("web:findings", args=["IEEM"])
BULK = reverse("web:finding_review_bulk", args=["IEEM"])


@pytest.fixture
def findings(demo):
    """Beside the demo's three IEEM findings (two open errors, one open warning): more open
    warnings and errors, a reviewed error, one of another year and one of another institution."""
    ieem = demo.institution
    for line in (200, 201, 202):
        QualityFindingFactory(institution=ieem, code="key_format", source_line=line)
    QualityFindingFactory(institution=ieem, code="missing_unit", source_line=210)
    QualityFindingFactory(institution=ieem, code="missing_unit", source_line=211, year=2023)
    QualityFindingFactory(
        institution=ieem, code="missing_unit", source_line=212, status=FindingStatus.RESOLVED
    )
    QualityFindingFactory(institution=demo.other_institution, code="missing_unit")


@pytest.fixture
def as_user(demo):
    def login(name: str) -> Client:
        client = Client()
        client.force_login(demo.users[name])
        return client

    return login


def plainly(demo, **where: object) -> set[int]:
    """The ids a filter selects among the open findings, by plain Python filtering."""
    return {
        f.pk
        for f in QualityFinding.objects.all()
        if f.institution_id == demo.institution.pk
        and f.status == "open"
        and all(getattr(f, k) == v for k, v in where.items())
    }


def test_the_page_offers_the_filtered_count(demo, as_user, findings):
    errors = plainly(demo, severity="error")
    assert len(errors) == 4  # missing_months, sum_mismatch, missing_unit of 2024 and of 2023
    html = as_user("revisor").get(LIST, {"severidad": "error"}).content.decode()
    assert f"Aceptar los {len(errors)} filtrados" in html
    assert f"Resolver los {len(errors)} filtrados" in html
    assert '<input type="hidden" name="severidad" value="error">' in html
    html = as_user("consulta").get(LIST, {"severidad": "error"}).content.decode()
    assert "filtrados" not in html


def test_confirm_then_accept_every_filtered_open_finding_each_audited(demo, as_user, findings):
    expected = plainly(demo, severity="error", year=2024)
    client = as_user("revisor")
    data = {"severidad": "error", "ejercicio": "2024", "accion": "accepted"}
    data["comentario"] = "El PAA no trae esos datos."
    response = client.post(BULK, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Vas a aceptar <strong>{len(expected)} hallazgos abiertos</strong>" in html
    assert QualityFinding.objects.filter(status="accepted").count() == 0  # nothing yet

    response = client.post(BULK, {**data, "confirmar": "on", "esperados": str(len(expected))})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?severidad=error&ejercicio=2024"
    accepted = set(QualityFinding.objects.filter(status="accepted").values_list("pk", flat=True))
    assert accepted == expected
    for f in QualityFinding.objects.filter(pk__in=expected):
        assert f.resolved_by == demo.users["revisor"]
        assert f.resolution_comment == "El PAA no trae esos datos."
    events = AuditEvent.objects.filter(action="finding.accepted")
    assert set(events.values_list("object_id", flat=True)) == expected
    assert {e.reason for e in events} == {"El PAA no trae esos datos."}
    assert {e.before["status"] for e in events} == {"open"}
    # The others keep their status: 2023's error, the warnings, the other institution's.
    assert len(expected) == 3
    assert QualityFinding.objects.filter(status="open").count() == 10 - 3


def test_a_comment_is_required_and_a_changed_count_refuses(demo, as_user, findings):
    client = as_user("planeacion")
    data = {"codigo": "key_format", "accion": "resolved", "confirmar": "on", "esperados": "3"}
    response = client.post(BULK, {**data, "comentario": "  "})
    assert response.status_code == 400
    assert "Escribe un comentario" in response.content.decode()
    QualityFinding.objects.filter(code="key_format").first().delete()  # changed meanwhile
    response = client.post(BULK, {**data, "comentario": "Ya se corrigió la clave."})
    assert response.status_code == 409
    assert "ahora selecciona 2 hallazgos abiertos, no 3" in response.content.decode()
    assert not QualityFinding.objects.filter(status="resolved", code="key_format").exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("persona", ["consulta", "enlace_se", "ajeno"])
def test_only_reviewers_review_in_bulk(demo, as_user, findings, persona):
    data = {"accion": "accepted", "comentario": "x", "confirmar": "on"}
    assert as_user(persona).post(BULK, data).status_code == 403
    with pytest.raises(PermissionDenied):
        findings_review_many(
            actor=Actor.for_user(demo.users[persona]),
            user=demo.users[persona],
            institution=demo.institution,
            filters=FindingFilters(),
            status="accepted",
            comment="x",
        )
    assert QualityFinding.objects.filter(status="open").count() == 10
    assert not AuditEvent.objects.exists()


def test_the_service_acts_on_the_open_ones_of_the_filter_only(demo, findings):
    user = demo.users["planeacion"]
    common = {"actor": Actor.for_user(user), "user": user, "institution": demo.institution}
    with pytest.raises(ValidationError, match="no selecciona hallazgos abiertos"):
        findings_review_many(
            **common, filters=FindingFilters(status="resolved"), status="accepted", comment="x"
        )
    expected = plainly(demo, code="missing_unit")
    assert len(expected) == 2  # not the one resolved before, nor the other institution's
    done = findings_review_many(
        **common, filters=FindingFilters(code="missing_unit"), status="resolved", comment="Ok"
    )
    assert done == 2
    resolved_now = QualityFinding.objects.filter(resolution_comment="Ok")
    assert set(resolved_now.values_list("pk", flat=True)) == expected


# --- the program page's flag ----------------------------------------------------------------


def test_flag_counts_only_open_errors(demo, as_user):
    """The demo: 010103 and 010104 have an open error each. Add an open warning on 010101,
    an accepted and a resolved error on 010102, and a warning on 020101: by the old rule
    (calendar or any open finding) four would be flagged; findings to attend flag two."""
    QualityFindingFactory(
        institution=demo.institution, code="key_format", concerns=demo.activity_full
    )
    QualityFindingFactory(
        institution=demo.institution,
        code="missing_unit",
        concerns=demo.activity_fraction,
        status=FindingStatus.ACCEPTED,
    )
    QualityFindingFactory(
        institution=demo.institution,
        code="sum_mismatch",
        concerns=demo.activity_fraction,
        status=FindingStatus.RESOLVED,
    )
    QualityFindingFactory(
        institution=demo.institution, code="duplicate_row", concerns=demo.activity_otra
    )
    url = reverse("web:program", args=["IEEM", 2024])
    html = as_user("consulta").get(url).content.decode()
    assert "2 con hallazgos por atender" in html
    html = as_user("consulta").get(url, {"observaciones": "on"}).content.decode()
    assert "Se muestran 2 de 5 actividades" in html
    # Accepting 010103's error leaves one.
    QualityFinding.objects.filter(code="missing_months").update(status=FindingStatus.ACCEPTED)
    html = as_user("consulta").get(url).content.decode()
    assert "1 con hallazgos por atender" in html

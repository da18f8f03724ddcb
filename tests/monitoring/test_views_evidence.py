"""Downloading an evidence file: who may, what the response says, what is not found."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rumbo.audit.services import Actor
from rumbo.monitoring.evidence import evidence_add, evidence_path
from rumbo.monitoring.models import ProgressEntry
from rumbo.programs.models import Activity
from tests.factories import ActivityFactory, AnnualProgramFactory, Demo, ProgramNodeFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
NAME = "Informe de enero «SE» año 2024.pdf"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _add(demo: Demo, activity: Activity, name: str = NAME, persona: str = "planeacion"):
    entry = ProgressEntry.objects.create(activity=activity, month=1, achieved=Decimal(1))
    user = demo.users[persona]
    return evidence_add(
        actor=Actor.for_user(user),
        user=user,
        entry=entry,
        upload=SimpleUploadedFile(name, PDF),
        name=name,
    )


@pytest.fixture
def se_evidence(demo):
    return _add(demo, demo.activity_full)


def _url(evidence, code: str = "IEEM") -> str:
    return reverse("web:evidence_download", args=[code, evidence.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("planeacion", 200),
        ("revisor", 200),
        ("enlace_se", 200),
        ("enlace_otra", 403),
        ("consulta", 403),
        ("ajeno", 403),
    ],
)
def test_every_persona(as_user, se_evidence, persona, status):
    response = as_user(persona).get(_url(se_evidence))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF


def test_anonymous_goes_to_the_login_page(client, se_evidence):
    response = client.get(_url(se_evidence))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_another_areas_enlace_sees_its_own_evidence(as_user, demo):
    evidence = _add(demo, demo.activity_otra, name="oficio.pdf")
    assert as_user("enlace_otra").get(_url(evidence)).status_code == 200
    assert as_user("enlace_se").get(_url(evidence)).status_code == 403


def test_the_response_is_a_private_download_of_the_stored_type(as_user, se_evidence):
    response = as_user("revisor").get(_url(se_evidence))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert f"filename*=UTF-8''{quote(NAME, safe='')}" in disposition
    assert 'filename="Informe de enero _SE_ a_o 2024.pdf"' in disposition
    response.close()


def test_a_quote_in_the_name_cannot_break_the_header(as_user, demo):
    evidence = _add(demo, demo.activity_full, name='a"; filename="evil.html.pdf')
    disposition = as_user("planeacion").get(_url(evidence))["Content-Disposition"]
    assert disposition.count('filename="') == 1
    assert 'filename="a_; filename=_evil.html.pdf"' in disposition


def test_only_get(as_user, se_evidence):
    assert as_user("planeacion").post(_url(se_evidence)).status_code == 405


def test_an_unknown_id_is_not_found(as_user, se_evidence):
    url = reverse("web:evidence_download", args=["IEEM", se_evidence.pk + 1000])
    assert as_user("planeacion").get(url).status_code == 404


def test_another_institutions_evidence_is_not_found_through_this_one(as_user, demo):
    other = demo.other_institution
    node = ProgramNodeFactory(program=AnnualProgramFactory(institution=other))
    foreign = _add(demo, ActivityFactory(node=node), persona="ajeno")

    # Planeación of IEEM asks for it under IEEM's code: it does not exist there.
    assert as_user("planeacion").get(_url(foreign)).status_code == 404
    # And cannot use the other institution's code either (not a member there).
    assert as_user("planeacion").get(_url(foreign, other.code)).status_code == 403


def test_a_missing_file_is_not_found_rather_than_an_error(as_user, se_evidence):
    evidence_path(se_evidence.storage_name).unlink()
    assert as_user("planeacion").get(_url(se_evidence)).status_code == 404


def test_the_download_costs_a_fixed_number_of_queries(
    as_user, se_evidence, django_assert_num_queries
):
    client = as_user("enlace_se")
    # session, user, institution, memberships, evidence with activity, program and nodes
    with django_assert_num_queries(5):
        response = client.get(_url(se_evidence))
    assert response.status_code == 200
    response.close()

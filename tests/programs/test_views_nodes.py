"""Adding levels to the program tree (Planeación only)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.programs.models import ProgramNode
from tests.factories import AnnualProgramFactory

pytestmark = pytest.mark.django_db


def create_url(year: int = 2024, parent=None) -> str:
    url = reverse("web:node_create", args=["IEEM", year])
    return f"{url}?padre={parent.pk}" if parent else url


def test_form_is_labelled_with_the_level_name(as_user, demo):
    html = as_user("planeacion").get(create_url(parent=demo.subprogram)).content.decode()
    assert "<h1>Agregar proyecto</h1>" in html
    assert "Dentro de subprograma 01" in html
    for label in ["Clave", "Nombre", "Área responsable", "Objetivo general"]:
        assert f">{label}" in html


def test_planning_adds_a_project_under_a_subprogram(as_user, demo):
    response = as_user("planeacion").post(
        create_url(parent=demo.subprogram),
        {"key": "0102", "name": "Archivo institucional", "area": "", "objective": ""},
    )
    node = ProgramNode.objects.get(program=demo.program, key="0102")
    assert node.parent == demo.subprogram
    assert node.depth == 1
    section = reverse("web:program_section", args=["IEEM", 2024, demo.subprogram.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{section}#nodo-{node.pk}"
    assert AuditEvent.objects.filter(action="node.create").count() == 1


def test_a_program_from_scratch_gets_its_first_subprogram(as_user, demo):
    AnnualProgramFactory(institution=demo.institution, year=2025)
    client = as_user("planeacion")
    response = client.post(
        create_url(2025),
        {"key": "01", "name": "Presidencia", "area": demo.area_se.pk, "objective": "Dirigir."},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Se agregó subprograma 01." in html
    assert "Subprograma 01" in html
    node = ProgramNode.objects.get(program__year=2025, key="01")
    assert (node.area, node.objective, node.depth) == (demo.area_se, "Dirigir.", 0)


def test_a_repeated_key_is_refused_next_to_the_field(as_user, demo):
    response = as_user("planeacion").post(
        create_url(parent=demo.subprogram), {"key": "0101", "name": "Otro"}
    )
    assert response.status_code == 400
    assert "Ya existe un nivel con la clave 0101." in response.content.decode()
    assert ProgramNode.objects.filter(program=demo.program).count() == 4


def test_no_level_below_the_last_one(as_user, demo):
    response = as_user("planeacion").get(create_url(parent=demo.project))
    assert response.status_code == 404


def test_unknown_parent_is_not_found(as_user, demo):
    url = reverse("web:node_create", args=["IEEM", 2024]) + "?padre=abc"
    assert as_user("planeacion").get(url).status_code == 404


@pytest.mark.parametrize("persona", ["enlace_se", "revisor", "consulta"])
def test_only_planning_may_add_levels(as_user, demo, persona):
    client = as_user(persona)
    assert client.get(create_url(parent=demo.subprogram)).status_code == 403
    response = client.post(create_url(parent=demo.subprogram), {"key": "0199", "name": "X"})
    assert response.status_code == 403
    assert not ProgramNode.objects.filter(key="0199").exists()

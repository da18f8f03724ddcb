"""Start from scratch, the programs' part: units of measure and an empty program (every
persona on every setup page: tests/institutions/test_views_setup.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.programs.models import AnnualProgram, UnitOfMeasure

pytestmark = pytest.mark.django_db


def test_units_create_rename_and_duplicates(as_user, demo, django_assert_num_queries):
    client = as_user("planeacion")
    url = reverse("web:units", args=["IEEM"])
    assert client.post(url, {"name": "  Casilla "}).status_code == 302
    assert UnitOfMeasure.objects.filter(institution=demo.institution, name="Casilla").exists()
    response = client.post(url, {"name": "REPORTE"})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["Ya existe la unidad «Reporte»."]

    report = UnitOfMeasure.objects.get(institution=demo.institution, name="Reporte")
    edit = reverse("web:unit_edit", args=["IEEM", report.pk])
    assert client.post(edit, {"name": "Evento"}).status_code == 400
    assert client.post(edit, {"name": "Informe"}).status_code == 302
    report.refresh_from_db()
    assert report.name == "Informe"
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "unit.create",
        "unit.update",
    ]
    client.get(url)
    with django_assert_num_queries(5):
        response = client.get(url)
    counts = {u.name: u.activity_count for u in response.context["units"]}
    assert counts["Casilla"] == 0 and counts["Informe"] > 0


def test_create_a_program_with_custom_levels(as_user, demo):
    client = as_user("planeacion")
    url = reverse("web:program_create", args=["IEEM"])
    page = client.get(url).content.decode()
    assert 'value="Subprograma"' in page and 'value="Proyecto"' in page
    response = client.post(
        url,
        {
            "year": 2025,
            "name": "",
            "level_1": "Programa",
            "level_2": "Actividad institucional",
            "level_3": "Acción",
            "level_4": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:program", args=["IEEM", 2025])
    program = AnnualProgram.objects.get(institution=demo.institution, year=2025)
    assert program.level_names == ["Programa", "Actividad institucional", "Acción"]
    assert program.name == "Programa Anual de Actividades 2025"
    assert AuditEvent.objects.filter(action="program.create").count() == 1


def test_program_errors(as_user, demo):
    client = as_user("planeacion")
    url = reverse("web:program_create", args=["IEEM"])
    response = client.post(url, {"year": 2024, "level_1": "A", "level_2": "B"})
    assert response.status_code == 400
    assert response.context["form"].errors["year"] == ["Ya existe un programa anual 2024."]
    response = client.post(url, {"year": 1800, "level_1": "A", "level_2": ""})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"year", "level_2"}
    assert not AuditEvent.objects.exists()

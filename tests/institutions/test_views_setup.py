"""Start from scratch: institution, areas, units and an empty program, with every persona
(units and programs themselves: tests/programs/test_views_setup.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.institutions.models import Area, AreaAlias, Institution, Membership, Role
from rumbo.programs.models import UnitOfMeasure
from tests.conftest import PERSONAS
from tests.factories import AreaFactory, UserFactory

pytestmark = pytest.mark.django_db

READ = {"areas", "units"}


def get_urls(demo) -> dict[str, str]:
    unit = UnitOfMeasure.objects.get(institution=demo.institution, name="Reporte")
    return {
        "institution_edit": reverse("web:institution_edit", args=["IEEM"]),
        "areas": reverse("web:areas", args=["IEEM"]),
        "area_edit": reverse("web:area_edit", args=["IEEM", demo.area_se.pk]),
        "units": reverse("web:units", args=["IEEM"]),
        "unit_edit": reverse("web:unit_edit", args=["IEEM", unit.pk]),
        "program_create": reverse("web:program_create", args=["IEEM"]),
    }


def test_anonymous_goes_to_login(client, demo):
    login = reverse(settings.LOGIN_URL)
    for url in [reverse("web:institution_create"), *get_urls(demo).values()]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login}?next="), url


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_on_every_url(as_user, demo, persona):
    client = as_user(persona)
    for name, url in get_urls(demo).items():
        expected = 200 if persona == "planeacion" or name in READ else 403
        assert client.get(url).status_code == expected, (persona, name)
    create = client.get(reverse("web:institution_create")).status_code
    assert create == (200 if persona == "planeacion" else 403)
    if persona != "planeacion":
        for url in get_urls(demo).values():
            assert client.post(url, {"name": "X", "code": "X", "year": 2030}).status_code == 403
        assert client.post(reverse("web:institution_create"), {"code": "X"}).status_code == 403
        assert not AuditEvent.objects.exists()


def test_outsiders_get_403_and_unknown_things_404(as_user, demo):
    client = as_user("ajeno")  # Planeación of IECM
    for url in get_urls(demo).values():
        assert client.get(url).status_code == 403, url
    client = as_user("planeacion")
    assert client.get(reverse("web:areas", args=["NOEXISTE"])).status_code == 404
    foreign = AreaFactory(institution=demo.other_institution)
    assert client.get(reverse("web:area_edit", args=["IEEM", foreign.pk])).status_code == 404
    assert client.get(reverse("web:unit_edit", args=["IEEM", 999999])).status_code == 404


def test_a_user_without_planning_anywhere_cannot_found_an_institution(client, db):
    client.force_login(UserFactory(username="suelto"))
    assert client.get(reverse("web:institution_create")).status_code == 403


def test_create_an_institution_makes_the_creator_its_planner(as_user, demo):
    client = as_user("planeacion")
    response = client.post(
        reverse("web:institution_create"),
        {
            "code": "iepc",
            "name": "Instituto Electoral y de Participación Ciudadana",
            "short_name": "IEPC",
            "web_domains": "https://www.iepc.mx/inicio\niepc.mx, transparencia.iepc.mx",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:institution", args=["IEPC"])
    institution = Institution.objects.get(code="IEPC")
    assert institution.web_domains == ["iepc.mx", "transparencia.iepc.mx"]
    assert Membership.objects.get(institution=institution).role == Role.PLANEACION
    assert set(
        AuditEvent.objects.filter(institution=institution).values_list("action", flat=True)
    ) == {"institution.create", "membership.create"}
    assert client.get(response["Location"]).status_code == 200


def test_institution_errors_are_specific_and_write_nothing(as_user, demo):
    client = as_user("planeacion")
    response = client.post(
        reverse("web:institution_create"),
        {"code": "ieem", "name": "", "web_domains": "no es dominio"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["code"] == ["Ya existe una institución con la clave IEEM."]
    assert errors["name"]
    response = client.post(
        reverse("web:institution_create"),
        {"code": "con espacio", "name": "X", "web_domains": "ieem.org.mx otro_malo"},
    )
    errors = response.context["form"].errors
    assert "hasta 20 letras" in errors["code"][0]
    assert errors["web_domains"] == ["No parece un dominio web: «otro_malo»."]
    assert Institution.objects.count() == 2
    assert not AuditEvent.objects.exists()


def test_edit_the_institution_audits_only_changes(as_user, demo):
    client = as_user("planeacion")
    url = reverse("web:institution_edit", args=["IEEM"])
    page = client.get(url).content.decode()
    assert "ieem.org.mx" in page and 'name="code"' not in page
    response = client.post(
        url,
        {
            "name": demo.institution.name,
            "short_name": "IEEM",
            "web_domains": "ieem.org.mx\nieem.mx",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="institution.update")
    assert event.before == {"web_domains": ["ieem.org.mx"]}
    assert event.after == {"web_domains": ["ieem.org.mx", "ieem.mx"]}


def test_areas_list_counts_and_runs_fixed_queries(as_user, demo, django_assert_num_queries):
    client = as_user("consulta")
    url = reverse("web:areas", args=["IEEM"])
    client.get(url)
    # session, user, institution, grant, areas with counts
    with django_assert_num_queries(5):
        response = client.get(url)
    page = response.content.decode()
    assert "Secretaría Ejecutiva" in page and "Agregar un área" not in page
    se = next(a for a in response.context["areas"] if a.code == "SE")
    assert se.membership_count == 1
    assert se.activity_count + se.node_count > 0
    for _ in range(8):
        AreaFactory(institution=demo.institution, parent=demo.area_se)
    with django_assert_num_queries(5):
        client.get(url)


def test_create_an_area_and_refuse_duplicates(as_user, demo):
    client = as_user("planeacion")
    url = reverse("web:areas", args=["IEEM"])
    response = client.post(
        url, {"name": "Unidad de Informática", "code": "UI", "parent": demo.area_se.pk}
    )
    assert response.status_code == 302
    area = Area.objects.get(institution=demo.institution, code="UI")
    assert area.parent == demo.area_se
    assert AuditEvent.objects.get(action="area.create").after == {
        "name": "Unidad de Informática",
        "code": "UI",
        "parent": "SE",
    }

    AreaAlias.objects.create(institution=demo.institution, area=demo.area_otra, alias="DEO")
    cases = [
        ({"name": "SECRETARIA   ejecutiva", "code": "ZZ"}, "name", "Ya existe el área"),
        ({"name": "deo", "code": "ZZ"}, "name", "otra forma de escribir"),
        ({"name": "Otra", "code": "se"}, "code", "ya son del área"),
        ({"name": "", "code": ""}, "name", "obligatorio"),
    ]
    for data, field, fragment in cases:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert fragment in response.context["form"].errors[field][0], data
    assert AuditEvent.objects.count() == 1


def test_rename_an_area_keeps_the_old_name_as_an_alias(as_user, demo):
    client = as_user("planeacion")
    url = reverse("web:area_edit", args=["IEEM", demo.area_otra.pk])
    response = client.post(url, {"name": "Dirección de Organización Electoral", "code": "DOE"})
    assert response.status_code == 302
    demo.area_otra.refresh_from_db()
    assert (demo.area_otra.name, demo.area_otra.code) == (
        "Dirección de Organización Electoral",
        "DOE",
    )
    assert AreaAlias.objects.filter(area=demo.area_otra, alias="Dirección de Organización").exists()
    event = AuditEvent.objects.get(action="area.update")
    assert event.before == {"name": "Dirección de Organización", "code": "DO"}

    # An area cannot hang from one of its own subareas.
    child = AreaFactory(institution=demo.institution, parent=demo.area_otra)
    response = client.post(url, {"name": demo.area_otra.name, "code": "DOE", "parent": child.pk})
    assert response.status_code == 400
    assert "sí misma" in response.context["form"].errors["parent"][0]


def test_provisional_siglas_are_marked_in_the_areas_list(as_user, demo):
    Area.objects.filter(pk=demo.area_otra.pk).update(code_provisional=True)
    page = as_user("consulta").get(reverse("web:areas", args=["IEEM"])).content.decode()
    row = page.split(f'id="area-{demo.area_otra.pk}"')[1].split("</tr>")[0]
    assert f"<code>{demo.area_otra.code}</code> <span" in row and "(provisional)</span>" in row
    row = page.split(f'id="area-{demo.area_se.pk}"')[1].split("</tr>")[0]
    assert "provisional" not in row

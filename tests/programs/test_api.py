"""Annual programs and activities through the API: the export tree, lists, reads, PATCH."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from rumbo.accounts.tokens import token_authenticate, token_create
from rumbo.audit.selectors import object_history
from rumbo.audit.services import Actor
from rumbo.imports.paa import import_paa
from rumbo.institutions.models import Institution, Role
from rumbo.programs.exports import program_to_dict
from rumbo.programs.models import Activity, UnitOfMeasure
from rumbo.programs.services import activity_months
from tests.factories import (
    ActivityFactory,
    BeneficiaryFactory,
    Demo,
    MembershipFactory,
    UserFactory,
)

PROGRAM = "/institutions/IEEM/programs/2024"
ACTIVITIES = f"{PROGRAM}/activities"


def test_program_list(api) -> None:
    assert api("get", "/institutions/IEEM/programs").json() == [
        {
            "year": 2024,
            "name": "Programa Anual de Actividades 2024",
            "level_names": ["Subprograma", "Proyecto", "Actividad"],
            "activity_count": 5,
        }
    ]


def test_program_tree_is_the_export(api, demo: Demo) -> None:
    body = api("get", PROGRAM).json()
    assert body == json.loads(json.dumps(program_to_dict(demo.program)))
    missing = api("get", "/institutions/IEEM/programs/2023")
    assert missing.status_code == 404
    assert missing.json() == {"message": "No existe el programa anual 2023."}
    assert api("get", "/institutions/IEEM/programs/1800").status_code == 422


@pytest.mark.django_db
def test_program_tree_equals_rumbo_export_for_the_ieem_sample(
    client: Client, paa_file: Path, django_assert_num_queries
) -> None:
    import_paa(paa_file, institution_code="IEEM", actor=Actor.cli())
    institution = Institution.objects.get(code="IEEM")
    user = UserFactory(username="planeacion")
    MembershipFactory(user=user, institution=institution, role=Role.PLANEACION)
    _, raw = token_create(actor=Actor.cli(), user=user)
    token_authenticate(raw)
    out = io.StringIO()
    call_command("rumbo_export", "program", "--institution", "IEEM", "--year", "2024", stdout=out)
    exported = json.loads(out.getvalue())
    assert (
        len([a for s in exported["subprograms"] for p in s["projects"] for a in p["activities"]])
        == 318
    )
    headers = {"Authorization": f"Bearer {raw}"}
    # token, institution, grant, program, then program_tree's 6 (minus the institution:
    # known), and the approved baseline (original targets)
    with django_assert_num_queries(10):
        response = client.get(f"/api/v1{PROGRAM}", headers=headers)
    assert response.status_code == 200
    assert response.json() == exported
    # One page of the largest list: the same queries as a small one (see below).
    with django_assert_num_queries(10):
        page = client.get(f"/api/v1{ACTIVITIES}?page_size=200", headers=headers).json()
    assert page["count"] == 318 and len(page["items"]) == 200


def test_program_tree_queries_do_not_grow(api, demo: Demo, django_assert_num_queries) -> None:
    # + the approved baseline (original targets): one query, whatever the size
    with django_assert_num_queries(10):
        assert api("get", PROGRAM).status_code == 200
    for _ in range(20):
        activity = ActivityFactory(node=demo.project)
        BeneficiaryFactory(activity=activity)
    with django_assert_num_queries(10):
        assert api("get", PROGRAM).status_code == 200


def test_activity_list_filters_and_paginates(api, demo: Demo) -> None:
    body = api("get", ACTIVITIES).json()
    assert body["count"] == 5
    assert [a["key"] for a in body["items"]] == ["010101", "010102", "010103", "010104", "020101"]
    first = body["items"][0]
    assert first == {
        "key": "010101",
        "description": "Atención de solicitudes de información pública",
        "path": [
            {"key": "01", "name": "Secretaría Ejecutiva", "level": "Subprograma"},
            {"key": "0101", "name": "Seguimiento de acuerdos", "level": "Proyecto"},
        ],
        "area": {"code": "SE", "name": "Secretaría Ejecutiva"},
        "area_inherited": True,
        "unit": "Reporte",
        "annual_target": 4060,
        "monthly_targets": [340] * 10 + [330, 330],
        "calendar_simulated": False,
        "beneficiaries": [],
        "lines_of_action": [],
        "version": 1,
    }

    def keys(query: str) -> list[str]:
        response = api("get", f"{ACTIVITIES}?{query}")
        assert response.status_code == 200, response.content
        return [a["key"] for a in response.json()["items"]]

    assert keys("area=DO") == ["020101"]
    assert keys("area=SE&unit=evento") == ["010103", "010104"]
    assert keys("q=junta") == ["010103", "010104"]
    assert keys("q=Junta General") == ["010103"]
    assert keys("q=0201") == ["020101"]
    assert keys("area=NADA") == []
    assert keys("page=2&page_size=2") == ["010103", "010104"]
    Activity.objects.get(key="010102").lines_of_action.add(
        demo.plan_new.lines_of_action.get(code="1.2")
    )
    assert keys("line=1.2") == ["010102"]
    # An activity with its own area is filed under it, not under its subprogram's.
    Activity.objects.filter(key="010104").update(area=demo.area_otra)
    assert keys("area=DO") == ["010104", "020101"]
    assert api("get", f"{ACTIVITIES}?page=4&page_size=2").status_code == 422


def test_activity_list_queries_do_not_grow(api, demo: Demo, django_assert_num_queries) -> None:
    # token, institution, grant, program, nodes, count, page, months, beneficiaries, lines
    with django_assert_num_queries(10):
        assert api("get", f"{ACTIVITIES}?area=SE&unit=Reporte&q=a&line=").status_code == 200
    with django_assert_num_queries(10):
        assert api("get", ACTIVITIES).status_code == 200
    for _ in range(40):
        BeneficiaryFactory(activity=ActivityFactory(node=demo.project))
    with django_assert_num_queries(10):
        assert len(api("get", ACTIVITIES).json()["items"]) == 45


def test_activity_read(api, demo: Demo, django_assert_num_queries) -> None:
    with django_assert_num_queries(9):
        body = api("get", f"{ACTIVITIES}/010103", user="consulta").json()
    assert body["monthly_targets"][4] is None
    assert body["unit"] == "Evento"
    response = api("get", f"{ACTIVITIES}/999999")
    assert response.status_code == 404
    assert response.json() == {"message": "No existe la actividad 999999 en el programa 2024."}


# --- PATCH -----------------------------------------------------------------------------------


def patch(api, key: str, body: object, user: str = "planeacion"):
    return api("patch", f"{ACTIVITIES}/{key}", user=user, json=body)


def test_patch_changes_only_what_is_sent_and_is_audited(api, demo: Demo) -> None:
    months = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0.5, 0.5, 0]
    response = patch(
        api,
        "020101",
        {
            "description": "Diseño y validación de la documentación electoral",
            "unit": "evento",
            "annual_target": 2,
            "monthly_targets": months,
            "lines_of_action": ["1.1", "1.2"],
            "reason": "Ajuste aprobado por la Junta",
        },
        user="enlace_otra",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["description"] == "Diseño y validación de la documentación electoral"
    assert body["unit"] == "Evento"
    assert body["monthly_targets"] == months
    assert body["lines_of_action"] == ["1.1", "1.2"]
    assert body == api("get", f"{ACTIVITIES}/020101").json()
    activity = Activity.objects.get(key="020101")
    assert activity_months(activity)[9] == Decimal("0.5")
    (event,) = object_history(activity)
    assert event.actor == demo.users["enlace_otra"]
    assert event.actor_label == "enlace_otra"
    assert event.reason == "Ajuste aprobado por la Junta"
    assert set(event.after) == {"description", "unit", "monthly_targets", "lines_of_action"}
    # Sending nothing new changes nothing and writes no event.
    again = patch(api, "020101", {"annual_target": 2}, user="enlace_otra")
    assert again.status_code == 200
    assert object_history(activity).count() == 1


def test_patch_null_clears_target_and_months(api) -> None:
    body = patch(api, "010101", {"annual_target": None, "monthly_targets": [None] * 12}).json()
    assert body["annual_target"] is None
    assert body["monthly_targets"] == [None] * 12


def test_changing_the_area_needs_planeacion(api, demo: Demo) -> None:
    refused = patch(api, "010101", {"area": "DO"}, user="enlace_se")
    assert refused.status_code == 403
    assert refused.json() == {
        "message": "Solo Planeación puede modificar la estructura del programa."
    }
    assert Activity.objects.get(key="010101").area_id is None
    # Sending the area it already has is no change.
    assert patch(api, "010101", {"area": None, "reason": "x"}, user="enlace_se").status_code == 200
    moved = patch(api, "010101", {"area": "DO"})
    assert moved.status_code == 200
    assert moved.json()["area"] == {"code": "DO", "name": "Dirección de Organización"}
    assert moved.json()["area_inherited"] is False
    back = patch(api, "010101", {"area": None}).json()
    assert back["area"]["code"] == "SE" and back["area_inherited"] is True


@pytest.mark.parametrize(
    ("user", "key"),
    [
        ("consulta", "010101"),
        ("revisor", "010101"),
        ("enlace_otra", "010101"),
        ("enlace_se", "020101"),
        ("ajeno", "010101"),
    ],
)
def test_patch_forbidden(api, user: str, key: str) -> None:
    before = api("get", f"{ACTIVITIES}/{key}").json()
    response = patch(api, key, {"description": "Otra cosa"}, user=user)
    assert response.status_code == 403
    assert set(response.json()) == {"message"}
    assert api("get", f"{ACTIVITIES}/{key}").json() == before


def test_patch_unknown_activity_is_404(api) -> None:
    assert patch(api, "999999", {"description": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"monthly_targets": [1] * 11}, ["monthly_targets"]),
        ({"monthly_targets": [1, 1, -1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}, ["monthly_targets.3"]),
        ({"monthly_targets": [1, 1, 1, "x", 1, 1, 1, 1, 1, 1, 1, 1]}, ["monthly_targets.4"]),
        ({"monthly_targets": [1] * 11 + [0.00001]}, ["monthly_targets.12"]),
        ({"annual_target": -5}, ["annual_target"]),
        ({"annual_target": "mucho"}, ["annual_target"]),
        ({"annual_target": 1e20}, ["annual_target"]),
        ({"description": "   "}, ["description"]),
        ({"description": None}, ["description"]),
        ({"unit": "Kilómetro"}, ["unit"]),
        ({"area": "NADA"}, ["area"]),
        ({"lines_of_action": ["9.9"]}, ["lines_of_action"]),
        ({"color": "rojo"}, ["color"]),
        ([1, 2], [""]),
    ],
)
def test_patch_invalid_is_422_and_writes_nothing(api, body: object, fields: list[str]) -> None:
    before = api("get", f"{ACTIVITIES}/010101").json()
    response = patch(api, "010101", body)
    assert response.status_code == 422, response.content
    payload = response.json()
    assert payload["message"] == "Datos no válidos."
    assert [e["field"] for e in payload["errors"]] == fields
    assert all(e["message"] for e in payload["errors"])
    assert api("get", f"{ACTIVITIES}/010101").json() == before


def test_patch_unknown_unit_names_the_unit(api) -> None:
    response = patch(api, "010101", {"unit": "Kilómetro"})
    assert response.json()["errors"] == [
        {"field": "unit", "message": "«Kilómetro» no está en el catálogo de unidades de medida."}
    ]
    assert not UnitOfMeasure.objects.filter(name="Kilómetro").exists()


def test_patch_month_error_names_the_month(api) -> None:
    response = patch(api, "010101", {"monthly_targets": [1, 1, -1] + [1] * 9})
    assert response.json()["errors"] == [
        {"field": "monthly_targets.3", "message": "La cantidad no puede ser negativa."}
    ]

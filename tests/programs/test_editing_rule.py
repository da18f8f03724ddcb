"""Who edits activities in each state of the program (``rumbo.programs.access``):

- en formulación: Planeación any; an enlace proposes activities of its own area and sets
  their calendars and targets;
- en revisión: Planeación only (409 for the enlaces: they answer observations);
- aprobado: nobody directly (adjustment requests; tested in tests/adjustments).

Through the service, the pages and the API. Demo: project 0101 belongs to SE (inherited
from subprogram 01), project 0201 to DO; ``enlace_se`` is SE's enlace.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.programs.lifecycle import ProgramInReview, program_submit_review
from rumbo.programs.models import Activity, MonthlyTarget, ProgramNode
from rumbo.programs.services import activity_create, activity_set_calendar, activity_update

pytestmark = pytest.mark.django_db

BASE = "/institutions/IEEM/programs/2024/activities"


def actor(demo, name: str) -> Actor:
    return Actor.for_user(demo.users[name])


def to_review(demo) -> None:
    program_submit_review(actor=actor(demo, "planeacion"), program=demo.program)
    demo.program.refresh_from_db()


def project_do(demo) -> ProgramNode:
    return ProgramNode.objects.get(program=demo.program, key="0201")


def create(demo, persona: str, node: ProgramNode, key: str = "010199") -> Activity:
    return activity_create(
        actor=actor(demo, persona),
        program=demo.program,
        node=node,
        key=key,
        description="Jornadas de difusión en las juntas distritales",
        annual_target="12",
        months=["1"] * 12,
    )


def url(name: str, *args: object) -> str:
    return reverse(f"web:{name}", args=["IEEM", 2024, *args])


# --- the service -------------------------------------------------------------------------------


def test_an_enlace_proposes_an_activity_of_its_own_area_en_formulacion(demo):
    activity = create(demo, "enlace_se", demo.project)
    assert activity.area_id is None  # it answers to SE through its project
    assert activity.annual_target == Decimal(12)
    assert MonthlyTarget.objects.filter(activity=activity).count() == 12
    (event,) = AuditEvent.objects.filter(action="activity.create")
    assert event.actor == demo.users["enlace_se"]
    # …and sets its calendar afterwards.
    result = activity_set_calendar(
        actor=actor(demo, "enlace_se"), activity=activity, months=["2"] * 6 + ["0"] * 6
    )
    assert result.changed


def test_an_enlace_may_not_create_in_another_area(demo):
    with pytest.raises(PermissionDenied, match="un enlace propone actividades de su propia área"):
        create(demo, "enlace_se", project_do(demo))
    # nor name another area for it under its own level
    with pytest.raises(PermissionDenied):
        activity_create(
            actor=actor(demo, "enlace_se"),
            program=demo.program,
            node=demo.project,
            key="010199",
            description="x",
            area=demo.area_otra,
        )
    for persona in ("revisor", "consulta"):
        with pytest.raises(PermissionDenied):
            create(demo, persona, demo.project)
    assert not Activity.objects.filter(key="010199").exists()
    assert not AuditEvent.objects.exists()


def test_en_revision_only_planeacion_edits(demo):
    to_review(demo)
    with pytest.raises(ProgramInReview, match="está en revisión: solo Planeación edita"):
        create(demo, "enlace_se", demo.project)
    with pytest.raises(ProgramInReview):
        activity_update(
            actor=actor(demo, "enlace_se"), activity=demo.activity_full, months=[1] * 12
        )
    with pytest.raises(ProgramInReview):
        activity_update(
            actor=actor(demo, "enlace_otra"), activity=demo.activity_otra, lines_of_action=["1.1"]
        )
    assert not AuditEvent.objects.exclude(action="program.review").exists()
    # Planeación does.
    create(demo, "planeacion", project_do(demo), key="020199")
    activity_update(actor=actor(demo, "planeacion"), activity=demo.activity_full, months=[1] * 12)
    # The command line (no user) is an operator: no state rule for it here.
    activity_update(actor=Actor.cli(), activity=demo.activity_full, description="Atención")


# --- the pages ----------------------------------------------------------------------------------


def test_the_create_page_offers_an_enlace_only_its_own_levels(as_user, demo):
    client = as_user("enlace_se")
    response = client.get(url("activity_create"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{demo.project.pk}"' in html
    assert f'<option value="{project_do(demo).pk}"' not in html
    assert 'name="area"' not in html  # it answers to the level's area
    assert "tu área propone sus propias actividades" in html
    response = client.post(
        url("activity_create"),
        {"node": demo.project.pk, "key": "010199", "description": "Jornadas", "annual_target": "3"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("activity", "010199")
    assert client.get(url("activity_calendar", "010199")).status_code == 200


def test_the_program_page_links_the_enlace_to_propose_en_formulacion_only(as_user, demo):
    client = as_user("enlace_se")
    create_url = url("activity_create")
    html = client.get(url("program")).content.decode()
    assert f'href="{create_url}"' in html
    assert "Proponer actividad" in html
    to_review(demo)
    html = client.get(url("program")).content.decode()
    assert f'href="{create_url}"' not in html
    assert "Programa en revisión: solo Planeación edita" in html
    # Planeación keeps it.
    assert f'href="{create_url}"' in as_user("planeacion").get(url("program")).content.decode()


def test_en_revision_the_enlaces_pages_answer_409_and_hide_the_edit_links(as_user, demo):
    to_review(demo)
    client = as_user("enlace_se")
    for address in (
        url("activity_create"),
        url("activity_edit", "010101"),
        url("activity_calendar", "010101"),
    ):
        response = client.get(address)
        assert response.status_code == 409, address
        assert "está en revisión: solo Planeación edita" in response.content.decode()
    posted = client.post(url("activity_edit", "010101"), {"description": "Otra"})
    assert posted.status_code == 409
    html = client.get(url("activity", "010101")).content.decode()
    assert url("activity_calendar", "010101") not in html
    assert url("activity_edit", "010101") not in html
    program = client.get(url("program") + "?q=0").content.decode()
    assert url("activity_calendar", "010101") not in program
    # Planeación still edits.
    planeacion = as_user("planeacion")
    assert planeacion.get(url("activity_calendar", "010101")).status_code == 200
    assert planeacion.get(url("activity_create")).status_code == 200


# --- the API ------------------------------------------------------------------------------------


def test_the_api_patch_follows_the_state(api, demo):
    body = {"monthly_targets": [1] * 12}
    assert api("patch", f"{BASE}/010101", user="enlace_se", json=body).status_code == 200
    to_review(demo)
    refused = api("patch", f"{BASE}/010101", user="enlace_se", json={"annual_target": 13})
    assert refused.status_code == 409
    assert "está en revisión: solo Planeación edita" in refused.json()["message"]
    assert Activity.objects.get(key="010101").annual_target == Decimal(4060)
    done = api("patch", f"{BASE}/010101", user="planeacion", json={"annual_target": 13})
    assert done.status_code == 200
    assert done.json()["annual_target"] == 13

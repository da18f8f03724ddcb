"""The review's observations through the API: shapes, who may, what the state forbids."""

from __future__ import annotations

import datetime as dt

import pytest

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.programs.lifecycle import program_submit_review
from rumbo.programs.models import ActivityObservation

pytestmark = pytest.mark.django_db

PROGRAM = "/institutions/IEEM/programs/2024"
KEYS = {
    "id",
    "activity",
    "area",
    "text",
    "state",
    "author",
    "created_at",
    "answer",
    "answered_by",
    "answered_at",
    "resolved_by",
    "resolved_at",
}


def to_review(demo) -> None:
    program_submit_review(actor=Actor.for_user(demo.users["planeacion"]), program=demo.program)


def write(api, key: str = "010101", body: str = "Revisa el calendario.", user: str = "planeacion"):
    return api("post", f"{PROGRAM}/activities/{key}/observations", user=user, json={"text": body})


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def test_write_answer_resolve_and_list(api, demo):
    to_review(demo)
    created = write(api)
    assert created.status_code == 201, created.content
    body = created.json()
    assert set(body) == KEYS
    stored = ActivityObservation.objects.get()
    assert body["id"] == stored.pk
    assert body["activity"] == "010101"
    assert body["area"] == {"code": "SE", "name": "Secretaría Ejecutiva"}  # inherited
    assert (body["text"], body["state"], body["author"]) == (
        "Revisa el calendario.",
        "abierta",
        "planeacion",
    )
    assert body["answer"] is None and body["answered_by"] is None and body["resolved_at"] is None
    # JSON keeps milliseconds
    assert abs(parse_time(body["created_at"]) - stored.created_at) < dt.timedelta(milliseconds=1)

    answer = api(
        "post",
        f"{PROGRAM}/observations/{stored.pk}/answer",
        user="enlace_se",
        json={"text": "Corregido."},
    )
    assert answer.status_code == 200, answer.content
    assert (answer.json()["answer"], answer.json()["answered_by"]) == ("Corregido.", "enlace_se")
    assert answer.json()["state"] == "abierta"

    resolved = api("post", f"{PROGRAM}/observations/{stored.pk}/resolve")
    assert resolved.status_code == 200
    assert (resolved.json()["state"], resolved.json()["resolved_by"]) == ("atendida", "planeacion")
    again = api("post", f"{PROGRAM}/observations/{stored.pk}/resolve")
    assert again.status_code == 409
    assert again.json()["message"] == "La observación ya estaba atendida."

    write(api, "020101", "La de DO.")
    listed = api("get", f"{PROGRAM}/observations", user="consulta").json()
    assert [(o["activity"], o["state"], o["area"]["code"]) for o in listed] == [
        ("010101", "atendida", "SE"),
        ("020101", "abierta", "DO"),
    ]
    assert listed[0] == resolved.json()
    open_only = api("get", f"{PROGRAM}/observations?state=abierta", user="consulta").json()
    assert [o["activity"] for o in open_only] == ["020101"]
    bad = api("get", f"{PROGRAM}/observations?state=cerrada")
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        {"field": "state", "message": "Usa abierta o atendida (o nada, para todas)."}
    ]
    assert AuditEvent.objects.filter(action__startswith="observation.").count() == 4


def test_writing_en_formulacion_is_409_and_by_an_enlace_403(api, demo):
    refused = write(api)
    assert refused.status_code == 409
    assert "se escriben mientras está en revisión" in refused.json()["message"]
    to_review(demo)
    assert write(api, user="enlace_se").status_code == 403
    empty = write(api, body="   ")
    assert empty.status_code == 422
    assert empty.json()["errors"] == [
        {"field": "text", "message": "Escribe la observación: el texto está vacío."}
    ]
    assert write(api, key="999999").status_code == 404
    assert not ActivityObservation.objects.exists()


def test_only_the_areas_enlace_answers(api, demo):
    to_review(demo)
    pk = write(api).json()["id"]
    path = f"{PROGRAM}/observations/{pk}/answer"
    for user in ("enlace_otra", "planeacion", "revisor"):
        response = api("post", path, user=user, json={"text": "Yo"})
        assert response.status_code == 403, user
    assert api("post", f"{PROGRAM}/observations/{pk}/resolve", user="enlace_se").status_code == 403
    assert (
        api("post", f"{PROGRAM}/observations/999999/answer", json={"text": "x"}).status_code == 404
    )
    assert ActivityObservation.objects.get().answer == ""

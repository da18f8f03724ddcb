"""The adjustment API: the same rules as the services, with the API's error shape."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

import pytest

from rumbo.audit.services import Actor
from rumbo.programs.lifecycle import program_approve
from rumbo.programs.models import MonthlyTarget

pytestmark = pytest.mark.django_db
PROGRAM = "/institutions/IEEM/programs/2024"


@pytest.fixture
def approved(demo):
    program_approve(
        actor=Actor.for_user(demo.users["planeacion"]),
        program=demo.program,
        agreement="IEEM/CG/01/2024",
        approved_on=date(2024, 1, 15),
    )
    return demo


def test_patching_targets_of_an_approved_program_is_409_naming_the_way(api, approved):
    key = approved.activity_full.key
    response = api(
        "patch",
        f"{PROGRAM}/activities/{key}",
        user="enlace_se",
        json={"monthly_targets": [0] * 12, "annual_target": 9, "reason": "ajuste"},
    )
    assert response.status_code == 409, response.content
    body = response.json()
    assert "solicitud de adecuación" in body["message"]
    assert body["adjustments"] == f"/api/v1{PROGRAM}/adjustments"
    # Planeación too.
    response = api("patch", f"{PROGRAM}/activities/{key}", json={"annual_target": 1})
    assert response.status_code == 409


def test_request_decide_and_read_the_versions(api, approved):
    activity = approved.activity_full
    response = api(
        "post",
        f"{PROGRAM}/adjustments",
        user="enlace_se",
        json={
            "activity": activity.key,
            "kind": "meta_anual",
            "annual_target": 5000,
            "justification": "Convenio con el INE.",
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["state"] == "solicitada"
    assert created["after"] == {"annual_target": "5000"}
    pk = created["id"]

    mine = api("post", f"{PROGRAM}/adjustments/{pk}/approve", user="enlace_se", json={})
    assert mine.status_code == 403
    assert api("get", f"{PROGRAM}/adjustments?state=solicitada").json()[0]["id"] == pk

    approved_response = api(
        "post", f"{PROGRAM}/adjustments/{pk}/approve", json={"reason": "Procede."}
    )
    assert approved_response.status_code == 200, approved_response.content
    assert approved_response.json()["state"] == "aprobada"
    assert approved_response.json()["version"] == 2
    activity.refresh_from_db()
    assert activity.annual_target == Decimal("5000")

    again = api("post", f"{PROGRAM}/adjustments/{pk}/reject", json={"reason": "no"})
    assert again.status_code == 409

    versions = api("get", f"{PROGRAM}/versions", user="consulta").json()
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["adjustment"] == pk
    detail = api("get", f"{PROGRAM}/versions/2", user="consulta").json()
    canonical = json.dumps(
        detail["snapshot"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    assert hashlib.sha256(canonical).hexdigest() == detail["sha256"] == versions[1]["sha256"]


def test_bad_requests_are_422_and_unknown_ones_404(api, approved):
    response = api(
        "post",
        f"{PROGRAM}/adjustments",
        user="enlace_se",
        json={"activity": approved.activity_full.key, "kind": "calendario", "justification": "x"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "monthly_targets"
    response = api(
        "post",
        f"{PROGRAM}/adjustments",
        json={"activity": "nope", "kind": "baja", "justification": "x"},
    )
    assert response.status_code == 422
    assert api("get", f"{PROGRAM}/adjustments/999999").status_code == 404
    assert api("get", f"{PROGRAM}/versions/7").status_code == 404
    response = api(
        "post",
        f"{PROGRAM}/adjustments",
        user="enlace_se",
        json={
            "activity": approved.activity_otra.key,
            "kind": "meta_anual",
            "annual_target": 1,
            "justification": "x",
        },
    )
    assert response.status_code == 403


def test_reject_needs_a_reason_and_changes_nothing(api, approved):
    activity = approved.activity_full
    before = list(MonthlyTarget.objects.filter(activity=activity).values_list("month", "quantity"))
    months = [float(q) for _, q in sorted(before)] + [None] * (12 - len(before))
    months[0] = months[0] + 1 if months[0] is not None else 1
    pk = api(
        "post",
        f"{PROGRAM}/adjustments",
        user="enlace_se",
        json={
            "activity": activity.key,
            "kind": "calendario",
            "monthly_targets": months,
            "justification": "x",
        },
    ).json()["id"]
    assert api("post", f"{PROGRAM}/adjustments/{pk}/reject", json={}).status_code == 422
    response = api("post", f"{PROGRAM}/adjustments/{pk}/reject", json={"reason": "Sin soporte."})
    assert response.json()["state"] == "rechazada"
    assert response.json()["decision_reason"] == "Sin soporte."
    assert (
        list(MonthlyTarget.objects.filter(activity=activity).values_list("month", "quantity"))
        == before
    )


def test_approve_by_api_freezes_version_1_and_answers_the_program(api, demo):
    assert (
        api(
            "post",
            f"{PROGRAM}/approve",
            user="enlace_se",
            json={"agreement": "X", "date": "2024-01-15"},
        ).status_code
        == 403
    )
    bad = api("post", f"{PROGRAM}/approve", json={"agreement": "X", "date": "2019-01-15"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "date"
    response = api(
        "post", f"{PROGRAM}/approve", json={"agreement": "IEEM/CG/01/2024", "date": "2024-01-15"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["version"]) == ("aprobado", 1)
    activity = next(
        a
        for sp in body["subprograms"]
        for pr in sp["projects"]
        for a in pr["activities"]
        if a["key"] == demo.activity_full.key
    )
    assert activity["original_annual_target"] == activity["annual_target"] == 4060
    assert activity["original_monthly_targets"] == activity["monthly_targets"]
    again = api(
        "post", f"{PROGRAM}/approve", json={"agreement": "IEEM/CG/01/2024", "date": "2024-01-15"}
    )
    assert again.status_code == 409
    assert api("get", f"{PROGRAM}").json()["version"] == 1

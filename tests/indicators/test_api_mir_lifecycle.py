"""The MIR's life cycle through the API: POST …/mirs/{id}/review|return|approve|close, the
MIR JSON's state, acuerdo and date, and the 409 of a frozen MIR's indicator writes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rumbo.audit.models import AuditEvent
from rumbo.indicators.models import IndicatorTarget, Mir
from rumbo.programs.models import AnnualProgram, ProgramVersion
from tests.factories import Demo

pytestmark = pytest.mark.django_db

MIRS = "/institutions/IEEM/mirs"
APPROVAL = {"agreement": "IEEM/CG/07/2024", "date": "2024-02-01"}


def mir_path(demo: Demo, move: str = "") -> str:
    return f"{MIRS}/{demo.design.mir.pk}" + (f"/{move}" if move else "")


def targets(indicator_id: int) -> dict[int, Decimal]:
    return dict(
        IndicatorTarget.objects.filter(indicator_id=indicator_id).values_list("period", "value")
    )


def test_the_moves_answer_the_mir_with_its_new_state(api, demo: Demo) -> None:
    response = api("post", mir_path(demo, "review"), user="enlace_se", json={"reason": "Lista."})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["state"], body["agreement"], body["approved_on"]) == (
        demo.design.mir.pk,
        "revision",
        "",
        None,
    )
    assert [r["code"] for r in body["rows"]] == ["F", "P", "C1", "A1.1", "C2"]
    returned = api("post", mir_path(demo, "return"), json={"reason": "Falta el supuesto."})
    assert returned.json()["state"] == "formulacion"
    approved = api("post", mir_path(demo, "approve"), json=APPROVAL)
    assert approved.status_code == 200
    assert {k: approved.json()[k] for k in ("state", "agreement", "approved_on")} == {
        "state": "aprobado",
        "agreement": "IEEM/CG/07/2024",
        "approved_on": "2024-02-01",
    }
    assert api("get", mir_path(demo), user="consulta").json()["state"] == "aprobado"
    listed = api("get", MIRS, user="consulta").json()["items"][0]
    assert (listed["state"], listed["approved_on"]) == ("aprobado", "2024-02-01")
    closed = api("post", mir_path(demo, "close"), json={})
    assert closed.json()["state"] == "cerrado"
    moves = AuditEvent.objects.filter(action__startswith="mir.").order_by("pk")
    assert list(moves.values_list("action", flat=True)) == [
        "mir.review",
        "mir.return",
        "mir.approve",
        "mir.close",
    ]


@pytest.mark.parametrize("persona", ["enlace_otra", "revisor", "consulta"])
def test_who_does_not_edit_the_mir_moves_nothing(api, demo: Demo, persona: str) -> None:
    for move, body in (("review", {}), ("approve", APPROVAL)):
        response = api("post", mir_path(demo, move), user=persona, json=body)
        assert response.status_code == 403, (move, response.content)
    assert api("post", mir_path(demo, "review"), user="ajeno", json={}).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="mir.").exists()


def test_the_areas_enlace_sends_it_but_does_not_approve_it(api, demo: Demo) -> None:
    response = api("post", mir_path(demo, "approve"), user="enlace_se", json=APPROVAL)
    assert response.status_code == 403
    assert "Solo Planeación" in response.json()["message"]
    assert Mir.objects.get(pk=demo.design.mir.pk).state == "formulacion"


def test_bad_input_is_422_and_a_move_out_of_turn_409(api, demo: Demo) -> None:
    closed = api("post", mir_path(demo, "close"), json={})
    assert closed.status_code == 409
    assert "no puede pasar a «Cerrado»" in closed.json()["message"]
    api("post", mir_path(demo, "review"), json={})
    returned = api("post", mir_path(demo, "return"), json={"reason": ""})
    assert returned.status_code == 422
    assert [e["field"] for e in returned.json()["errors"]] == ["reason"]
    future = api("post", mir_path(demo, "approve"), json={**APPROVAL, "date": "2031-01-01"})
    assert future.status_code == 422
    assert "posterior a hoy" in future.json()["errors"][0]["message"]
    unknown = api("post", mir_path(demo, "approve"), json={**APPROVAL, "pdf": "x"})
    assert unknown.status_code == 422
    assert api("post", f"{MIRS}/999999/review", json={}).status_code == 404
    assert Mir.objects.get(pk=demo.design.mir.pk).state == "revision"


def test_a_frozen_mirs_indicator_writes_are_409_naming_the_request(api, demo: Demo) -> None:
    assert api("post", mir_path(demo, "approve"), json=APPROVAL).status_code == 200
    ind = demo.design.ind_c1
    before = targets(ind.pk)
    response = api(
        "patch",
        f"/institutions/IEEM/indicators/{ind.pk}",
        user="enlace_se",
        json={"targets": {"1": 99}},
    )
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["kind"] == "meta_indicador" and body["mir"] == demo.design.mir.pk
    assert body["mir_state"] == "aprobado"
    assert body["adjustments"] == "/api/v1/institutions/IEEM/programs/2024/adjustments"
    assert "no se editan directamente" in body["message"]
    assert targets(ind.pk) == before
    deleted = api("delete", f"/institutions/IEEM/indicators/{demo.design.ind_c2.pk}")
    assert deleted.status_code == 409
    created = api(
        "post",
        f"{mir_path(demo)}/rows/{demo.design.c2.pk}/indicators",
        json={
            "name": "Otro",
            "formula": "a / b * 100",
            "kind": "gestion",
            "frequency": "anual",
            "area": "SE",
            "variables": [
                {"name": "a", "description": "A"},
                {"name": "b", "description": "B"},
            ],
        },
    )
    assert created.status_code == 409, created.content
    row = api("delete", f"{mir_path(demo)}/rows/{demo.design.c2.pk}")
    assert row.status_code == 409


def test_an_open_mir_under_an_approved_program_takes_target_edits(api, demo: Demo) -> None:
    program = api(
        "post",
        "/institutions/IEEM/programs/2024/approve",
        json={"agreement": "IEEM/CG/01/2024", "date": "2024-01-15"},
    )
    assert program.status_code == 200
    # The program's approval approved the MIR; say it was never approved (a MIR begun
    # after the program's approval is in this state).
    Mir.objects.filter(pk=demo.design.mir.pk).update(
        state="formulacion", agreement="", approved_on=None
    )
    ind = demo.design.ind_c1
    response = api(
        "patch",
        f"/institutions/IEEM/indicators/{ind.pk}",
        user="enlace_se",
        json={"targets": {"1": 81, "2": 85, "3": 90, "4": 95}},
    )
    assert response.status_code == 200, response.content
    assert targets(ind.pk)[1] == Decimal(81)
    # Approving it now freezes version 2 with the edited target.
    approved = api(
        "post", mir_path(demo, "approve"), json={"agreement": "A/2", "date": "2024-03-01"}
    )
    assert approved.status_code == 200
    assert AnnualProgram.objects.get(pk=demo.program.pk).version == 2
    v2 = ProgramVersion.objects.get(program=demo.program, number=2).snapshot
    assert {i["key"]: i for i in v2["indicators"]}[str(ind.pk)]["targets"]["1"] == "81"
    assert date.fromisoformat(approved.json()["approved_on"]) == date(2024, 3, 1)

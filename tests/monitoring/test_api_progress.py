"""Monthly progress through the API: capture, conflicts, the period workflow and history."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from rumbo.audit.services import Actor
from rumbo.monitoring import api as progress_api
from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry
from rumbo.monitoring.services import (
    period_approve,
    period_submit,
    progress_save,
    window_extend,
)
from tests.factories import Demo, measure_indicator

PROGRAM = "/institutions/IEEM/programs/2024"
ACTIVITY = f"{PROGRAM}/activities/010101"
PROGRESS = f"{ACTIVITY}/progress"
HISTORY = f"{ACTIVITY}/history"
PERIOD = f"{PROGRAM}/areas/SE/months/1"
JAN_OPEN = date(2024, 2, 5)  # January's capture window: 1–10 February 2024
JAN_CLOSED = date(2024, 2, 11)
ALL_PERSONAS = ["planeacion", "enlace_se", "enlace_otra", "revisor", "consulta", "ajeno"]
REASON = {"reason": "Se corrige una cifra"}


@pytest.fixture(autouse=True)
def _due_indicators_measured(demo):
    """Sending an area's month also needs its due indicator measurements: the SE
    monthly indicator of the demo design is measured (green) in the months sent here."""
    for period in (1, 2, 4):
        measure_indicator(demo.design.ind_a11, period)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The API judges windows by today's date; here, a day when January is open."""
    day = {"today": JAN_OPEN}
    monkeypatch.setattr(progress_api, "today", lambda: day["today"])
    return day


def put(api, achieved, *, user="enlace_se", version=None, month=1, path=PROGRESS, **body):
    return api(
        "put",
        f"{path}/{month}",
        user=user,
        json={"achieved": achieved, "version": version, **body},
    )


def capture_january(demo: Demo) -> None:
    """A complete SE capture for January (every activity programmed that month)."""
    user = demo.users["enlace_se"]
    for activity, value in [
        (demo.activity_full, "340"),
        (demo.activity_missing, "1"),
        (demo.activity_mismatch, "1"),
    ]:
        progress_save(
            actor=Actor.for_user(user),
            user=user,
            activity=activity,
            month=1,
            achieved=value,
            version=None,
            today=JAN_OPEN,
        )


def submit_january(demo: Demo) -> PeriodReport:
    capture_january(demo)
    user = demo.users["enlace_se"]
    return period_submit(
        actor=Actor.for_user(user),
        user=user,
        program=demo.program,
        area=demo.area_se,
        month=1,
        today=JAN_OPEN,
    )


def approve_january(demo: Demo) -> PeriodReport:
    submit_january(demo)
    user = demo.users["revisor"]
    return period_approve(
        actor=Actor.for_user(user), user=user, program=demo.program, area=demo.area_se, month=1
    )


# --- GET …/progress -------------------------------------------------------------------------


def test_progress_by_month(api, demo: Demo) -> None:
    assert put(api, 340).status_code == 200
    body = api("get", PROGRESS, user="consulta").json()
    assert body["key"] == "010101" and body["area"] == "SE"
    assert [m["month"] for m in body["months"]] == list(range(1, 13))
    assert body["months"][0] == {
        "month": 1,
        "programmed": 340,
        "achieved": 340,
        "cumulative_programmed": 340,
        "cumulative_achieved": 340,
        "ratio": 100,
        "semaforo": "verde",
        "cumulative_ratio": 100,
        "cumulative_semaforo": "verde",
        "state": "borrador",
        "figure_state": "preliminar",  # January captured, not approved
        "version": 1,
        "comment": "",
        "justification": "",
    }
    february = body["months"][1]
    assert february["figure_state"] == "pendiente"  # SE has not captured February
    assert february["programmed"] == 340 and february["achieved"] is None
    assert february["cumulative_programmed"] == 680 and february["cumulative_achieved"] is None
    assert (february["semaforo"], february["cumulative_semaforo"]) == ("gris", "gris")
    assert (february["state"], february["version"]) == (None, None)


def test_month_and_cumulative_semaforo_differ(api, demo: Demo, clock) -> None:
    assert put(api, 300, justification="Paro").json()["cumulative_semaforo"] == "amarillo"
    clock["today"] = date(2024, 3, 4)
    feb = put(api, 380, month=2).json()  # month 111.8 % (amarillo); cumulative 680/680
    assert (feb["ratio"], feb["semaforo"]) == (111.76, "amarillo")
    assert (feb["cumulative_ratio"], feb["cumulative_semaforo"]) == (100, "verde")
    assert feb["cumulative_achieved"] == 680


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_who_may_read_progress(api, persona: str) -> None:
    response = api("get", PROGRESS, user=persona)
    assert response.status_code == (403 if persona == "ajeno" else 200)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/institutions/NOPE/programs/2024/activities/010101/progress", 404),
        ("/institutions/IEEM/programs/2023/activities/010101/progress", 404),
        (f"{PROGRAM}/activities/999999/progress", 404),
        ("/institutions/IEEM/programs/1800/activities/010101/progress", 422),
    ],
)
def test_progress_of_what_does_not_exist(api, path: str, status: int) -> None:
    assert api("get", path).status_code == status


def test_progress_costs_the_same_queries_with_or_without_entries(
    api, demo: Demo, clock, django_assert_num_queries
) -> None:
    # token, institution, grant, program, activity, nodes, then activity_progress's 5.
    with django_assert_num_queries(12):
        assert api("get", PROGRESS).status_code == 200
    for month in range(1, 13):
        clock["today"] = date(2025, 1, 5) if month == 12 else date(2024, month + 1, 5)
        put(api, 340, month=month)
    with django_assert_num_queries(12):
        body = api("get", PROGRESS).json()
    assert all(m["version"] == 1 for m in body["months"])


# --- PUT …/progress/{month} -----------------------------------------------------------------


def test_capture_then_correct_with_the_version(api, demo: Demo) -> None:
    created = put(api, 340, comment="Sin novedad")
    assert created.status_code == 200
    assert created.json()["version"] == 1 and created.json()["comment"] == "Sin novedad"
    changed = put(api, "341", version=1)
    assert changed.status_code == 200
    assert (changed.json()["achieved"], changed.json()["version"]) == (341, 2)
    assert ProgressEntry.objects.get().updated_by == demo.users["enlace_se"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("planeacion", 200),
        ("enlace_se", 200),
        ("enlace_otra", 403),
        ("revisor", 403),
        ("consulta", 403),
        ("ajeno", 403),
    ],
)
def test_who_may_capture(api, persona: str, status: int) -> None:
    response = put(api, 340, user=persona)
    assert response.status_code == status, response.json()
    if status == 403:
        assert set(response.json()) == {"message"}
        assert not ProgressEntry.objects.exists()


def test_an_enlace_captures_its_own_area(api, demo: Demo, clock) -> None:
    clock["today"] = date(2024, 5, 2)
    other = f"{PROGRAM}/activities/020101/progress"
    assert put(api, 1, month=4, path=other, user="enlace_se").status_code == 403
    assert put(api, 1, month=4, path=other, user="enlace_otra").status_code == 200


def test_the_second_editor_gets_409_with_both_values(api, demo: Demo) -> None:
    put(api, 340)  # both people load version 1
    assert put(api, 338, user="planeacion", version=1).status_code == 200
    response = put(api, 339, version=1)
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == 2 and body["submitted_version"] == 1
    assert body["current"] == {
        "month": 1,
        "achieved": "338",
        "comment": "",
        "justification": "",
        "version": 2,
    }
    assert body["submitted"] == {"achieved": "339"}
    assert "338" in body["message"] and "339" in body["message"]
    assert ProgressEntry.objects.get().achieved == 338


def test_creating_what_exists_is_a_conflict(api) -> None:
    put(api, 340)
    response = put(api, 300, user="planeacion", version=None)
    assert response.status_code == 409
    body = response.json()
    assert (body["current_version"], body["submitted_version"]) == (1, None)
    assert body["current"]["achieved"] == "340" and body["submitted"] == {"achieved": "300"}


def test_a_closed_window_is_409(api, clock) -> None:
    clock["today"] = JAN_CLOSED
    response = put(api, 340)
    assert response.status_code == 409
    assert response.json() == {
        "message": "La captura de 01/2024 cerró el 10/02/2024; "
        "Planeación puede otorgar una prórroga."
    }
    clock["today"] = date(2024, 1, 31)
    assert "abre el 01/02/2024" in put(api, 340).json()["message"]


def test_without_the_test_clock_the_real_date_decides(api, demo: Demo, monkeypatch) -> None:
    monkeypatch.undo()  # the real progress_api.today
    today = progress_api.today()
    assert put(api, 340).status_code == 409  # January 2024 closed long ago
    window_extend(
        actor=Actor.for_user(demo.users["planeacion"]),
        institution=demo.institution,
        year=2024,
        month=1,
        area=demo.area_se,
        until=today,
        reason="Cambio de titular",
        today=today,
    )
    assert put(api, 340).status_code == 200


def test_a_sent_or_approved_period_is_locked(api, demo: Demo) -> None:
    submit_january(demo)
    response = put(api, 341, version=1)
    assert response.status_code == 409
    assert "mientras se revisa" in response.json()["message"]
    user = demo.users["revisor"]
    period_approve(
        actor=Actor.for_user(user), user=user, program=demo.program, area=demo.area_se, month=1
    )
    response = put(api, 341, user="planeacion", version=1)
    assert response.status_code == 409
    assert "sin reabrirla" in response.json()["message"]
    assert ProgressEntry.objects.get(activity=demo.activity_full).achieved == 340


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"achieved": -1}, "achieved"),
        ({"achieved": "abc"}, "achieved"),
        ({"achieved": "1.23456"}, "achieved"),
        ({"achieved": None}, "achieved"),
        ({}, "achieved"),
        ({"achieved": 340, "version": 0}, "version"),
        ({"achieved": 340, "extra": 1}, "extra"),
        ({"achieved": 100}, "justification"),  # 29 %: red, and no justification
    ],
)
def test_invalid_values_are_422(api, body: dict, field: str) -> None:
    response = api("put", f"{PROGRESS}/1", user="enlace_se", json=body)
    assert response.status_code == 422, response.json()
    assert response.json()["message"] == "Datos no válidos."
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not ProgressEntry.objects.exists()


def test_a_justification_lets_a_red_month_through(api) -> None:
    response = put(api, "100", justification="Se suspendió la atención por mantenimiento")
    assert response.status_code == 200
    assert response.json()["cumulative_semaforo"] == "rojo"
    assert response.json()["justification"].startswith("Se suspendió")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/institutions/NOPE/programs/2024/activities/010101/progress/1", 404),
        ("/institutions/IEEM/programs/2023/activities/010101/progress/1", 404),
        (f"{PROGRAM}/activities/999999/progress/1", 404),
        (f"{PROGRESS}/13", 422),
        (f"{PROGRESS}/0", 422),
    ],
)
def test_capture_of_what_does_not_exist(api, path: str, status: int) -> None:
    assert api("put", path, json={"achieved": 1}).status_code == status


def test_capture_costs_a_constant_number_of_queries(
    api, demo: Demo, django_assert_max_num_queries
) -> None:
    put(api, 340)
    with django_assert_max_num_queries(30) as first:
        put(api, 341, version=1)
    with django_assert_max_num_queries(len(first.captured_queries)):
        put(api, 342, version=2)


# --- the period workflow ----------------------------------------------------------------------


def test_the_whole_cycle(api, demo: Demo) -> None:
    capture_january(demo)
    sent = api("post", f"{PERIOD}/submit", user="enlace_se", data="", content_type="text/plain")
    assert sent.status_code == 200, sent.json()
    body = sent.json()
    assert body["area"] == "SE" and body["month"] == 1
    assert (body["state"], body["version"], body["comment"]) == ("enviado", 2, "")
    assert datetime.fromisoformat(body["submitted_at"]) and body["decided_at"] is None

    returned = api("post", f"{PERIOD}/return", user="revisor", json={"reason": "Falta evidencia"})
    assert (
        returned.json()["state"] == "devuelto" and returned.json()["comment"] == "Falta evidencia"
    )
    assert returned.json()["decided_at"] is not None
    assert put(api, 341, version=1, justification="").status_code == 200  # corrected
    assert api("post", f"{PERIOD}/submit", json={"version": 3}).json()["state"] == "enviado"

    approved = api(
        "post", f"{PERIOD}/approve", user="revisor", json={"comment": "Correcto", "version": 4}
    )
    assert approved.status_code == 200
    assert (approved.json()["state"], approved.json()["comment"]) == ("aprobado", "Correcto")
    assert put(api, 342, version=2).status_code == 409  # locked after approval
    assert api("get", PROGRESS).json()["months"][0]["state"] == "aprobado"

    reopened = api("post", f"{PERIOD}/reopen", json={"reason": "Cifra de enero mal capturada"})
    assert reopened.status_code == 200
    assert reopened.json()["state"] == "borrador" and reopened.json()["version"] == 6
    assert put(api, 342, version=2).status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("planeacion", 200),
        ("enlace_se", 200),
        ("enlace_otra", 403),
        ("revisor", 403),
        ("consulta", 403),
        ("ajeno", 403),
    ],
)
def test_who_may_submit(api, demo: Demo, persona: str, status: int) -> None:
    capture_january(demo)
    response = api("post", f"{PERIOD}/submit", user=persona, json={})
    assert response.status_code == status, response.json()
    state = PeriodReport.objects.get(area=demo.area_se, month=1).state
    assert state == (PeriodState.SUBMITTED if status == 200 else PeriodState.DRAFT)


@pytest.mark.parametrize("action", ["approve", "return"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("planeacion", 200),
        ("revisor", 200),
        ("enlace_se", 403),
        ("enlace_otra", 403),
        ("consulta", 403),
        ("ajeno", 403),
    ],
)
def test_who_may_approve_or_return(api, demo: Demo, action: str, persona: str, status) -> None:
    submit_january(demo)
    body = {"comment": "Bien"} if action == "approve" else REASON
    response = api("post", f"{PERIOD}/{action}", user=persona, json=body)
    assert response.status_code == status, response.json()
    expected = {"approve": PeriodState.APPROVED, "return": PeriodState.RETURNED}[action]
    state = PeriodReport.objects.get(area=demo.area_se, month=1).state
    assert state == (expected if status == 200 else PeriodState.SUBMITTED)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("planeacion", 200),
        ("revisor", 403),
        ("enlace_se", 403),
        ("enlace_otra", 403),
        ("consulta", 403),
        ("ajeno", 403),
    ],
)
def test_who_may_reopen(api, demo: Demo, persona: str, status: int) -> None:
    approve_january(demo)
    response = api("post", f"{PERIOD}/reopen", user=persona, json=REASON)
    assert response.status_code == status, response.json()


def test_reopening_needs_a_reason(api, demo: Demo) -> None:
    approve_january(demo)
    missing = api("post", f"{PERIOD}/reopen", json={})
    assert missing.status_code == 422
    assert missing.json()["errors"] == [{"field": "reason", "message": "Este dato es obligatorio."}]
    blank = api("post", f"{PERIOD}/reopen", json={"reason": "   "})
    assert blank.status_code == 422
    assert blank.json()["errors"] == [{"field": "reason", "message": "Escribe el motivo."}]
    assert api("post", f"{PERIOD}/return", user="revisor", json={}).status_code == 422
    assert PeriodReport.objects.get(area=demo.area_se, month=1).state == PeriodState.APPROVED


def test_a_stale_period_version_is_409_with_both(api, demo: Demo) -> None:
    submit_january(demo)  # version 2
    response = api("post", f"{PERIOD}/approve", user="revisor", json={"version": 1})
    assert response.status_code == 409
    body = response.json()
    assert (body["current_version"], body["submitted_version"]) == (2, 1)
    assert "versión guardada 2" in body["message"]
    stale = {**REASON, "version": 1}
    assert api("post", f"{PERIOD}/return", user="revisor", json=stale).status_code == 409
    assert api("post", f"{PERIOD}/approve", json={"version": 2}).status_code == 200
    reopened = api("post", f"{PERIOD}/reopen", json=stale)
    assert reopened.status_code == 409
    assert reopened.json()["current_version"] == 3
    assert PeriodReport.objects.get(area=demo.area_se, month=1).state == PeriodState.APPROVED


def test_submitting_after_the_window_is_409(api, demo: Demo, clock) -> None:
    capture_january(demo)
    clock["today"] = JAN_CLOSED
    response = api("post", f"{PERIOD}/submit", user="enlace_se", json={})
    assert response.status_code == 409
    assert "cerró el 10/02/2024" in response.json()["message"]


def test_wrong_state_or_incomplete_capture_is_422(api, demo: Demo) -> None:
    nothing = api("post", f"{PERIOD}/submit", json={})
    assert nothing.status_code == 422
    assert nothing.json()["errors"][0]["field"] == "entries"
    put(api, 340)  # 010103 and 010104 are programmed in January too
    incomplete = api("post", f"{PERIOD}/submit", json={})
    assert incomplete.status_code == 422
    assert "010103, 010104" in incomplete.json()["errors"][0]["message"]
    not_sent = api("post", f"{PERIOD}/approve", user="revisor", json={})
    assert not_sent.status_code == 422
    assert not_sent.json()["errors"][0]["field"] == "state"


@pytest.mark.parametrize("action", ["submit", "approve", "return", "reopen"])
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/institutions/NOPE/programs/2024/areas/SE/months/1", 404),
        ("/institutions/IEEM/programs/2023/areas/SE/months/1", 404),
        (f"{PROGRAM}/areas/XX/months/1", 404),
        (f"{PROGRAM}/areas/SE/months/13", 422),
    ],
)
def test_periods_of_what_does_not_exist(api, action: str, path: str, status: int) -> None:
    body = REASON if action in {"return", "reopen"} else {}
    assert api("post", f"{path}/{action}", json=body).status_code == status


def test_a_period_body_must_be_json(api, demo: Demo) -> None:
    capture_january(demo)
    response = api(
        "post", f"{PERIOD}/submit", data="no", content_type="application/json"
    )  # not JSON
    assert response.status_code == 422


# --- GET …/history ----------------------------------------------------------------------------


def test_history_of_the_activity_and_its_progress(api, demo: Demo) -> None:
    put(api, 340)
    put(api, 300, version=1, user="planeacion", justification="Menos solicitudes")
    api("patch", ACTIVITY, json={"description": "Atención de solicitudes", "reason": "Nombre"})
    other = put(api, 1, path=f"{PROGRAM}/activities/010103/progress")
    assert other.status_code == 200
    body = api("get", HISTORY, user="consulta").json()
    assert body["count"] == 3 and body["page"] == 1
    actions = [(e["action"], e["who"]) for e in body["items"]]
    assert actions == [
        ("activity.update", "planeacion"),
        ("progress.update", "planeacion"),
        ("progress.create", "enlace_se"),
    ]
    update = body["items"][1]
    assert update["before"]["achieved"] == "340" and update["after"]["achieved"] == "300"
    assert update["after"]["justification"] == "Menos solicitudes"
    assert update["object"] == "010101 · 1"
    assert body["items"][0]["reason"] == "Nombre"
    assert body["items"][2]["before"] is None
    when = datetime.fromisoformat(body["items"][0]["when"])
    assert when.tzinfo is not None


def test_history_after_the_cycle_and_pages(api, demo: Demo) -> None:
    put(api, 340)
    for version, value in enumerate([341, 342, 343], start=1):
        put(api, value, version=version)
    first = api("get", f"{HISTORY}?page_size=2").json()
    assert (first["count"], len(first["items"])) == (4, 2)
    assert [e["after"]["achieved"] for e in first["items"]] == ["343", "342"]
    second = api("get", f"{HISTORY}?page=2&page_size=2").json()
    assert [e["after"]["achieved"] for e in second["items"]] == ["341", "340"]
    assert api("get", f"{HISTORY}?page=3&page_size=2").status_code == 422


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_who_may_read_history(api, persona: str) -> None:
    assert api("get", HISTORY, user=persona).status_code == (403 if persona == "ajeno" else 200)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/institutions/NOPE/programs/2024/activities/010101/history", 404),
        (f"{PROGRAM}/activities/999999/history", 404),
        (f"{HISTORY}?page_size=500", 422),
    ],
)
def test_history_of_what_does_not_exist(api, path: str, status: int) -> None:
    assert api("get", path).status_code == status


def test_history_costs_the_same_queries_whatever_its_length(
    api, demo: Demo, django_assert_num_queries
) -> None:
    put(api, 340)
    # token, institution, grant, program, activity, count, page
    with django_assert_num_queries(7):
        assert api("get", HISTORY).json()["count"] == 1
    for version in range(1, 10):
        put(api, 340 + version, version=version)
    with django_assert_num_queries(7):
        assert api("get", HISTORY).json()["count"] == 10


# --- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", PROGRESS),
        ("put", f"{PROGRESS}/1"),
        ("get", HISTORY),
        ("post", f"{PERIOD}/submit"),
        ("post", f"{PERIOD}/approve"),
        ("post", f"{PERIOD}/return"),
        ("post", f"{PERIOD}/reopen"),
    ],
)
def test_every_operation_needs_credentials(api, method: str, path: str) -> None:
    body = None if method == "get" else {"achieved": 1} if method == "put" else {}
    if path.endswith(("/return", "/reopen")):
        body = REASON
    for token in (None, "rumbo_falso"):
        response = api(method, path, user=None, token=token, json=body)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="rumbo"'
    assert not ProgressEntry.objects.exists()


def test_progress_says_whether_the_program_progress_is_simulated(api, demo: Demo) -> None:
    """A program loaded by ``rumbo demo`` carries simulated progress: the API says so."""
    assert api("get", PROGRESS).json()["simulated"] is False
    demo.program.progress_simulated = True
    demo.program.save(update_fields=["progress_simulated"])
    assert api("get", PROGRESS).json()["simulated"] is True

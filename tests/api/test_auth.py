"""Who may call: bearer tokens, sessions with CSRF, and the 401 answers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from rumbo.accounts.models import ApiToken
from rumbo.accounts.tokens import token_revoke
from rumbo.audit.services import Actor
from tests.factories import Demo

ACTIVITY = "/api/v1/institutions/IEEM/programs/2024/activities/010101"
ENDPOINTS = [
    "/institutions",
    "/institutions/IEEM",
    "/institutions/IEEM/areas",
    "/institutions/IEEM/plans",
    "/institutions/IEEM/programs",
    "/institutions/IEEM/programs/2024",
    "/institutions/IEEM/programs/2024/activities",
    "/institutions/IEEM/programs/2024/activities/010101",
    "/institutions/IEEM/findings",
]


def assert_401(response, says: str = "Bearer") -> None:
    assert response.status_code == 401, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert set(response.json()) == {"message"}
    assert says in response.json()["message"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_without_credentials_is_401(api, path: str) -> None:
    assert_401(api("get", path, user=None))


@pytest.mark.parametrize(
    "token", ["rumbo_no-existe", "otra-cosa", "", "rumbo_" + "x" * 300, "Bearer"]
)
def test_a_bad_token_is_401(api, token: str) -> None:
    response = api("get", "/institutions", user=None, headers={"Authorization": f"Bearer {token}"})
    assert_401(response)


def test_every_write_needs_credentials(api, demo: Demo) -> None:
    assert_401(api("patch", ACTIVITY.removeprefix("/api/v1"), user=None, json={"reason": "x"}))
    finding = demo.institution.quality_findings.first()
    path = f"/institutions/IEEM/findings/{finding.pk}/review"
    assert_401(api("post", path, user=None, json={"status": "accepted", "comment": "ok"}))


def test_a_revoked_token_is_401(api, tokens: dict[str, str], demo: Demo) -> None:
    assert api("get", "/institutions", user="consulta").status_code == 200
    token = ApiToken.objects.get(user=demo.users["consulta"])
    token_revoke(actor=Actor.cli(), token=token)
    assert_401(api("get", "/institutions", user="consulta"), says="El token fue revocado el ")


def test_an_expired_token_is_401_saying_when_it_expired(api, demo: Demo) -> None:
    assert api("get", "/institutions", user="consulta").status_code == 200
    moment = timezone.make_aware(timezone.datetime(2025, 2, 28, 23, 0))
    ApiToken.objects.filter(user=demo.users["consulta"]).update(expires_at=moment)
    response = api("get", "/institutions", user="consulta")
    assert_401(response, says="El token venció el 28/02/2025")
    # A session still works: the token's expiry is the token's alone.
    assert api("get", "/institutions", user=None).status_code == 401


def test_an_inactive_users_token_is_401(api, demo: Demo) -> None:
    user = demo.users["revisor"]
    user.is_active = False
    user.save()
    assert_401(api("get", "/institutions", user="revisor"))


def test_a_wrong_bearer_is_401_even_with_a_session(client: Client, demo: Demo) -> None:
    client.force_login(demo.users["planeacion"])
    response = client.get("/api/v1/institutions", headers={"Authorization": "Bearer rumbo_mala"})
    assert_401(response)


def test_the_browser_session_reads(client: Client, demo: Demo) -> None:
    client.force_login(demo.users["consulta"])
    response = client.get("/api/v1/institutions/IEEM")
    assert response.status_code == 200
    assert response.json()["roles"] == ["consulta"]


def test_session_writes_need_the_csrf_token(demo: Demo) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(demo.users["planeacion"])
    body = {"description": "Atención de solicitudes de información"}
    refused = browser.patch(ACTIVITY, data=body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["message"]
    browser.get("/api/v1/docs")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.patch(
        ACTIVITY, data=body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["description"] == body["description"]


def test_bearer_writes_need_no_csrf(tokens: dict[str, str], demo: Demo) -> None:
    script = Client(enforce_csrf_checks=True)
    response = script.patch(
        ACTIVITY,
        data={"reason": "", "annual_target": 4060},
        content_type="application/json",
        headers={"Authorization": f"Bearer {tokens['planeacion']}"},
    )
    assert response.status_code == 200, response.content


def test_unknown_api_paths_are_not_served(api) -> None:
    assert api("get", "/no-existe").status_code == 404


@pytest.mark.parametrize(
    "path", ["/api/v1/nada", "/api/v1/institutions/IEEM/nada/mas", "/api/v1", "/api/v1/"]
)
def test_unknown_api_paths_answer_the_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "No existe la ruta" in response.json()["message"]

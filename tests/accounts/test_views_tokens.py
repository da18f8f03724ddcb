"""«Mis tokens de la API»: each user creates (shown once), lists and revokes their own."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.urls import reverse

from rumbo.accounts.models import ApiToken
from rumbo.accounts.tokens import token_authenticate, token_create
from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/cuenta/tokens/"


def test_the_url_and_the_link_in_the_header(as_user):
    assert reverse("web:api_tokens") == URL
    client = as_user("enlace_se")
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Mis tokens de la API</h1>" in page
    assert f'href="{URL}"' in page
    assert "Todavía no tienes tokens." in page


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/cuenta/entrar/")


def test_create_shows_the_secret_once_and_it_works(as_user, demo):
    client = as_user("enlace_se")
    response = client.post(URL, {"name": "Carga nocturna", "days": "30"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    secret = re.search(r'<code id="token-nuevo">(rumbo_[^<]+)</code>', page).group(1)
    token = ApiToken.objects.get(user=demo.users["enlace_se"])
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.name == "Carga nocturna"
    assert round((token.expires_at - token.created_at).total_seconds() / 86400, 3) == 30
    assert token_authenticate(secret) == demo.users["enlace_se"]
    event = AuditEvent.objects.get(action="token.create")
    assert (event.actor_id, event.object_id) == (demo.users["enlace_se"].pk, token.pk)
    # The list shows it, never the secret again.
    again = client.get(URL).content.decode()
    assert secret not in again
    assert f"<code>{token.prefix}…</code>" in again
    assert token.expires_at.strftime("%d/%m/%Y") in again


def test_a_bad_validity_is_refused_with_a_message(as_user):
    client = as_user("enlace_se")
    response = client.post(URL, {"name": "x", "days": "9999"})
    assert response.status_code == 400
    assert "9999 no es una de las opciones disponibles" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_ones_own_token_only(as_user, demo):
    mine, raw = token_create(actor=Actor.cli(), user=demo.users["enlace_se"])
    theirs, raw_theirs = token_create(actor=Actor.cli(), user=demo.users["planeacion"])
    client = as_user("enlace_se")
    page = client.get(URL).content.decode()
    assert theirs.prefix not in page
    response = client.post(reverse("web:api_token_revoke", args=[theirs.pk]))
    assert response.status_code == 404
    assert token_authenticate(raw_theirs) == demo.users["planeacion"]

    response = client.post(reverse("web:api_token_revoke", args=[mine.pk]), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Revocaste el token {mine.prefix}…" in page
    assert "Revocado el " in page
    assert token_authenticate(raw) is None
    event = AuditEvent.objects.get(action="token.revoke")
    assert (event.actor_id, event.object_id) == (demo.users["enlace_se"].pk, mine.pk)


def test_revoke_needs_post(as_user, demo):
    mine, _ = token_create(actor=Actor.cli(), user=demo.users["enlace_se"])
    response = as_user("enlace_se").get(reverse("web:api_token_revoke", args=[mine.pk]))
    assert response.status_code == 405


def test_the_admin_revokes_selected_tokens_audited(client, demo):

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    token, raw = token_create(actor=Actor.cli(), user=demo.users["consulta"])
    client.force_login(root)
    response = client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert token_authenticate(raw) is None
    event = AuditEvent.objects.get(action="token.revoke")
    assert (event.actor_id, event.object_id) == (root.pk, token.pk)

"""«¿Olvidaste tu contraseña?» and the login's messages: Spanish (México), «tú», the mail
received on a real SMTP server, the link followed, the new password used, audited."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from rumbo.accounts.throttle import MAX_RESETS_PER_ADDRESS
from rumbo.audit.models import AuditEvent
from rumbo.institutions.models import Role
from tests.factories import PASSWORD, InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/cuenta/entrar/"
RESET = "/cuenta/contrasena/olvide/"
NEW_PASSWORD = "Rumbo-nueva-2025"  # a test password
SPAIN_OR_USTED = ("Por favor", "introduzca", "Note que", "Su contraseña", "usted", "Entre en")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the per-address limit of reset e-mails lives there
    yield
    cache.clear()


@pytest.fixture
def ana():
    user = UserFactory(username="ana", email="ana@ieem.org.mx", first_name="Ana", last_name="Ruiz")
    MembershipFactory(user=user, institution=InstitutionFactory(code="IEEM"), role=Role.CONSULTA)
    return user


def _link(text: str) -> str:
    match = re.search(r"https?://[^\s]+/cuenta/contrasena/nueva/[^\s]+/", text)
    assert match, text
    return match.group(0)


def test_the_urls_are_the_ones_the_pages_link_to():
    assert reverse("password_reset") == RESET
    assert reverse("password_reset_done") == "/cuenta/contrasena/olvide/enviado/"
    assert reverse("password_reset_complete") == "/cuenta/contrasena/lista/"
    assert reverse("password_reset_confirm", args=["MQ", "abc-def"]) == (
        "/cuenta/contrasena/nueva/MQ/abc-def/"
    )


def test_a_wrong_password_and_an_unknown_user_read_the_same_in_tu(client, ana):
    for username in ("ana", "nadie"):
        response = client.post(LOGIN, {"username": username, "password": "no-es"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Usuario o contraseña incorrectos. Revisa mayúsculas y minúsculas." in html
        assert not any(text in html for text in SPAIN_OR_USTED)
    html = client.post(LOGIN, {"username": "", "password": ""}).content.decode()
    assert "Escribe tu usuario." in html and "Escribe tu contraseña." in html
    html = client.get(LOGIN).content.decode()
    assert f'href="{RESET}"' in html and "¿Olvidaste tu contraseña?" in html


def test_reset_by_mail_then_log_in_with_the_new_password(ana, smtp_server):
    client = Client()
    page = client.get(RESET).content.decode()
    assert "Correo electrónico" in page and "no tiene correo configurado" not in page
    response = client.post(RESET, {"email": "ANA@ieem.org.mx"})
    assert response.status_code == 302
    assert response["Location"] == "/cuenta/contrasena/olvide/enviado/"
    done = client.get(response["Location"]).content.decode()
    assert "Si hay una cuenta activa con ese correo" in done and "vence en 24 horas" in done

    (message,) = smtp_server.to("ana@ieem.org.mx")
    assert message["Subject"] == "Rumbo: elige una contraseña nueva"
    body = message.get_content()
    assert "Hola, Ana Ruiz:" in body and "Tu usuario es: ana" in body
    link = _link(body)
    assert link.startswith("http://testserver/cuenta/contrasena/nueva/")

    # The link: Django moves the token into the session and shows the form.
    form_page = client.get(link, follow=True)
    html = form_page.content.decode()
    assert "Elige una contraseña nueva" in html and "Escríbela otra vez" in html
    assert not any(text in html for text in SPAIN_OR_USTED)
    set_url = form_page.redirect_chain[-1][0]
    mismatch = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": "otra"})
    assert mismatch.status_code == 400
    assert "Las dos contraseñas no coinciden; escríbelas de nuevo." in mismatch.content.decode()
    saved = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert saved.status_code == 302 and saved["Location"] == "/cuenta/contrasena/lista/"
    assert (
        "Ya puedes entrar con tu contraseña nueva."
        in client.get(saved["Location"]).content.decode()
    )

    # The link served once.
    again = client.get(link, follow=True).content.decode()
    assert "El enlace ya no sirve" in again

    # The new password works, the old one no longer.
    other = Client()
    assert other.post(LOGIN, {"username": "ana", "password": PASSWORD}).status_code == 200
    response = other.post(LOGIN, {"username": "ana", "password": NEW_PASSWORD})
    assert response.status_code == 302

    event = AuditEvent.objects.get(action="user.password_reset_by_link")
    assert event.actor_id == ana.pk and event.actor_label == "ana"
    assert event.institution.code == "IEEM"
    assert event.after == {"password": "cambiada"}
    assert NEW_PASSWORD not in str(event.after) + event.reason


def test_an_unknown_address_gets_the_same_answer_and_no_mail(ana, smtp_server):
    client = Client()
    known = client.post(RESET, {"email": "ana@ieem.org.mx"})
    unknown = client.post(RESET, {"email": "nadie@ieem.org.mx"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [rcpts for rcpts, _ in smtp_server.messages] == [["ana@ieem.org.mx"]]


def test_an_inactive_account_gets_no_mail(ana, smtp_server):
    get_user_model().objects.filter(pk=ana.pk).update(is_active=False)
    response = Client().post(RESET, {"email": "ana@ieem.org.mx"})
    assert response.status_code == 302
    assert smtp_server.messages == []


def test_requests_per_address_are_limited_silently(ana, smtp_server):
    client = Client()
    for _ in range(MAX_RESETS_PER_ADDRESS + 2):
        response = client.post(RESET, {"email": "ana@ieem.org.mx"})
        assert response.status_code == 302
    assert len(smtp_server.to("ana@ieem.org.mx")) == MAX_RESETS_PER_ADDRESS == 3


def test_a_bad_address_is_explained(client):
    response = client.post(RESET, {"email": "no es correo"})
    assert response.status_code == 400
    assert "Escribe un correo electrónico válido" in response.content.decode()


def test_without_smtp_the_page_says_the_mail_goes_to_the_console(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    html = client.get(RESET).content.decode()
    assert "Este servidor no tiene correo configurado." in html
    assert "se imprime en la consola donde corre Rumbo" in html


def test_a_forged_link_is_refused(client, ana):
    html = client.get("/cuenta/contrasena/nueva/MQ/forjado-123/", follow=True).content.decode()
    assert "El enlace ya no sirve" in html
    assert "Pide otro enlace" in html

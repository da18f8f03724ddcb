"""The login as a newcomer meets it: a wrong password explained in «tú», then
«¿Olvidaste tu contraseña?» followed to the end through a real mail."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from rumbo.institutions.models import Role
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Rumbo-nueva-2025"  # a test password


def login(page, username: str, password: str) -> None:
    page.goto("/cuenta/entrar/")
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Entrar").click()


def test_a_wrong_password_then_a_reset_by_mail(page, smtp_server, screenshot):
    cache.clear()
    MembershipFactory(
        user=UserFactory(username="ana", email="ana@ieem.org.mx"),
        institution=InstitutionFactory(code="IEEM"),
        role=Role.CONSULTA,
    )
    login(page, "ana", "no-es-la-clave")
    expect(page.get_by_role("alert")).to_have_text(
        "Usuario o contraseña incorrectos. Revisa mayúsculas y minúsculas."
    )
    screenshot("login-01-error")

    page.get_by_role("link", name="¿Olvidaste tu contraseña?").click()
    expect(page.get_by_role("heading", name="¿Olvidaste tu contraseña?")).to_be_visible()
    page.get_by_label("Correo electrónico").fill("ana@ieem.org.mx")
    screenshot("login-02-olvide")
    page.get_by_role("button", name="Enviar el enlace").click()
    expect(page.get_by_role("heading", name="Revisa tu correo")).to_be_visible()
    screenshot("login-03-revisa-tu-correo")

    (message,) = smtp_server.to("ana@ieem.org.mx")
    link = re.search(r"http://\S+/cuenta/contrasena/nueva/\S+/", message.get_content())
    assert link is not None
    page.goto(link.group(0))
    page.get_by_label("Contraseña nueva").fill(NEW_PASSWORD)
    page.get_by_label("Escríbela otra vez").fill(NEW_PASSWORD)
    screenshot("login-04-nueva")
    page.get_by_role("button", name="Guardar la contraseña").click()
    expect(page.get_by_role("heading", name="Listo: cambiaste tu contraseña")).to_be_visible()
    page.get_by_role("link", name="Iniciar sesión").click()

    login(page, "ana", NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/pendientes/$"))
    screenshot("login-05-dentro")

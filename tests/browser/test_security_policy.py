"""The Content-Security-Policy (no inline script or style, nothing from another origin) is
kept by the pages a browser test does not otherwise open: the Django admin, the API's
Swagger page, the dashboards with their charts, the reports and the public open data. The
``page`` fixture fails the test on any refusal Chromium reports."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.factories import PASSWORD, build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/cuenta/entrar/")
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).not_to_have_url(re.compile(r"/cuenta/entrar/"))


def test_pages_keep_the_content_security_policy(page, screenshot):
    build_demo()
    response = page.goto("/cuenta/entrar/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy

    _login(page, "planeacion")
    for path, shown in [
        ("/i/IEEM/programa/2024/tablero/", "Tablero"),
        ("/i/IEEM/programa/2024/", "Programa"),
        ("/i/IEEM/informes/", "Informes"),
        ("/i/IEEM/programa/2024/actividad/010101/calendario/", "Calendario"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(shown)
        page.wait_for_load_state("load")
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    screenshot("csp-api-docs")

    get_user_model().objects.create_superuser("raiz", "raiz@example.org", PASSWORD)
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.get_by_label("Usuario").fill("raiz")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()
    screenshot("csp-admin")

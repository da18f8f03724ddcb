"""Every page with every persona: anonymous → login, outsider → 403, members → 200."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db


def institution_urls(demo) -> list[str]:
    return [
        reverse("web:institution", args=["IEEM"]),
        reverse("web:program", args=["IEEM", 2024]),
        reverse("web:plan", args=["IEEM", demo.plan_new.pk]),
        reverse("web:plan", args=["IEEM", demo.plan_old.pk]),
        reverse("web:findings", args=["IEEM"]),
        reverse("web:findings", args=["IEEM"]) + "?codigo=sum_mismatch&estado=open",
    ]


def test_anonymous_is_sent_to_the_login_page_from_every_page(client, demo):
    login = reverse(settings.LOGIN_URL)
    for url in [reverse("web:home"), *institution_urls(demo)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login}?next="), url


@pytest.mark.parametrize("persona", PERSONAS)
def test_members_read_every_page(as_user, demo, persona):
    client = as_user(persona)
    for url in institution_urls(demo):
        response = client.get(url)
        assert response.status_code == 200, (persona, url)
        assert "text/html" in response["Content-Type"]


def test_a_member_of_another_institution_gets_a_spanish_403_everywhere(as_user, demo):
    client = as_user("ajeno")
    for url in institution_urls(demo):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Acceso denegado" in response.content.decode(), url


def test_the_outsider_still_reaches_its_own_institution(as_user, demo):
    response = as_user("ajeno").get(reverse("web:home"))
    assert response.status_code == 200  # a planner stays home: it may create institutions
    assert reverse("web:institution", args=["IECM"]) in response.content.decode()
    assert reverse("web:institution", args=["IEEM"]) not in response.content.decode()


def test_a_reader_of_one_institution_goes_straight_to_it(as_user, demo):
    response = as_user("consulta").get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:institution", args=["IEEM"])


@pytest.mark.parametrize(
    "url",
    [
        "/i/NOEXISTE/",
        "/i/IEEM/programa/1999/",
        "/i/IEEM/plan/999999/",
        "/no-existe/",
    ],
)
def test_unknown_things_get_a_spanish_404(as_user, url):
    response = as_user("planeacion").get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Página no encontrada" in html
    assert '<html lang="es-MX">' in html


def test_a_plan_of_another_institution_is_not_found_through_this_one(as_user, demo):
    from tests.factories import StrategicPlanFactory

    foreign = StrategicPlanFactory(institution=demo.other_institution)
    response = as_user("planeacion").get(reverse("web:plan", args=["IEEM", foreign.pk]))
    assert response.status_code == 404

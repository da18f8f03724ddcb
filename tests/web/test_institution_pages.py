"""Login, the list of institutions, an institution's home page, and the shared layout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from rumbo.institutions.models import Role
from tests.factories import PASSWORD, InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# session + user + institution + membership + programs + node counts + fr. IV + plans + findings
INSTITUTION_PAGE_QUERIES = 9


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def test_login_page_is_spanish_and_labelled(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es-MX">' in html
    assert "<h1>Iniciar sesión</h1>" in html
    assert '<label for="id_username">Usuario</label>' in html
    assert '<label for="id_password">Contraseña</label>' in html


def test_login_with_the_form_lands_on_pending_and_home_leads_to_the_only_institution(client, demo):
    response = client.post(
        reverse("login"), {"username": "consulta", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("web:pending")
    assert "<h1>Mis pendientes</h1>" in response.content.decode()
    response = client.get(reverse("web:home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:institution", args=["IEEM"])
    assert "Instituto Electoral del Estado de México" in response.content.decode()


def test_login_with_a_wrong_password_explains_in_spanish(client, demo):
    response = client.post(reverse("login"), {"username": "consulta", "password": "mala"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "contraseña" in response.content.decode().lower()


def test_logout_is_a_post_from_the_header(as_user, demo):
    client = as_user("consulta")
    html = client.get(reverse("web:institution", args=["IEEM"])).content.decode()
    assert f'<form method="post" action="{reverse("logout")}">' in html
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 302


def test_home_lists_every_institution_of_a_member_of_several(client, demo):
    user = UserFactory(username="doble")
    MembershipFactory(user=user, institution=demo.institution, role=Role.CONSULTA)
    MembershipFactory(user=user, institution=demo.other_institution, role=Role.REVISOR)
    client.force_login(user)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Instituto Electoral de la Ciudad de México") < html.index(
        "Instituto Electoral del Estado de México"
    )


def test_home_for_a_user_without_memberships(client, db):
    client.force_login(UserFactory(username="nadie"))
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    assert "todavía no pertenece a ninguna institución" in response.content.decode()


def test_home_queries_do_not_grow_with_the_institutions(client, demo, django_assert_num_queries):
    user = UserFactory(username="muchas")
    for i in range(5):
        institution = InstitutionFactory(code=f"OPLE{i}", name=f"Organismo {i}")
        MembershipFactory(user=user, institution=institution, role=Role.CONSULTA)
    client.force_login(user)
    with django_assert_num_queries(4):  # session, user, institutions, may create?
        response = client.get(reverse("web:home"))
    assert response.content.decode().count('class="card-title"') == 5
    assert "Crear institución" not in response.content.decode()


def test_superuser_sees_all_institutions(client, demo):
    InstitutionFactory(code="IEPC", name="Instituto Electoral y de Participación Ciudadana")
    client.force_login(UserFactory(username="raiz", is_superuser=True, is_staff=True))
    html = client.get(reverse("web:home")).content.decode()
    assert html.count('class="card-title"') == 3


def test_institution_home_shows_programs_with_counts_per_level(as_user, demo):
    text = text_of(as_user("enlace_se").get(reverse("web:institution", args=["IEEM"])))
    assert "<h1>Instituto Electoral del Estado de México</h1>" in text
    assert "Tu rol: Enlace de área" in text
    assert "Ejercicio 2024" in text
    assert "2,024" not in text
    assert "<dt>Subprogramas</dt><dd>2</dd>" in text
    assert "<dt>Proyectos</dt><dd>2</dd>" in text
    assert "<dt>Actividades</dt><dd>5</dd>" in text


def test_institution_home_dates_are_dd_mm_yyyy(as_user, demo):
    text = text_of(as_user("consulta").get(reverse("web:institution", args=["IEEM"])))
    today = timezone.localdate(demo.program.updated_at).strftime("%d/%m/%Y")
    assert f"Actualizado el {today}" in text
    assert re.search(r"Actualizado el \d{2}/\d{2}/\d{4}", text)


def test_institution_home_lists_plans_findings_and_fr_iv_rows(as_user, demo):
    text = text_of(as_user("consulta").get(reverse("web:institution", args=["IEEM"])))
    plan_url = reverse("web:plan", args=["IEEM", demo.plan_new.pk])
    assert f'<a href="{plan_url}">Plan General de Desarrollo 2023-2026</a>' in text
    assert "1 objetivo estratégico · 2 líneas de acción" in text
    assert "Errores</span></dt><dd>2</dd>" in text
    assert "Advertencias</span></dt><dd>1</dd>" in text
    assert f'href="{reverse("web:findings", args=["IEEM"])}?estado=open"' in text
    assert '<th scope="row">2024</th><td class="num">3</td>' in text
    assert '<th scope="row">2023</th><td class="num">1</td>' in text


def test_institution_home_when_nothing_is_loaded(client, db):
    institution = InstitutionFactory(code="VACIO", name="Instituto sin datos")
    user = MembershipFactory(institution=institution, role=Role.PLANEACION).user
    client.force_login(user)
    text = text_of(client.get(reverse("web:institution", args=["VACIO"])))
    assert "Todavía no hay programas anuales. Crea el primero" in text
    assert "Todavía no hay planes. Crea uno" in text
    assert "Errores</span></dt><dd>0</dd>" in text


def test_start_from_scratch_links_only_for_planeacion(as_user, demo):
    planner = as_user("planeacion").get(reverse("web:institution", args=["IEEM"])).content.decode()
    for name in ("program_create", "plan_create", "users", "institution_edit"):
        assert reverse(f"web:{name}", args=["IEEM"]) in planner, name
    reader = as_user("consulta").get(reverse("web:institution", args=["IEEM"])).content.decode()
    for name in ("program_create", "plan_create", "users", "institution_edit"):
        assert reverse(f"web:{name}", args=["IEEM"]) not in reader, name
    assert reverse("web:areas", args=["IEEM"]) in reader


def test_a_planner_sees_the_home_page_with_create_institution(as_user, demo):
    response = as_user("planeacion").get(reverse("web:home"))
    assert response.status_code == 200
    assert reverse("web:institution_create") in response.content.decode()


def test_institution_home_queries_do_not_grow(as_user, demo, django_assert_num_queries):
    from tests.factories import AnnualProgramFactory, StrategicPlanFactory

    client = as_user("consulta")
    with django_assert_num_queries(INSTITUTION_PAGE_QUERIES):
        client.get(reverse("web:institution", args=["IEEM"]))
    for year in range(2015, 2020):
        AnnualProgramFactory(institution=demo.institution, year=year)
    StrategicPlanFactory(institution=demo.institution, start_year=2017, end_year=2019)
    with django_assert_num_queries(INSTITUTION_PAGE_QUERIES):
        client.get(reverse("web:institution", args=["IEEM"]))


def test_layout_landmarks_skip_link_and_navigation(as_user, demo):
    html = as_user("consulta").get(reverse("web:findings", args=["IEEM"])).content.decode()
    assert html.index('class="skip-link" href="#contenido"') < html.index("<header")
    assert '<main id="contenido"' in html
    assert '<nav class="main-nav" aria-label="Navegación principal">' in html
    assert 'aria-label="Ruta de navegación"' in html
    assert "<footer" in html
    assert '<a href="/i/IEEM/hallazgos/" aria-current="page">Hallazgos</a>' in html
    assert '<link rel="stylesheet" href="/static/rumbo/rumbo.css">' in html


def test_stylesheet_is_served_and_marks_focus(client, demo):
    from django.contrib.staticfiles import finders

    path = finders.find("rumbo/rumbo.css")
    assert path
    css = Path(path).read_text(encoding="utf-8")
    assert ":focus-visible" in css
    assert "http" not in css  # nothing fetched from a CDN

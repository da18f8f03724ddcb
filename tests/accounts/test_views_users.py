"""The users pages: only Planeación of the institution; create, roles, (de)activate, reset."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.institutions.models import Membership, Role
from tests.conftest import PERSONAS
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def get_urls(demo) -> list[str]:
    enlace = demo.users["enlace_se"]
    return [
        reverse("web:users", args=["IEEM"]),
        reverse("web:user_create", args=["IEEM"]),
        reverse("web:user_detail", args=["IEEM", enlace.pk]),
    ]


def post_urls(demo) -> list[tuple[str, dict]]:
    enlace = demo.users["enlace_se"]
    membership = Membership.objects.get(user=enlace)
    return [
        (reverse("web:user_create", args=["IEEM"]), {"username": "x", "role": "consulta"}),
        (reverse("web:user_role_add", args=["IEEM", enlace.pk]), {"role": "consulta"}),
        (reverse("web:user_role_remove", args=["IEEM", enlace.pk, membership.pk]), {}),
        (reverse("web:user_set_active", args=["IEEM", enlace.pk]), {"activo": "0"}),
        (reverse("web:user_password_reset", args=["IEEM", enlace.pk]), {}),
    ]


def test_anonymous_goes_to_login(client, demo):
    login = reverse(settings.LOGIN_URL)
    for url in get_urls(demo):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{login}?next=")


@pytest.mark.parametrize("persona", [*PERSONAS, "ajeno"])
def test_every_persona_on_every_url(as_user, demo, persona):
    client = as_user(persona)
    expected = 200 if persona == "planeacion" else 403
    for url in get_urls(demo):
        assert client.get(url).status_code == expected, (persona, url)
    if persona != "planeacion":
        for url, data in post_urls(demo):
            assert client.post(url, data).status_code == 403, (persona, url)
        assert not AuditEvent.objects.exists()


def test_unknown_institution_user_or_membership_is_404(as_user, demo):
    client = as_user("planeacion")
    outsider = demo.users["ajeno"]
    assert client.get(reverse("web:users", args=["NOEXISTE"])).status_code == 404
    assert client.get(reverse("web:user_detail", args=["IEEM", outsider.pk])).status_code == 404
    other = Membership.objects.get(user=outsider)
    url = reverse("web:user_role_remove", args=["IEEM", demo.users["enlace_se"].pk, other.pk])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_iecm_planner_cannot_see_or_change_ieem_users(as_user, demo):
    client = as_user("ajeno")
    enlace = demo.users["enlace_se"]
    assert client.get(reverse("web:users", args=["IEEM"])).status_code == 403
    response = client.post(reverse("web:user_password_reset", args=["IEEM", enlace.pk]))
    assert response.status_code == 403
    assert "Acceso denegado" in response.content.decode()
    # Its own institution's page does not list IEEM's people.
    page = client.get(reverse("web:users", args=["IECM"])).content.decode()
    assert "enlace_se" not in page and "ajeno" in page


def test_get_never_writes(as_user, demo):
    client = as_user("planeacion")
    enlace = demo.users["enlace_se"]
    for name in ("user_set_active", "user_password_reset", "user_role_add"):
        assert client.get(reverse(f"web:{name}", args=["IEEM", enlace.pk])).status_code == 405
    assert not AuditEvent.objects.exists()


def test_the_list_shows_roles_areas_and_state(as_user, demo):
    demo.users["enlace_otra"].is_active = False
    demo.users["enlace_otra"].save()
    page = as_user("planeacion").get(reverse("web:users", args=["IEEM"])).content.decode()
    for username in ("planeacion", "enlace_se", "enlace_otra", "revisor", "consulta"):
        assert f"<code>{username}</code>" in page
    assert "ajeno" not in page
    assert "Enlace de área · SE" in page and "Enlace de área · DO" in page
    assert "Desactivada" in page
    assert "enlace_se@ejemplo.mx" in page


def test_the_list_runs_a_fixed_number_of_queries(as_user, demo, django_assert_num_queries):
    client = as_user("planeacion")
    url = reverse("web:users", args=["IEEM"])
    client.get(url)
    # session, user, institution, grant, members, their memberships with areas
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    for i in range(10):
        MembershipFactory(
            user=UserFactory(username=f"extra{i}"),
            institution=demo.institution,
            role=Role.ENLACE,
            area=demo.area_se,
        )
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


def test_create_a_liaison_shows_the_generated_password_once(as_user, demo):
    client = as_user("planeacion")
    response = client.post(
        reverse("web:user_create", args=["IEEM"]),
        {
            "username": "nuevo_enlace",
            "first_name": "Nora",
            "last_name": "Ríos",
            "email": "nora@ieem.org.mx",
            "role": "enlace",
            "area": demo.area_otra.pk,
            "password": "",
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    user = User.objects.get(username="nuevo_enlace")
    password = response.context["password"]
    assert password in response.content.decode()
    assert "una sola vez" in response.content.decode()
    assert user.check_password(password)
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.area) == ("enlace", demo.area_otra)
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "user.create",
        "membership.create",
    }
    assert AuditEvent.objects.filter(institution=demo.institution).count() == 2
    # The list now shows them; the password is nowhere else.
    page = client.get(reverse("web:users", args=["IEEM"])).content.decode()
    assert "nuevo_enlace" in page and password not in page


def test_create_refuses_bad_input_next_to_the_fields(as_user, demo):
    client = as_user("planeacion")
    response = client.post(
        reverse("web:user_create", args=["IEEM"]),
        {"username": "enlace_se", "email": "malo", "role": "enlace", "password": "123"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "Ya existe el usuario «enlace_se»." in form.errors["username"]
    assert "no es un correo" in form.errors["email"][0]
    assert "necesita un área" in form.errors["area"][0]
    assert form.errors["password"]
    assert not AuditEvent.objects.exists()
    page = response.content.decode()
    assert 'class="field-error"' in page and "Revisa los datos marcados" in page


def test_add_and_remove_roles_without_js(as_user, demo):
    client = as_user("planeacion")
    revisor = demo.users["revisor"]
    url = reverse("web:user_role_add", args=["IEEM", revisor.pk])
    response = client.post(url, {"role": "enlace", "area": demo.area_se.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:user_detail", args=["IEEM", revisor.pk])
    membership = Membership.objects.get(user=revisor, role="enlace")
    assert membership.area == demo.area_se

    response = client.post(url, {"role": "enlace", "area": demo.area_se.pk})
    assert response.status_code == 200
    assert "ya tiene el rol" in response.context["role_form"].errors["role"][0]

    remove = reverse("web:user_role_remove", args=["IEEM", revisor.pk, membership.pk])
    assert client.post(remove).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "membership.create",
        "membership.delete",
    ]

    # Removing the person's last role here takes them off the list.
    last = Membership.objects.get(user=revisor)
    response = client.post(reverse("web:user_role_remove", args=["IEEM", revisor.pk, last.pk]))
    assert response["Location"] == reverse("web:users", args=["IEEM"])


def test_roles_change_in_place_with_htmx(as_user, demo):
    client = as_user("planeacion")
    consulta = demo.users["consulta"]
    response = client.post(
        reverse("web:user_role_add", args=["IEEM", consulta.pk]),
        {"role": "revisor"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("{") is False and 'id="roles"' in html
    assert "<html" not in html
    assert "Se agregó el rol Revisor / validador" in html


def test_the_last_planner_role_cannot_be_removed(as_user, demo):
    client = as_user("planeacion")
    planner = demo.users["planeacion"]
    membership = Membership.objects.get(user=planner)
    response = client.post(
        reverse("web:user_role_remove", args=["IEEM", planner.pk, membership.pk])
    )
    assert response.status_code == 200
    assert "única persona de Planeación" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_deactivate_reactivate_and_login_refused(as_user, demo, client):
    planner_client = as_user("planeacion")
    enlace = demo.users["enlace_se"]
    url = reverse("web:user_set_active", args=["IEEM", enlace.pk])
    assert planner_client.post(url, {"activo": "0"}).status_code == 302
    enlace.refresh_from_db()
    assert not enlace.is_active
    page = planner_client.get(reverse("web:user_detail", args=["IEEM", enlace.pk])).content
    assert "Reactivar la cuenta" in page.decode()
    assert planner_client.post(url, {"activo": "1"}).status_code == 302
    enlace.refresh_from_db()
    assert enlace.is_active


def test_a_planner_cannot_deactivate_themself(as_user, demo):
    planner = demo.users["planeacion"]
    client = as_user("planeacion")
    response = client.post(
        reverse("web:user_set_active", args=["IEEM", planner.pk]), {"activo": "0"}
    )
    assert response.status_code == 200
    assert "No puedes desactivar tu propia cuenta." in response.content.decode()
    planner.refresh_from_db()
    assert planner.is_active


def test_reset_password_shows_a_temporary_one_once(as_user, demo):
    enlace = demo.users["enlace_se"]
    response = as_user("planeacion").post(
        reverse("web:user_password_reset", args=["IEEM", enlace.pk])
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = response.context["password"]
    assert "Contraseña temporal" in response.content.decode()
    enlace.refresh_from_db()
    assert enlace.check_password(password)
    event = AuditEvent.objects.get(action="user.password_reset")
    assert event.institution_id == demo.institution.pk
    assert password not in str(event.after)


def test_an_account_shared_with_another_institution_keeps_its_password(as_user, demo):
    consulta = demo.users["consulta"]
    MembershipFactory(user=consulta, institution=demo.other_institution, role=Role.CONSULTA)
    client = as_user("planeacion")
    page = client.get(reverse("web:user_detail", args=["IEEM", consulta.pk])).content.decode()
    assert "Restablecer la contraseña" not in page
    assert "otra institución" in page
    for name, data in (("user_password_reset", {}), ("user_set_active", {"activo": "0"})):
        response = client.post(reverse(f"web:{name}", args=["IEEM", consulta.pk]), data)
        assert response.status_code == 403
    consulta.refresh_from_db()
    assert consulta.is_active

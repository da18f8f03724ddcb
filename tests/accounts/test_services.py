"""Account services: validation in Spanish, atomic writes, audit without passwords."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from rumbo.accounts.services import (
    member_create,
    membership_add,
    membership_remove,
    password_generate,
    user_create,
    user_set_active,
    user_set_password,
)
from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.institutions.access import can_manage_account
from rumbo.institutions.models import Membership, Role
from tests.factories import AreaFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def actor(demo):
    return Actor.for_user(demo.users["planeacion"])


def audit_text() -> str:
    return json.dumps(list(AuditEvent.objects.values("before", "after", "reason", "object_repr")))


def test_generated_passwords_are_long_random_and_pass_the_validators():
    passwords = {password_generate() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) == 23 for p in passwords)


def test_user_create_generates_a_password_and_audits_without_it(actor, demo):
    user, password = user_create(
        actor=actor,
        username="nueva",
        first_name=" Lucía ",
        last_name="Gómez",
        email="Lucia@Ejemplo.MX",
        institution=demo.institution,
    )
    assert user.check_password(password)
    assert (user.first_name, user.email, user.is_active) == ("Lucía", "lucia@ejemplo.mx", True)
    event = AuditEvent.objects.get(action="user.create", object_id=user.pk)
    assert event.institution_id == demo.institution.pk
    assert event.after["username"] == "nueva"
    assert password not in audit_text()


def test_user_create_with_a_given_password(actor):
    user, password = user_create(actor=actor, username="ana.luz", password="una-frase-larga-2024")
    assert password == "una-frase-larga-2024"
    assert user.check_password(password)


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"username": ""}, "username", "obligatorio"),
        ({"username": "con espacio"}, "username", "sin espacios"),
        ({"username": "PLANEACION"}, "username", "Ya existe el usuario"),
        ({"username": "x" * 151}, "username", "hasta 150"),
        ({"username": "ok", "email": "no-es-correo"}, "email", "no es un correo"),
        ({"username": "ok", "password": "123"}, "password", "contraseña"),
        ({"username": "ok", "password": "password123"}, "password", "común"),
    ],
)
def test_user_create_refuses_bad_input_in_spanish(actor, kwargs, field, fragment):
    before = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        user_create(actor=actor, **kwargs)
    assert any(fragment in m for m in exc.value.message_dict[field]), exc.value.message_dict
    assert User.objects.count() == before


def test_member_create_is_all_or_nothing(actor, demo):
    with pytest.raises(ValidationError) as exc:
        member_create(
            actor=actor, institution=demo.institution, role=Role.ENLACE, username="sin_area"
        )
    assert "área" in exc.value.message_dict["area"][0]
    assert not User.objects.filter(username="sin_area").exists()
    assert not AuditEvent.objects.filter(action="user.create").exists()

    user, _ = member_create(
        actor=actor,
        institution=demo.institution,
        role=Role.ENLACE,
        area=demo.area_se,
        username="con_area",
    )
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.area) == (Role.ENLACE, demo.area_se)


def test_membership_add_validates_role_area_and_duplicates(actor, demo):
    user = demo.users["revisor"]
    foreign_area = AreaFactory(institution=demo.other_institution)
    cases = [
        ({"role": "jefe"}, "role", "Rol desconocido"),
        ({"role": Role.ENLACE}, "area", "necesita un área"),
        ({"role": Role.CONSULTA, "area": demo.area_se}, "area", "Solo el rol de enlace"),
        ({"role": Role.ENLACE, "area": foreign_area}, "area", "no pertenece"),
        ({"role": Role.REVISOR}, "role", "ya tiene el rol"),
    ]
    for kwargs, field, fragment in cases:
        with pytest.raises(ValidationError) as exc:
            membership_add(actor=actor, user=user, institution=demo.institution, **kwargs)
        assert fragment in exc.value.message_dict[field][0], kwargs
    membership = membership_add(
        actor=actor, user=user, institution=demo.institution, role=Role.ENLACE, area=demo.area_se
    )
    event = AuditEvent.objects.get(action="membership.create", object_id=membership.pk)
    assert event.after == {"user": "revisor", "role": "enlace", "area": "SE"}


def test_the_last_planning_membership_cannot_be_removed(actor, demo):
    only = Membership.objects.get(institution=demo.institution, role=Role.PLANEACION)
    with pytest.raises(ValidationError) as exc:
        membership_remove(actor=actor, membership=only)
    assert "única persona de Planeación" in exc.value.messages[0]

    # An inactive second planner does not count: nobody could log in to manage it.
    other = MembershipFactory(
        user=UserFactory(username="otra_plan", is_active=False),
        institution=demo.institution,
        role=Role.PLANEACION,
    )
    with pytest.raises(ValidationError):
        membership_remove(actor=actor, membership=only)

    other.user.is_active = True
    other.user.save()
    membership_remove(actor=actor, membership=only)
    assert not Membership.objects.filter(pk=only.pk).exists()
    event = AuditEvent.objects.get(action="membership.delete")
    assert event.before == {"user": "planeacion", "role": "planeacion", "area": None}


def test_set_active_refuses_oneself_and_the_last_planner(demo):
    planner = demo.users["planeacion"]
    with pytest.raises(ValidationError) as exc:
        user_set_active(actor=Actor.for_user(planner), user=planner, active=False)
    assert "propia cuenta" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        user_set_active(actor=Actor.cli(), user=planner, active=False)
    assert "única persona de Planeación activa en IEEM" in exc.value.messages[0]


def test_set_active_toggles_and_audits(actor, demo):
    enlace = demo.users["enlace_se"]
    assert user_set_active(actor=actor, user=enlace, active=False, institution=demo.institution)
    enlace.refresh_from_db()
    assert not enlace.is_active
    assert not user_set_active(actor=actor, user=enlace, active=False)  # nothing to do
    assert user_set_active(actor=actor, user=enlace, active=True)
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "after"))
    assert actions == [
        ("user.deactivate", {"is_active": False}),
        ("user.activate", {"is_active": True}),
    ]


def test_password_reset_returns_a_new_secret_never_audited(actor, demo):
    enlace = demo.users["enlace_se"]
    password = user_set_password(actor=actor, user=enlace, institution=demo.institution)
    enlace.refresh_from_db()
    assert enlace.check_password(password)
    assert password not in audit_text()
    assert AuditEvent.objects.get(action="user.password_reset").after == {"password": "cambiada"}
    with pytest.raises(ValidationError) as exc:
        user_set_password(actor=actor, user=enlace, password="enlace_se")
    assert "password" in exc.value.message_dict
    enlace.refresh_from_db()
    assert enlace.check_password(password)


def test_an_account_in_another_institution_is_not_manageable(demo):
    planner = demo.users["planeacion"]
    shared = demo.users["consulta"]
    assert can_manage_account(planner, shared)
    MembershipFactory(user=shared, institution=demo.other_institution, role=Role.CONSULTA)
    assert not can_manage_account(planner, shared)
    boss = UserFactory(username="raiz", is_superuser=True)
    assert can_manage_account(boss, shared)
    assert not can_manage_account(planner, boss)

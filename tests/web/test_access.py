"""The access layer: who sees which institution and who may change which activity."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rumbo.institutions.access import (
    can_view_institution,
    institution_for_user,
    user_institutions,
    user_roles,
)
from rumbo.institutions.models import Role
from rumbo.programs.access import access_activity, can_access_activity
from rumbo.programs.models import activity_area_id
from tests.factories import (
    ActivityFactory,
    InstitutionFactory,
    MembershipFactory,
    ProgramNodeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_institution_for_user_returns_it_to_a_member(demo):
    assert institution_for_user(demo.users["consulta"], "IEEM") == demo.institution


def test_institution_for_user_is_404_when_the_code_does_not_exist(demo):
    with pytest.raises(Http404):
        institution_for_user(demo.users["planeacion"], "NOEXISTE")


def test_institution_for_user_is_403_for_a_member_of_another_institution(demo):
    with pytest.raises(PermissionDenied):
        institution_for_user(demo.users["ajeno"], "IEEM")


def test_anonymous_and_inactive_users_see_nothing(demo):
    inactive = demo.users["consulta"]
    inactive.is_active = False
    assert not can_view_institution(AnonymousUser(), demo.institution)
    assert not can_view_institution(inactive, demo.institution)
    assert list(user_institutions(AnonymousUser())) == []
    assert list(user_institutions(inactive)) == []


def test_superuser_sees_every_institution_as_planeacion(demo):
    root = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    assert set(user_institutions(root)) == {demo.institution, demo.other_institution}
    assert user_roles(root, demo.other_institution) == {Role.PLANEACION}
    assert can_access_activity(root, demo.activity_otra, for_write=True)


def test_user_institutions_lists_each_institution_once(demo):
    user = demo.users["enlace_se"]
    MembershipFactory(user=user, institution=demo.institution, role=Role.REVISOR)
    MembershipFactory(user=user, institution=demo.other_institution, role=Role.CONSULTA)
    assert list(user_institutions(user)) == [demo.other_institution, demo.institution]


def test_user_roles_are_the_role_slugs(demo):
    assert user_roles(demo.users["enlace_se"], demo.institution) == {"enlace"}
    assert user_roles(demo.users["ajeno"], demo.institution) == frozenset()


@pytest.mark.parametrize(
    ("persona", "own_write", "other_write"),
    [
        ("planeacion", True, True),
        ("enlace_se", True, False),
        ("enlace_otra", False, True),
        ("revisor", False, False),
        ("consulta", False, False),
    ],
)
def test_access_activity_by_role(demo, persona, own_write, other_write):
    user = demo.users[persona]
    se_activity, do_activity = demo.activity_full, demo.activity_otra
    assert access_activity(user, se_activity, for_write=False) == se_activity
    assert access_activity(user, do_activity, for_write=False) == do_activity
    assert can_access_activity(user, se_activity, for_write=True) is own_write
    assert can_access_activity(user, do_activity, for_write=True) is other_write
    if not own_write:
        with pytest.raises(PermissionDenied):
            access_activity(user, se_activity, for_write=True)


def test_a_member_of_another_institution_can_neither_read_nor_write(demo):
    with pytest.raises(PermissionDenied):
        access_activity(demo.users["ajeno"], demo.activity_full, for_write=False)
    assert not can_access_activity(demo.users["ajeno"], demo.activity_full, for_write=True)


def test_the_activity_area_is_inherited_from_the_nearest_node(demo):
    # demo activities have no area of their own: the subprogram's area applies.
    assert demo.activity_full.area_id is None
    assert activity_area_id(demo.activity_full) == demo.area_se.pk
    nodes = {demo.project.pk: demo.project, demo.subprogram.pk: demo.subprogram}
    assert activity_area_id(demo.activity_full, nodes) == demo.area_se.pk


def test_an_activity_own_area_wins_over_the_subprogram(demo):
    moved = ActivityFactory(node=demo.project, key="010199", area=demo.area_otra)
    assert can_access_activity(demo.users["enlace_otra"], moved, for_write=True)
    assert not can_access_activity(demo.users["enlace_se"], moved, for_write=True)


def test_an_activity_without_any_area_is_writable_only_by_planeacion(demo):
    orphan_node = ProgramNodeFactory(program=demo.program, key="99", area=None)
    orphan = ActivityFactory(node=orphan_node, key="990101")
    assert activity_area_id(orphan) is None
    assert not can_access_activity(demo.users["enlace_se"], orphan, for_write=True)
    assert can_access_activity(demo.users["planeacion"], orphan, for_write=True)


def test_roles_are_read_once_per_user_object(demo, django_assert_num_queries):
    user = demo.users["enlace_se"]
    activities = [demo.activity_full, demo.activity_fraction, demo.activity_missing]
    for activity in activities:
        activity.program  # noqa: B018 (load the program outside the counted block)
        activity.node.parent  # noqa: B018
    with django_assert_num_queries(1):
        for activity in activities:
            assert can_access_activity(user, activity, for_write=True)
        assert user_roles(user, demo.institution) == {"enlace"}


def test_institution_factory_defaults_are_readable():
    institution = InstitutionFactory()
    assert institution.code == "IEEM"
    assert "México" in institution.name

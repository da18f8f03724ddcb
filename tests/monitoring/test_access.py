"""The monitoring access rules (``rumbo.programs.access``, ``rumbo.institutions.access``),
persona by persona."""

from __future__ import annotations

import pytest

from rumbo.institutions.access import (
    Capability,
    can,
    can_submit_period,
)
from rumbo.programs.access import can_capture, can_view_evidence

# persona → (capture SE, capture DO, evidence SE, evidence DO, submit SE, submit DO)
TABLE = {
    "planeacion": (True, True, True, True, True, True),
    "enlace_se": (True, False, True, False, True, False),
    "enlace_otra": (False, True, False, True, False, True),
    "revisor": (False, False, True, True, False, False),
    "consulta": (False, False, False, False, False, False),
    "ajeno": (False, False, False, False, False, False),
}


@pytest.mark.parametrize("persona", list(TABLE))
def test_capture_evidence_and_submit_by_persona(demo, persona: str) -> None:
    user = demo.users[persona]
    se, do = demo.activity_full, demo.activity_otra
    got = (
        can_capture(user, se),
        can_capture(user, do),
        can_view_evidence(user, se),
        can_view_evidence(user, do),
        can_submit_period(user, demo.institution, demo.area_se),
        can_submit_period(user, demo.institution, demo.area_otra),
    )
    assert got == TABLE[persona]


@pytest.mark.parametrize(
    ("persona", "review", "manage"),
    [
        ("planeacion", True, True),
        ("revisor", True, False),
        ("enlace_se", False, False),
        ("consulta", False, False),
        ("ajeno", False, False),
    ],
)
def test_review_and_manage_capabilities(demo, persona: str, review: bool, manage: bool) -> None:
    user = demo.users[persona]
    assert can(user, demo.institution, Capability.REVIEW_PROGRESS) is review
    assert can(user, demo.institution, Capability.MANAGE_MONITORING) is manage


def test_anonymous_may_do_nothing(demo) -> None:
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    assert not can_capture(anon, demo.activity_full)
    assert not can_view_evidence(anon, demo.activity_full)
    assert not can_submit_period(anon, demo.institution, demo.area_se)

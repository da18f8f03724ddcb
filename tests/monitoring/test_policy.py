"""policy_update: the capture close day and the evidence limit, validated and audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.monitoring.models import MonitoringPolicy
from rumbo.monitoring.policy import policy_update
from tests.factories import Demo

pytestmark = pytest.mark.django_db

ACTOR = Actor(user=None, label="prueba")


def test_policy_update_creates_then_changes_and_audits(demo: Demo) -> None:
    policy = policy_update(
        actor=ACTOR, institution=demo.institution, close_day=5, evidence_max_mb="25"
    )
    assert (policy.close_day, policy.evidence_max_mb) == (5, 25)
    policy_update(
        actor=ACTOR,
        institution=demo.institution,
        close_day="12",
        evidence_max_mb=25,
        reason="Ajuste",
    )
    events = list(
        AuditEvent.objects.order_by("id").values_list("action", "before", "after", "reason")
    )
    assert events == [
        ("policy.update", None, {"close_day": 5, "evidence_max_mb": 25}, ""),
        (
            "policy.update",
            {"close_day": 5, "evidence_max_mb": 25},
            {"close_day": 12, "evidence_max_mb": 25},
            "Ajuste",
        ),
    ]


def test_policy_update_without_changes_writes_nothing(demo: Demo) -> None:
    policy_update(actor=ACTOR, institution=demo.institution, close_day=10, evidence_max_mb=10)
    policy_update(actor=ACTOR, institution=demo.institution, close_day=10, evidence_max_mb=10)
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("close_day", "size", "fields"),
    [
        (0, 10, {"close_day"}),
        (29, 10, {"close_day"}),
        ("x", 10, {"close_day"}),
        (10, 0, {"evidence_max_mb"}),
        (10, 101, {"evidence_max_mb"}),
        (True, "2.5", {"close_day", "evidence_max_mb"}),
    ],
)
def test_policy_update_refuses_out_of_range(demo: Demo, close_day, size, fields) -> None:
    with pytest.raises(ValidationError) as exc:
        policy_update(
            actor=ACTOR, institution=demo.institution, close_day=close_day, evidence_max_mb=size
        )
    assert set(exc.value.message_dict) == fields
    assert not MonitoringPolicy.objects.exists()
    assert not AuditEvent.objects.exists()

"""Accepting, resolving and reopening quality findings (the service the page and API share)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.imports.models import FindingStatus, QualityFinding
from rumbo.imports.review import finding_review

pytestmark = pytest.mark.django_db


def a_finding(demo) -> QualityFinding:
    return QualityFinding.objects.get(institution=demo.institution, code="sum_mismatch")


def test_accept_records_who_when_and_why_and_audits(demo):
    finding = a_finding(demo)
    user = demo.users["revisor"]
    finding_review(
        actor=Actor.for_user(user),
        finding=finding,
        status="accepted",
        comment="  El documento original suma 11; así se aprobó.  ",
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ACCEPTED
    assert finding.resolved_by == user
    assert finding.resolved_at is not None
    assert finding.resolution_comment == "El documento original suma 11; así se aprobó."
    event = AuditEvent.objects.get(action="finding.accepted", object_id=finding.pk)
    assert event.actor == user
    assert event.institution == demo.institution
    assert event.before["status"] == "open"
    assert event.after["status"] == "accepted"
    assert event.after["resolved_by"] == "revisor"
    assert event.reason == "El documento original suma 11; así se aprobó."


@pytest.mark.parametrize("status", ["accepted", "resolved"])
@pytest.mark.parametrize("comment", ["", "   "])
def test_accepting_or_resolving_needs_a_comment(demo, status, comment):
    finding = a_finding(demo)
    with pytest.raises(ValidationError) as exc:
        finding_review(
            actor=Actor.for_user(demo.users["planeacion"]),
            finding=finding,
            status=status,
            comment=comment,
        )
    assert "comment" in exc.value.message_dict
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    assert not AuditEvent.objects.filter(object_id=finding.pk, action__startswith="finding.")


def test_an_unknown_status_is_refused(demo):
    with pytest.raises(ValidationError) as exc:
        finding_review(
            actor=Actor.for_user(demo.users["planeacion"]),
            finding=a_finding(demo),
            status="closed",
            comment="x",
        )
    assert "status" in exc.value.message_dict


def test_a_too_long_comment_is_refused(demo):
    with pytest.raises(ValidationError) as exc:
        finding_review(
            actor=Actor.for_user(demo.users["planeacion"]),
            finding=a_finding(demo),
            status="resolved",
            comment="x" * 2001,
        )
    assert "2,000" in exc.value.message_dict["comment"][0]


def test_reopen_clears_the_review_and_keeps_it_in_the_history(demo):
    finding = a_finding(demo)
    actor = Actor.for_user(demo.users["planeacion"])
    finding_review(actor=actor, finding=finding, status="resolved", comment="Corregido a 12.")
    finding_review(actor=actor, finding=finding, status="open", comment="")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    assert finding.resolved_by is None
    assert finding.resolved_at is None
    assert finding.resolution_comment == ""
    reopen = AuditEvent.objects.get(action="finding.reopen", object_id=finding.pk)
    assert reopen.before["resolution_comment"] == "Corregido a 12."
    assert reopen.after["resolution_comment"] == ""


def test_reopening_an_open_finding_is_refused(demo):
    with pytest.raises(ValidationError) as exc:
        finding_review(
            actor=Actor.for_user(demo.users["planeacion"]),
            finding=a_finding(demo),
            status="open",
            comment="",
        )
    assert exc.value.message_dict["status"] == ["El hallazgo ya está abierto."]


def test_a_reviewed_finding_can_change_from_accepted_to_resolved(demo):
    finding = a_finding(demo)
    actor = Actor.for_user(demo.users["revisor"])
    finding_review(actor=actor, finding=finding, status="accepted", comment="Se acepta.")
    finding_review(actor=actor, finding=finding, status="resolved", comment="Ya se corrigió.")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED
    assert finding.resolution_comment == "Ya se corrigió."


def test_a_command_line_actor_leaves_no_user(demo):
    finding = a_finding(demo)
    finding_review(actor=Actor.cli(), finding=finding, status="accepted", comment="Revisado.")
    finding.refresh_from_db()
    assert finding.resolved_by is None
    assert finding.status == FindingStatus.ACCEPTED

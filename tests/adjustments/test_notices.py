"""Adjustment requests tell whoever decides (the institution's deciding role, not the
requester), and the decision tells the requester — by e-mail, read back from a real SMTP
server, and in the app."""

from __future__ import annotations

import pytest

from rumbo.adjustments.models import AdjustmentPolicy
from rumbo.adjustments.services import (
    Proposal,
    adjustment_approve,
    adjustment_reject,
    adjustment_request,
)
from rumbo.notifications.models import Notification
from tests.adjustments.test_life_cycle import actor, approve
from tests.smtp import body_text

pytestmark = pytest.mark.django_db


def subject(message) -> str:
    """The subject as a mail client shows it (a long encoded one is folded)."""
    return " ".join(str(message["Subject"]).split())


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(fn, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kw)

    return run


def text(message) -> str:
    return body_text(message).replace("\r\n", "\n")


def request_by(demo, persona: str, committed, target: str = "5000"):
    return committed(
        adjustment_request,
        actor=actor(demo, persona),
        program=demo.program,
        proposal=Proposal(kind="meta_anual", activity=demo.activity_full, annual_target=target),
        justification="Se suma el convenio con el INE.",
    )


def test_requested_tells_planeacion_and_approved_tells_the_requester(
    demo, smtp_server, committed
) -> None:
    approve(demo)
    key = demo.activity_full.key
    request = request_by(demo, "enlace_se", committed)
    url = f"/i/IEEM/programa/2024/adecuaciones/{request.pk}/"
    assert [rcpts for rcpts, _ in smtp_server.messages] == [["planeacion@ejemplo.mx"]]
    asked = smtp_server.messages[0][1]
    assert subject(asked) == (
        f"Rumbo: Adecuación por decidir: folio {request.number}, actividad {key}"
    )
    assert "Justificación: Se suma el convenio con el INE." in text(asked)
    assert url in text(asked)
    smtp_server.clear()
    committed(adjustment_approve, actor=actor(demo, "planeacion"), adjustment=request)
    (decided,) = smtp_server.to("enlace_se@ejemplo.mx")
    assert subject(decided) == (
        f"Rumbo: Adecuación aprobada: folio {request.number}, actividad {key}"
    )
    assert "ya se aplicó al programa 2024 (versión 2)." in text(decided)
    assert len(smtp_server.messages) == 1
    assert list(Notification.objects.order_by("pk").values_list("recipient__username", "kind")) == [
        ("planeacion", "adjustment_requested"),
        ("enlace_se", "adjustment_decided"),
    ]


def test_under_the_revisor_policy_the_revisor_is_told_and_a_rejection_says_why(
    demo, smtp_server, committed
) -> None:
    approve(demo)
    AdjustmentPolicy.objects.create(institution=demo.institution, decider="revisor")
    request = request_by(demo, "planeacion", committed)
    assert [rcpts for rcpts, _ in smtp_server.messages] == [["revisor@ejemplo.mx"]]
    smtp_server.clear()
    committed(
        adjustment_reject,
        actor=actor(demo, "revisor"),
        adjustment=request,
        reason="Sin oficio de soporte.",
    )
    (rejected,) = smtp_server.to("planeacion@ejemplo.mx")
    assert subject(rejected).startswith("Rumbo: Adecuación rechazada: folio")
    assert "rechazó tu solicitud de adecuación" in text(rejected)
    assert "Sin oficio de soporte." in text(rejected)

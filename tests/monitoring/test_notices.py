"""The capture cycle tells whom it concerns, by e-mail (read back from a real SMTP
server) and in the app: sent → the revisores (Planeación without them); returned (with
the observations), approved, reopened → the area's enlaces. Each event once per person; a
second return after a resubmission is a new event."""

from __future__ import annotations

import pytest

from rumbo.institutions.models import Membership, Role
from rumbo.monitoring.services import (
    period_approve,
    period_reopen,
    period_return,
    period_submit,
)
from rumbo.notifications.models import Notification, NotificationPreference
from tests.factories import measure_indicator
from tests.monitoring.test_services import JAN_OPEN, act, capture_january, submit
from tests.smtp import body_text

pytestmark = pytest.mark.django_db


def subject(message) -> str:
    """The subject as a mail client shows it (a long encoded one is folded)."""
    return " ".join(str(message["Subject"]).split())


GRID = "/i/IEEM/programa/2024/captura/SE/1/"


@pytest.fixture(autouse=True)
def _due_indicators_measured(demo):
    measure_indicator(demo.design.ind_a11, 1)


@pytest.fixture
def mail(smtp_server, django_capture_on_commit_callbacks):
    """Run each action as committed (its on_commit e-mail leaves) and read the inbox."""

    def run(fn, *args, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kw)

    run.inbox = smtp_server  # type: ignore[attr-defined]
    return run


def text(message) -> str:
    return body_text(message).replace("\r\n", "\n")


def test_sent_goes_to_the_revisor_with_the_link_and_the_month(demo, mail) -> None:
    capture_january(demo)
    mail(submit, demo)
    messages = mail.inbox.messages
    assert [rcpts for rcpts, _ in messages] == [["revisor@ejemplo.mx"]]
    message = messages[0][1]
    assert subject(message) == "Rumbo: Captura por revisar: enero 2024 · SE"
    body = text(message)
    assert "envió la captura de enero de 2024 del área" in body
    assert f"Ábrelo en Rumbo: {GRID}" in body
    (aviso,) = Notification.objects.filter(recipient=demo.users["revisor"])
    assert (aviso.kind, aviso.url, aviso.read_at) == ("capture_submitted", GRID, None)


def test_without_revisores_planeacion_is_told(demo, mail) -> None:
    Membership.objects.filter(role=Role.REVISOR).delete()
    capture_january(demo)
    mail(submit, demo)
    assert [rcpts for rcpts, _ in mail.inbox.messages] == [["planeacion@ejemplo.mx"]]


def test_returned_tells_the_enlace_the_observations_and_a_second_return_again(demo, mail) -> None:
    capture_january(demo)
    mail(submit, demo)
    mail.inbox.clear()
    mail(act, period_return, demo, "revisor", reason="La cifra de enero no cuadra con el informe")
    (message,) = mail.inbox.to("enlace_se@ejemplo.mx")
    assert subject(message) == "Rumbo: Captura devuelta: enero 2024 · SE"
    body = text(message)
    assert "devolvió la captura de enero de 2024" in body
    assert "La cifra de enero no cuadra con el informe" in body
    assert GRID in body
    assert mail.inbox.to("enlace_otra@ejemplo.mx") == []  # another area's enlace
    mail(submit, demo)
    mail(act, period_return, demo, "revisor", reason="Falta la evidencia")
    returned = [m for m in mail.inbox.to("enlace_se@ejemplo.mx") if "devuelta" in subject(m)]
    assert len(returned) == 2
    assert "Falta la evidencia" in text(returned[1])


def test_approved_and_reopened_tell_the_enlace(demo, mail) -> None:
    capture_january(demo)
    mail(submit, demo)
    mail(act, period_approve, demo, "revisor", comment="Correcto")
    mail(act, period_reopen, demo, "planeacion", reason="Error de captura detectado")
    subjects = [subject(m) for m in mail.inbox.to("enlace_se@ejemplo.mx")]
    assert subjects == [
        "Rumbo: Captura aprobada: enero 2024 · SE",
        "Rumbo: Captura reabierta: enero 2024 · SE",
    ]
    reopened = text(mail.inbox.to("enlace_se@ejemplo.mx")[1])
    assert "reabrió la captura de enero de 2024" in reopened
    assert "Error de captura detectado" in reopened
    kinds = list(
        Notification.objects.filter(recipient=demo.users["enlace_se"])
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["capture_approved", "capture_reopened"]


def test_email_off_means_the_aviso_in_the_app_only(demo, mail) -> None:
    NotificationPreference.objects.create(user=demo.users["revisor"], email_enabled=False)
    capture_january(demo)
    mail(submit, demo)
    assert mail.inbox.messages == []
    assert Notification.objects.filter(recipient=demo.users["revisor"]).count() == 1


def test_nobody_is_told_of_their_own_action(demo, mail) -> None:
    """Planeación sends SE's capture with no revisor in the institution: the fallback
    would be Planeación itself, who is not told."""
    Membership.objects.filter(role=Role.REVISOR).delete()
    capture_january(demo)
    mail(act, period_submit, demo, "planeacion", today=JAN_OPEN)
    assert mail.inbox.messages == []
    assert not Notification.objects.exists()

"""``notify``: one aviso per recipient and key, the e-mail after the commit (none after a
rollback), e-mail off or no address → in the app only, a failing mail server breaks
nothing and a later retry sends. Mail is read back from a real SMTP server."""

from __future__ import annotations

import socket

import pytest
from django.db import transaction
from django.utils import timezone

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.notifications.models import Notification, NotificationKind, NotificationPreference
from rumbo.notifications.services import email_preference_set, email_retry, notify
from tests.factories import UserFactory
from tests.smtp import body_text


def text_of(message) -> str:
    return body_text(message).replace("\r\n", "\n")  # SMTP lines end in CRLF


pytestmark = pytest.mark.django_db


def subject(message) -> str:
    """The subject as a mail client shows it (a long encoded one is folded)."""
    return " ".join(str(message["Subject"]).split())


def tell(users, key: str = "prueba:1"):
    return notify(
        recipients=users,
        kind=NotificationKind.CAPTURE_APPROVED,
        title="Captura aprobada: noviembre 2024 · SE",
        body="Tu captura de noviembre de 2024 fue aprobada.",
        url="/i/IEEM/programa/2024/captura/SE/11/",
        key=key,
    )


def test_a_second_call_with_the_same_key_creates_and_sends_nothing(
    smtp_server, django_capture_on_commit_callbacks
):
    ana, beto = UserFactory(username="ana"), UserFactory(username="beto")
    with django_capture_on_commit_callbacks(execute=True):
        assert len(tell([ana])) == 1
    with django_capture_on_commit_callbacks(execute=True):
        created = tell([ana, beto])  # only beto is new
    assert [n.recipient for n in created] == [beto]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert tell([ana, beto]) == []
    assert callbacks == []
    assert Notification.objects.filter(key="prueba:1").count() == 2
    assert sorted(r for rcpts, _ in smtp_server.messages for r in rcpts) == [
        "ana@ejemplo.mx",
        "beto@ejemplo.mx",
    ]


def test_the_mail_leaves_after_the_commit_and_never_after_a_rollback(
    smtp_server, django_capture_on_commit_callbacks
):
    ana = UserFactory(username="ana")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tell([ana])
    assert smtp_server.messages == []  # not committed yet: nothing sent
    assert len(callbacks) == 1
    callbacks[0]()
    (message,) = smtp_server.to("ana@ejemplo.mx")
    assert subject(message) == "Rumbo: Captura aprobada: noviembre 2024 · SE"

    class Boom(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as rolled,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        tell([ana], key="prueba:2")
        raise Boom
    assert rolled == []
    assert not Notification.objects.filter(key="prueba:2").exists()
    assert len(smtp_server.messages) == 1


def test_the_mail_has_the_absolute_link_and_how_to_turn_it_off(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.RUMBO_BASE_URL = "https://rumbo.ieem.org.mx"
    ana = UserFactory(username="ana", first_name="Ana", last_name="Ruiz")
    with django_capture_on_commit_callbacks(execute=True):
        tell([ana])
    (message,) = smtp_server.to("ana@ejemplo.mx")
    text = text_of(message)
    assert text.startswith("Hola, Ana Ruiz:\n\nTu captura de noviembre de 2024 fue aprobada.")
    assert "https://rumbo.ieem.org.mx/i/IEEM/programa/2024/captura/SE/11/" in text
    assert (
        "Para dejar de recibir avisos por correo, desactívalos en «Avisos»: "
        "https://rumbo.ieem.org.mx/cuenta/avisos/"
    ) in text
    n = Notification.objects.get(recipient=ana)
    assert n.emailed_at is not None and not n.email_pending


def test_without_base_url_the_link_is_the_path(smtp_server, django_capture_on_commit_callbacks):
    ana = UserFactory(username="ana")
    with django_capture_on_commit_callbacks(execute=True):
        tell([ana])
    text = text_of(smtp_server.to("ana@ejemplo.mx")[0])
    assert "Ábrelo en Rumbo: /i/IEEM/programa/2024/captura/SE/11/\n" in text


def test_email_off_or_no_address_means_in_the_app_only(
    smtp_server, django_capture_on_commit_callbacks
):
    ana, beto, carla = (UserFactory(username=n) for n in ("ana", "beto", "carla"))
    NotificationPreference.objects.create(user=ana, email_enabled=False)
    carla.email = ""
    carla.save()
    with django_capture_on_commit_callbacks(execute=True):
        tell([ana, beto, carla])
    assert Notification.objects.filter(key="prueba:1").count() == 3
    assert [rcpts for rcpts, _ in smtp_server.messages] == [["beto@ejemplo.mx"]]
    assert (
        set(
            Notification.objects.filter(email_pending=True).values_list(
                "recipient__username", flat=True
            )
        )
        == set()
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed once we leave: connection refused


def test_a_failing_mail_server_breaks_nothing_and_a_retry_sends(
    smtp_server, settings, django_capture_on_commit_callbacks, caplog
):
    ana = UserFactory(username="ana")
    settings.EMAIL_PORT = _closed_port()
    with django_capture_on_commit_callbacks(execute=True):
        assert len(tell([ana])) == 1  # no exception reaches the caller
    n = Notification.objects.get(recipient=ana)
    assert n.emailed_at is None and n.email_pending
    assert "could not e-mail notification" in caplog.text
    settings.EMAIL_PORT = smtp_server.port
    assert email_retry(now=timezone.now()) == (1, 0)
    assert email_retry(now=timezone.now()) == (0, 0)  # sent once
    assert len(smtp_server.to("ana@ejemplo.mx")) == 1
    n.refresh_from_db()
    assert n.emailed_at is not None and not n.email_pending


def test_a_retry_does_not_mail_who_turned_email_off_since(smtp_server, settings):
    ana = UserFactory(username="ana")
    settings.EMAIL_PORT = _closed_port()
    tell([ana])  # outside a captured commit: the test's transaction never commits
    Notification.objects.update(email_pending=True)
    email_preference_set(actor=Actor.for_user(ana), user=ana, enabled=False)
    settings.EMAIL_PORT = smtp_server.port
    assert email_retry(now=timezone.now()) == (0, 0)
    assert smtp_server.messages == []
    assert not Notification.objects.get(recipient=ana).email_pending


def test_the_preference_change_is_audited_once(db):
    ana = UserFactory(username="ana")
    email_preference_set(actor=Actor.for_user(ana), user=ana, enabled=False)
    email_preference_set(actor=Actor.for_user(ana), user=ana, enabled=False)  # no change
    event = AuditEvent.objects.get()
    assert event.action == "notifications.email_preference"
    assert (event.before, event.after) == ({"email_enabled": True}, {"email_enabled": False})

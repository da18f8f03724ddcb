"""The test SMTP server receives what Django's SMTP backend sends (other tests rely on it)."""

from django.core.mail import send_mail

from tests.smtp import body_text


def test_mail_sent_through_django_reaches_the_test_server(smtp_server):
    sent = send_mail(
        "Asunto ñ", "Cuerpo con acentos: aprobación", "rumbo@example.org", ["a@example.org"]
    )
    assert sent == 1
    message = smtp_server.wait_for(lambda m: m["Subject"] == "Asunto ñ", timeout=10)
    assert smtp_server.to("a@example.org") == [message]
    assert "aprobación" in body_text(message)

"""The capture windows' reminders (``reminders_run``, behind `rumbo notify` and the
worker's hourly job), on the demo program 2024 with the default close day (10).

Hand-worked from the demo's calendars: in November SE programs 010101 (330), 010103 (1)
and 010104 (1), the Dirección de Organización (DO) nothing; in October DO programs 020101
(1). November's window is 01/12/2024–10/12/2024: opened from the 1st, «cierra pronto»
from the 7th (three days before), closed from the 11th."""

from __future__ import annotations

from datetime import date

import pytest

from rumbo.monitoring.models import PeriodReport, PeriodState, WindowExtension
from rumbo.monitoring.reminders import reminders_run
from rumbo.notifications.models import Notification
from tests.smtp import body_text

pytestmark = pytest.mark.django_db


def subject(message) -> str:
    return " ".join(str(message["Subject"]).split())


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """``reminders_run`` as committed: its e-mails leave (on_commit) as under `rumbo notify`."""

    def run(day: date, dry_run: bool = False):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_run(today=day, dry_run=dry_run)

    return run


def told(demo) -> list[tuple[str, str, str]]:
    return list(
        Notification.objects.order_by("pk").values_list("recipient__username", "kind", "title")
    )


def test_window_opened_goes_once_to_the_enlaces_of_areas_programmed_that_month(
    demo, smtp_server, remind
) -> None:
    first = remind(date(2024, 12, 2))
    assert told(demo) == [
        (
            "enlace_se",
            "window_opened",
            "Captura de noviembre de 2024: ventana abierta hasta el 10/12/2024",
        )
    ]
    (message,) = smtp_server.to("enlace_se@ejemplo.mx")
    assert subject(message) == (
        "Rumbo: Captura de noviembre de 2024: ventana abierta hasta el 10/12/2024"
    )
    body = body_text(message)
    assert "Ya puedes capturar el avance de noviembre de 2024 del área Secretaría" in body
    assert "/i/IEEM/programa/2024/captura/SE/11/" in body
    assert first.lines()[0] == (
        "Recordatorios del 02/12/2024: Se enviaron 1 de ventana abierta y 0 de cierre próximo."
    )
    again = remind(date(2024, 12, 2))
    later = remind(date(2024, 12, 6))  # 4 days left: nothing new
    assert again.planned == later.planned == []
    assert len(smtp_server.messages) == 1


def test_three_days_before_the_close_with_nothing_sent(demo, smtp_server, remind) -> None:
    remind(date(2024, 12, 2))
    smtp_server.clear()
    remind(date(2024, 12, 7))
    remind(date(2024, 12, 7))
    (message,) = smtp_server.messages
    assert message[0] == ["enlace_se@ejemplo.mx"]
    assert subject(message[1]) == (
        "Rumbo: La captura de noviembre de 2024 cierra en 3 días (10/12/2024)"
    )
    assert "todavía no se ha enviado" in body_text(message[1])
    # On the 9th the same window's closing reminder is not sent again.
    assert remind(date(2024, 12, 9)).planned == []
    assert remind(date(2024, 12, 11)).planned == []  # closed


def test_a_capture_sent_or_approved_is_not_reminded(demo, smtp_server, remind) -> None:
    for state in (PeriodState.SUBMITTED, PeriodState.APPROVED):
        PeriodReport.objects.update_or_create(
            program=demo.program, area=demo.area_se, month=11, defaults={"state": state}
        )
        assert remind(date(2024, 12, 8)).planned == []
    PeriodReport.objects.filter(month=11).update(state=PeriodState.RETURNED)
    assert [r.kind for r, _ in remind(date(2024, 12, 8)).planned] == ["window_closing"]
    assert smtp_server.to("enlace_se@ejemplo.mx")


def test_an_extension_reopens_a_month_for_its_area_only(demo, smtp_server, remind) -> None:
    WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=10,
        area=demo.area_otra,
        until=date(2024, 12, 20),
        reason="Cambio de titular",
        created_by="planeacion",
    )
    remind(date(2024, 12, 2))
    assert [(u, k) for u, k, _ in told(demo)] == [
        ("enlace_otra", "window_opened"),  # October, DO, extended (months in order)
        ("enlace_se", "window_opened"),  # November, SE; its October stays closed
    ]
    (message,) = smtp_server.to("enlace_otra@ejemplo.mx")
    assert subject(message) == (
        "Rumbo: Captura de octubre de 2024: ventana prorrogada hasta el 20/12/2024"
    )
    assert "(Cambio de titular)" in body_text(message)


def test_december_is_reminded_in_january_of_the_next_year(demo, smtp_server, remind) -> None:
    remind(date(2025, 1, 3))
    assert [t for _, _, t in told(demo)] == [
        "Captura de diciembre de 2024: ventana abierta hasta el 10/01/2025"
    ]


def test_dry_run_lists_and_sends_nothing(demo, smtp_server, remind) -> None:
    run = remind(date(2024, 12, 7), dry_run=True)
    assert run.lines()[:2] == [
        "Recordatorios del 07/12/2024: Se enviarían 0 de ventana abierta y 1 de cierre próximo.",
        "  IEEM · La captura de noviembre de 2024 cierra en 3 días (10/12/2024) → enlace_se",
    ]
    assert not Notification.objects.exists()
    assert smtp_server.messages == []

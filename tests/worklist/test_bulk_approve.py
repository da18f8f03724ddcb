"""Approving several sent captures at once, from the revisor's list: all or none, each
authorised, version-checked and audited on its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from rumbo.audit.models import AuditEvent
from rumbo.monitoring.models import PeriodReport
from tests.factories import AnnualProgramFactory, AreaFactory, Demo

pytestmark = pytest.mark.django_db

APPROVE = "/pendientes/aprobar/"


def _sent(demo: Demo, area, month: int, version: int = 2) -> PeriodReport:
    return PeriodReport.objects.create(
        program=demo.program,
        area=area,
        month=month,
        state="enviado",
        version=version,
        submitted_at=timezone.now() - timedelta(days=month),
        submitted_by=demo.users["enlace_se"],
    )


def _post(client, reports: list[tuple[PeriodReport, int]], comment: str = ""):
    return client.post(
        APPROVE,
        {"capture": [f"{r.pk}:{version}" for r, version in reports], "comment": comment},
    )


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _states(*reports: PeriodReport) -> list[str]:
    return [PeriodReport.objects.get(pk=r.pk).state for r in reports]


def test_two_captures_approved_at_once_each_audited(as_user, demo):
    se = _sent(demo, demo.area_se, 1, version=3)
    do = _sent(demo, demo.area_otra, 4, version=2)
    other = _sent(demo, demo.area_se, 2)  # sent, not checked: stays sent
    response = _post(as_user("revisor"), [(se, 3), (do, 2)], "Revisadas con sus evidencias.")
    assert response.status_code == 302 and response["Location"] == "/pendientes/#por-revisar"
    assert _states(se, do, other) == ["aprobado", "aprobado", "enviado"]
    for report, version in [(se, 4), (do, 3)]:
        report.refresh_from_db()
        assert report.version == version
        assert report.comment == "Revisadas con sus evidencias."
        assert report.decided_by == demo.users["revisor"]
    events = AuditEvent.objects.filter(action="period.approve").order_by("object_id")
    assert [(e.object_id, e.before["state"], e.after["state"]) for e in events] == sorted(
        [(se.pk, "enviado", "aprobado"), (do.pk, "enviado", "aprobado")]
    )
    assert all(e.reason == "Revisadas con sus evidencias." for e in events)
    assert _messages(response) == [
        "Se aprobaron 2 capturas: Secretaría Ejecutiva (SE), enero 2024, IEEM; "
        "Dirección de Organización (DO), abril 2024, IEEM."
    ]


def test_one_stale_capture_approves_none_and_says_which(as_user, demo):
    se = _sent(demo, demo.area_se, 1, version=2)
    do = _sent(demo, demo.area_otra, 4, version=2)
    # Someone changed the DO capture after the page was drawn with version 2.
    PeriodReport.objects.filter(pk=do.pk).update(version=3)
    response = _post(as_user("revisor"), [(se, 2), (do, 2)])
    assert _states(se, do) == ["enviado", "enviado"]
    assert not AuditEvent.objects.exists()
    (message,) = _messages(response)
    assert message.startswith(
        "No se aprobó ninguna captura: Dirección de Organización (DO), abril 2024, IEEM: "
        "Otra persona modificó el registro"
    )
    assert "versión guardada 3, versión enviada 2" in message


def test_a_capture_no_longer_sent_approves_none(as_user, demo):
    se = _sent(demo, demo.area_se, 1)
    do = _sent(demo, demo.area_otra, 4)
    PeriodReport.objects.filter(pk=do.pk).update(state="devuelto")
    response = _post(as_user("revisor"), [(se, 2), (do, 2)])
    assert _states(se, do) == ["enviado", "devuelto"]
    assert not AuditEvent.objects.exists()
    assert _messages(response) == [
        "No se aprobó ninguna captura: Dirección de Organización (DO), abril 2024, IEEM: "
        "No se puede aprobar: la captura está devuelta (debe estar enviada). "
        "Recarga la lista y vuelve a intentarlo."
    ]


def test_a_capture_of_an_institution_without_the_right_approves_none(as_user, demo):
    se = _sent(demo, demo.area_se, 1)
    area = AreaFactory(institution=demo.other_institution, code="DVOE")
    foreign = PeriodReport.objects.create(
        program=AnnualProgramFactory(institution=demo.other_institution, year=2024),
        area=area,
        month=1,
        state="enviado",
    )
    response = _post(as_user("revisor"), [(se, 2), (foreign, 1)])
    assert _states(se, foreign) == ["enviado", "enviado"]
    assert not AuditEvent.objects.exists()
    # Not the revisor's institution: not even named.
    assert _messages(response) == [
        f"No se aprobó ninguna captura: la captura {foreign.pk}: no existe. "
        "Recarga la lista y vuelve a intentarlo."
    ]


def test_nothing_checked_or_a_forged_value_is_refused(as_user, demo):
    client = as_user("revisor")
    assert _messages(client.post(APPROVE, {})) == ["Selecciona al menos una captura."]
    se = _sent(demo, demo.area_se, 1)
    response = client.post(APPROVE, {"capture": [f"{se.pk}"]})
    assert _messages(response)[-1] == "La selección no es válida; recarga la página."
    assert _states(se) == ["enviado"]


@pytest.mark.parametrize("persona", ["enlace_se", "consulta"])
def test_who_approves_nothing_anywhere_is_refused(as_user, demo, persona):
    se = _sent(demo, demo.area_se, 1)
    response = _post(as_user(persona), [(se, 2)])
    assert response.status_code == 403
    assert _states(se) == ["enviado"]
    assert not AuditEvent.objects.exists()

"""The approved program's pages, as the personas use them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from rumbo.adjustments.models import AdjustmentRequest, AdjustmentState
from rumbo.audit.services import Actor
from rumbo.programs.lifecycle import program_approve
from rumbo.programs.models import MonthlyTarget, ProgramState, ProgramVersion

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(f"web:{name}", args=["IEEM", 2024, *args])


def approve(demo) -> None:
    program_approve(
        actor=Actor.for_user(demo.users["planeacion"]),
        program=demo.program,
        agreement="IEEM/CG/01/2024",
        approved_on=date(2024, 1, 15),
    )


def months(activity) -> dict[int, Decimal]:
    return dict(MonthlyTarget.objects.filter(activity=activity).values_list("month", "quantity"))


def test_planeacion_records_the_approval_on_the_page(as_user, demo):
    client = as_user("planeacion")
    page = client.get(url("program_approval"))
    assert "Registrar la aprobación" in page.content.decode()
    bad = client.post(
        url("program_approval"), {"accion": "aprobar", "agreement": "", "date": "31/02/2024"}
    )
    assert bad.status_code == 422
    assert ProgramVersion.objects.count() == 0
    done = client.post(
        url("program_approval"),
        {"accion": "aprobar", "agreement": "IEEM/CG/07/2024", "date": "26/01/2024"},
    )
    assert done.status_code == 302
    demo.program.refresh_from_db()
    assert (demo.program.state, demo.program.version) == (ProgramState.APROBADO, 1)
    assert demo.program.approved_on == date(2024, 1, 26)
    text = client.get(url("program_approval")).content.decode()
    assert "IEEM/CG/07/2024" in text and "26/01/2024" in text


def test_an_enlace_cannot_approve_the_program(as_user, demo):
    response = as_user("enlace_se").post(
        url("program_approval"), {"accion": "aprobar", "agreement": "X", "date": "26/01/2024"}
    )
    assert response.status_code == 403
    demo.program.refresh_from_db()
    assert demo.program.state == ProgramState.FORMULACION


def test_the_calendar_page_refuses_approved_targets_and_names_the_way(as_user, demo):
    approve(demo)
    activity = demo.activity_full
    before = months(activity)
    data = {"annual_target": "9", "reason": "ajuste", "accion": "guardar"}
    data.update({f"m{m}": "0" for m in range(1, 13)})
    response = as_user("enlace_se").post(url("activity_calendar", activity.key), data)
    assert response.status_code == 409
    assert "solicitud de adecuación" in response.content.decode()
    assert months(activity) == before


def test_an_enlace_requests_on_the_page_and_planeacion_decides(as_user, demo, client):
    approve(demo)
    activity = demo.activity_full
    old = months(activity)
    enlace = as_user("enlace_se")
    form = enlace.get(url("adjustment_create") + f"?actividad={activity.key}")
    assert form.status_code == 200
    data = {"kind": "calendario", "justification": "Diciembre crece por el convenio."}
    data["annual_target"] = format(activity.annual_target.normalize(), "f")
    for m in range(1, 13):
        data[f"m{m}"] = "" if old.get(m) is None else format(old[m].normalize(), "f")
    data["m12"] = str((old.get(12) or Decimal(0)) + 7)
    created = enlace.post(url("adjustment_create") + f"?actividad={activity.key}", data)
    body = created.content.decode()
    assert created.status_code == 302, body[body.find("<main") :][:3000]
    adj = AdjustmentRequest.objects.get()
    assert adj.after == {"monthly_targets": adj.after["monthly_targets"]}
    assert months(activity) == old
    # The requester sees no decision form; Planeación does.
    assert "Aprobar y aplicar" not in enlace.get(url("adjustment_detail", adj.pk)).content.decode()
    client.force_login(demo.users["planeacion"])
    assert "Aprobar y aplicar" in client.get(url("adjustment_detail", adj.pk)).content.decode()
    decided = client.post(
        url("adjustment_decide", adj.pk), {"decision": "aprobar", "reason": "Procede."}
    )
    assert decided.status_code == 302
    adj.refresh_from_db()
    assert adj.state == AdjustmentState.APROBADA
    assert months(activity)[12] == (old.get(12) or Decimal(0)) + 7
    compare = client.get(url("program_versions") + "?de=1&a=2").content.decode()
    assert "Diciembre" in compare and "Enero" not in compare


def test_the_request_form_says_which_months_are_locked(as_user, demo):
    from rumbo.monitoring.models import PeriodReport, PeriodState

    approve(demo)
    activity = demo.activity_full
    PeriodReport.objects.create(
        program=demo.program, area=demo.area_se, month=3, state=PeriodState.APPROVED
    )
    old = months(activity)
    data = {"kind": "calendario", "justification": "Marzo en cero."}
    for m in range(1, 13):
        data[f"m{m}"] = "" if old.get(m) is None else format(old[m].normalize(), "f")
    data["m3"] = "0"
    response = as_user("enlace_se").post(
        url("adjustment_create") + f"?actividad={activity.key}", data
    )
    assert response.status_code == 422
    assert "marzo" in response.content.decode()
    assert not AdjustmentRequest.objects.exists()


def test_the_acuerdo_and_the_oficio_are_served_to_members_only(client, demo, settings, tmp_path):
    """The links on the approval and request pages download the stored documents (the
    media folder is never served directly); another institution's user gets 403."""
    from django.core.files.base import ContentFile

    from rumbo.adjustments.models import AdjustmentRequest

    settings.MEDIA_ROOT = tmp_path
    demo.program.agreement = "IEEM/CG/01/2024"
    demo.program.approved_on = date(2024, 1, 9)
    demo.program.agreement_file.save("acuerdo.pdf", ContentFile(b"%PDF-1.4 acuerdo"), save=True)
    adj = AdjustmentRequest.objects.create(
        program=demo.program,
        number=1,
        kind="meta_anual",
        activity=demo.activity_full,
        activity_key=demo.activity_full.key,
        area_code="SE",
        before={"annual_target": "4060"},
        after={"annual_target": "4100"},
        justification="Oficio adjunto.",
        requested_by=demo.users["enlace_se"],
        requested_label="enlace_se",
    )
    adj.document.save("oficio de la SE.pdf", ContentFile(b"%PDF-1.4 oficio"), save=True)
    client.force_login(demo.users["consulta"])
    approval = client.get(url("program_approval")).content.decode()
    agreement_url = reverse("web:program_agreement_file", args=["IEEM", 2024])
    assert f'href="{agreement_url}"' in approval
    response = client.get(agreement_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 acuerdo"
    assert response["Content-Disposition"].startswith("attachment;")
    document_url = reverse("web:adjustment_document", args=["IEEM", 2024, adj.pk])
    assert f'href="{document_url}"' in client.get(url("adjustment_detail", adj.pk)).content.decode()
    response = client.get(document_url)
    assert b"".join(response.streaming_content) == b"%PDF-1.4 oficio"
    client.force_login(demo.users["ajeno"])
    assert client.get(agreement_url).status_code == 403
    assert client.get(document_url).status_code == 403

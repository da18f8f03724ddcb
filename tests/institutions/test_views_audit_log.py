"""The institution-wide audit log: access, filters, pagination, constant queries, exports."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor, Change, audit_record, audit_record_many
from rumbo.institutions.audit_export import HEADERS
from rumbo.jobs.models import ExportJob, JobState
from rumbo.jobs.services import export_request
from rumbo.monitoring.models import PeriodReport, ProgressEntry
from tests.factories import Demo

pytestmark = pytest.mark.django_db


def _event(demo: Demo, action: str, repr_: str, *, who: str = "planeacion", when=None, **kw):
    audit_record(
        actor=Actor(user=None, label=who),
        institution_id=demo.institution.pk,
        action=action,
        obj=demo.activity_full,
        **kw,
    )
    event = AuditEvent.objects.latest("id")
    AuditEvent.objects.filter(pk=event.pk).update(object_repr=repr_)
    if when:
        AuditEvent.objects.filter(pk=event.pk).update(
            created_at=timezone.make_aware(datetime(*when))
        )
    return event


def _url(**params: str) -> str:
    from urllib.parse import urlencode

    url = reverse("web:audit_log", args=["IEEM"])
    return f"{url}?{urlencode(params)}" if params else url


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("planeacion", 200),
        ("revisor", 200),
        ("fiscalizacion", 200),
        ("enlace_se", 403),
        ("enlace_otra", 403),
        ("consulta", 403),
        ("ajeno", 403),
    ],
)
def test_who_may_read_the_log(demo: Demo, as_user, persona, status) -> None:
    client = as_user(persona)
    for fmt in ("", "csv", "xlsx", "pdf"):
        response = client.get(_url(formato=fmt) if fmt else _url())
        assert response.status_code == status, fmt
    home = client.get(reverse("web:institution", args=["IEEM"])).content.decode()
    assert (reverse("web:audit_log", args=["IEEM"]) in home) == (status == 200)


def test_log_shows_only_this_institution_in_words(demo: Demo, as_user) -> None:
    entry = ProgressEntry.objects.create(activity=demo.activity_full, month=11, achieved=2)
    audit_record(
        actor=Actor.for_user(demo.users["enlace_se"]),
        institution_id=demo.institution.pk,
        action="progress.update",
        obj=entry,
        before={"achieved": "20.0000", "comment": "igual"},
        after={"achieved": "2", "comment": "igual"},
        reason="Corrección de cifra",
    )
    audit_record(
        actor=Actor(user=None, label="otro"),
        institution_id=demo.other_institution.pk,
        action="plan.update",
        obj=None,
    )
    page = as_user("fiscalizacion").get(_url())
    text = page.content.decode()
    assert "Corrección de cifra" in text
    (view,) = page.context["rows"]
    assert view.action == "Corrigió el avance del mes"
    assert [(c.label, c.before, c.after) for c in view.changes] == [
        ("Cantidad alcanzada", "20", "2")
    ]
    assert view.object_label == "010101 · noviembre"
    assert view.object_type == "Avance mensual"
    activity_url = reverse("web:activity", args=["IEEM", 2024, "010101"])
    assert view.url == activity_url
    assert f'href="{activity_url}"' in text
    assert "progress.update" not in text and "achieved" not in text
    # a deleted object keeps its recorded name and loses its link
    entry.delete()
    (view,) = as_user("fiscalizacion").get(_url()).context["rows"]
    assert view.url == "" and view.object_label.startswith("010101")


def test_cli_actor_in_words(demo: Demo, as_user) -> None:
    _event(demo, "activity.create", "010101", who="cli:root")
    (view,) = as_user("planeacion").get(_url()).context["rows"]
    assert view.who == "Línea de comandos (root)"
    assert view.action == "Creó la actividad"


def test_an_export_shows_its_state_now(demo: Demo, as_user, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    done = export_request(
        user=demo.users["planeacion"],
        institution=demo.institution,
        kind="program",
        params={"year": 2024, "fmt": "csv"},
    )
    assert done.state == JobState.DONE
    waiting = ExportJob.objects.create(
        institution=demo.institution,
        requested_by=demo.users["revisor"],
        kind="program",
        params={"year": 2024, "fmt": "xlsx"},
        label="Programa anual 2024 (XLSX)",
    )
    audit_record(
        actor=Actor.for_user(demo.users["revisor"]),
        institution_id=demo.institution.pk,
        action="export.request",
        obj=waiting,
        after={"kind": "program", "params": {"year": 2024, "fmt": "xlsx"}, "background": True},
    )
    views = as_user("fiscalizacion").get(_url()).context["rows"]
    states = {v.object_label: v.state for v in views if v.event.action == "export.request"}
    assert states == {"Programa anual 2024 (CSV)": "Listo", "Programa anual 2024 (XLSX)": "En cola"}
    ExportJob.objects.filter(pk=waiting.pk).update(state=JobState.FAILED)
    views = as_user("fiscalizacion").get(_url()).context["rows"]
    states = {v.object_label: v.state for v in views if v.event.action == "export.request"}
    assert states["Programa anual 2024 (XLSX)"] == "Falló"
    (request,) = [v for v in views if v.object_label == "Programa anual 2024 (CSV)"]
    assert [(c.label, c.after) for c in request.changes] == [
        ("Tipo", "Programa anual"),
        ("Parámetros", "Año: 2024\nFormato de archivo: CSV"),
        ("En segundo plano", "No"),
    ]
    assert request.url == ""  # an export's page is its requester's only


def test_filters_by_date_actor_action_and_object(demo: Demo, as_user) -> None:
    _event(demo, "progress.update", "010101 · enero", who="enlace_se", when=(2024, 2, 3, 12))
    _event(demo, "period.approve", "SE · enero", who="revisor", when=(2024, 2, 20, 12))
    _event(demo, "bands.set_activity", "010102", who="planeacion", when=(2024, 3, 1, 12))
    client = as_user("planeacion")

    def keys(**params: str) -> list[str]:
        response = client.get(_url(**params))
        assert response.status_code == 200
        return [view.event.object_repr for view in response.context["rows"]]

    assert keys() == ["010102", "SE · enero", "010101 · enero"]
    assert keys(desde="20/02/2024", hasta="20/02/2024") == ["SE · enero"]
    assert keys(desde="04/02/2024") == ["010102", "SE · enero"]
    assert keys(actor="ENLACE") == ["010101 · enero"]
    assert keys(accion="period.") == ["SE · enero"]
    assert keys(objeto="enero") == ["SE · enero", "010101 · enero"]
    bad = client.get(_url(desde="31/02/2024", hasta="x"))
    assert bad.status_code == 400
    assert bad.context["form"].errors["desde"] == ["Escribe la fecha como dd/mm/aaaa."]
    reversed_range = client.get(_url(desde="05/03/2024", hasta="01/03/2024"))
    assert "anterior a la inicial" in reversed_range.content.decode()


def _mixed_events(demo: Demo, rounds: range) -> None:
    """Per round: five kinds of object, linked or not, with actors and an export."""
    for i in rounds:
        entry = ProgressEntry.objects.create(
            activity=demo.activity_full if i < 12 else demo.activity_fraction,
            month=1 + i % 12,
            achieved=2,
        )
        report = (
            PeriodReport.objects.create(program=demo.program, area=demo.area_otra, month=1 + i % 12)
            if i < 12
            else PeriodReport.objects.filter(program=demo.program).first()
        )
        job = ExportJob.objects.create(
            institution=demo.institution,
            requested_by=demo.users["planeacion"],
            kind="program",
            params={"year": 2024, "fmt": "csv"},
            label=f"Programa anual 2024 ({i})",
        )
        actor = Actor.for_user(demo.users["revisor"])
        changes = [
            Change("progress.update", entry, {"achieved": "20.0000"}, {"achieved": "2"}),
            Change("period.approve", report, {"state": "enviado"}, {"state": "aprobado"}),
            Change("export.request", job, None, {"kind": "program", "params": {"year": 2024}}),
            Change(
                "activity.update",
                demo.activity_otra,
                {"annual_target": "1"},
                {"annual_target": "3"},
            ),
            Change("plan.update", demo.plan_new, {"name": "a"}, {"name": "b"}),
        ]
        audit_record_many(actor=actor, institution_id=demo.institution.pk, changes=changes)
        audit_record(
            actor=Actor.cli(), institution_id=demo.institution.pk, action="create", obj=None
        )


def test_the_page_runs_constant_queries(demo: Demo, as_user, django_assert_num_queries) -> None:
    """6 events of six kinds (progress, a month's capture, an export, an activity, a plan,
    a command) or a full page of 50: the same queries — session, user, grants, count, the
    page with its actors and content types, one per kind of object to link or to state."""
    client = as_user("fiscalizacion")
    client.get(_url())  # warm the session and content-type caches
    _mixed_events(demo, range(1))
    with CaptureQueriesContext(connection) as small:
        response = client.get(_url())
    assert len(response.context["rows"]) == 6
    assert len(small.captured_queries) <= 14
    _mixed_events(demo, range(1, 10))  # 60 events: a full page of 50
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(_url())
    rows = response.context["rows"]
    assert len(rows) == 50
    assert {v.state for v in rows if v.event.action == "export.request"} == {"En cola"}
    linked = {v.event.action for v in rows if v.url}
    assert linked == {"progress.update", "period.approve", "activity.update", "plan.update"}


def test_csv_export_has_bom_accents_and_the_filtered_rows_in_words(demo: Demo, as_user) -> None:
    _event(demo, "progress.update", "Sesión ordinaria", reason="Corrección", after={"comment": "ñ"})
    _event(demo, "bands.set_activity", "Otra", reason="x")
    response = as_user("planeacion").get(_url(formato="csv", accion="progress."))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert len(rows) == 2
    assert rows[1][1:8] == [
        "planeacion",
        "Corrigió el avance del mes",
        "Actividad",
        "Sesión ordinaria",
        "",
        "Comentario: ñ",  # nothing recorded before: the value alone
        "Corrección",
    ]
    assert rows[1][9] == '{"comment": "ñ"}'


def _three_events(demo: Demo) -> None:
    entry = ProgressEntry.objects.create(activity=demo.activity_full, month=11, achieved=2)
    audit_record(
        actor=Actor.for_user(demo.users["enlace_se"]),
        institution_id=demo.institution.pk,
        action="progress.update",
        obj=entry,
        before={"achieved": "20.0000"},
        after={"achieved": "2"},
        reason="Eran dos informes",
    )
    _event(demo, "period.return", "SE · marzo", who="cli:root", reason="Falta justificación")
    _event(demo, "bands.set_activity", "010101", when=(2024, 3, 1, 12))


def test_xlsx_export_reopens_with_openpyxl_in_words(demo: Demo, as_user) -> None:
    _three_events(demo)
    response = as_user("fiscalizacion").get(_url(formato="xlsx", desde="01/01/2025"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    values = list(book["Bitácora"].iter_rows(values_only=True))
    assert list(values[0]) == HEADERS
    assert len(values) == 3  # from 2025 on: not the bands of March 2024
    period, progress = values[1], values[2]
    user = demo.users["enlace_se"]
    assert progress[1:8] == (
        f"{user.get_full_name()} (enlace_se)" if user.get_full_name() else "enlace_se",
        "Corrigió el avance del mes",
        "Avance mensual",
        "010101 · noviembre",
        None,
        "Cantidad alcanzada: 20 → 2",
        "Eran dos informes",
    )
    assert period[1:4] == (
        "Línea de comandos (root)",
        "Devolvió la captura con observaciones",
        "Actividad",
    )
    assert period[7] == "Falta justificación"


def test_pdf_export_reads_in_words(demo: Demo, as_user, tmp_path) -> None:
    _three_events(demo)
    response = as_user("fiscalizacion").get(_url(formato="pdf", desde="01/01/2000"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "bitacora.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.split())
    for shown in (
        "Bitácora de cambios",
        "Instituto Electoral",
        "Desde 01/01/2000",
        "3 eventos",
        "Corrigió el avance del mes",
        "Cantidad alcanzada: 20 → 2",
        "010101 · noviembre",
        "Línea de comandos (root)",
        "Devolvió la captura con observaciones",
        "Página 1 de 1",
    ):
        assert shown in text, shown
    assert "progress.update" not in text and "achieved" not in text

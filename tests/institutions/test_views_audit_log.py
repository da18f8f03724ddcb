"""The institution-wide audit log: access, filters, pagination, constant queries, exports."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor, audit_record
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
        ("enlace_se", 403),
        ("enlace_otra", 403),
        ("consulta", 403),
        ("ajeno", 403),
    ],
)
def test_who_may_read_the_log(demo: Demo, as_user, persona, status) -> None:
    assert as_user(persona).get(_url()).status_code == status
    assert as_user(persona).get(_url(formato="csv")).status_code == status


def test_log_shows_only_this_institution_with_changes(demo: Demo, as_user) -> None:
    _event(
        demo,
        "progress.update",
        "010101 · 3",
        before={"achieved": "5", "comment": "igual"},
        after={"achieved": "7", "comment": "igual"},
        reason="Corrección de cifra",
    )
    audit_record(
        actor=Actor(user=None, label="otro"),
        institution_id=demo.other_institution.pk,
        action="plan.update",
        obj=None,
    )
    page = as_user("revisor").get(_url())
    text = page.content.decode()
    assert "010101 · 3" in text
    assert "Corrección de cifra" in text
    rows = page.context["rows"]
    assert len(rows) == 1
    assert [(c.name, c.before, c.after) for c in rows[0][1]] == [("achieved", "5", "7")]


def test_filters_by_date_actor_action_and_object(demo: Demo, as_user) -> None:
    _event(demo, "progress.update", "010101 · enero", who="enlace_se", when=(2024, 2, 3, 12))
    _event(demo, "period.approve", "SE · enero", who="revisor", when=(2024, 2, 20, 12))
    _event(demo, "bands.set_activity", "010102", who="planeacion", when=(2024, 3, 1, 12))
    client = as_user("planeacion")

    def keys(**params: str) -> list[str]:
        response = client.get(_url(**params))
        assert response.status_code == 200
        return [event.object_repr for event, _ in response.context["rows"]]

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


def test_pages_cost_constant_queries(demo: Demo, as_user, django_assert_max_num_queries) -> None:
    client = as_user("planeacion")
    client.get(_url())  # warm the session and content-type caches
    for i in range(3):
        _event(demo, "progress.update", f"a{i}", before={"x": i}, after={"x": i + 1})
    with django_assert_max_num_queries(12) as few:  # session, user, grants, count, page
        client.get(_url())
    for i in range(120):
        _event(demo, "progress.update", f"b{i}", before={"x": i}, after={"x": i + 1})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url(pagina="2"))
    assert response.context["page"].paginator.num_pages == 3
    assert len(response.context["rows"]) == 50


def test_csv_export_has_bom_accents_and_the_filtered_rows(demo: Demo, as_user) -> None:
    _event(demo, "progress.update", "Sesión ordinaria", reason="Corrección", after={"a": "ñ"})
    _event(demo, "bands.set_activity", "Otra", reason="x")
    response = as_user("planeacion").get(_url(formato="csv", accion="progress."))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Fecha", "Quién", "Acción", "Tipo", "Objeto"]
    assert len(rows) == 2
    assert rows[1][2] == "progress.update"
    assert rows[1][4] == "Sesión ordinaria"
    assert rows[1][5] == "Corrección"
    assert rows[1][8] == '{"a": "ñ"}'


def test_xlsx_export_reopens_with_openpyxl(demo: Demo, as_user) -> None:
    _event(demo, "period.return", "SE · marzo", reason="Falta justificación")
    response = as_user("revisor").get(_url(formato="xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Bitácora"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Fecha"
    assert values[1][2:6] == ("period.return", "actividad", "SE · marzo", "Falta justificación")

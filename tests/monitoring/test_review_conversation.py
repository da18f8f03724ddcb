"""Review as a conversation: the thread of an area's month (who writes, audit, the comments
of returning and approving) and the differences since the previous send."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.institutions.models import Membership, Role
from rumbo.monitoring.models import (
    MessageKind,
    PeriodMessage,
    PeriodReport,
    PeriodState,
    PeriodSubmission,
    ProgressEntry,
    WindowExtension,
)
from rumbo.monitoring.services import period_approve, period_message_post, period_return
from rumbo.monitoring.submissions import baseline, changes, snapshot_row
from tests.factories import UserFactory, measure_indicator

pytestmark = pytest.mark.django_db

GRID = reverse("web:capture_grid", args=["IEEM", 2024, "SE", 1])
MESSAGES = reverse("web:capture_message", args=["IEEM", 2024, "SE", 1])


@pytest.fixture(autouse=True)
def _january(demo):
    """January 2024 open for capture (an extension) and its due indicator measured."""
    measure_indicator(demo.design.ind_a11, 1)
    WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=1,
        until=date(2099, 12, 31),
        reason="Prueba",
        created_by="planeacion",
    )


@pytest.fixture
def as_user(demo):
    def login(name: str) -> Client:
        client = Client()
        client.force_login(demo.users[name])
        return client

    return login


def grid_post(demo, **by_key: str) -> dict[str, str]:
    """A save of the SE January grid with the achieved values and justifications given."""
    data = {"accion": "guardar"}
    for activity in (
        demo.activity_full,
        demo.activity_fraction,
        demo.activity_missing,
        demo.activity_mismatch,
    ):
        entry = ProgressEntry.objects.filter(activity=activity, month=1).first()
        data[f"version-{activity.pk}"] = str(entry.version) if entry else ""
        data[f"avance-{activity.pk}"] = by_key.get(f"a{activity.key}", "")
        data[f"justificacion-{activity.pk}"] = by_key.get(
            f"j{activity.key}", entry.justification if entry else ""
        )
        data[f"comentario-{activity.pk}"] = entry.comment if entry else ""
    return data


def move(client: Client, action: str, **extra: str) -> None:
    version = PeriodReport.objects.get(month=1).version
    response = client.post(GRID, {"accion": action, "version_periodo": str(version), **extra})
    assert response.status_code == 302, response.content.decode()[:2000]


def first_capture(demo, as_user) -> Client:
    """The enlace saves January with 010101 at 20 (red: justified) and sends it."""
    enlace = as_user("enlace_se")
    data = grid_post(demo, a010101="20", j010101="Paro laboral", a010103="1", a010104="1")
    assert enlace.post(GRID, data).status_code == 302
    move(enlace, "enviar")
    return enlace


def row_of(html: str, key: str) -> str:
    start = html.index(f'id="fila-{key}"')
    return html[start : html.index("</tr>", start)]


# --- who writes in the thread -----------------------------------------------------------------


@pytest.fixture
def report(demo):
    return PeriodReport.objects.create(program=demo.program, area=demo.area_se, month=1)


def post(demo, persona: str, text: str = "¿Y el oficio?"):
    user = demo.users[persona]
    return period_message_post(
        actor=Actor.for_user(user),
        user=user,
        program=demo.program,
        area=demo.area_se,
        month=1,
        text=text,
    )


@pytest.mark.parametrize(
    ("persona", "kind", "role"),
    [
        ("revisor", MessageKind.OBSERVATION, Role.REVISOR),
        ("planeacion", MessageKind.OBSERVATION, Role.PLANEACION),
        ("enlace_se", MessageKind.ANSWER, Role.ENLACE),
    ],
)
def test_reviewers_observe_and_the_area_answers_audited(demo, report, persona, kind, role):
    message = post(demo, persona, "  Falta el oficio.  ")
    assert (message.kind, message.author_role, message.text) == (kind, role, "Falta el oficio.")
    assert message.author == demo.users[persona]
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.actor_label) == (
        "period.message",
        report.pk,
        persona,
    )
    assert event.after == {"kind": kind.value, "role": role.value, "text": "Falta el oficio."}


@pytest.mark.parametrize("persona", ["enlace_otra", "consulta", "ajeno", "fiscalizacion"])
def test_nobody_else_writes(demo, report, persona):
    if persona == "fiscalizacion":
        user = UserFactory(username="contraloria")
        Membership.objects.create(user=user, institution=demo.institution, role="fiscalizacion")
        demo.users[persona] = user
    with pytest.raises(PermissionDenied):
        post(demo, persona)
    assert not PeriodMessage.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_empty_message_or_a_month_without_capture_is_refused(demo):
    with pytest.raises(ValidationError, match="aún no captura enero"):
        post(demo, "revisor")
    PeriodReport.objects.create(program=demo.program, area=demo.area_se, month=1)
    with pytest.raises(ValidationError, match="el texto está vacío"):
        post(demo, "revisor", " \n ")
    assert not PeriodMessage.objects.exists() and not AuditEvent.objects.exists()


def test_returning_and_approving_with_a_comment_join_the_thread(demo, as_user):
    first_capture(demo, as_user)
    revisor = demo.users["revisor"]
    common = {
        "actor": Actor.for_user(revisor),
        "user": revisor,
        "program": demo.program,
        "area": demo.area_se,
        "month": 1,
    }
    period_return(**common, reason="Revisa 010101.")
    report = PeriodReport.objects.get()
    report.state = PeriodState.SUBMITTED  # sent again (its own path is tested below)
    report.save()
    period_approve(**common, comment="")  # no comment: nothing joins the thread
    thread = list(PeriodMessage.objects.values_list("kind", "author_role", "text"))
    assert thread == [("devolucion", "revisor", "Revisa 010101.")]
    report.state = PeriodState.SUBMITTED
    report.save()
    period_approve(**common, comment="Gracias.")
    assert PeriodMessage.objects.last().kind == MessageKind.APPROVAL


def test_the_page_shows_the_thread_and_the_form_to_who_may_write(demo, as_user, report):
    post(demo, "revisor", "Falta el oficio.")
    post(demo, "enlace_se", "Lo adjunto hoy.")
    for persona, label in [
        ("revisor", "Observación para el área"),
        ("enlace_se", "Tu respuesta a la revisión"),
        ("consulta", None),
    ]:
        html = as_user(persona).get(GRID).content.decode()
        thread = html[html.index('id="conversacion"') :]
        assert thread.index("Falta el oficio.") < thread.index("Lo adjunto hoy.")  # oldest first
        assert "(Revisor / validador)" in thread and "(Enlace de área)" in thread
        when = timezone.localtime(PeriodMessage.objects.first().created_at)
        assert when.strftime("%d/%m/%Y %H:%M") in thread
        if label:
            assert label in thread
        else:
            assert 'name="mensaje"' not in thread


def test_posting_from_the_page(demo, as_user, report):
    response = as_user("enlace_se").post(MESSAGES, {"mensaje": "Ya corregí 010101."})
    message = PeriodMessage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{GRID}#mensaje-{message.pk}"
    response = as_user("enlace_se").post(MESSAGES, {"mensaje": ""})
    assert response.status_code == 400
    assert 'id="mensaje-error"' in response.content.decode()
    assert as_user("consulta").post(MESSAGES, {"mensaje": "Hola"}).status_code == 403
    assert PeriodMessage.objects.count() == 1


# --- what changed since the previous send -------------------------------------------------------


def test_the_reviewer_sees_what_changed_since_the_previous_send(demo, as_user):
    enlace = first_capture(demo, as_user)
    revisor = as_user("revisor")
    html = revisor.get(GRID).content.decode()
    assert "data-row-change" not in html and 'id="cambios"' not in html  # first send: no diff

    move(revisor, "devolver", motivo="El 20 no cuadra con el informe.")
    assert (
        enlace.post(GRID, grid_post(demo, a010101="2", a010103="1", a010104="1")).status_code == 302
    )
    # While correcting, the enlace sees its change against what it sent.
    html = enlace.get(GRID).content.decode()
    assert "antes 20 → ahora 2" in row_of(html, "010101")
    move(enlace, "enviar")

    html = revisor.get(GRID).content.decode()
    assert "antes 20 → ahora 2" in row_of(html, "010101")
    for key in ("010102", "010103", "010104"):
        assert "data-row-change" not in row_of(html, key), key
    sent = timezone.localtime(PeriodSubmission.objects.get(number=1).submitted_at)
    assert f"1 cambio desde el envío del {sent:%d/%m/%Y}." in html
    values = PeriodSubmission.objects.get(number=2).values[str(demo.activity_full.pk)]
    assert values == {
        "key": "010101",
        "achieved": "2.0000",
        "comment": "",
        "justification": "Paro laboral",
        "evidence": 0,
    }


def test_the_numbers_of_a_change_are_es_mx(demo, as_user):
    enlace = first_capture(demo, as_user)
    move(as_user("revisor"), "devolver", motivo="Revisa.")
    data = grid_post(demo, a010101="1,234.5", a010103="1", a010104="1")
    assert enlace.post(GRID, data).status_code == 302
    assert "antes 20 → ahora 1,234.5" in row_of(enlace.get(GRID).content.decode(), "010101")


class _Sent:
    def __init__(self, values):
        self.values = values


def test_changes_row_by_row_from_hand_made_snapshots():
    sent = _Sent(
        {
            "1": {"key": "A", "achieved": "20", "comment": "", "justification": "", "evidence": 1},
            "2": {"key": "B", "achieved": "5", "comment": "x", "justification": "", "evidence": 0},
            "3": {"key": "C", "achieved": "7", "comment": "", "justification": "", "evidence": 0},
        }
    )
    now = {
        1: {"key": "A", "achieved": "2.0000", "comment": "", "justification": "", "evidence": 2},
        2: {"key": "B", "achieved": "5.0000", "comment": "x", "justification": "", "evidence": 0},
        3: {"key": "C", "achieved": "7", "comment": "", "justification": "Paro", "evidence": 0},
        4: snapshot_row("D", None, 0),  # nothing then, nothing now
        5: {"key": "E", "achieved": "3", "comment": "", "justification": "", "evidence": 0},
    }
    found = changes(sent, now)  # type: ignore[arg-type]
    assert sorted(found.rows) == [1, 3, 5] and found.count == 3
    a = found.rows[1]
    assert (a.before, a.now, a.achieved, a.evidence_before, a.evidence_now) == (
        Decimal(20),
        Decimal(2),
        True,
        1,
        2,
    )
    c = found.rows[3]
    assert (c.achieved, c.justification, c.comment) == (False, True, False)
    assert (found.rows[5].before, found.rows[5].now) == (None, Decimal(3))


def test_which_send_the_page_compares_with():
    newest, previous = object(), object()
    sent = PeriodReport(state=PeriodState.SUBMITTED)
    returned = PeriodReport(state=PeriodState.RETURNED)
    assert baseline(sent, [newest, previous]) is previous  # type: ignore[list-item]
    assert baseline(sent, [newest]) is None  # type: ignore[list-item]  # a first send
    assert baseline(returned, [newest, previous]) is newest  # type: ignore[list-item]
    assert baseline(None, []) is None

"""The review's observations: Planeación writes them while the program is en revisión, the
enlace of the activity's area answers, Planeación marks them atendidas; they stay as history
when the program returns to formulación or is approved.

The demo (tests/factories.py): activity 010101 has no area of its own and hangs from
project 0101, which has none either, under subprogram 01 of the Secretaría Ejecutiva (SE):
its responsible area is SE, inherited two levels up. 020101 is the Dirección de
Organización's (DO). ``enlace_se`` is SE's enlace, ``enlace_otra`` DO's.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from rumbo.audit.models import AuditEvent
from rumbo.audit.selectors import object_history
from rumbo.audit.services import Actor
from rumbo.core.errors import Conflict
from rumbo.programs.lifecycle import program_approve, program_return, program_submit_review
from rumbo.programs.models import ActivityObservation, ObservationState
from rumbo.programs.services import observation_answer, observation_create, observation_resolve
from rumbo.web.templatetags.history import history_entries

pytestmark = pytest.mark.django_db


def actor(demo, name: str) -> Actor:
    return Actor.for_user(demo.users[name])


def to_review(demo) -> None:
    program_submit_review(actor=actor(demo, "planeacion"), program=demo.program)
    demo.program.refresh_from_db()


def observe(demo, text: str = "El calendario no suma la meta anual.", activity=None):
    return observation_create(
        actor=actor(demo, "planeacion"), activity=activity or demo.activity_full, text=text
    )


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# --- writing -------------------------------------------------------------------------------


def test_planeacion_writes_an_observation_en_revision_and_it_is_audited(demo):
    to_review(demo)
    observation = observe(demo, "  Revisa noviembre:\r\nfaltan 10 informes.  ")
    stored = ActivityObservation.objects.get(pk=observation.pk)
    assert stored.activity_id == demo.activity_full.pk
    assert stored.text == "Revisa noviembre:\nfaltan 10 informes."
    assert stored.state == ObservationState.ABIERTA
    assert stored.author == demo.users["planeacion"]
    assert stored.answer == "" and stored.answered_at is None and stored.resolved_at is None
    (event,) = events("observation.create")
    assert event.actor == demo.users["planeacion"]
    assert event.institution_id == demo.institution.pk
    assert event.after == {
        "activity": "010101",
        "text": "Revisa noviembre:\nfaltan 10 informes.",
        "state": "abierta",
    }
    # In words, as the history shows it.
    (entry,) = history_entries([event])
    assert entry.action == "Escribió una observación de revisión"
    changes = {c.label: (c.before, c.after) for c in entry.changes}
    assert changes["Observación"] == ("—", "Revisa noviembre:\nfaltan 10 informes.")
    assert changes["Actividad"] == ("—", "010101")
    assert changes["Estado"] == ("—", "Abierta")
    assert len(changes) == 3


@pytest.mark.parametrize("state", ["formulacion", "aprobado"])
def test_outside_revision_writing_is_refused_and_nothing_is_stored(demo, state):
    if state == "aprobado":
        program_approve(
            actor=actor(demo, "planeacion"),
            program=demo.program,
            agreement="IEEM/CG/01/2024",
            approved_on=date(2024, 1, 15),
        )
    with pytest.raises(Conflict, match="se escriben mientras está en revisión"):
        observe(demo)
    assert not ActivityObservation.objects.exists()
    assert not events("observation.create")


@pytest.mark.parametrize("persona", ["enlace_se", "enlace_otra", "revisor", "consulta"])
def test_only_planeacion_writes_observations(demo, persona):
    to_review(demo)
    with pytest.raises(PermissionDenied, match="Solo Planeación escribe"):
        observation_create(actor=actor(demo, persona), activity=demo.activity_full, text="x")
    assert not ActivityObservation.objects.exists()


@pytest.mark.parametrize("text", ["", "   \n  ", "a\x00b", "x" * 4001])
def test_bad_text_is_a_field_error(demo, text):
    to_review(demo)
    with pytest.raises(ValidationError) as error:
        observe(demo, text)
    assert list(error.value.message_dict) == ["text"]
    assert not ActivityObservation.objects.exists()


# --- answering --------------------------------------------------------------------------------


def test_the_enlace_of_the_inherited_area_answers_and_the_audit_keeps_both_answers(demo):
    to_review(demo)
    observation = observe(demo)
    first = observation_answer(
        actor=actor(demo, "enlace_se"), observation=observation, text="Se corrigió noviembre."
    )
    assert first.answer == "Se corrigió noviembre."
    assert first.answered_by == demo.users["enlace_se"]
    assert first.answered_at is not None
    assert first.state == ObservationState.ABIERTA  # Planeación decides when it is atendida
    observation_answer(
        actor=actor(demo, "enlace_se"), observation=observation, text="Y también diciembre."
    )
    stored = ActivityObservation.objects.get(pk=observation.pk)
    assert stored.answer == "Y también diciembre."
    answers = events("observation.answer")
    assert [(e.before, e.after) for e in answers] == [
        ({"answer": ""}, {"answer": "Se corrigió noviembre."}),
        ({"answer": "Se corrigió noviembre."}, {"answer": "Y también diciembre."}),
    ]
    assert {e.actor_label for e in answers} == {"enlace_se"}
    (entry,) = history_entries(answers[:1])
    assert entry.action == "Respondió la observación de revisión"
    assert [(c.label, c.after) for c in entry.changes] == [
        ("Respuesta del área", "Se corrigió noviembre.")
    ]


@pytest.mark.parametrize("persona", ["enlace_otra", "planeacion", "revisor", "consulta"])
def test_nobody_but_the_areas_enlace_answers(demo, persona):
    to_review(demo)
    observation = observe(demo)
    with pytest.raises(PermissionDenied, match="Solo el enlace del área responsable"):
        observation_answer(actor=actor(demo, persona), observation=observation, text="Listo.")
    assert ActivityObservation.objects.get(pk=observation.pk).answer == ""
    assert not events("observation.answer")


def test_the_other_areas_enlace_answers_its_own_activity(demo):
    to_review(demo)
    observation = observe(demo, activity=demo.activity_otra)
    with pytest.raises(PermissionDenied):
        observation_answer(actor=actor(demo, "enlace_se"), observation=observation, text="x")
    observation_answer(actor=actor(demo, "enlace_otra"), observation=observation, text="Hecho.")
    assert ActivityObservation.objects.get(pk=observation.pk).answer == "Hecho."


def test_an_empty_answer_is_a_field_error(demo):
    to_review(demo)
    observation = observe(demo)
    with pytest.raises(ValidationError) as error:
        observation_answer(actor=actor(demo, "enlace_se"), observation=observation, text=" ")
    assert error.value.message_dict == {"text": ["Escribe la respuesta: el texto está vacío."]}


# --- atendida ---------------------------------------------------------------------------------


def test_planeacion_marks_it_atendida_once_and_then_it_is_closed(demo):
    to_review(demo)
    observation = observe(demo)
    with pytest.raises(PermissionDenied, match="Solo Planeación marca"):
        observation_resolve(actor=actor(demo, "enlace_se"), observation=observation)
    resolved = observation_resolve(actor=actor(demo, "planeacion"), observation=observation)
    assert resolved.state == ObservationState.ATENDIDA
    assert resolved.resolved_by == demo.users["planeacion"]
    assert resolved.resolved_at is not None
    (event,) = events("observation.resolve")
    assert (event.before, event.after) == ({"state": "abierta"}, {"state": "atendida"})
    (entry,) = history_entries([event])
    assert entry.action == "Marcó atendida la observación de revisión"
    assert [(c.label, c.before, c.after) for c in entry.changes] == [
        ("Estado", "Abierta", "Atendida")
    ]
    with pytest.raises(Conflict, match="ya estaba atendida"):
        observation_resolve(actor=actor(demo, "planeacion"), observation=observation)
    with pytest.raises(Conflict, match="ya está atendida"):
        observation_answer(actor=actor(demo, "enlace_se"), observation=observation, text="x")
    assert len(events("observation.resolve")) == 1


# --- the life cycle keeps them -------------------------------------------------------------------


def test_back_to_formulacion_keeps_them_answerable_but_no_new_ones(demo):
    to_review(demo)
    observation = observe(demo)
    program_return(actor=actor(demo, "planeacion"), program=demo.program, reason="Corregir")
    demo.program.refresh_from_db()
    assert ActivityObservation.objects.filter(pk=observation.pk).exists()
    # The area fixes it en formulación and says so; Planeación may close it.
    observation_answer(actor=actor(demo, "enlace_se"), observation=observation, text="Listo.")
    observation_resolve(actor=actor(demo, "planeacion"), observation=observation)
    with pytest.raises(Conflict):
        observe(demo, "Otra más.")
    assert ActivityObservation.objects.count() == 1


def test_approval_with_open_observations_is_allowed_and_freezes_them(demo):
    to_review(demo)
    observation = observe(demo)
    version = program_approve(
        actor=actor(demo, "planeacion"),
        program=demo.program,
        agreement="IEEM/CG/01/2024",
        approved_on=date(2024, 1, 15),
    )
    assert version.number == 1
    stored = ActivityObservation.objects.get(pk=observation.pk)
    assert stored.state == ObservationState.ABIERTA  # history: the Consejo decided
    with pytest.raises(Conflict, match="su revisión terminó"):
        observation_answer(actor=actor(demo, "enlace_se"), observation=stored, text="x")
    with pytest.raises(Conflict, match="su revisión terminó"):
        observation_resolve(actor=actor(demo, "planeacion"), observation=stored)


def test_the_activitys_history_lists_its_observations(demo):
    to_review(demo)
    observation = observe(demo)
    observation_answer(actor=actor(demo, "enlace_se"), observation=observation, text="Ok.")
    from rumbo.monitoring.history import activity_history

    actions = [e.action for e in activity_history(activity=demo.activity_full)]
    assert actions == ["observation.answer", "observation.create"]
    assert list(object_history(observation).values_list("action", flat=True)) == actions


# --- what the database guards ------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"text": ""},
        {"state": "cerrada"},
        {"answer": "Sin fecha"},  # an answer is dated
        {"state": "atendida"},  # atendida is dated
    ],
    ids=["empty-text", "unknown-state", "undated-answer", "undated-resolution"],
)
def test_the_database_refuses_an_inconsistent_observation(demo, fields):
    values = {"activity": demo.activity_full, "text": "Algo", "author_label": "x", **fields}
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityObservation.objects.create(**values)

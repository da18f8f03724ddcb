"""The review's observations in the pages: the activity's thread with the forms of who may
act, the program page's count of open ones, the list by area, the approval page's warning.

Demo: 010101 and 010102 answer to SE (inherited from subprogram 01), 020101 to DO."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.programs.lifecycle import program_approve, program_submit_review
from rumbo.programs.models import ActivityObservation, ObservationState
from rumbo.programs.services import observation_answer, observation_create, observation_resolve

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(f"web:{name}", args=["IEEM", 2024, *args])


def text(response) -> str:
    html = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def actor(demo, name: str) -> Actor:
    return Actor.for_user(demo.users[name])


def to_review(demo) -> None:
    program_submit_review(actor=actor(demo, "planeacion"), program=demo.program)
    demo.program.refresh_from_db()


def observe(demo, activity, body: str) -> ActivityObservation:
    return observation_create(actor=actor(demo, "planeacion"), activity=activity, text=body)


# --- the activity page ----------------------------------------------------------------------------


def test_planeacion_writes_from_the_activity_page(as_user, demo):
    to_review(demo)
    client = as_user("planeacion")
    page = client.get(url("activity", "010101")).content.decode()
    assert url("observation_create", "010101") in page
    assert "Nueva observación" in page
    response = client.post(
        url("observation_create", "010101"), {"text": "Noviembre y diciembre suman 660."}
    )
    observation = ActivityObservation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{url('activity', '010101')}#observacion-{observation.pk}"
    shown = text(client.get(url("activity", "010101")))
    assert "Noviembre y diciembre suman 660." in shown
    assert "Abierta · planeacion el" in shown
    assert "Sin respuesta del área todavía." in shown
    # …and in the activity's history, in words.
    assert "Escribió una observación de revisión" in shown


def test_an_empty_observation_shows_the_error_on_the_page(as_user, demo):
    to_review(demo)
    response = as_user("planeacion").post(url("observation_create", "010101"), {"text": "  "})
    assert response.status_code == 400
    assert "Escribe el texto: está vacío." in text(response)
    assert not ActivityObservation.objects.exists()


def test_writing_en_formulacion_is_a_409_page_and_no_form_is_offered(as_user, demo):
    client = as_user("planeacion")
    page = text(client.get(url("activity", "010101")))
    assert "Nueva observación" not in page
    assert "Las observaciones se escriben mientras el programa está en revisión" in page
    response = client.post(url("observation_create", "010101"), {"text": "Algo"})
    assert response.status_code == 409
    assert "las observaciones se escriben mientras está en revisión" in text(response)
    assert not ActivityObservation.objects.exists()


def test_the_areas_enlace_answers_and_planeacion_resolves_from_the_page(as_user, demo):
    to_review(demo)
    observation = observe(demo, demo.activity_full, "Falta la evidencia de enero.")
    answer_url = url("observation_answer", observation.pk)
    resolve_url = url("observation_resolve", observation.pk)
    # Only SE's enlace sees the answer form; only Planeación the «atendida» button.
    for persona, answers, resolves in [
        ("enlace_se", True, False),
        ("enlace_otra", False, False),
        ("planeacion", False, True),
        ("consulta", False, False),
    ]:
        page = as_user(persona).get(url("activity", "010101")).content.decode()
        assert (answer_url in page, resolve_url in page) == (answers, resolves), persona
        assert "Falta la evidencia de enero." in page
    enlace = as_user("enlace_se")
    empty = enlace.post(answer_url, {f"respuesta-{observation.pk}-text": ""})
    assert empty.status_code == 400
    assert "Escribe el texto: está vacío." in text(empty)
    done = enlace.post(answer_url, {f"respuesta-{observation.pk}-text": "Se subió el acta."})
    assert done.status_code == 302
    assert ActivityObservation.objects.get().answer == "Se subió el acta."
    planeacion = as_user("planeacion")
    assert planeacion.post(resolve_url).status_code == 302
    stored = ActivityObservation.objects.get()
    assert stored.state == ObservationState.ATENDIDA
    shown = text(planeacion.get(url("activity", "010101")))
    assert "Respuesta de enlace_se el" in shown and "Se subió el acta." in shown
    assert "Atendida por planeacion el" in shown
    assert resolve_url not in planeacion.get(url("activity", "010101")).content.decode()


def test_the_other_areas_enlace_is_refused_with_403(as_user, demo):
    to_review(demo)
    observation = observe(demo, demo.activity_full, "Falta la evidencia.")
    before = AuditEvent.objects.count()
    response = as_user("enlace_otra").post(
        url("observation_answer", observation.pk),
        {f"respuesta-{observation.pk}-text": "Yo respondo"},
    )
    assert response.status_code == 403
    assert "Solo el enlace del área responsable" in text(response)
    assert as_user("enlace_se").post(url("observation_resolve", observation.pk)).status_code == 403
    assert AuditEvent.objects.count() == before
    assert ActivityObservation.objects.get().answer == ""


# --- the program page and the list ------------------------------------------------------------


def test_the_program_page_counts_the_open_ones_en_revision(as_user, demo):
    assert "observaciones abiertas" not in text(as_user("consulta").get(url("program")))
    to_review(demo)
    first = observe(demo, demo.activity_full, "Uno")
    observe(demo, demo.activity_otra, "Dos")
    observation_resolve(actor=actor(demo, "planeacion"), observation=first)
    observe(demo, demo.activity_fraction, "Tres")
    page = as_user("consulta").get(url("program"))
    assert "2 observaciones abiertas" in text(page)
    assert f'href="{url("program_observations")}?estado=abierta"' in page.content.decode()


def test_the_list_groups_by_area_and_filters(as_user, demo):
    to_review(demo)
    a = observe(demo, demo.activity_full, "Primera de SE")
    observe(demo, demo.activity_fraction, "Segunda de SE")
    c = observe(demo, demo.activity_otra, "La de DO")
    observation_answer(actor=actor(demo, "enlace_otra"), observation=c, text="Corregido.")
    observation_resolve(actor=actor(demo, "planeacion"), observation=a)
    client = as_user("enlace_se")
    shown = text(client.get(url("program_observations")))
    assert "2 abiertas de 3 observaciones." in shown
    # Areas by name: Dirección de Organización before Secretaría Ejecutiva.
    do, se = shown.index("Dirección de Organización (DO)"), shown.index("Secretaría Ejecutiva (SE)")
    assert do < se
    # An answer does not close it: Planeación does.
    assert "Dirección de Organización (DO) 1 observación, 1 abierta" in shown
    assert "Secretaría Ejecutiva (SE) 2 observaciones, 1 abierta" in shown
    assert "Corregido." in shown
    only_open = text(client.get(url("program_observations") + "?estado=abierta"))
    assert "Primera de SE" not in only_open
    assert "Segunda de SE" in only_open and "La de DO" in only_open
    only_done = text(client.get(url("program_observations") + "?estado=atendida"))
    assert "Primera de SE" in only_done and "Segunda de SE" not in only_done
    only_do = text(client.get(url("program_observations") + "?area=DO"))
    assert "La de DO" in only_do and "Primera de SE" not in only_do
    nothing = text(client.get(url("program_observations") + "?area=XX"))
    assert "Ninguna observación coincide con el filtro." in nothing


def test_the_list_takes_the_same_queries_whatever_it_holds(
    as_user, demo, django_assert_num_queries
):
    to_review(demo)
    client = as_user("consulta")
    client.get(url("program_observations"))  # warm the content-type cache
    # session, user, institution, membership, program, nodes, observations
    with django_assert_num_queries(7):
        assert client.get(url("program_observations")).status_code == 200
    for activity in (demo.activity_full, demo.activity_otra, demo.activity_missing):
        for i in range(3):
            o = observe(demo, activity, f"Observación {i}")
            if i:
                observation_resolve(actor=actor(demo, "planeacion"), observation=o)
    with django_assert_num_queries(7):
        response = client.get(url("program_observations"))
    assert text(response).count("Observación 2") == 3


# --- the approval page ----------------------------------------------------------------------------


def test_approval_warns_how_many_are_open_and_still_approves(as_user, demo):
    to_review(demo)
    observe(demo, demo.activity_full, "Uno")
    observe(demo, demo.activity_otra, "Dos")
    client = as_user("planeacion")
    page = text(client.get(url("program_approval")))
    assert "Hay 2 observaciones de revisión abiertas" in page
    assert "Puedes registrar la aprobación de todos modos: el Consejo General decide" in page
    response = client.post(
        url("program_approval"),
        {"accion": "aprobar", "agreement": "IEEM/CG/07/2024", "date": "26/01/2024"},
    )
    assert response.status_code == 302
    demo.program.refresh_from_db()
    assert demo.program.state == "aprobado"
    assert "observaciones de revisión abiertas" not in text(client.get(url("program_approval")))
    # They stay, as history, in the list.
    assert "2 abiertas de 2 observaciones." in text(client.get(url("program_observations")))


def test_an_approved_program_offers_no_observation_forms(as_user, demo):
    to_review(demo)
    observation = observe(demo, demo.activity_full, "Uno")
    program_approve(
        actor=actor(demo, "planeacion"),
        program=demo.program,
        agreement="IEEM/CG/07/2024",
        approved_on=date(2024, 1, 26),
    )
    for persona in ("planeacion", "enlace_se"):
        page = as_user(persona).get(url("activity", "010101")).content.decode()
        assert "Uno" in page
        assert url("observation_answer", observation.pk) not in page
        assert url("observation_resolve", observation.pk) not in page
        assert url("observation_create", "010101") not in page

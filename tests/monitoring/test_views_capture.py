"""The capture pages: the year's index, the area × month grid, its workflow and evidence."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.monitoring.models import (
    Evidence,
    PeriodReport,
    PeriodState,
    ProgressEntry,
    WindowExtension,
)
from tests.conftest import PERSONAS
from tests.factories import ActivityFactory, measure_indicator

pytestmark = pytest.mark.django_db

INDEX = reverse("web:capture", args=["IEEM", 2024])
GRID = reverse("web:capture_grid", args=["IEEM", 2024, "SE", 1])
GRID_DO = reverse("web:capture_grid", args=["IEEM", 2024, "DO", 1])


@pytest.fixture(autouse=True)
def _due_indicators_measured(demo):
    """Sending an area's month also needs its due indicator measurements: the SE
    monthly indicator of the demo design is measured (green) in the months sent here."""
    for period in (1, 2, 4):
        measure_indicator(demo.design.ind_a11, period)


def evidence_url(key: str) -> str:
    return reverse("web:capture_evidence", args=["IEEM", 2024, "SE", 1, key])


@pytest.fixture
def as_user(demo):
    """A separate logged-in client per persona (the shared fixture reuses one client)."""

    def login(name: str) -> Client:
        client = Client()
        client.force_login(demo.users[name])
        return client

    return login


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # evidence files are written under it


@pytest.fixture
def january_open(demo):
    """January 2024's window, long closed, extended for every area past today."""
    return WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=1,
        until=date(2099, 12, 31),
        reason="Cambio de titular",
        created_by="planeacion",
    )


def values(demo, **by_key: object) -> dict[str, object]:
    """A grid POST: ``achieved`` for each activity key given (others blank)."""
    data: dict[str, object] = {"accion": "guardar"}
    for activity in (
        demo.activity_full,
        demo.activity_fraction,
        demo.activity_missing,
        demo.activity_mismatch,
    ):
        given = by_key.get(f"a{activity.key}")
        entry = ProgressEntry.objects.filter(activity=activity, month=1).first()
        data[f"version-{activity.pk}"] = str(entry.version) if entry else ""
        data[f"avance-{activity.pk}"] = "" if given is None else given
        data[f"justificacion-{activity.pk}"] = by_key.get(f"j{activity.key}", "")
        data[f"comentario-{activity.pk}"] = ""
    return data


COMPLETE = {"a010101": "340", "a010103": "1", "a010104": "1"}


# --- who sees what --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [*PERSONAS, "ajeno"])
def test_every_persona_on_the_index_and_the_grids(demo, as_user, persona, january_open):
    client = as_user(persona)
    expected_index = 403 if persona == "ajeno" else 200
    assert client.get(INDEX).status_code == expected_index
    se = 403 if persona in {"ajeno", "enlace_otra"} else 200
    do = 403 if persona in {"ajeno", "enlace_se"} else 200
    response = client.get(GRID)
    assert response.status_code == se
    if se == 403:
        assert "Acceso denegado" in response.content.decode()
    assert client.get(GRID_DO).status_code == do
    response = client.post(evidence_url("010101"))
    assert response.status_code == (302 if persona in {"planeacion", "enlace_se"} else 403)
    assert not AuditEvent.objects.exists()


def test_an_enlace_sees_only_its_area_on_the_index(demo, as_user):
    html = as_user("enlace_se").get(INDEX).content.decode()
    assert 'id="captura-SE-1"' in html
    assert 'id="captura-DO-1"' not in html
    html = as_user("revisor").get(INDEX).content.decode()
    assert 'id="captura-SE-1"' in html and 'id="captura-DO-1"' in html


def test_the_index_shows_states_and_windows(demo, as_user, january_open):
    PeriodReport.objects.create(
        program=demo.program, area=demo.area_se, month=2, state=PeriodState.APPROVED
    )
    html = as_user("planeacion").get(INDEX).content.decode()
    # Each area is a row, each month a cell: the cell reads its state and its window.
    assert index_cell(html, "SE", 1) == "Sin captura SE, enero Ventana prorrogada hasta 31/12/2099"
    # February: closes on 10 March.
    assert index_cell(html, "SE", 2) == "Aprobado SE, febrero Ventana cerrada el 10/03/2024"
    assert index_cell(html, "DO", 2) == "Sin captura DO, febrero Ventana cerrada el 10/03/2024"


def index_cell(html: str, area: str, month: int) -> str:
    """The text of the index's cell of ``area`` × ``month``, tags removed."""
    found = re.search(rf'<td[^>]*id="captura-{area}-{month}">(.*?)</td>', html, re.S)
    assert found is not None, f"no cell {area}-{month}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_unknown_area_or_month_is_404(demo, as_user):
    client = as_user("planeacion")
    assert client.get(reverse("web:capture_grid", args=["IEEM", 2024, "XX", 1])).status_code == 404
    assert client.get(reverse("web:capture_grid", args=["IEEM", 2024, "SE", 13])).status_code == 404
    assert client.get(reverse("web:capture", args=["IEEM", 1999])).status_code == 404


def test_read_only_explains_why(demo, as_user, january_open):
    html = as_user("consulta").get(GRID).content.decode()
    assert "Solo lectura" in html and "Tu papel permite consultar" in html
    assert 'name="avance-' not in html
    closed = reverse("web:capture_grid", args=["IEEM", 2024, "SE", 2])
    html = as_user("enlace_se").get(closed).content.decode()
    assert "La captura de 02/2024 cerró el 10/03/2024" in html
    assert 'name="avance-' not in html


# --- saving the grid -------------------------------------------------------------------------


def test_enlace_saves_the_grid_in_one_post(demo, as_user, january_open):
    client = as_user("enlace_se")
    response = client.post(GRID, values(demo, **{**COMPLETE, "a010104": "1.0"}))
    assert response.status_code == 302
    saved = dict(ProgressEntry.objects.filter(month=1).values_list("activity__key", "achieved"))
    assert saved == {"010101": Decimal(340), "010103": Decimal(1), "010104": Decimal(1)}
    html = client.get(GRID).content.decode()
    assert "Se guardaron los avances de enero 2024 (3 actividades)" in html
    assert 'value="340"' in html and "Verde · 100 %" in html


def test_a_non_green_value_needs_a_justification_and_nothing_is_saved(demo, as_user, january_open):
    client = as_user("enlace_se")
    response = client.post(GRID, values(demo, **{**COMPLETE, "a010101": "100"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="justificacion-{demo.activity_full.pk}-error"' in html
    assert "escribe una justificación" in html
    assert 'value="100"' in html  # what was typed stays in the input
    assert not ProgressEntry.objects.exists()  # the valid rows were not saved either
    response = client.post(
        GRID, values(demo, **{**COMPLETE, "a010101": "100", "j010101": "Paro laboral"})
    )
    assert response.status_code == 302
    assert ProgressEntry.objects.get(activity=demo.activity_full).justification == "Paro laboral"


def test_a_bad_number_is_shown_next_to_its_field(demo, as_user, january_open):
    response = as_user("enlace_se").post(GRID, values(demo, **{**COMPLETE, "a010103": "-2"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        f'id="avance-{demo.activity_missing.pk}-error">La cantidad no puede ser negativa.' in html
    )
    assert not ProgressEntry.objects.exists()


def test_an_empty_post_saves_nothing(demo, as_user, january_open):
    response = as_user("enlace_se").post(GRID, values(demo))
    assert response.status_code == 400
    assert "No escribiste ningún avance" in response.content.decode()


def test_a_stale_version_shows_both_values_and_never_overwrites(demo, as_user, january_open):
    ProgressEntry.objects.create(activity=demo.activity_full, month=1, achieved=300, version=2)
    data = values(demo, **COMPLETE)
    data[f"version-{demo.activity_full.pk}"] = "1"  # loaded before the other person saved
    response = as_user("enlace_se").post(GRID, data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "tu valor: <strong>340</strong>; valor guardado: <strong>300</strong>" in html
    assert "no se guardó nada" in html
    assert ProgressEntry.objects.get(activity=demo.activity_full).achieved == 300
    assert ProgressEntry.objects.count() == 1


def test_a_closed_window_refuses_the_post(demo, as_user):
    response = as_user("enlace_se").post(GRID, values(demo, **COMPLETE))
    assert response.status_code == 400
    assert "cerró el 10/02/2024" in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_those_who_may_not_capture_get_403_on_save(demo, as_user, january_open):
    for persona in ("revisor", "consulta"):
        assert as_user(persona).post(GRID, values(demo, **COMPLETE)).status_code == 403
    assert not ProgressEntry.objects.exists()


# --- the workflow ----------------------------------------------------------------------------


def _version() -> str:
    return str(PeriodReport.objects.get().version)


def test_submit_return_resubmit_approve_reopen(demo, as_user, january_open):
    enlace, revisor, planeacion = as_user("enlace_se"), as_user("revisor"), as_user("planeacion")
    assert enlace.post(GRID, values(demo, **COMPLETE)).status_code == 302
    assert revisor.post(GRID, {"accion": "enviar"}).status_code == 403
    response = enlace.post(GRID, {"accion": "enviar", "version_periodo": _version()})
    assert response.status_code == 302
    assert PeriodReport.objects.get().state == PeriodState.SUBMITTED
    html = enlace.get(GRID).content.decode()
    assert "Solo lectura" in html and "mientras se revisa" in html

    assert enlace.post(GRID, {"accion": "aprobar"}).status_code == 403
    response = revisor.post(GRID, {"accion": "devolver", "version_periodo": _version()})
    assert response.status_code == 400
    assert "Escribe el motivo." in response.content.decode()
    assert PeriodReport.objects.get().state == PeriodState.SUBMITTED
    response = revisor.post(
        GRID, {"accion": "devolver", "motivo": "Falta el oficio.", "version_periodo": _version()}
    )
    assert response.status_code == 302
    html = enlace.get(GRID).content.decode()
    assert "Devuelto" in html and "Falta el oficio." in html and 'id="enviar"' in html

    assert enlace.post(GRID, {"accion": "enviar", "version_periodo": _version()}).status_code == 302
    stale = str(int(_version()) - 1)
    response = revisor.post(GRID, {"accion": "aprobar", "version_periodo": stale})
    assert response.status_code == 409
    assert PeriodReport.objects.get().state == PeriodState.SUBMITTED
    response = revisor.post(GRID, {"accion": "aprobar", "version_periodo": _version()})
    assert response.status_code == 302
    assert PeriodReport.objects.get().state == PeriodState.APPROVED
    assert 'name="avance-' not in enlace.get(GRID).content.decode()
    assert enlace.post(GRID, values(demo, a010101="1")).status_code == 400

    assert revisor.post(GRID, {"accion": "reabrir", "motivo": "x"}).status_code == 403
    response = planeacion.post(
        GRID, {"accion": "reabrir", "motivo": "Corregir cifra", "version_periodo": _version()}
    )
    assert response.status_code == 302
    assert PeriodReport.objects.get().state == PeriodState.DRAFT


def test_submitting_an_incomplete_capture_says_what_is_missing(demo, as_user, january_open):
    enlace = as_user("enlace_se")
    enlace.post(GRID, values(demo, a010101="340"))
    response = enlace.post(GRID, {"accion": "enviar"})
    assert response.status_code == 400
    assert "Falta capturar el avance de: 010103, 010104." in response.content.decode()


def test_an_unknown_action_is_refused(demo, as_user, january_open):
    assert as_user("enlace_se").post(GRID, {"accion": "borrar"}).status_code == 400


# --- evidence --------------------------------------------------------------------------------


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
        b"trailer <</Root 1 0 R>>\n%%EOF\n"
    )


def test_evidence_upload_list_and_removal(demo, as_user, january_open):
    enlace = as_user("enlace_se")
    response = enlace.post(
        evidence_url("010101"), {"archivo": SimpleUploadedFile("oficio.pdf", pdf_bytes())}
    )
    assert response.status_code == 302
    assert "guarda primero el avance" in enlace.get(GRID).content.decode()
    enlace.post(GRID, values(demo, **COMPLETE))
    response = enlace.post(
        evidence_url("010101"), {"archivo": SimpleUploadedFile("oficio.pdf", pdf_bytes())}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#fila-010101")
    evidence = Evidence.objects.get()
    html = enlace.get(GRID).content.decode()
    assert reverse("web:evidence_download", args=["IEEM", evidence.pk]) in html
    assert "se adjuntó oficio.pdf" in html
    consulta_html = as_user("consulta").get(GRID).content.decode()
    assert "oficio.pdf" not in consulta_html  # Consulta does not see evidence

    response = enlace.post(
        evidence_url("010101"), {"archivo": SimpleUploadedFile("nota.txt", b"hola")}
    )
    assert (
        "010101: El archivo nota.txt no es de un tipo aceptado" in enlace.get(GRID).content.decode()
    )
    assert Evidence.objects.count() == 1

    assert enlace.post(evidence_url("010101"), {"quitar": evidence.pk}).status_code == 302
    assert not Evidence.objects.exists()


def test_evidence_of_another_area_is_404(demo, as_user, january_open):
    response = as_user("planeacion").post(evidence_url("020101"))
    assert response.status_code == 404


# --- query counts ----------------------------------------------------------------------------


def _grid_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(GRID)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_activities(demo, count: int) -> None:
    for _ in range(count):
        activity = ActivityFactory(node=demo.project, unit=demo.activity_full.unit)
        entry = ProgressEntry.objects.create(activity=activity, month=1, achieved=1)
        Evidence.objects.create(
            entry=entry,
            original_name="a.pdf",
            storage_name=f"IEEM/{activity.pk}.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )


@pytest.mark.parametrize("persona", ["enlace_se", "revisor"])
def test_grid_and_index_queries_do_not_grow_with_rows(demo, as_user, january_open, persona):
    client = as_user(persona)
    _add_activities(demo, 1)  # 5 rows
    PeriodReport.objects.create(program=demo.program, area=demo.area_se, month=1)
    five = _grid_queries(client)
    with CaptureQueriesContext(connection) as ctx:
        client.get(INDEX)
    index_five = len(ctx.captured_queries)
    _add_activities(demo, 35)  # 40 rows
    assert client.get(GRID).content.decode().count("data-capture-row") == 40
    assert _grid_queries(client) == five
    with CaptureQueriesContext(connection) as ctx:
        client.get(INDEX)
    assert len(ctx.captured_queries) == index_five
    print(f"grid queries ({persona}): {five}; index: {index_five}")


def test_the_grid_shows_the_history_of_the_capture(demo):
    from django.test import Client

    from rumbo.audit.services import Actor
    from rumbo.monitoring.models import PeriodReport
    from rumbo.monitoring.services import period_return

    report = PeriodReport.objects.create(
        program=demo.program, area=demo.area_se, month=1, state="enviado"
    )
    revisor = demo.users["revisor"]
    period_return(
        actor=Actor.for_user(revisor),
        user=revisor,
        program=demo.program,
        area=demo.area_se,
        month=1,
        reason="Falta la evidencia de enero",
    )
    client = Client()
    client.force_login(demo.users["enlace_se"])
    html = client.get(reverse("web:capture_grid", args=["IEEM", 2024, "SE", 1])).content.decode()
    assert "Historial de esta captura" in html
    assert "Devolvió la captura con observaciones" in html
    assert "Falta la evidencia de enero" in html
    assert report.pk


# --- messages beside their row; evidence answered in place ----------------------------------
# The grid speaks beside each row: what was saved, attached, removed or refused; and the
# evidence answers the page's script with the row's part only (nothing else reloads).

FRAGMENT = {"HTTP_HX_REQUEST": "true"}


def region(html: str, region_id: str) -> str:
    """The text of the element ``id=region_id`` (a row's message region), tags removed."""
    found = re.search(rf'<div[^>]*id="{region_id}"[^>]*>(.*?)</div>', html, re.S)
    assert found is not None, f"no element {region_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def top_messages(html: str) -> str:
    found = re.search(r'<div class="messages"[^>]*>(.*?)</div>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else ""


def upload(name: str, content: bytes) -> dict[str, object]:
    return {"archivo": SimpleUploadedFile(name, content)}


def test_saving_says_saved_beside_each_changed_row(demo, as_user, january_open):
    enlace = as_user("enlace_se")
    response = enlace.post(GRID, values(demo, **COMPLETE), follow=True)
    html = response.content.decode()
    assert "Se guardaron los avances de enero 2024 (3 actividades)" in top_messages(html)
    assert region(html, "mensajes-010101") == "Guardado."
    assert region(html, "mensajes-010103") == "Guardado."
    assert region(html, "mensajes-010102") == ""  # left blank: nothing saved there
    assert "Guardado." not in top_messages(html)
    # Shown once: the next visit is quiet.
    assert region(enlace.get(GRID).content.decode(), "mensajes-010101") == ""


def test_without_script_the_evidence_message_is_beside_its_row(demo, as_user, january_open):
    enlace = as_user("enlace_se")
    enlace.post(GRID, values(demo, **COMPLETE))
    response = enlace.post(evidence_url("010103"), upload("oficio.pdf", pdf_bytes()))
    assert response.status_code == 302
    assert response["Location"].endswith("#fila-010103")
    html = enlace.get(GRID).content.decode()
    assert region(html, "evidencia-mensajes-010103") == "010103: se adjuntó oficio.pdf."
    assert region(html, "evidencia-mensajes-010101") == ""
    assert "oficio.pdf" not in top_messages(html)

    enlace.post(evidence_url("010101"), upload("nota.txt", b"hola"))
    html = enlace.get(GRID).content.decode()
    assert region(html, "evidencia-mensajes-010101").startswith(
        "010101: El archivo nota.txt no es de un tipo aceptado"
    )


def test_the_script_gets_the_rows_evidence_only(demo, as_user, january_open):
    enlace = as_user("enlace_se")
    enlace.post(GRID, values(demo, **COMPLETE))
    response = enlace.post(evidence_url("010103"), upload("oficio.pdf", pdf_bytes()), **FRAGMENT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="captura"' not in html  # the row's part, not the page
    evidence = Evidence.objects.get()
    assert evidence.entry.activity.key == "010103"
    assert reverse("web:evidence_download", args=["IEEM", evidence.pk]) in html
    assert 'aria-label="Quitar oficio.pdf"' in html
    assert 'name="archivo" form="evidencia-010103"' in html  # a fresh file input
    assert region(html.replace("<div data-evidence-messages>", '<div id="m">'), "m") == (
        "010103: se adjuntó oficio.pdf."
    )
    # Nothing was queued for the next page: the script showed it already.
    assert region(enlace.get(GRID).content.decode(), "evidencia-mensajes-010103") == ""


def test_the_script_hears_why_a_file_is_refused(demo, as_user, january_open):
    enlace = as_user("enlace_se")
    response = enlace.post(evidence_url("010101"), upload("oficio.pdf", pdf_bytes()), **FRAGMENT)
    assert response.status_code == 400  # no progress saved yet for 010101
    html = response.content.decode()
    assert "010101: guarda primero el avance del mes para adjuntarle evidencia." in html
    assert "Guarda el avance de esta fila para adjuntarle evidencia." in html

    enlace.post(GRID, values(demo, **COMPLETE))
    response = enlace.post(evidence_url("010101"), upload("nota.txt", b"hola"), **FRAGMENT)
    assert response.status_code == 400
    assert "010101: El archivo nota.txt no es de un tipo aceptado" in response.content.decode()
    response = enlace.post(evidence_url("010101"), {}, **FRAGMENT)
    assert response.status_code == 400
    assert "010101: Elige un archivo." in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_script_removes_evidence_in_place(demo, as_user, january_open):
    enlace = as_user("enlace_se")
    enlace.post(GRID, values(demo, **COMPLETE))
    enlace.post(evidence_url("010101"), upload("oficio.pdf", pdf_bytes()))
    evidence = Evidence.objects.get()
    response = enlace.post(evidence_url("010101"), {"quitar": evidence.pk}, **FRAGMENT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "010101: se quitó oficio.pdf." in html
    assert "Quitar oficio.pdf" not in html
    assert not Evidence.objects.exists()
    response = enlace.post(evidence_url("010101"), {"quitar": evidence.pk}, **FRAGMENT)
    assert response.status_code == 400
    assert "010101: esa evidencia ya no existe." in response.content.decode()


def test_a_refused_save_marks_its_typed_rows_unsaved(demo, as_user, january_open):
    """Sent back with errors, what was typed is on the page but not stored: the page's
    script must count it among the changes leaving would lose."""
    enlace = as_user("enlace_se")
    response = enlace.post(GRID, values(demo, a010101="abc", a010103="1"))
    assert response.status_code == 400
    html = response.content.decode()
    assert unsaved_rows(html) == ["010101", "010103"]
    assert unsaved_rows(enlace.get(GRID).content.decode()) == []


def unsaved_rows(html: str) -> list[str]:
    rows = re.findall(r'<tr id="fila-(\d+)"([^>]*)>', html)
    assert rows, "no rows"
    return [key for key, attributes in rows if re.search(r"\sdata-unsaved\b", attributes)]

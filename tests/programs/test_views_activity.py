"""Activity pages: who may open what, the calendar editor, edit/create/delete, history, queries."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.monitoring.models import PeriodState
from rumbo.programs.models import Activity, ActivityObservation
from rumbo.programs.services import activity_months
from tests.factories import (
    ActivityFactory,
    AreaFactory,
    BeneficiaryFactory,
    ProgramNodeFactory,
)
from tests.reports.conftest import add_progress, set_state

pytestmark = pytest.mark.django_db

DETAIL_QUERIES = 20  # session, user, institution, membership, activity (+3 prefetches), nodes,
# open findings, history, the review's observations; + 8 for «Avance mes a mes»
# (program_figures: nodes, the activity, its targets, its entries, the captures, bands
# override and policy, areas)
CALENDAR_QUERIES = 9  # session, user, institution, membership, activity (+3), nodes
EDIT_QUERIES = 13  # calendar's 9 + units, areas, plan in force, its lines
DELETE_QUERIES = 9
CREATE_QUERIES = 10  # session, user, institution, membership, program, nodes, units, areas,
# plan in force, its lines

ACTIVITY_URLS = ["activity", "activity_edit", "activity_calendar", "activity_delete"]
ALL_MONTHS = [str(i) for i in range(1, 13)]


def url(name: str, key: str = "010101", year: int = 2024, code: str = "IEEM") -> str:
    if name == "activity_create":
        return reverse("web:activity_create", args=[code, year])
    return reverse(f"web:{name}", args=[code, year, key])


def text(response) -> str:
    """The page as read on screen (without screen-reader-only text), spaces collapsed."""
    html = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def calendar_post(months: list[str], annual: str = "12", **extra: object) -> dict[str, object]:
    data: dict[str, object] = {f"month_{i}": m for i, m in enumerate(months, start=1)}
    data.update({"annual_target": annual, "mode": "manual", "reason": "", **extra})
    return data


# --- who may open what ---

EXPECTED = {
    # persona: (detail, edit, calendar, delete, create) on an SE activity; en formulación an
    # enlace proposes activities of its own area (the create page lists only its levels)
    "planeacion": (200, 200, 200, 200, 200),
    "enlace_se": (200, 200, 200, 403, 200),
    "enlace_otra": (200, 403, 403, 403, 200),
    "revisor": (200, 403, 403, 403, 403),
    "consulta": (200, 403, 403, 403, 403),
    "ajeno": (403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_every_persona_on_every_url(as_user, demo, persona):
    client = as_user(persona)
    names = [*ACTIVITY_URLS[:1], "activity_edit", "activity_calendar", "activity_delete"]
    got = [client.get(url(name)).status_code for name in names]
    got.append(client.get(url("activity_create")).status_code)
    assert tuple(got) == EXPECTED[persona]


@pytest.mark.parametrize("persona", ["enlace_se", "revisor", "consulta", "enlace_otra"])
def test_posts_are_refused_as_the_gets_and_write_nothing(as_user, demo, persona):
    client = as_user(persona)
    otra = demo.activity_otra.key  # DO's: only planeacion and enlace_otra may write it
    key = "010101" if persona == "enlace_otra" else otra
    if persona == "enlace_se":
        key = otra
    before = AuditEvent.objects.count()
    calendar = client.post(
        url("activity_calendar", key), calendar_post(["1"] * 12, accion="guardar")
    )
    edit = client.post(url("activity_edit", key), {"description": "Otra cosa"})
    delete = client.post(url("activity_delete", key), {"reason": "Ya no va"})
    # under a level of another area (an enlace may create only in its own: the level is not
    # among the page's choices, so the form refuses it and nothing is created)
    other_node = demo.project if persona == "enlace_otra" else demo.subprogram.children.first()
    if persona == "enlace_se":
        other_node = Activity.objects.get(key=otra).node
    create = client.post(
        url("activity_create"),
        {"node": other_node.pk, "key": "99", "description": "Nueva", "annual_target": "1"},
    )
    expected_create = 200 if persona.startswith("enlace") else 403
    assert [calendar.status_code, edit.status_code, delete.status_code, create.status_code] == [
        403,
        403,
        403,
        expected_create,
    ]
    assert AuditEvent.objects.count() == before
    assert Activity.objects.filter(key=key).exists()
    assert not Activity.objects.filter(key="99").exists()


def test_anonymous_is_sent_to_login(client, demo):
    for name in [*ACTIVITY_URLS, "activity_create"]:
        response = client.get(url(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "address",
    [
        url("activity", "999999"),
        url("activity_calendar", "999999"),
        url("activity", year=2023),
        url("activity", code="NOEXISTE"),
        url("activity_create", year=2030),
    ],
)
def test_unknown_activity_program_or_institution_is_404(as_user, demo, address):
    assert as_user("planeacion").get(address).status_code == 404


def test_liaison_of_another_area_gets_a_spanish_explanation(as_user, demo):
    response = as_user("enlace_otra").get(url("activity_calendar"))
    assert response.status_code == 403
    page = text(response)
    assert "No tienes permiso para modificar esta actividad." in page
    assert "Secretaría Ejecutiva (SE)" in page
    assert "Enlace de área" in page


def test_delete_refusal_names_planeacion(as_user, demo):
    response = as_user("enlace_se").get(url("activity_delete"))
    assert response.status_code == 403
    assert "Solo Planeación puede modificar la estructura del programa." in text(response)


# --- detail page ---


def test_detail_shows_every_field(as_user, demo):
    BeneficiaryFactory(activity=demo.activity_full, description="Ciudadanía", quantity="1,200")
    demo.activity_full.lines_of_action.set(demo.plan_new.lines_of_action.filter(code="1.1"))
    demo.activity_full.source_line = 57
    demo.activity_full.calendar_as_printed = "340 340 340"
    demo.activity_full.save()
    page = text(as_user("consulta").get(url("activity")))
    assert "Actividad 010101" in page
    assert "Atención de solicitudes de información pública" in page
    assert "Subprograma 01 Secretaría Ejecutiva" in page
    assert "Proyecto 0101 Seguimiento de acuerdos" in page
    assert "Secretaría Ejecutiva (SE) · la del nivel superior" in page
    assert "Reporte" in page
    assert "4,060" in page
    assert "Calendario completo" in page
    assert "340 340 340" in page
    assert "línea 57" in page
    assert "Línea de acción 1.1 Modernizar la logística." in page
    assert "Objetivo OE1: Organizar procesos electorales confiables." in page
    assert "Ciudadanía: 1,200" in page


def test_detail_flags_the_calendar(as_user, demo):
    client = as_user("consulta")
    assert "falta 1 mes" in text(client.get(url("activity", "010103")))
    assert "Los meses suman 11; la cantidad anual es 12." in text(
        client.get(url("activity", "010104"))
    )
    demo.activity_full.annual_target = None
    demo.activity_full.save()
    assert "Sin cantidad anual" in text(client.get(url("activity")))


def test_detail_and_calendar_pages_say_a_calendar_is_simulated(as_user, demo):
    client = as_user("planeacion")
    assert "Calendario simulado" not in text(client.get(url("activity")))
    Activity.objects.filter(pk=demo.activity_full.pk).update(calendar_simulated=True)
    assert "Calendario simulado: estos meses no vienen de un documento" in text(
        client.get(url("activity"))
    )
    assert "deja de marcarse como simulado" in text(client.get(url("activity_calendar")))


def test_detail_unknown_month_is_a_dash(as_user, demo):
    html = as_user("consulta").get(url("activity", "010103")).content.decode()
    assert html.count('<span class="unknown" aria-hidden="true">—</span>') == 1


def test_detail_lists_open_findings_and_links_to_them(as_user, demo):
    response = as_user("consulta").get(url("activity", "010104"))
    page = text(response)
    assert "Los meses suman 11; la cantidad anual es 12." in page
    link = reverse("web:findings", args=["IEEM"]) + f"?actividad={demo.activity_mismatch.pk}"
    assert link in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "key", "edit", "delete"),
    [
        ("planeacion", "010101", True, True),
        ("enlace_se", "010101", True, False),
        ("enlace_otra", "010101", False, False),
        ("enlace_otra", "020101", True, False),
        ("revisor", "010101", False, False),
        ("consulta", "010101", False, False),
    ],
)
def test_buttons_only_when_allowed(as_user, demo, persona, key, edit, delete):
    html = as_user(persona).get(url("activity", key)).content.decode()
    assert (url("activity_calendar", key) in html) is edit
    assert (url("activity_edit", key) in html) is edit
    assert (url("activity_delete", key) in html) is delete


# --- calendar editor ---


def test_calendar_form_starts_with_the_saved_months(as_user, demo):
    html = as_user("enlace_se").get(url("activity_calendar", "010103")).content.decode()
    assert re.search(r'name="month_4" value="1"', html)
    assert re.search(r'name="month_5"(?![^>]*value=)', html)  # unknown stays blank
    assert 'value="12"' in html
    assert "Suma de los meses:" in html


def test_calculate_fills_months_without_saving(as_user, demo):
    client = as_user("enlace_se")
    months_before = activity_months(demo.activity_missing)
    events = AuditEvent.objects.count()
    response = client.post(
        url("activity_calendar", "010103"),
        calendar_post(
            [""] * 12,
            annual="1,000",
            mode="even",
            spread_months=["1", "2", "3"],
            accion="calcular",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="month_1" value="334"' in html
    assert 'name="month_2" value="333"' in html
    assert 'name="month_4" value="0"' in html
    assert "todavía no se guardan" in html
    assert "Los meses suman" not in text(response).replace("Los meses suman ;", "")
    assert activity_months(demo.activity_missing) == months_before
    assert AuditEvent.objects.count() == events


def test_calculate_front_loaded_with_fractions(as_user, demo):
    response = as_user("planeacion").post(
        url("activity_calendar", "010103"),
        calendar_post(
            [""] * 12,
            annual="1",
            mode="front",
            spread_months=["1", "2"],
            allow_fractions="on",
            places="2",
            accion="calcular",
        ),
    )
    html = response.content.decode()
    assert 'name="month_1" value="0.67"' in html
    assert 'name="month_2" value="0.33"' in html


def test_calculate_errors_are_next_to_the_fields(as_user, demo):
    client = as_user("planeacion")
    no_months = client.post(
        url("activity_calendar"),
        calendar_post([""] * 12, mode="even", accion="calcular"),
    )
    assert "Elige al menos un mes para repartir la cantidad anual." in text(no_months)
    half = client.post(
        url("activity_calendar"),
        calendar_post(
            [""] * 12, annual="10.5", mode="even", spread_months=ALL_MONTHS, accion="calcular"
        ),
    )
    assert "permite más decimales" in text(half)
    no_annual = client.post(
        url("activity_calendar"),
        calendar_post(
            [""] * 12, annual="", mode="even", spread_months=ALL_MONTHS, accion="calcular"
        ),
    )
    assert "Este dato es obligatorio." in text(no_annual)


def test_calculate_with_htmx_returns_only_the_form(as_user, demo):
    response = as_user("planeacion").post(
        url("activity_calendar"),
        calendar_post(["1"] * 12, mode="even", spread_months=ALL_MONTHS, accion="calcular"),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.lstrip().startswith("<form")
    assert "<html" not in html
    assert 'name="month_12" value="1"' in html


def test_save_writes_through_the_service_and_audits(as_user, demo):
    client = as_user("enlace_se")
    months = ["1"] * 12
    response = client.post(
        url("activity_calendar", "010103"),
        calendar_post(months, accion="guardar", reason="Se recuperó mayo del original"),
    )
    assert response.status_code == 302
    assert response["Location"] == url("activity", "010103")
    assert activity_months(demo.activity_missing) == [Decimal(1)] * 12
    event = AuditEvent.objects.get(action="activity.calendar")
    assert event.reason == "Se recuperó mayo del original"
    assert event.after == {"monthly_targets": [1] * 12}
    page = text(client.get(response["Location"]))
    assert "Se guardó el calendario de 010103." in page
    assert "Calendario completo" in page
    assert "Cambió el calendario" in page
    assert "Meta de mayo: — → 1" in page
    assert "Se recuperó mayo del original" in page


def test_save_with_htmx_redirects_the_page(as_user, demo):
    response = as_user("enlace_se").post(
        url("activity_calendar", "010103"),
        calendar_post(["1"] * 12, accion="guardar"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == url("activity", "010103")


def test_save_accepts_es_mx_numbers_and_blanks(as_user, demo):
    months = ["1,000.5", "", *["0"] * 10]
    as_user("planeacion").post(
        url("activity_calendar"), calendar_post(months, annual="1,000.5", accion="guardar")
    )
    saved = activity_months(demo.activity_full)
    assert saved[0] == Decimal("1000.5")
    assert saved[1] is None
    demo.activity_full.refresh_from_db()
    assert demo.activity_full.annual_target == Decimal("1000.5")


def test_save_with_months_not_adding_up_is_allowed_and_keeps_warning(as_user, demo):
    client = as_user("planeacion")
    response = client.post(
        url("activity_calendar"), calendar_post(["1"] * 12, annual="13", accion="guardar")
    )
    assert response.status_code == 302
    assert "Los meses suman 12; la cantidad anual es 13." in text(client.get(url("activity")))
    editor = text(client.get(url("activity_calendar")))
    assert "Los meses suman 12; la cantidad anual es 13" in editor


def test_bad_months_are_named_and_nothing_is_saved(as_user, demo):
    months_before = activity_months(demo.activity_full)
    months = ["1"] * 12
    months[2] = "abc"
    months[6] = "-3"
    response = as_user("planeacion").post(
        url("activity_calendar"), calendar_post(months, accion="guardar")
    )
    assert response.status_code == 200
    page = text(response)
    assert "Marzo: «abc» no es una cantidad (ejemplo: 1,234.5)." in page
    assert "Julio: La cantidad no puede ser negativa." in page
    assert activity_months(demo.activity_full) == months_before
    assert not AuditEvent.objects.filter(action="activity.calendar").exists()


def test_bad_annual_target_is_named(as_user, demo):
    response = as_user("planeacion").post(
        url("activity_calendar"), calendar_post(["1"] * 12, annual="doce", accion="guardar")
    )
    assert "«doce» no es una cantidad" in text(response)


def test_unchanged_calendar_says_so(as_user, demo):
    months = ["340"] * 10 + ["330", "330"]
    client = as_user("planeacion")
    response = client.post(
        url("activity_calendar"), calendar_post(months, annual="4,060", accion="guardar")
    )
    assert response.status_code == 302
    assert "no había nada que guardar" in text(client.get(url("activity")))
    assert not AuditEvent.objects.filter(action="activity.calendar").exists()


# --- edit, create, delete ---


def test_liaison_edits_without_the_area_field(as_user, demo):
    client = as_user("enlace_se")
    html = client.get(url("activity_edit")).content.decode()
    assert 'name="area"' not in html
    assert "Modernizar la logística." in html
    response = client.post(
        url("activity_edit"),
        {
            "description": "Atención de solicitudes de acceso a la información",
            "unit": demo.activity_missing.unit_id,
            "area": demo.area_otra.pk,  # ignored: not the liaison's to change
            "lines_of_action": ["1.1", "1.2"],
            "reason": "Redacción",
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(pk=demo.activity_full.pk)
    assert activity.description == "Atención de solicitudes de acceso a la información"
    assert activity.unit.name == "Evento"
    assert activity.area_id is None
    assert sorted(activity.lines_of_action.values_list("code", flat=True)) == ["1.1", "1.2"]
    page = text(client.get(url("activity")))
    assert "Modificó la actividad" in page
    assert (
        "Descripción: Atención de solicitudes de información pública → "
        "Atención de solicitudes de acceso a la información" in page
    )
    assert "Unidad de medida: Reporte → Evento" in page
    assert "Líneas de acción: — → 1.1, 1.2" in page


def test_planeacion_reassigns_the_area(as_user, demo):
    client = as_user("planeacion")
    assert 'name="area"' in client.get(url("activity_edit")).content.decode()
    client.post(
        url("activity_edit"),
        {"description": demo.activity_full.description, "area": demo.area_otra.pk},
    )
    demo.activity_full.refresh_from_db()
    assert demo.activity_full.area_id == demo.area_otra.pk
    assert "Dirección de Organización (DO)" in text(client.get(url("activity")))


def test_edit_requires_a_description(as_user, demo):
    response = as_user("planeacion").post(url("activity_edit"), {"description": "  "})
    assert response.status_code == 200
    assert "Revisa los datos marcados." in text(response)
    demo.activity_full.refresh_from_db()
    assert demo.activity_full.description == "Atención de solicitudes de información pública"


def test_create_under_the_chosen_level(as_user, demo):
    client = as_user("planeacion")
    html = client.get(url("activity_create") + f"?nivel={demo.project.pk}").content.decode()
    assert f'<option value="{demo.project.pk}" selected>' in html
    assert f'<option value="{demo.subprogram.pk}">Subprograma' not in html  # not a leaf
    response = client.post(
        url("activity_create"),
        {
            "node": demo.project.pk,
            "key": "010105",
            "description": "Informe trimestral",
            "annual_target": "4",
            "lines_of_action": ["1.2"],
            "reason": "Nueva obligación",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("activity", "010105")
    page = text(client.get(response["Location"]))
    assert "Informe trimestral" in page
    assert "Creó la actividad" in page
    duplicate = client.post(
        url("activity_create"),
        {"node": demo.project.pk, "key": "010105", "description": "Otra"},
    )
    assert "Ya existe una actividad con la clave 010105." in text(duplicate)


def test_delete_asks_for_a_reason_then_deletes(as_user, demo):
    client = as_user("planeacion")
    assert "Eliminar actividad 010104" in text(client.get(url("activity_delete", "010104")))
    refused = client.post(url("activity_delete", "010104"), {"reason": ""})
    assert refused.status_code == 200
    assert Activity.objects.filter(key="010104").exists()
    response = client.post(url("activity_delete", "010104"), {"reason": "Duplicada"})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:program", args=["IEEM", 2024])
    assert not Activity.objects.filter(key="010104").exists()
    assert AuditEvent.objects.get(action="activity.delete").reason == "Duplicada"


# --- history ---


def test_history_shows_who_when_in_local_time(as_user, demo):
    client = as_user("planeacion")
    client.post(
        url("activity_calendar", "010103"),
        calendar_post(["1"] * 12, annual="12", accion="guardar", reason="Corrección"),
    )
    AuditEvent.objects.filter(action="activity.calendar").update(
        created_at=dt.datetime(2024, 3, 5, 18, 7, tzinfo=dt.UTC)
    )
    page = text(client.get(url("activity", "010103")))
    assert "05/03/2024 12:07" in page  # America/Mexico_City is UTC-6
    assert "Ana Pérez (planeacion)" in page


def test_history_empty(as_user, demo):
    assert "Sin cambios registrados" in text(as_user("consulta").get(url("activity")))


# --- queries ---


def _grow(demo, client) -> None:
    """More of everything the detail page lists: history, beneficiaries, lines, findings."""
    for i in range(5):
        client.post(
            url("activity_calendar"),
            calendar_post([str(i)] * 12, annual=str(12 * i), accion="guardar", reason=f"r{i}"),
        )
        BeneficiaryFactory(activity=demo.activity_full, description=f"Grupo {i}", order=i)
    demo.activity_full.lines_of_action.set(demo.plan_new.lines_of_action.all())
    now = dt.datetime(2024, 2, 1, 12, tzinfo=dt.UTC)
    for i in range(3):  # the review's observations, answered and atendidas (no service: no
        # revisión needed for the page to list them)
        ActivityObservation.objects.create(
            activity=demo.activity_full,
            text=f"Observación {i}",
            author=demo.users["planeacion"],
            author_label="planeacion",
            answer=f"Respuesta {i}",
            answered_by=demo.users["enlace_se"],
            answered_label="enlace_se",
            answered_at=now,
            state="atendida",
            resolved_by=demo.users["planeacion"],
            resolved_label="planeacion",
            resolved_at=now,
        )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("activity", DETAIL_QUERIES),
        ("activity_calendar", CALENDAR_QUERIES),
        ("activity_edit", EDIT_QUERIES),
        ("activity_delete", DELETE_QUERIES),
        ("activity_create", CREATE_QUERIES),
    ],
)
def test_query_counts_do_not_depend_on_the_data(
    as_user, demo, django_assert_num_queries, name, expected
):
    client = as_user("planeacion")
    client.get(url(name))  # warm the content-type cache
    with django_assert_num_queries(expected):
        assert client.get(url(name)).status_code == 200
    _grow(demo, client)
    with django_assert_num_queries(expected):
        assert client.get(url(name)).status_code == 200


def test_manual_calculate_checks_what_was_typed_and_fills_nothing(as_user, demo):
    months = ["1"] * 12
    months[4] = "1.23456"
    response = as_user("planeacion").post(
        url("activity_calendar"), calendar_post(months, mode="manual", accion="calcular")
    )
    page = text(response)
    assert "Mayo: Se admiten hasta 4 decimales." in page
    assert "todavía no se guardan" not in page
    assert 'name="month_5" value="1.23456"' in response.content.decode()


def test_history_includes_the_monthly_progress_captures(demo, as_user):
    from rumbo.audit.services import Actor
    from rumbo.monitoring.services import progress_save

    enlace = demo.users["enlace_se"]
    entry = progress_save(
        actor=Actor.for_user(enlace),
        user=enlace,
        activity=demo.activity_full,
        month=1,
        achieved="340",
        comment="Se atendieron todas",
        version=None,
        today=dt.date(2024, 2, 5),
    )
    progress_save(
        actor=Actor.for_user(enlace),
        user=enlace,
        activity=demo.activity_full,
        month=1,
        achieved="338",
        comment="Se corrigió el conteo",
        version=entry.version,
        today=dt.date(2024, 2, 6),
    )
    url = reverse("web:activity", args=["IEEM", 2024, demo.activity_full.key])
    html = as_user("consulta").get(url).content.decode()
    assert "Capturó el avance del mes" in html
    assert "Corrigió el avance del mes" in html
    assert "Cantidad alcanzada" in html and "340" in html and "338" in html


def test_the_detail_names_the_mir_row_the_activity_carries_out(as_user, demo):
    from rumbo.indicators.models import ActivityMirLink

    page = as_user("consulta").get(url("activity")).content.decode()
    assert "No está vinculada a un renglón de la MIR." in page
    ActivityMirLink.objects.create(activity=demo.activity_full, row=demo.design.a11)
    page = as_user("consulta").get(url("activity")).content.decode()
    mir_url = reverse("web:mir", args=["IEEM", demo.design.design.pk])
    assert f'href="{mir_url}#renglon-{demo.design.a11.pk}"' in page
    assert "Actividad A1.1</a>: Elaboración del informe mensual de acuerdos." in page


# --- «Avance mes a mes» ---


def _month_rows(html: str) -> dict[int, list[str]]:
    """Month → the cells of its row in the «Avance mes a mes» table, as read on screen."""
    table = re.search(r'<table class="progress-months".*?</table>', html, re.S)
    assert table is not None
    rows = {}
    for month, body in re.findall(r'<tr data-month="(\d+)">(.*?)</tr>', table.group(0), re.S):
        body = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", body)
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)
        rows[int(month)] = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]
    return rows


def test_the_month_by_month_progress_on_a_hand_worked_example(as_user, demo):
    area = AreaFactory(institution=demo.institution, name="Unidad de Comunicación", code="UC")
    node = ProgramNodeFactory(program=demo.program, key="05", name="Comunicación", area=area)
    activity = ActivityFactory(
        node=node, key="0501", annual_target=Decimal(120), months=[10] * 12, order=1
    )
    # 8 in January, nothing in February (its capture approved), 12 in March (sent).
    add_progress(activity, {1: 8, 3: 12})
    set_state(demo, area, 1, PeriodState.APPROVED)
    set_state(demo, area, 2, PeriodState.APPROVED)
    set_state(demo, area, 3, PeriodState.SUBMITTED)
    rows = _month_rows(as_user("consulta").get(url("activity", "0501")).content.decode())
    assert list(rows) == list(range(1, 13))
    # month, programado, alcanzado, prog. acumulado, alc. acumulado, % acumulado,
    # semáforo del mes, semáforo acumulado, estado — by hand: to date 8, 8, 20 of 10, 20, 30.
    assert rows[1] == ["Enero", "10", "8", "10", "8", "80 %", "Amarillo", "Amarillo", "Oficial"]
    assert rows[2] == ["Febrero", "10", "0", "20", "8", "40 %", "Rojo", "Rojo", "Oficial"]
    assert rows[3] == [
        "Marzo",
        "10",
        "12",
        "30",
        "20",
        "66.67 %",
        "Amarillo",  # 12 of 10 in the month: 120 %, the yellow edge
        "Rojo",
        "Preliminar",
    ]
    pending = ["Pendiente", "40", "Pendiente", "—", "Gris (sin dato)", "Gris (sin dato)"]
    assert rows[4] == ["Abril", "10", *pending, "Pendiente"]
    assert rows[12][0] == "Diciembre" and rows[12][2] == "Pendiente" and rows[12][3] == "120"
    assert all("0" not in row[2:5:2] for month, row in rows.items() if month > 3)

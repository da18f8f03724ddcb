"""Indicator pages: ficha técnica, measurement capture, editing; roles and query counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from rumbo.audit.models import AuditEvent
from rumbo.indicators.models import Indicator, Measurement
from rumbo.monitoring.models import PeriodReport, PeriodState, WindowExtension

READERS = ["planeacion", "enlace_se", "enlace_otra", "revisor", "consulta"]


def _ind(demo, name, indicator, *extra):
    return reverse(f"web:{name}", args=["IEEM", indicator.pk, *extra])


def _open_march(demo) -> None:
    """Keep March 2024 (T1 of ind_c1) open today, whatever today is."""
    WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=3,
        until=timezone.localdate() + timedelta(days=30),
        reason="Pruebas",
    )


@pytest.mark.parametrize("name", ["indicator", "indicator_measure"])
def test_every_member_reads_and_others_do_not(demo, client, as_user, name) -> None:
    extra = (1,) if name == "indicator_measure" else ()
    url = _ind(demo, name, demo.design.ind_c1, *extra)
    assert client.get(url).status_code == 302
    for persona in READERS:
        assert as_user(persona).get(url).status_code == 200, persona
    assert as_user("ajeno").get(url).status_code == 403


def test_ficha_shows_every_part(demo, as_user) -> None:
    ind = demo.design.ind_fin
    html = as_user("consulta").get(_ind(demo, "indicator", ind)).content.decode()
    for text in (
        "Ficha técnica",
        "realizadas / programadas * 100",
        "Informe trimestral de actividades",  # a variable's source
        "Criterios CREMAA",
        "70 (2023)",  # baseline with its year
        "Estratégico",
        "indicador-datos",
        "chartjs-4.6.1",
    ):
        assert text in html, text
    assert "Editar la ficha" not in html


def test_ficha_table_semaforo_and_trend(demo, as_user) -> None:
    ind = demo.design.ind_c1
    Measurement.objects.create(
        indicator=ind, period=1, values={"realizadas": "16", "programadas": "20"}, value=Decimal(80)
    )
    Measurement.objects.create(
        indicator=ind, period=2, values={"realizadas": "15", "programadas": "20"}, value=Decimal(75)
    )
    html = as_user("revisor").get(_ind(demo, "indicator", ind)).content.decode()
    assert "light-verde" in html and "light-amarillo" in html  # 75 of 85: 88 %
    assert "trend-worse" in html and "↓" in html


def test_ficha_query_count_constant(demo, as_user, django_assert_num_queries) -> None:
    ind = demo.design.ind_a11  # monthly: twelve lines
    client = as_user("consulta")
    url = _ind(demo, "indicator", ind)
    client.get(url)
    with django_assert_num_queries(13):
        client.get(url)
    for p in range(1, 13):
        Measurement.objects.create(
            indicator=ind,
            period=p,
            values={"realizadas": "1", "programadas": "1"},
            value=Decimal(100),
        )
        PeriodReport.objects.create(program=demo.program, area=demo.area_se, month=p)
    with django_assert_num_queries(13):
        client.get(url)


# --- measurement capture --------------------------------------------------------------------


def test_enlace_se_captures_and_sees_the_semaforo(demo, as_user) -> None:
    _open_march(demo)
    ind = demo.design.ind_c1
    client = as_user("enlace_se")
    url = _ind(demo, "indicator_measure", ind, 1)
    html = client.get(url).content.decode()
    assert 'name="valor-realizadas"' in html and "Solo lectura" not in html
    assert reverse("web:capture_grid", args=["IEEM", 2024, "SE", 3]) in html
    response = client.post(
        url, {"valor-realizadas": "17", "valor-programadas": "20", "version": ""}
    )
    assert response.status_code == 302
    m = Measurement.objects.get(indicator=ind, period=1)
    assert m.value == Decimal(85)
    html = client.get(_ind(demo, "indicator", ind)).content.decode()
    assert "light-verde" in html


def test_capture_errors_are_shown(demo, as_user) -> None:
    _open_march(demo)
    client = as_user("planeacion")
    url = _ind(demo, "indicator_measure", demo.design.ind_c1, 1)
    response = client.post(url, {"valor-realizadas": "3", "valor-programadas": "0"})
    assert response.status_code == 400 and "cero" in response.content.decode().lower()
    response = client.post(url, {"valor-realizadas": "5", "valor-programadas": "20"})
    assert response.status_code == 400 and "justificación" in response.content.decode()
    response = client.post(url, {"valor-realizadas": "", "valor-programadas": "20"})
    assert response.status_code == 400 and "obligatorio" in response.content.decode()
    assert not Measurement.objects.exists()


def test_stale_version_is_409(demo, as_user) -> None:
    _open_march(demo)
    client = as_user("enlace_se")
    url = _ind(demo, "indicator_measure", demo.design.ind_c1, 1)
    client.post(url, {"valor-realizadas": "16", "valor-programadas": "20", "version": ""})
    response = client.post(
        url, {"valor-realizadas": "17", "valor-programadas": "20", "version": ""}
    )
    assert response.status_code == 409
    assert "Otra persona" in response.content.decode()


@pytest.mark.parametrize("persona", ["enlace_otra", "revisor", "consulta"])
def test_others_cannot_capture_se_indicator(demo, as_user, persona) -> None:
    _open_march(demo)
    client = as_user(persona)
    url = _ind(demo, "indicator_measure", demo.design.ind_c1, 1)
    assert "Solo lectura" in client.get(url).content.decode()
    response = client.post(url, {"valor-realizadas": "16", "valor-programadas": "20"})
    assert response.status_code == 403
    assert not Measurement.objects.exists()


def test_enlace_otra_captures_its_own_indicator(demo, as_user) -> None:
    WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=6,
        until=timezone.localdate() + timedelta(days=30),
        reason="Pruebas",
    )
    client = as_user("enlace_otra")
    url = _ind(demo, "indicator_measure", demo.design.ind_c2, 1)
    response = client.post(url, {"valor-realizadas": "5", "valor-programadas": "10"})
    assert response.status_code == 302
    assert Measurement.objects.get().value == Decimal(50)


def test_locked_capture_is_read_only(demo, as_user) -> None:
    _open_march(demo)
    PeriodReport.objects.create(
        program=demo.program, area=demo.area_se, month=3, state=PeriodState.APPROVED
    )
    client = as_user("enlace_se")
    url = _ind(demo, "indicator_measure", demo.design.ind_c1, 1)
    html = client.get(url).content.decode()
    assert "Solo lectura" in html and "aprobada" in html
    response = client.post(url, {"valor-realizadas": "16", "valor-programadas": "20"})
    assert response.status_code == 409
    assert not Measurement.objects.exists()


def test_unknown_period_is_404(demo, as_user) -> None:
    assert (
        as_user("consulta").get(_ind(demo, "indicator_measure", demo.design.ind_c1, 5)).status_code
        == 404
    )


def test_capture_grid_lists_due_indicators(demo, as_user) -> None:
    html = (
        as_user("enlace_se")
        .get(reverse("web:capture_grid", args=["IEEM", 2024, "SE", 3]))
        .content.decode()
    )
    assert "Indicadores de este periodo" in html
    assert "Porcentaje de informes entregados" in html  # T1 closes in March
    assert "Porcentaje de informes mensuales" in html
    assert "Porcentaje de acuerdos cumplidos" not in html  # annual: December
    assert "Falta la medición" in html


# --- editing indicators -----------------------------------------------------------------------


def _form(demo, **over):
    data = {
        "name": "Porcentaje de casillas con material",
        "formula": "con_material / instaladas * 100",
        "formula_type": "porcentaje",
        "unit": "Porcentaje",
        "kind": "gestion",
        "dimension": "eficacia",
        "frequency": "semestral",
        "direction": "ascendente",
        "accumulation": "periodico",
        "area": demo.area_otra.pk,
        "var-1-name": "con_material",
        "var-1-description": "Casillas con material completo",
        "var-1-source": "Reporte DO",
        "var-2-name": "instaladas",
        "var-2-description": "Casillas instaladas",
        "meta-1": "90",
        "meta-2": "1,000",
        "cremaa_clear": "4",
    }
    data.update(over)
    return data


def test_editor_creates_and_edits_an_indicator(demo, as_user) -> None:
    client = as_user("enlace_se")
    url = reverse("web:indicator_create", args=["IEEM", demo.design.design.pk, demo.design.c2.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, _form(demo))  # another area's: its month would wait for it
    assert refused.status_code == 403
    assert "Solo puedes asignar indicadores a tu propia área" in refused.content.decode()
    response = client.post(url, _form(demo, area=demo.area_se.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    ind = Indicator.objects.get(name="Porcentaje de casillas con material")
    assert {t.period: t.value for t in ind.targets.all()} == {1: Decimal(90), 2: Decimal(1000)}
    assert ind.cremaa_clear == 4 and ind.area == demo.area_se
    response = client.post(_ind(demo, "indicator_edit", ind), _form(demo, formula="x / instaladas"))
    assert response.status_code == 400 and "x" in response.content.decode()
    response = client.post(
        _ind(demo, "indicator_edit", ind),
        _form(demo, name="Casillas con material", area=demo.area_se.pk),
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="indicator.update").get()
    assert event.after == {"name": "Casillas con material"}


@pytest.mark.parametrize("persona", ["enlace_otra", "revisor", "consulta"])
def test_non_editors_cannot_edit_indicators(demo, as_user, persona) -> None:
    client = as_user(persona)
    ind = demo.design.ind_c2  # even its own area's indicator: the design is SE's
    assert client.get(_ind(demo, "indicator_edit", ind)).status_code == 403
    assert client.post(_ind(demo, "indicator_edit", ind), _form(demo)).status_code == 403
    assert client.post(_ind(demo, "indicator_delete", ind)).status_code == 403
    url = reverse("web:indicator_create", args=["IEEM", demo.design.design.pk, demo.design.c2.pk])
    assert client.post(url, _form(demo)).status_code == 403
    assert not AuditEvent.objects.exists()


def test_delete_indicator(demo, as_user) -> None:
    client = as_user("planeacion")
    ind = demo.design.ind_c2
    Measurement.objects.create(indicator=ind, period=1, values={}, value=Decimal(1))
    assert client.post(_ind(demo, "indicator_delete", ind)).status_code == 400
    Measurement.objects.all().delete()
    assert client.post(_ind(demo, "indicator_delete", ind), {"motivo": "x"}).status_code == 302
    assert not Indicator.objects.filter(pk=ind.pk).exists()


def test_an_area_with_only_indicators_is_captured_by_its_enlace(demo, client) -> None:
    from rumbo.institutions.models import Area, Membership, Role
    from tests.factories import UserFactory

    area = Area.objects.create(
        institution=demo.institution, name="Unidad de Vinculación", code="UV"
    )
    Indicator.objects.filter(pk=demo.design.ind_c2.pk).update(area=area)  # semestral: June
    enlace = UserFactory(username="enlace_uv")
    Membership.objects.create(
        user=enlace, institution=demo.institution, role=Role.ENLACE, area=area
    )
    client.force_login(enlace)
    html = client.get(reverse("web:capture_grid", args=["IEEM", 2024, "UV", 6])).content.decode()
    assert "no tiene actividades en el programa" in html
    assert "C2</span>" in html and "Porcentaje de casillas instaladas" in html
    assert "Tu papel permite consultar esta captura" not in html


def test_a_stale_indicator_edit_page_is_409_and_writes_nothing(demo, as_user) -> None:
    """The page carries the version it read; a save after someone else's is refused with
    what they saved, and a fresh save (the version the 409 page carries) goes through."""
    client = as_user("planeacion")
    ind = demo.design.ind_c1
    url = _ind(demo, "indicator_edit", ind)
    assert 'name="version" value="1"' in client.get(url).content.decode()
    Indicator.objects.filter(pk=ind.pk).update(name="Guardado por otra persona", version=2)
    mine = _form(demo, name="Mi nombre", area=ind.area_id, version="1")
    stale = client.post(url, mine)
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Otra persona guardó este indicador mientras lo editabas (versión 2; tú" in page
    assert "Guardado por otra persona" in page  # what the other person saved
    assert 'name="version" value="2"' in page  # saving again is a deliberate choice
    assert Indicator.objects.get(pk=ind.pk).name == "Guardado por otra persona"
    assert not AuditEvent.objects.filter(action="indicator.update").exists()
    fresh = client.post(url, {**mine, "version": "2"})
    assert fresh.status_code == 302, fresh.content.decode()[:2000]
    stored = Indicator.objects.get(pk=ind.pk)
    assert (stored.name, stored.version) == ("Mi nombre", 3)

"""The public figures are right: approved months only, per area, with the semáforo."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rumbo.core.semaforo import Light
from rumbo.monitoring.models import PeriodReport, PeriodState
from rumbo.opendata.selectors import public_indicators, public_program, public_progress

from .conftest import World

pytestmark = pytest.mark.django_db


def test_progress_counts_approved_area_months_only(world: World) -> None:
    public = public_program(code="IEEM", year=2024)
    assert public is not None
    progress = public_progress(public)
    by_month = {m.month: m for m in progress.months}
    # January: only SE is official. 010101: 300 of 340 = 88.24 % (yellow); 010102: nothing
    # programmed (grey); 010103 and 010104: 0 of 1 (SE captured January, no entry: red).
    # Average compliance (88.24 + 0 + 0) / 3 = 29.413… → 29.41 % (red); 0 of 3 on track.
    jan = by_month[1]
    assert [a.code for a in jan.areas] == ["SE"]
    assert jan.summary.activities == 4
    assert jan.summary.lights == {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2, Light.GREY: 1}
    assert jan.summary.average_compliance == Decimal("29.41")
    assert jan.summary.on_track == Decimal(0)
    assert jan.grade.light is Light.RED and jan.grade.ratio == Decimal("29.41")
    # Reporte and Evento are never added: no quantity for the month.
    assert jan.cumulative_programmed is None and jan.cumulative_achieved is None
    # February, March: nothing approved (enviado, devuelto) → not published, grey.
    for m in (2, 3):
        assert not by_month[m].published
        assert by_month[m].cumulative_achieved is None
        assert by_month[m].grade.light is Light.GREY
    # April: SE reopened (borrador) does not count; DO approved April but never captured
    # January–March, which April adds up: preliminary, not published either.
    assert not by_month[4].published
    assert [m.month for m in progress.published_months] == [1]
    areas = {a.area.code: a for a in progress.areas}
    assert set(areas) == {"SE"} and areas["SE"].months == [1]
    assert areas["SE"].grade.ratio == Decimal("29.41")
    # Per activity: only official (area, month) pairs.
    pairs = {(r.activity.key, r.month) for r in progress.rows}
    assert ("010101", 1) in pairs and ("010104", 1) in pairs
    assert not {p for p in pairs if p[1] != 1}


def test_progress_of_an_area_approved_from_january(world: World) -> None:
    """Once DO's January–March are approved its April is official too: 020101 alone
    (one unit, Reporte) is published with its quantities."""
    demo = world.demo
    for month in (1, 2, 3):
        PeriodReport.objects.create(
            program=demo.program, area=demo.area_otra, month=month, state=PeriodState.APPROVED
        )
    public = public_program(code="IEEM", year=2024)
    assert public is not None
    progress = public_progress(public)
    by_month = {m.month: m for m in progress.months}
    assert [m.month for m in progress.published_months] == [1, 2, 3, 4]
    assert [a.code for a in by_month[1].areas] == ["DO", "SE"]  # by name: Dirección, Secretaría
    assert by_month[1].cumulative_programmed is None  # Reporte and Evento: not added
    # April: DO only. 020101 programmed 0 + 0 + 0 + 1 = 1 to April, achieved 1: 100 %.
    apr = by_month[4]
    assert [a.code for a in apr.areas] == ["DO"]
    assert (apr.cumulative_programmed, apr.cumulative_achieved) == (Decimal(1), Decimal(1))
    assert apr.grade.light is Light.GREEN and apr.grade.ratio == Decimal(100)
    # February and March: 020101 has nothing programmed yet (grey), quantities 0 of 0.
    assert by_month[2].grade.light is Light.GREY
    assert (by_month[2].cumulative_programmed, by_month[2].cumulative_achieved) == (0, 0)
    areas = {a.area.code: a for a in progress.areas}
    assert areas["DO"].months == [1, 2, 3, 4] and areas["SE"].months == [1]
    assert areas["DO"].cumulative_achieved == Decimal(1)  # at its last official month
    assert areas["SE"].cumulative_achieved is None  # SE mixes Reporte and Evento
    assert ("020101", 4) in {(r.activity.key, r.month) for r in progress.rows}


def test_indicators_show_approved_measurements_only(world: World) -> None:
    public = public_program(code="IEEM", year=2024)
    assert public is not None
    items = {pi.indicator.pk: pi for pi in public_indicators(public)}
    d = world.demo.design
    assert set(items) == {d.ind_fin.pk, d.ind_proposito.pk, d.ind_c1.pk, d.ind_c2.pk, d.ind_a11.pk}
    a11 = items[d.ind_a11.pk]
    assert a11.periods[0].published and a11.periods[0].value == Decimal(100)
    assert not a11.periods[1].published and a11.periods[1].value is None
    c1 = items[d.ind_c1.pk]
    assert c1.periods[0].value is None  # closes in March: devuelto
    assert c1.periods[0].target is not None


def test_progress_page_shows_the_table_and_chart(anon, world: World) -> None:
    html = anon.get("/datos/IEEM/2024/avance/").content.decode()
    assert 'id="grafica-avance"' in html and 'id="tabla-avance"' in html
    assert "29.41 %" in html  # January's average compliance; es-MX: decimal point
    assert "Sin publicar" in html
    assert "Términos de Libre Uso MX" in html and "https://datos.gob.mx/libreusomx" in html


def test_indicators_page(anon, world: World) -> None:
    html = anon.get("/datos/IEEM/2024/indicadores/").content.decode()
    assert world.demo.design.ind_a11.name in html
    assert f'id="grafica-indicador-{world.demo.design.ind_a11.pk}"' in html


def test_program_page_shows_the_tree(anon, world: World) -> None:
    html = anon.get("/datos/IEEM/2024/").content.decode()
    assert "Atención de solicitudes de información pública" in html
    assert "4,060" in html  # es-MX thousands


def test_index_lists_only_published_institutions(anon, world: World) -> None:
    html = anon.get("/datos/").content.decode()
    assert 'href="/datos/IEEM/"' in html
    assert 'href="/datos/IECM/"' not in html

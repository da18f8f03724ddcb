"""The public figures are right: approved months only, per area, with the semáforo."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rumbo.core.semaforo import Light
from rumbo.opendata.selectors import public_indicators, public_program, public_progress

from .conftest import World

pytestmark = pytest.mark.django_db


def test_progress_counts_approved_area_months_only(world: World) -> None:
    public = public_program(code="IEEM", year=2024)
    assert public is not None
    progress = public_progress(public)
    by_month = {m.month: m for m in progress.months}
    # January: only SE approved. SE programmed 340 + 0 + 1 + 1; achieved 300 (others 0).
    jan = by_month[1]
    assert [a.code for a in jan.areas] == ["SE"]
    assert jan.programmed == Decimal(342)
    assert jan.achieved == Decimal(300)
    assert jan.grade.light is Light.YELLOW  # 87.72 %
    assert jan.grade.ratio == Decimal("87.72")
    # February, March: nothing approved (enviado, devuelto) → not published, grey.
    for m in (2, 3):
        assert not by_month[m].published
        assert by_month[m].achieved is None
        assert by_month[m].grade.light is Light.GREY
    # April: SE reopened (borrador) does not count; DO approved: 1 of 1.
    apr = by_month[4]
    assert [a.code for a in apr.areas] == ["DO"]
    assert apr.programmed == Decimal(1) and apr.achieved == Decimal(1)
    assert apr.cumulative_programmed == Decimal(343)
    assert apr.cumulative_achieved == Decimal(301)
    assert apr.grade.ratio == Decimal("87.76")
    assert [m.month for m in progress.published_months] == [1, 4]
    areas = {a.area.code: a for a in progress.areas}
    assert areas["SE"].months == [1] and areas["DO"].months == [4]
    assert areas["DO"].grade.light is Light.GREEN
    # Per activity: only approved (area, month) pairs.
    pairs = {(r.activity.key, r.month) for r in progress.rows}
    assert ("010101", 1) in pairs and ("020101", 4) in pairs
    assert not {p for p in pairs if p[1] in (2, 3)}
    assert ("010101", 4) not in pairs


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
    assert "342" in html and "87.72 %" in html  # es-MX: decimal point
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

"""An indicator's own semáforo bands: set, preview, clear; Planeación only; audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.core.semaforo import Light
from rumbo.indicators.models import IndicatorBands
from rumbo.indicators.selectors import indicator_detail
from tests.factories import measure_indicator

pytestmark = pytest.mark.django_db


def _url(demo) -> str:
    return reverse("web:indicator_bands", args=["IEEM", demo.design.ind_c1.pk])


def _edges(**extra: str) -> dict[str, str]:
    return {
        "accion": "guardar",
        "propio-profile": "custom",
        "propio-yellow_low": "70",
        "propio-green_low": "75",
        "propio-green_high": "130",
        "propio-yellow_high": "140",
        "propio-reason": "Meta de arranque: se acepta más variación.",
        **extra,
    }


def test_planeacion_sets_bands_that_regrade_the_indicator(as_user, demo):
    ind = demo.design.ind_c1
    measure_indicator(ind, 1, "60", "100")  # 60 % of the 80 target = 75 %
    assert indicator_detail(ind).line(1).grade.light is Light.RED
    response = as_user("planeacion").post(_url(demo), _edges())
    assert response.status_code == 302
    override = IndicatorBands.objects.get(indicator=ind)
    assert (override.green_low, override.yellow_high) == (Decimal(75), Decimal(140))
    assert indicator_detail(ind).line(1).grade.light is Light.GREEN
    event = AuditEvent.objects.get(action="bands.set_indicator")
    assert event.before is None and event.after["green_low"] == "75"
    assert event.reason == "Meta de arranque: se acepta más variación."
    page = as_user("consulta").get(reverse("web:indicator", args=["IEEM", ind.pk])).content
    assert "(propio del indicador)" in page.decode()


def test_bands_out_of_order_are_refused_and_nothing_is_written(as_user, demo):
    response = as_user("planeacion").post(_url(demo), _edges(**{"propio-green_low": "150"}))
    assert response.status_code == 400
    assert "deben ir en orden" in response.content.decode()
    assert not IndicatorBands.objects.exists() and not AuditEvent.objects.exists()


def test_clearing_returns_to_the_institution_bands(as_user, demo):
    client = as_user("planeacion")
    client.post(_url(demo), _edges())
    response = client.post(_url(demo), {"accion": "quitar", "quitar-reason": "Ya no aplica."})
    assert response.status_code == 302
    assert not IndicatorBands.objects.exists()
    assert AuditEvent.objects.filter(action="bands.clear_indicator").count() == 1


@pytest.mark.parametrize("persona", ["enlace_se", "enlace_otra", "revisor", "consulta", "ajeno"])
def test_only_planeacion_changes_an_indicator_semaforo(as_user, demo, persona):
    client = as_user(persona)
    assert client.get(_url(demo)).status_code == 403
    assert client.post(_url(demo), _edges()).status_code == 403
    assert not IndicatorBands.objects.exists() and not AuditEvent.objects.exists()


def test_the_ficha_links_to_the_bands_for_planeacion_only(as_user, demo):
    ficha = reverse("web:indicator", args=["IEEM", demo.design.ind_c1.pk])
    assert _url(demo) in as_user("planeacion").get(ficha).content.decode()
    assert _url(demo) not in as_user("enlace_se").get(ficha).content.decode()


def test_the_preview_follows_what_is_typed(as_user, demo):
    response = as_user("planeacion").get(
        _url(demo), {k: v for k, v in _edges().items() if k != "accion"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "75" in response.content.decode()

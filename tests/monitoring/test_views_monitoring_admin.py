"""Planeación's monitoring settings pages: policy and bands, extensions, activity bands."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rumbo.audit.models import AuditEvent
from rumbo.monitoring.models import ActivityBands, MonitoringPolicy, WindowExtension
from tests.factories import Demo

pytestmark = pytest.mark.django_db

OTHERS = ["enlace_se", "enlace_otra", "revisor", "consulta", "ajeno"]


def _urls(demo: Demo) -> list[str]:
    return [
        reverse("web:monitoring_settings", args=["IEEM"]),
        reverse("web:window_extensions", args=["IEEM"]),
        reverse("web:activity_bands", args=["IEEM", 2024, demo.activity_full.key]),
    ]


@pytest.mark.parametrize("persona", OTHERS)
def test_only_planeacion_sees_or_changes_the_settings(demo: Demo, as_user, persona) -> None:
    client = as_user(persona)
    for url in _urls(demo):
        assert client.get(url).status_code == 403
        assert client.post(url, {"close_day": 5}).status_code == 403
    assert not AuditEvent.objects.exists()
    ok = as_user("planeacion")
    for url in _urls(demo):
        assert ok.get(url).status_code == 200


def test_settings_page_shows_the_preview_of_the_current_bands(demo: Demo, as_user) -> None:
    page = as_user("planeacion").get(reverse("web:monitoring_settings", args=["IEEM"]))
    text = page.content.decode()
    # default bands 80/90/110/120: 75 red, 85 yellow, 95 and 105 green, 115 yellow, 125 red
    rows = page.context["preview"]
    assert [(r.percent, r.light.value) for r in rows] == [
        (75, "rojo"),
        (85, "amarillo"),
        (95, "verde"),
        (105, "verde"),
        (115, "amarillo"),
        (125, "rojo"),
    ]
    assert "Vista previa" in text
    assert 'value="default" ' in text or 'value="default"' in text


def test_preview_follows_a_chosen_profile_without_saving(demo: Demo, as_user) -> None:
    client = as_user("planeacion")
    url = reverse("web:monitoring_settings", args=["IEEM"])
    page = client.get(url, {"profile": "simetrico_5_15"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    assert [r.light.value for r in page.context["preview"]] == [
        "rojo",
        "amarillo",
        "verde",
        "verde",
        "amarillo",
        "rojo",
    ]
    custom = client.get(
        url,
        {
            "profile": "custom",
            "yellow_low": "70",
            "green_low": "80",
            "green_high": "100",
            "yellow_high": "110",
        },
    )
    assert [r.light.value for r in custom.context["preview"]] == [
        "amarillo",
        "verde",
        "verde",
        "amarillo",
        "rojo",
        "rojo",
    ]
    assert not MonitoringPolicy.objects.exists()
    assert not AuditEvent.objects.exists()


def test_saving_settings_writes_policy_and_bands_and_audits(demo: Demo, as_user) -> None:
    client = as_user("planeacion")
    url = reverse("web:monitoring_settings", args=["IEEM"])
    response = client.post(
        url,
        {
            "close_day": "7",
            "evidence_max_mb": "20",
            "profile": "simetrico_5_15",
            "reason": "Acuerdo de la junta",
        },
    )
    assert response.status_code == 302
    policy = MonitoringPolicy.objects.get(institution=demo.institution)
    assert (policy.close_day, policy.evidence_max_mb) == (7, 20)
    assert (policy.green_low, policy.green_high) == (95, 105)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert actions == {"policy.update", "bands.set_institution"}
    assert set(AuditEvent.objects.values_list("reason", flat=True)) == {"Acuerdo de la junta"}


def test_custom_bands_out_of_order_are_refused_next_to_the_fields(demo: Demo, as_user) -> None:
    client = as_user("planeacion")
    response = client.post(
        reverse("web:monitoring_settings", args=["IEEM"]),
        {
            "close_day": "31",
            "evidence_max_mb": "10",
            "profile": "custom",
            "yellow_low": "95",
            "green_low": "90",
            "green_high": "abc",
            "yellow_high": "120",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "close_day" in form.errors
    response = client.post(
        reverse("web:monitoring_settings", args=["IEEM"]),
        {
            "close_day": "10",
            "evidence_max_mb": "10",
            "profile": "custom",
            "yellow_low": "95",
            "green_low": "90",
            "green_high": "abc",
            "yellow_high": "120",
        },
    )
    assert response.status_code == 400
    assert "green_high" in response.context["form"].errors
    response = client.post(
        reverse("web:monitoring_settings", args=["IEEM"]),
        {
            "close_day": "5",
            "evidence_max_mb": "10",
            "profile": "custom",
            "yellow_low": "95",
            "green_low": "90",
            "green_high": "110",
            "yellow_high": "120",
        },
    )
    assert response.status_code == 400
    assert "deben ir en orden" in response.content.decode()
    assert not MonitoringPolicy.objects.exists()  # the close day was not half-written
    assert not AuditEvent.objects.exists()


def test_window_extension_form_grants_and_lists(demo: Demo, as_user) -> None:
    client = as_user("planeacion")
    url = reverse("web:window_extensions", args=["IEEM"])
    until = timezone.localdate() + timedelta(days=5)
    response = client.post(
        url,
        {
            "year": "2024",
            "month": "3",
            "area": str(demo.area_se.pk),
            "until": until.strftime("%d/%m/%Y"),
            "reason": "Cambio de titular",
        },
    )
    assert response.status_code == 302
    ext = WindowExtension.objects.get()
    assert (ext.year, ext.month, ext.area, ext.until) == (2024, 3, demo.area_se, until)
    assert AuditEvent.objects.filter(action="window.extend").count() == 1
    page = client.get(url).content.decode()
    assert "Cambio de titular" in page
    assert until.strftime("%d/%m/%Y") in page


def test_window_extensions_list_each_under_its_own_month(demo: Demo, as_user) -> None:
    """January shows as «enero» and December as «diciembre» (the month is 1-based; it was
    read as a 0-based index, so every row showed the next month and December broke the page)."""
    until = timezone.localdate() + timedelta(days=5)
    for month, reason in ((1, "Motivo de enero"), (12, "Motivo de diciembre")):
        WindowExtension.objects.create(
            institution=demo.institution,
            year=2024,
            month=month,
            until=until,
            reason=reason,
            created_by="planeacion",
        )
    response = as_user("planeacion").get(reverse("web:window_extensions", args=["IEEM"]))
    assert response.status_code == 200
    rows = re.findall(
        r'<th scope="row">([^<]*)</th>.*?<td>(Motivo de \w+)</td>', response.content.decode(), re.S
    )
    assert {reason: month.strip() for month, reason in rows} == {
        "Motivo de enero": "enero 2024",
        "Motivo de diciembre": "diciembre 2024",
    }


def test_window_extension_errors_are_specific(demo: Demo, as_user) -> None:
    client = as_user("planeacion")
    url = reverse("web:window_extensions", args=["IEEM"])
    response = client.post(url, {"year": "2024", "month": "3", "until": "31/02/2024", "reason": ""})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["until"] == ["Escribe la fecha como dd/mm/aaaa."]
    assert errors["reason"] == ["Escribe el motivo de la prórroga."]
    past = date(2020, 1, 1).strftime("%d/%m/%Y")
    response = client.post(url, {"year": "2024", "month": "3", "until": past, "reason": "x"})
    assert response.status_code == 400
    assert "no puede terminar antes de hoy" in response.context["form"].errors["until"][0]
    assert not WindowExtension.objects.exists()


def test_activity_bands_set_and_clear(demo: Demo, as_user) -> None:
    client = as_user("planeacion")
    activity = demo.activity_full
    url = reverse("web:activity_bands", args=["IEEM", 2024, activity.key])
    response = client.post(
        url,
        {
            "accion": "guardar",
            "propio-profile": "custom",
            "propio-yellow_low": "50",
            "propio-green_low": "70",
            "propio-green_high": "130",
            "propio-yellow_high": "150",
            "propio-reason": "Meta difícil de estimar",
        },
    )
    assert response.status_code == 302
    override = ActivityBands.objects.get(activity=activity)
    assert (override.green_low, override.reason) == (70, "Meta difícil de estimar")
    page = client.get(url)
    assert [r.light.value for r in page.context["preview"]] == ["verde"] * 6
    missing = client.post(url, {"accion": "quitar", "quitar-reason": ""})
    assert missing.status_code == 400
    assert ActivityBands.objects.filter(activity=activity).exists()
    response = client.post(url, {"accion": "quitar", "quitar-reason": "Ya no aplica"})
    assert response.status_code == 302
    assert not ActivityBands.objects.filter(activity=activity).exists()
    assert list(AuditEvent.objects.order_by("id").values_list("action", "reason")) == [
        ("bands.set_activity", "Meta difícil de estimar"),
        ("bands.clear_activity", "Ya no aplica"),
    ]


def test_activity_bands_unknown_activity_is_404(demo: Demo, as_user) -> None:
    url = reverse("web:activity_bands", args=["IEEM", 2024, "999999"])
    assert as_user("planeacion").get(url).status_code == 404


def test_activity_bands_live_preview_is_a_fragment_and_writes_nothing(demo: Demo, as_user) -> None:
    url = reverse("web:activity_bands", args=["IEEM", 2024, demo.activity_full.key])
    response = as_user("planeacion").get(
        url, {"propio-profile": "simetrico_5_15"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="vista-previa"')
    assert "<html" not in text
    assert [r.light.value for r in response.context["preview"]][:3] == ["rojo", "amarillo", "verde"]
    assert not ActivityBands.objects.exists()
    assert not AuditEvent.objects.exists()

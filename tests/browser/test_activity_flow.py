"""Planning and liaison users change an activity's calendar through a real browser."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import PASSWORD, build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.goto(reverse("login"))
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    # Everyone lands on «Mis pendientes»; «Mis instituciones» leads to the institution
    # (planners see the list, since they may found new ones; others go straight to theirs).
    expect(page).to_have_url(re.compile(r"/pendientes/$"))
    page.get_by_role("navigation", name="Navegación principal").get_by_role(
        "link", name="Mis instituciones"
    ).click()
    if username == "planeacion":
        expect(page.get_by_role("heading", name="Mis instituciones")).to_be_visible()
        page.get_by_role("link", name="Instituto Electoral del Estado de México").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/$"))


def activity_url(name: str, key: str) -> str:
    return reverse(f"web:{name}", args=["IEEM", 2024, key])


def test_planeacion_spreads_the_annual_target_and_sees_the_history(page, screenshot):
    demo = build_demo()
    log_in(page, "planeacion")

    # Find the activity on the program page with the search form.
    page.get_by_role("link", name="Ejercicio 2024").click()
    expect(page).to_have_url(re.compile(r"/programa/2024/$"))
    page.get_by_label("Buscar clave o descripción").fill("010103")
    page.get_by_role("button", name="Filtrar").click()
    row = page.locator(f"#actividad-{demo.activity_missing.pk}")
    expect(row).to_be_visible()
    expect(page.locator("tr.activity")).to_have_count(1)
    screenshot("actividad-01-programa-filtrado")

    row.get_by_role("link", name="010103", exact=True).click()
    expect(page).to_have_url(re.compile(r"/actividad/010103/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sesiones de la Junta General")
    expect(page.locator("#estado-calendario")).to_contain_text("falta 1 mes")
    screenshot("actividad-02-detalle")

    page.get_by_role("link", name="Editar calendario").click()
    expect(page).to_have_url(re.compile(r"/actividad/010103/calendario/$"))
    page.wait_for_load_state("load")  # htmx and calendar.js (deferred) are ready
    warning = page.locator("[data-sum-warning]")
    expect(warning).to_be_visible()
    expect(warning).to_have_text(re.compile(r"Los meses suman 11; la cantidad anual es 12"))
    screenshot("actividad-03-calendario")

    # Spread 12 evenly over July–December.
    page.get_by_label("Repartir en partes iguales").check()
    for month in ["Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio"]:
        page.get_by_role("checkbox", name=month).uncheck()
    page.get_by_role("button", name="Calcular").click()
    expect(page.get_by_role("textbox", name="Julio")).to_have_value("2")
    expect(page.get_by_role("textbox", name="Diciembre")).to_have_value("2")
    expect(page.get_by_role("textbox", name="Enero")).to_have_value("0")
    expect(page.get_by_role("textbox", name="Mayo")).to_have_value("0")
    expect(warning).to_be_hidden()
    expect(page.locator("[data-sum-total]")).to_have_text("12")
    expect(page).to_have_url(re.compile(r"/calendario/$"))  # nothing saved, same page
    screenshot("actividad-04-calculado")

    # The live sum follows the typing (calendar.js) and warns while months ≠ annual.
    page.wait_for_load_state("load")
    december = page.get_by_role("textbox", name="Diciembre")
    december.fill("3")
    expect(warning).to_be_visible()
    expect(warning).to_have_text(re.compile(r"Los meses suman 13; la cantidad anual es 12"))
    screenshot("actividad-05-aviso-en-vivo")
    december.fill("2")
    expect(warning).to_be_hidden()

    page.get_by_label("Motivo del cambio").fill(
        "Las sesiones se concentran en el proceso electoral"
    )
    page.get_by_role("button", name="Guardar").click()
    expect(page).to_have_url(re.compile(r"/actividad/010103/$"))
    expect(page.get_by_text("Se guardó el calendario de 010103.")).to_be_visible()
    expect(page.locator("#estado-calendario")).to_contain_text("Calendario completo")
    history = page.locator(".history")
    expect(history).to_contain_text("Cambió el calendario")
    expect(history).to_contain_text("Las sesiones se concentran en el proceso electoral")
    expect(history).to_contain_text("Meta de mayo: — → 0")
    expect(history).to_contain_text("Meta de julio: 1 → 2")
    screenshot("actividad-06-historial")


def test_liaison_may_change_only_its_own_area(page, screenshot):
    build_demo()
    log_in(page, "enlace_otra")  # liaison of DO

    page.goto(activity_url("activity", "010101"))  # an SE activity
    expect(page.get_by_role("heading", level=1)).to_contain_text("010101")
    expect(page.get_by_role("link", name="Editar calendario")).to_have_count(0)
    expect(page.get_by_role("link", name="Editar", exact=True)).to_have_count(0)
    screenshot("enlace-01-actividad-ajena")

    response = page.goto(activity_url("activity_calendar", "010101"))
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Acceso denegado")
    expect(page.get_by_role("alert")).to_have_text(
        "No tienes permiso para modificar esta actividad."
    )
    expect(page.locator("main")).to_contain_text("Secretaría Ejecutiva (SE)")
    screenshot("enlace-02-acceso-denegado")

    page.goto(activity_url("activity", "020101"))  # DO's own activity
    page.get_by_role("link", name="Editar calendario").click()
    page.get_by_role("textbox", name="Abril").fill("0")
    page.get_by_role("textbox", name="Mayo").fill("1")
    screenshot("enlace-03-calendario-propio")
    page.get_by_role("button", name="Guardar").click()
    expect(page).to_have_url(re.compile(r"/actividad/020101/$"))
    history = page.locator(".history")
    expect(history).to_contain_text("Meta de abril: 1 → 0")
    expect(history).to_contain_text("Meta de mayo: 0 → 1")
    expect(history).to_contain_text("enlace_otra")
    screenshot("enlace-04-historial")

"""From scratch in a real browser: a planner founds an institution, builds its catalogue and
program, gives a liaison access; the liaison logs in; repeated bad passwords are throttled."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from rumbo.institutions.models import Role
from tests.factories import PASSWORD, InstitutionFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, username: str, password: str) -> None:
    page.goto("/cuenta/entrar/")
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Entrar").click()


def test_start_from_scratch_and_give_a_liaison_access(page, browser, live_server, screenshot):
    MembershipFactory(
        user=UserFactory(username="fundadora"),
        institution=InstitutionFactory(),
        role=Role.PLANEACION,
    )
    login(page, "fundadora", PASSWORD)
    expect(page).to_have_url(re.compile(r"/pendientes/$"))  # «Mis pendientes», the landing
    page.get_by_role("navigation", name="Navegación principal").get_by_role(
        "link", name="Mis instituciones"
    ).click()
    expect(page.get_by_role("heading", name="Mis instituciones")).to_be_visible()
    page.get_by_role("link", name="Crear institución").click()
    expect(page).to_have_url(re.compile(r"/instituciones/nueva/$"))
    screenshot("setup-01-nueva-institucion")
    page.get_by_label("Clave").fill("iepc")
    page.get_by_label("Nombre", exact=True).fill("Instituto Electoral y de Participación Ciudadana")
    page.get_by_label("Nombre corto").fill("IEPC")
    page.get_by_label("Dominios web oficiales").fill("https://www.iepc.mx/")
    page.get_by_role("button", name="Crear institución").click()
    expect(page).to_have_url(re.compile(r"/i/IEPC/$"))
    expect(page.get_by_role("status")).to_contain_text("Se creó la institución IEPC")
    screenshot("setup-02-institucion-creada")

    page.goto("/i/IEPC/areas/")
    page.get_by_label("Nombre").fill("Dirección de Organización Electoral")
    page.get_by_label("Siglas").fill("DOE")
    page.get_by_role("button", name="Agregar área").click()
    expect(
        page.get_by_role("row", name=re.compile("Dirección de Organización Electoral"))
    ).to_be_visible()
    # A second area with the same name, spelled differently, is refused next to the field.
    page.get_by_label("Nombre").fill("DIRECCION de organizacion electoral")
    page.get_by_label("Siglas").fill("DOE2")
    page.get_by_role("button", name="Agregar área").click()
    expect(page.locator(".field-error")).to_contain_text("Ya existe el área")
    screenshot("setup-03-areas")

    page.goto("/i/IEPC/unidades/")
    page.get_by_label("Nombre de la unidad").fill("Casilla")
    page.get_by_role("button", name="Agregar unidad").click()
    expect(page.get_by_role("row", name=re.compile("Casilla"))).to_be_visible()
    screenshot("setup-04-unidades")

    page.goto("/i/IEPC/programas/nuevo/")
    page.get_by_label("Ejercicio").fill("2025")
    page.get_by_label("Nivel 1 (el más alto)").fill("Programa")
    page.get_by_label("Nivel 2").fill("Actividad institucional")
    page.get_by_label("Nivel 3").fill("Acción")
    screenshot("setup-05-nuevo-programa")
    page.get_by_role("button", name="Crear programa").click()
    expect(page).to_have_url(re.compile(r"/i/IEPC/programa/2025/$"))
    screenshot("setup-06-programa-vacio")

    page.goto("/i/IEPC/usuarios/nuevo/")
    page.get_by_label("Usuario").fill("enlace_doe")
    page.get_by_label("Nombre(s)").fill("Diego")
    page.get_by_label("Apellidos").fill("Ortiz")
    page.get_by_label("Rol").select_option("enlace")
    page.get_by_label("Área (solo para enlace)").select_option(
        label="Dirección de Organización Electoral (DOE)"
    )
    screenshot("setup-07-nuevo-usuario")
    page.get_by_role("button", name="Crear usuario").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Se creó el usuario «enlace_doe»")
    password = page.locator("#contrasena").inner_text().strip()
    assert len(password) >= 20
    screenshot("setup-08-usuario-creado")

    page.goto("/i/IEPC/usuarios/")
    row = page.get_by_role("row", name=re.compile("Diego Ortiz"))
    expect(row).to_contain_text("Enlace de área · DOE")
    screenshot("setup-09-usuarios")

    # The liaison logs in from another browser context.
    other = browser.new_context(base_url=live_server.url, locale="es-MX")
    liaison = other.new_page()
    login(liaison, "enlace_doe", password)
    expect(liaison).to_have_url(re.compile(r"/pendientes/$"))
    expect(liaison.get_by_text("No tienes capturas pendientes.")).to_be_visible()
    liaison.get_by_role("navigation", name="Navegación principal").get_by_role(
        "link", name="Mis instituciones"
    ).click()
    expect(liaison).to_have_url(re.compile(r"/i/IEPC/$"))  # its only institution
    expect(liaison.get_by_text("Enlace de área")).to_be_visible()
    screenshot("setup-10-enlace-entra", of=liaison)
    other.close()


def test_six_bad_passwords_are_throttled(page, screenshot):
    MembershipFactory(
        user=UserFactory(username="planeacion"),
        institution=InstitutionFactory(),
        role=Role.PLANEACION,
    )
    for _ in range(5):
        login(page, "planeacion", "no-es-la-clave")
        expect(page.get_by_role("alert")).to_have_text(
            "Usuario o contraseña incorrectos. Revisa mayúsculas y minúsculas."
        )
    login(page, "planeacion", "no-es-la-clave")
    expect(page.get_by_role("alert")).to_have_text(
        "Demasiados intentos fallidos. Intenta de nuevo en 15 minutos."
    )
    screenshot("setup-11-demasiados-intentos")

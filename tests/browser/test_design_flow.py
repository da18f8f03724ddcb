"""Planeación opens a program design, adds a risk and a cause, and sees them drawn."""

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
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()


def test_planeacion_adds_a_risk_and_a_cause_and_sees_them_drawn(page, screenshot):
    demo = build_demo()
    design = demo.design.design
    log_in(page, "planeacion")

    page.goto(reverse("web:design_list", args=["IEEM"]))
    page.get_by_role("link", name=design.title).first.click()
    expect(page).to_have_url(re.compile(rf"/diseno/{design.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(design.title)
    expect(page.locator("#arbol-problema svg[role=img]")).to_be_visible()
    screenshot("diseno-01-resumen")

    # A new risk: probability 5 × impact 4 = 20, «Muy alto», lands in its heat-map cell.
    page.get_by_role("navigation", name="Páginas del diseño").get_by_role(
        "link", name="Riesgos"
    ).click()
    expect(page).to_have_url(re.compile(r"/riesgos/$"))
    cell = page.locator('td[data-probability="5"][data-impact="4"]')
    expect(cell).to_have_attribute("data-count", "0")
    page.get_by_role("link", name="Agregar riesgo").click()
    page.get_by_label("Riesgo", exact=True).fill("Recorte presupuestal a mitad del año")
    page.get_by_label("Probabilidad (1–5)").select_option("5")
    page.get_by_label("Impacto (1–5)").select_option("4")
    page.get_by_label("Responsable").fill("Dirección de Administración")
    page.get_by_role("button", name="Guardar").click()
    expect(page).to_have_url(re.compile(r"/riesgos/#riesgo-\d+$"))
    expect(page.get_by_role("status")).to_contain_text("Se agregó el riesgo.")
    row = page.locator("tr", has_text="Recorte presupuestal a mitad del año")
    expect(row).to_contain_text("20 · Muy alto")
    expect(cell).to_have_attribute("data-count", "1")
    expect(cell).to_contain_text("1 riesgo")
    expect(cell.get_by_role("link", name="R3")).to_be_visible()
    screenshot("diseno-02-riesgos")

    # A new first-level cause under the problem tree's core, drawn in the SVG.
    page.goto(reverse("web:design", args=["IEEM", design.pk]))
    problem_tree = page.locator("#arbol-problema")
    svg = problem_tree.locator("svg")
    expect(svg.locator("g.tree-box")).to_have_count(4)
    problem_tree.get_by_role("link", name="Agregar causa", exact=True).click()
    expect(page.get_by_label("Tipo")).to_have_value("causa")
    page.get_by_label("Texto").fill("Falta de capacitación")
    page.get_by_role("button", name="Guardar").click()
    expect(page).to_have_url(re.compile(r"#arbol-problema$"))
    expect(svg.locator("g.tree-box")).to_have_count(5)
    expect(svg.locator("g.tree-causa", has_text="Falta de capacitación")).to_have_count(1)
    expect(problem_tree.locator(".tree-outline")).to_contain_text("Falta de capacitación")
    screenshot("diseno-03-arbol")

"""A planning user reads the institution through a real browser, as a person would."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_planning_user_reads_program_plan_and_findings(page, screenshot):
    demo = build_demo()

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/cuenta/entrar/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es-MX")
    screenshot("01-entrar")
    page.get_by_label("Usuario").fill("planeacion")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()

    # Planeación may found institutions, so it lands on the list of its institutions.
    expect(page).to_have_url(re.compile(r"/$"))
    page.get_by_role("link", name="Instituto Electoral del Estado de México").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Instituto Electoral del Estado de México"
    )
    screenshot("02-institucion")

    page.get_by_role("link", name="Ejercicio 2024").click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/programa/2024/$"))
    page.wait_for_load_state("load")  # htmx (deferred) loads the subprograms on demand
    activity_row = page.locator(f"#actividad-{demo.activity_fraction.pk}")
    expect(activity_row).to_have_count(0)  # subprograms start collapsed, bodies not sent
    subprogram = page.locator(f"#nodo-{demo.subprogram.pk}")
    expect(subprogram).to_contain_text("4 actividades · 2 unidades de medida (no se suman)")

    # Expand the subprogram with the keyboard: its body loads on demand (htmx).
    summary = subprogram.locator("> summary")
    summary.focus()
    assert summary.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(activity_row).to_be_visible()
    cells = activity_row.locator("td")
    expect(cells.nth(2)).to_have_text("1")  # annual target
    months = [cells.nth(i).inner_text().strip() for i in range(3, 15)]
    assert months == ["0", "0", "0.25", "0", "0", "0.25", "0", "0", "0.25", "0", "0", "0.25"]

    missing = page.locator(f"#actividad-{demo.activity_missing.pk}")
    expect(missing).to_contain_text("Calendario incompleto")
    expect(missing.locator("td").nth(3 + 4)).to_contain_text("—")
    expect(page.locator(f"#actividad-{demo.activity_full.pk} td").nth(2)).to_have_text("4,060")
    # The wide calendar scrolls inside its own region; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot("03-programa")

    # Filter by text: the results update in place, the URL follows, the status is announced.
    page.get_by_label("Buscar clave o descripción").fill("sesiones")
    page.get_by_role("button", name="Filtrar").click()
    expect(page).to_have_url(re.compile(r"q=sesiones"))
    expect(page.locator("tr.activity")).to_have_count(1)
    expect(missing).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Se muestran 1 de 5 actividades")
    page.get_by_label("Solo con hallazgos por atender").check()
    expect(page).to_have_url(re.compile(r"observaciones=on"))
    expect(page.locator("tr.activity")).to_have_count(1)
    page.get_by_label("Buscar clave o descripción").fill("")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.locator("tr.activity")).to_have_count(2)  # 010103 and 010104
    screenshot("03b-programa-filtrado")

    # The activity's key leads to its own page.
    missing.get_by_role("link", name="010103", exact=True).click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/programa/2024/actividad/010103/$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"observaciones=on"))
    expect(missing).to_be_visible()

    page.get_by_role("navigation", name="Navegación principal").get_by_role(
        "link", name="IEEM"
    ).click()
    page.get_by_role("link", name="Plan General de Desarrollo 2023-2026").click()
    foda = page.get_by_role("region", name="FODA")
    for label in ["Fortalezas", "Oportunidades", "Debilidades", "Amenazas"]:
        expect(foda.get_by_role("heading", name=label)).to_be_visible()
    expect(foda).to_contain_text("Personal con experiencia en procesos electorales.")
    # 2×2: Fortalezas and Oportunidades side by side, Debilidades below Fortalezas. The
    # three boxes are read in one go, once the page has settled: read one by one, a late
    # change above them (the header's counts arrive after the page) moved one between reads.
    page.wait_for_load_state("networkidle")
    boxes = {
        label: {"x": x, "y": y}
        for label, x, y in foda.locator(".swot-quadrant").evaluate_all(
            """quadrants => quadrants.map(q => {
                const box = q.getBoundingClientRect();
                return [q.querySelector("h3, h2").textContent.trim(), box.x, box.y];
            })"""
        )
    }
    assert boxes["Fortalezas"]["y"] == boxes["Oportunidades"]["y"]
    assert boxes["Debilidades"]["x"] == boxes["Fortalezas"]["x"]
    assert boxes["Debilidades"]["y"] > boxes["Fortalezas"]["y"]
    screenshot("04-plan")

    page.get_by_role("link", name="Hallazgos", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hallazgos de calidad")
    page.get_by_label("Código").select_option("missing_months")
    page.get_by_role("button", name="Filtrar").click()
    expect(page).to_have_url(re.compile(r"codigo=missing_months"))
    rows = page.locator("table.findings tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Faltan valores mensuales en el calendario")
    screenshot("05-hallazgos")

    # The finding's object leads back to the activity.
    rows.first.get_by_role("link", name=re.compile("010103")).click()
    expect(page).to_have_url(re.compile(r"/i/IEEM/programa/2024/actividad/010103/$"))
    expect(page.locator("main")).to_contain_text("Sesiones de la Junta General")


def log_in(page, username: str) -> None:
    page.goto("/cuenta/entrar/")
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()


def test_skip_link_is_the_first_stop_and_focus_is_visible(page, screenshot):
    build_demo()
    log_in(page, "consulta")
    expect(page).to_have_url(re.compile(r"/pendientes/$"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Saltar al contenido principal")
    expect(skip).to_be_focused()
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    assert skip.bounding_box()["y"] >= 0  # it comes into view when focused
    screenshot("00-salto")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_narrow_screen_stacks_the_foda(page, screenshot, live_server):
    demo = build_demo()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "consulta")
    page.goto(f"/i/IEEM/plan/{demo.plan_new.pk}/")
    foda = page.get_by_role("region", name="FODA")
    top = foda.get_by_role("region", name="Fortalezas").bounding_box()
    below = foda.get_by_role("region", name="Oportunidades").bounding_box()
    assert below["y"] > top["y"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone"
    screenshot("06-plan-movil")


def test_narrow_screen_scrolls_the_months_and_keeps_the_key_in_view(page, screenshot):
    demo = build_demo()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "consulta")
    page.goto(f"/i/IEEM/programa/2024/seccion/{demo.subprogram.pk}/")
    row = page.locator(f"#actividad-{demo.activity_full.pk}")
    expect(row).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    region = page.get_by_role("region", name=re.compile("Calendario mensual de proyecto 0101"))
    scrolled = region.evaluate("el => { el.scrollLeft = el.scrollWidth; return el.scrollLeft; }")
    assert scrolled > 200, "the months scroll inside their region"
    key = row.locator("th.key")
    box, frame = key.bounding_box(), region.bounding_box()
    assert frame["x"] <= box["x"] <= frame["x"] + 2, "the key column sticks to the left edge"
    screenshot("07-programa-movil")

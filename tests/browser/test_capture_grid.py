"""The capture grid never loses a figure: evidence attached in place while other rows hold
typed values, leaving with unsaved changes asks first, the columns fit 1366 px with the key
and description kept in view, a card per activity on a phone, a pasted spreadsheet column."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from rumbo.monitoring.models import Evidence, ProgressEntry, WindowExtension
from tests.browser.test_capture_flow import log_in
from tests.factories import AreaFactory, build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRID = reverse("web:capture_grid", args=["IEEM", 2024, "SE", 1])
PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def world(settings, tmp_path):
    """The demo, with January 2024 open for capture (not the shared ``demo`` fixture: a
    live-server test commits its own data)."""
    settings.DATA_DIR = tmp_path  # evidence files are written under it
    world = build_demo()
    # January 2024's window closed long ago: an extension keeps it open past the real date.
    WindowExtension.objects.create(
        institution=world.institution,
        year=2024,
        month=1,
        until=timezone.localdate() + timedelta(days=60),
        reason="Prueba de captura",
        created_by="planeacion",
    )
    return world


def open_grid(page, user: str = "enlace_se") -> None:
    log_in(page, user)
    page.goto(GRID)
    page.wait_for_load_state("load")  # the deferred scripts have attached their listeners


def fits_width(page, width: int) -> None:
    """No page-level horizontal scroll; if there is, which elements stick out."""
    wider = page.evaluate(
        """w => [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > w + 1)
            .map(e => `${e.tagName}.${e.className}#${e.id}`).slice(0, 8)""",
        width,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wider


def box(locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not rendered"
    return found


def test_attaching_evidence_keeps_what_is_typed_in_other_rows(page, screenshot, world):
    full, missing = world.activity_full, world.activity_missing
    # Row B (010103) has its month saved, so it takes evidence; row A (010101) does not.
    ProgressEntry.objects.create(activity=missing, month=1, achieved=1)
    open_grid(page)
    page.evaluate("window.sameDocument = true")  # gone if the page reloads

    achieved, comment = page.locator(f"#avance-{full.pk}"), page.locator(f"#comentario-{full.pk}")
    achieved.click()
    achieved.press_sequentially("340")
    # Typing 340 passes through a red 3 and 34: the justification opened, then closed empty.
    expect(page.locator(f"#justificacion-{world.activity_full.pk}")).to_be_hidden()
    comment.click()
    comment.press_sequentially("Oficio SE/123/2024")
    note = page.locator("#cambios-sin-guardar")
    expect(note).to_have_text("Tienes cambios sin guardar en 1 fila.")
    expect(page.locator("#fila-010101")).to_have_class("capture-row is-dirty")

    row_b = page.locator("#fila-010103")
    row_b.locator("#archivo-010103").set_input_files(
        {"name": "oficio.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    row_b.get_by_role("button", name="Adjuntar", exact=True).click()
    said = page.locator("#evidencia-mensajes-010103")
    expect(said).to_have_text("010103: se adjuntó oficio.pdf.")
    expect(row_b.get_by_role("link", name="oficio.pdf")).to_be_visible()
    screenshot("rejilla-01-evidencia-adjuntada")
    assert page.evaluate("window.sameDocument") is True  # no reload
    assert Evidence.objects.get().entry.activity == missing
    # What was typed in row A is still there, still counted as unsaved.
    expect(achieved).to_have_value("340")
    expect(comment).to_have_value("Oficio SE/123/2024")
    expect(note).to_have_text("Tienes cambios sin guardar en 1 fila.")
    # The upload's message is beside row B, not at the top of the page.
    expect(page.locator(".messages")).to_have_count(0)
    b, m = box(row_b), box(said)
    assert b["y"] <= m["y"] and m["y"] + m["height"] <= b["y"] + b["height"]
    assert b["x"] <= m["x"] and m["x"] + m["width"] <= b["x"] + b["width"]

    # A refused file says why, beside its row, and changes nothing.
    row_b.locator("#archivo-010103").set_input_files(
        {"name": "nota.txt", "mimeType": "text/plain", "buffer": b"hola"}
    )
    row_b.get_by_role("button", name="Adjuntar", exact=True).click()
    expect(said).to_contain_text("010103: El archivo nota.txt no es de un tipo aceptado")
    expect(row_b.get_by_role("link", name="oficio.pdf")).to_be_visible()
    assert Evidence.objects.count() == 1

    page.get_by_role("button", name="Guardar").click()
    expect(page.locator(".messages")).to_contain_text("Se guardaron los avances de enero 2024")
    expect(page.locator("#mensajes-010101")).to_have_text("Guardado.")
    expect(page.locator(f"#avance-{full.pk}")).to_have_value("340")
    expect(page.locator(f"#comentario-{full.pk}")).to_have_value("Oficio SE/123/2024")
    expect(page.locator("#cambios-sin-guardar")).to_be_hidden()
    entry = ProgressEntry.objects.get(activity=full, month=1)
    assert (entry.achieved, entry.comment) == (Decimal(340), "Oficio SE/123/2024")

    # Removing it happens in place too.
    row_b.get_by_role("button", name="Quitar oficio.pdf").click()
    expect(said).to_have_text("010103: se quitó oficio.pdf.")
    expect(row_b.get_by_role("link", name="oficio.pdf")).to_have_count(0)
    assert not Evidence.objects.exists()


def test_leaving_with_unsaved_changes_asks_first(page, world):
    open_grid(page)
    dialogs: list[str] = []

    def stay(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    achieved = page.locator(f"#avance-{world.activity_full.pk}")
    achieved.click()
    achieved.press_sequentially("340")
    with page.expect_event("dialog"):
        page.get_by_role("link", name="Volver a la captura de avances 2024").click()
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(re.compile(re.escape(GRID) + "$"))
    expect(page.locator("#cambios-sin-guardar")).to_have_text(
        "Tienes cambios sin guardar en 1 fila."
    )
    expect(achieved).to_have_value("340")

    # Back to the stored value: nothing to lose, so it leaves without asking.
    achieved.fill("")
    expect(page.locator("#cambios-sin-guardar")).to_be_hidden()
    page.get_by_role("link", name="Volver a la captura de avances 2024").click()
    expect(page.locator("#captura-SE-1")).to_be_visible()
    assert dialogs == ["beforeunload"]

    # Saving is not leaving: it does not ask.
    page.goto(GRID)
    page.wait_for_load_state("load")
    achieved = page.locator(f"#avance-{world.activity_full.pk}")
    achieved.click()
    achieved.press_sequentially("340")
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator(".messages")).to_contain_text("Se guardaron los avances")
    assert dialogs == ["beforeunload"]


def test_every_column_fits_1366_and_the_key_stays_in_view(page, screenshot, world):
    for activity in (world.activity_full, world.activity_missing):
        ProgressEntry.objects.create(activity=activity, month=1, achieved=1)  # takes evidence
    page.set_viewport_size({"width": 1366, "height": 768})
    open_grid(page)
    full = world.activity_full.pk
    page.locator(f"#avance-{full}").fill("100")  # red: the justification opens
    justification = page.locator(f"#justificacion-{full}")
    expect(justification).to_be_visible()
    screenshot("rejilla-02-1366", full_page=False)
    evidence = page.locator("#archivo-010101")
    for field in (
        justification,
        evidence,
        page.get_by_role("button", name="Adjuntar", exact=True).first,
    ):
        field.scroll_into_view_if_needed()
        b = box(field)
        assert b["x"] >= 0 and b["x"] + b["width"] <= 1366, f"{field} off-screen: {b}"
    scroller = page.locator(".capture-scroll")
    assert scroller.evaluate("s => s.scrollWidth <= s.clientWidth")  # nothing to scroll
    fits_width(page, 1366)

    # The justification: a proportional font, three lines at least, growing with its text.
    font = justification.evaluate("t => getComputedStyle(t).fontFamily")
    assert "mono" not in font.lower()
    line = justification.evaluate("t => parseFloat(getComputedStyle(t).lineHeight)")
    empty = box(justification)["height"]
    assert empty >= 3 * line
    justification.fill("\n".join(f"Línea {n}" for n in range(1, 8)))
    page.wait_for_function(
        f"h => document.querySelector('#justificacion-{full}').offsetHeight > h + 2 * {line}",
        arg=empty,
    )

    # Narrower, the grid scrolls sideways inside its box and the key stays in view.
    page.set_viewport_size({"width": 800, "height": 768})
    hidden = scroller.evaluate("s => s.scrollWidth - s.clientWidth")
    assert hidden > 100
    scroller.evaluate("s => { s.scrollLeft = s.scrollWidth; }")
    page.wait_for_function(
        "h => document.querySelector('.capture-scroll').scrollLeft >= h - 1", arg=hidden
    )
    key_cell = page.locator("#actividad-010101")
    assert abs(box(key_cell)["x"] - box(scroller)["x"]) <= 2
    expect(key_cell).to_contain_text("Atención de solicitudes de información pública")
    fits_width(page, 800)
    screenshot("rejilla-03-800-desplazada", full_page=False)


def test_on_a_phone_each_activity_is_a_card_whose_name_stays_in_view(page, screenshot, world):
    page.set_viewport_size({"width": 390, "height": 844})
    open_grid(page)
    fits_width(page, 390)
    card = page.locator("#fila-010103")
    head = page.locator("#actividad-010103")
    achieved = page.locator(f"#avance-{world.activity_missing.pk}")
    comment = page.locator(f"#comentario-{world.activity_missing.pk}")
    # One card: its key and name on top, its figures below, all within the screen's width.
    c, h = box(card), box(head)
    assert c["width"] <= 390 and c["x"] >= 0
    for part in (achieved, comment, card.locator("[data-light]")):
        p = box(part)
        assert c["x"] <= p["x"] and p["x"] + p["width"] <= c["x"] + c["width"]
        assert p["y"] >= h["y"] + h["height"]
    # Each figure says what it is (the table's header is hidden on a phone).
    labels = card.locator("td").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)"
    )
    assert labels[:4] == [
        '"Programado del mes"',
        '"Programado acumulado"',
        '"Alcanzado del mes"',
        '"Semáforo acumulado"',
    ]

    # Typing further down the card: the name stays at the top of the screen.
    comment.click()
    comment.press_sequentially("Sesión ordinaria")
    page.evaluate(
        "card => window.scrollBy(0, card.getBoundingClientRect().top + 150)",
        card.element_handle(),
    )
    page.wait_for_function(
        "card => card.getBoundingClientRect().top < -100", arg=card.element_handle()
    )
    h = box(head)
    assert -1 <= h["y"] <= 2, h
    expect(head).to_contain_text("010103")
    expect(head).to_contain_text("Sesiones de la Junta General")
    screenshot("rejilla-04-telefono", full_page=False)


def test_pasting_a_spreadsheet_column_fills_the_following_rows(page, world):
    open_grid(page)
    full, fraction = world.activity_full, world.activity_fraction
    missing, mismatch = world.activity_missing, world.activity_mismatch
    first = page.locator(f"#avance-{full.pk}")
    first.focus()
    # Three cells of a spreadsheet column (Excel ends every line with CR LF).
    page.evaluate(
        """([id, text]) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            document.getElementById(id).dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        [f"avance-{full.pk}", "1,234.5\r\n0\r\n1\r\n"],
    )
    expect(first).to_have_value("1,234.5")
    expect(page.locator(f"#avance-{fraction.pk}")).to_have_value("0")
    expect(page.locator(f"#avance-{missing.pk}")).to_have_value("1")
    expect(page.locator(f"#avance-{mismatch.pk}")).to_have_value("")
    # The preview reads es-MX: 1,234.5 of 340 programmed is 363.09 %; 1 of 1 is 100 %.
    expect(page.locator("#fila-010101 [data-light]")).to_have_text("Rojo · 363.09 %")
    expect(page.locator("#fila-010103 [data-light]")).to_have_text("Verde · 100 %")
    expect(page.locator("#mensajes-010101")).to_have_text(
        "Se pegaron 3 valores en las filas 010101 a 010103. Falta guardar."
    )
    expect(page.locator("#cambios-sin-guardar")).to_have_text(
        "Tienes cambios sin guardar en 3 filas."
    )

    page.locator(f"#justificacion-{full.pk}").fill("Se atendió el rezago de diciembre.")
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator(".messages")).to_contain_text("Se guardaron los avances de enero 2024")
    saved = dict(ProgressEntry.objects.filter(month=1).values_list("activity__key", "achieved"))
    assert saved == {"010101": Decimal("1234.5"), "010102": Decimal(0), "010103": Decimal(1)}


# The IEEM's thirteen areas, as the demo names them (the longest code included).
AREA_CODES = ["CFDE", "CG", "DA", "DJC", "DPC", "DPP", "UTAPE", "UCS", "UIE", "UT", "UCTIGEVPRG"]


def test_the_year_matrix_of_thirteen_areas_fits_1366(page, screenshot, world):
    for code in AREA_CODES:  # with SE and DO, thirteen
        AreaFactory(institution=world.institution, code=code, name=f"Área {code}")
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "revisor")
    page.goto(reverse("web:capture", args=["IEEM", 2024]))
    expect(page.locator("tbody tr")).to_have_count(13)
    screenshot("rejilla-05-matriz-1366", full_page=False)
    # Every month of every area within the screen, nothing to scroll in the page or the box.
    fits_width(page, 1366)
    scroller = page.locator(".capture-index-scroll")
    assert scroller.evaluate("s => s.scrollWidth <= s.clientWidth")
    for code in ("UCTIGEVPRG", "SE"):
        last = box(page.locator(f"#captura-{code}-12"))
        assert last["x"] + last["width"] <= 1366, (code, last)
    expect(page.locator("#captura-UCTIGEVPRG-12")).to_contain_text("Sin captura")

    # On a phone the months scroll inside the box, the area's code pinned on the left.
    page.set_viewport_size({"width": 390, "height": 844})
    fits_width(page, 390)
    hidden = scroller.evaluate("s => s.scrollWidth - s.clientWidth")
    assert hidden > 100
    scroller.evaluate("s => { s.scrollLeft = s.scrollWidth; }")
    page.wait_for_function(
        "h => document.querySelector('.capture-index-scroll').scrollLeft >= h - 1", arg=hidden
    )
    area = page.locator("tbody tr", has=page.locator("#captura-UCTIGEVPRG-1")).locator("th")
    assert abs(box(area)["x"] - box(scroller)["x"]) <= 2
    expect(area).to_have_text("UCTIGEVPRG")
    screenshot("rejilla-06-matriz-390", full_page=False)

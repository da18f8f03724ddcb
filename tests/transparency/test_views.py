"""Transparency pages: the formats list with downloads, and the publication checker upload.

The browser flow (upload the 000 sample, read the findings table) is in
``tests/browser/test_transparency_flow.py``, next to the Playwright fixtures it needs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from rumbo.imports.base import MAX_FILE_BYTES
from tests.factories import AreaObjectiveFactory, Demo

SAMPLE = Path(settings.SAMPLES_DIR) / "000_19180f02e9762917.txt"
PERSONAS = ["planeacion", "enlace_se", "enlace_otra", "revisor", "consulta"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_formats_page_lists_every_format_with_downloads(as_user, persona: str) -> None:
    html = (
        as_user(persona).get("/i/IEEM/transparencia/?ejercicio=2024&trimestre=2").content.decode()
    )
    for title in ("Objetivos y metas institucionales", "Indicadores de resultados",
                  "Indicadores de interés público", "Programas Operativos Anuales"):  # fmt: skip
        assert title in html
    assert "artículo 70, fracción IV" in html
    # Each download is a button asking for an export job of that format, year and quarter
    # (tests/web/test_export_buttons.py submits them).
    for format_id, fmt in (("fr-vi", "xlsx"), ("cdmx-121-xxii", "csv")):
        fields = (
            f'<input type="hidden" name="format_id" value="{format_id}">'
            '<input type="hidden" name="year" value="2024">'
            '<input type="hidden" name="quarter" value="2">'
            f'<input type="hidden" name="fmt" value="{fmt}">'
        )
        assert fields in html, format_id


@pytest.mark.django_db
def test_the_institution_page_links_the_transparency_pages(as_user) -> None:
    html = as_user("consulta").get("/i/IEEM/").content.decode()
    assert 'href="/i/IEEM/transparencia/"' in html
    assert 'href="/i/IEEM/transparencia/revisar/"' in html


@pytest.mark.django_db
def test_formats_page_query_count_does_not_grow(
    as_user, demo: Demo, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = as_user("consulta")
    client.get("/i/IEEM/transparencia/")  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get("/i/IEEM/transparencia/")
    for _ in range(10):
        AreaObjectiveFactory(institution=demo.institution, area=demo.area_se)
    with CaptureQueriesContext(connection) as second:
        client.get("/i/IEEM/transparencia/")
    assert len(first.captured_queries) == len(second.captured_queries) <= 8


@pytest.mark.django_db
def test_download_is_the_same_file_as_the_cli(as_user, demo: Demo) -> None:
    response = as_user("enlace_otra").get("/i/IEEM/transparencia/fr-iv.xlsx?ejercicio=2024")
    assert response.status_code == 200
    assert 'filename="IEEM-fr-iv-2024.xlsx"' in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert ws.cell(row=6, column=1).value == "Ejercicio"
    csv_response = as_user("consulta").get(
        "/i/IEEM/transparencia/cdmx-121-xxii.csv?ejercicio=2024&trimestre=1"
    )
    assert csv_response.content.decode("utf-8-sig").startswith("Ejercicio,")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/i/IEEM/transparencia/fr-xx.xlsx",
        "/i/IEEM/transparencia/fr-iv.pdf",
        "/i/IEEM/transparencia/fr-iv.csv?ejercicio=1999",
        "/i/IEEM/transparencia/fr-iv.csv?ejercicio=2024&trimestre=7",
    ],
)
def test_bad_downloads_are_404(as_user, url: str) -> None:
    assert as_user("consulta").get(url).status_code == 404


@pytest.mark.django_db
def test_check_upload_shows_findings_and_stores_nothing(as_user, tmp_path: Path) -> None:
    client = as_user("consulta")
    upload = SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes(), content_type="text/plain")
    response = client.post(
        "/i/IEEM/transparencia/revisar/", {"formato": "fr-iv", "archivo": upload}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "139 filas de datos" in html and "encabezado en la fila 11" in html
    assert "<code>duplicate_row</code>" in html and "www.iccm.mx" in html


@pytest.mark.django_db
def test_check_refuses_unreadable_and_oversized_files(as_user, settings) -> None:
    client = as_user("consulta")
    bad = SimpleUploadedFile("roto.xlsx", b"PK\x03\x04roto")
    response = client.post("/i/IEEM/transparencia/revisar/", {"formato": "fr-iv", "archivo": bad})
    assert response.status_code == 400
    assert "roto.xlsx: no es un XLSX válido" in response.content.decode()
    big = SimpleUploadedFile("grande.csv", b"a" * (MAX_FILE_BYTES + 1))
    response = client.post("/i/IEEM/transparencia/revisar/", {"formato": "fr-iv", "archivo": big})
    assert response.status_code == 400
    assert "pesa más de 20 MB" in response.content.decode()

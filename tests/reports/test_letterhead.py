"""The reports' letterhead and signature block: the institution's logo at the top of every
PDF, Elaboró / Revisó / Autorizó with name and position at the end of every PDF and of
every XLSX's first sheet; blank lines (never «None») when nobody is named."""

from __future__ import annotations

import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from openpyxl import load_workbook
from PIL import Image, ImageDraw

from rumbo.audit.services import Actor
from rumbo.institutions.services import institution_letterhead_update
from rumbo.reports.builders import build_report

pytestmark = pytest.mark.django_db

REPORTS = [
    ("monthly", {"month": 3}),
    ("quarterly", {"quarter": 2}),
    ("program", {}),
    ("mir", {}),
]
SIGNERS = {
    "prepared_by_name": "Ana Ejemplo Ruiz",
    "prepared_by_position": "Jefa del Departamento de Planeación",
    "reviewed_by_name": "Luis Ejemplo Mora",
    "reviewed_by_position": "Director de Administración",
    "authorized_by_name": "Carmen Ejemplo Díaz",
    "authorized_by_position": "Secretaria Ejecutiva",
}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def png_logo() -> bytes:
    image = Image.new("RGB", (240, 120), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 110, 110), fill=(31, 58, 95))
    draw.rectangle((130, 40, 230, 80), fill=(178, 106, 0))
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def signed(progress):
    institution_letterhead_update(
        actor=Actor.cli(),
        institution=progress.institution,
        signers=SIGNERS,
        logo=ContentFile(png_logo(), name="logo.png"),
    )
    return progress


def _pdf(tmp_path: Path, kind: str, scope: dict) -> tuple[Path, str]:
    file = build_report(kind=kind, institution="IEEM", year=2024, fmt="pdf", **scope)
    path = tmp_path / file.filename
    path.write_bytes(file.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=60
    ).stdout
    return path, text


def _images(path: Path) -> int:
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, timeout=60
    ).stdout
    return len([line for line in listing.splitlines()[2:] if line.strip()])


@pytest.mark.parametrize(("kind", "scope"), REPORTS)
def test_pdf_has_the_logo_and_the_signers(signed, tmp_path, kind, scope):
    path, text = _pdf(tmp_path, kind, scope)
    flat = " ".join(text.split())
    for value in ("Elaboró", "Revisó", "Autorizó", *SIGNERS.values()):
        assert value in flat, value
    # The block is at the end: after the last page's body, on the last page.
    last_page = text.split("\f")[-2] if text.endswith("\f") else text.split("\f")[-1]
    assert "Carmen Ejemplo Díaz" in last_page
    assert _images(path) >= 1  # the logo, on every page's header
    pages = text.count("\f") or 1
    assert _images(path) == pages
    # A look at the first and the last page (test-artifacts/, for a person to read).
    ARTIFACTS.mkdir(exist_ok=True)
    for which, page in (("primera", 1), ("ultima", pages)):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-singlefile", "-f", str(page), "-l", str(page),
             str(path), str(ARTIFACTS / f"membrete-{kind}-{which}")],
            capture_output=True, timeout=60, check=True,
        )  # fmt: skip


@pytest.mark.parametrize(("kind", "scope"), REPORTS)
def test_pdf_without_letterhead_shows_blank_lines_not_none(progress, tmp_path, kind, scope):
    path, text = _pdf(tmp_path, kind, scope)
    flat = " ".join(text.split())
    assert "Elaboró" in flat and "Revisó" in flat and "Autorizó" in flat
    assert "None" not in flat
    assert _images(path) == 0


@pytest.mark.parametrize(("kind", "scope"), REPORTS)
def test_xlsx_ends_with_the_signers(signed, kind, scope):
    file = build_report(kind=kind, institution="IEEM", year=2024, fmt="xlsx", **scope)
    ws = load_workbook(BytesIO(file.content)).worksheets[0]
    rows = [
        (ws.cell(row=r, column=1).value, ws.cell(row=r, column=2).value)
        for r in range(ws.max_row - 3, ws.max_row + 1)
    ]
    assert rows == [
        ("Firmas", None),
        ("Elaboró", "Ana Ejemplo Ruiz, Jefa del Departamento de Planeación"),
        ("Revisó", "Luis Ejemplo Mora, Director de Administración"),
        ("Autorizó", "Carmen Ejemplo Díaz, Secretaria Ejecutiva"),
    ]


def test_xlsx_without_signers_leaves_lines_to_sign(progress):
    file = build_report(kind="program", institution="IEEM", year=2024, fmt="xlsx")
    ws = load_workbook(BytesIO(file.content)).worksheets[0]
    last = [(ws.cell(row=r, column=1).value, ws.cell(row=r, column=2).value)
            for r in range(ws.max_row - 2, ws.max_row + 1)]  # fmt: skip
    assert last == [("Elaboró", "_" * 30), ("Revisó", "_" * 30), ("Autorizó", "_" * 30)]

"""The printable MIR of the vinculación sample fits one landscape page, in Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse

from rumbo.audit.services import Actor
from rumbo.design.loader import import_design
from rumbo.design.models import ProgramDesign
from tests.browser.test_indicator_flow import log_in
from tests.factories import build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def test_the_printable_mir_is_one_landscape_page(page, samples_dir, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    build_demo()  # «ajeno» is Planeación of IECM
    import_design(
        samples_dir / "iecm_vinculacion_2024.json", institution_code="IECM", actor=Actor.cli()
    )
    design = ProgramDesign.objects.get(node__program__institution__code="IECM")
    log_in(page, "ajeno")
    page.goto(reverse("web:mir_print", args=["IECM", design.pk]))
    page.wait_for_load_state("load")
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(PAGE_OBJECT.findall(pdf)) == 1
    path = tmp_path / "mir.pdf"
    path.write_bytes(pdf)
    # The page box is landscape (wider than tall) and all five components are on it.
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", pdf)
    assert box and float(box.group(1)) > float(box.group(2))
    artifacts = settings.BASE_DIR / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "mir-print.pdf").write_bytes(pdf)
    # pdftotext (poppler-utils, installed by .ci/run) reads it as a user's PDF reader would.
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for code in ("C1", "C2", "C3", "C4", "C5"):
        assert re.search(rf"\b{code}\b", text), code
    assert "Matriz de Indicadores para Resultados" in text

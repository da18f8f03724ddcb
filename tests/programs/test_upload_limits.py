"""The Excel round trip's upload page refuses every hostile spreadsheet with the guard's
message (issue 16, finding 4): no 500, nothing stored, nothing written, and never the
content of a file an XXE entity points to."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.programs.models import Activity
from tests.core import hostile_files as h

pytestmark = pytest.mark.django_db

UPLOAD = reverse("web:program_upload", args=["IEEM", 2024])
PASSWD_LINE = h.PASSWD_LINE
HOSTILE = [
    *h.XLSX_REFUSALS,
    # The page takes .xlsx only, up to 5 MB: a CSV never reaches the reader.
    ("campo.csv", h.csv_with_long_field, "Solo se aceptan libros de Excel .xlsx"),
]


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("name", "build", "message"), HOSTILE, ids=[name for name, _, _ in HOSTILE]
)
def test_the_upload_page_refuses_each_hostile_file(
    as_user, demo, data_dir, name, build, message
) -> None:
    client = as_user("planeacion")
    events, activities = AuditEvent.objects.count(), Activity.objects.count()
    response = client.post(UPLOAD, {"file": SimpleUploadedFile(name, build())})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200  # the form again, its field marked
    assert 'aria-invalid="true"' in page
    assert f'<p id="archivo-error" class="field-error" role="alert">{message}' in page
    assert PASSWD_LINE not in page
    assert "Confirmar y aplicar" not in page
    assert not (data_dir / "uploads").exists() or not any((data_dir / "uploads").iterdir())
    assert AuditEvent.objects.count() == events and Activity.objects.count() == activities

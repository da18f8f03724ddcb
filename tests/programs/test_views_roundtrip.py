"""The Excel round trip pages: permissions, preview, confirmation, stale previews, bad files."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from rumbo.audit.models import AuditEvent
from rumbo.audit.selectors import object_history
from rumbo.audit.services import Actor
from rumbo.programs.models import Activity
from rumbo.programs.services import activity_update
from rumbo.programs.views.roundtrip import SESSION_KEY
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

TEMPLATE = reverse("web:program_template", args=["IEEM", 2024])
UPLOAD = reverse("web:program_upload", args=["IEEM", 2024])
CONFIRM = reverse("web:program_upload_confirm", args=["IEEM", 2024])
PROGRAM = reverse("web:program", args=["IEEM", 2024])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KEY_COL, MAR_COL = 3, 10


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def stored_uploads(data_dir: Path) -> list[Path]:
    folder = data_dir / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


def template_of(client) -> Workbook:
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def as_file(wb: Workbook, name: str = "programa.xlsx") -> SimpleUploadedFile:
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX)


def edit_march(wb: Workbook, key: str, value: object) -> None:
    ws = wb["Actividades"]
    for (cell,) in ws.iter_rows(min_col=KEY_COL, max_col=KEY_COL):
        if cell.value == key:
            ws.cell(row=cell.row, column=MAR_COL, value=value)
            return
    raise AssertionError(key)


def digest_in(html: str) -> str:
    match = re.search(r'name="digest" value="([0-9a-f]{64})"', html)
    assert match, "the preview posts the digest of what it shows"
    return match.group(1)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_member_downloads_the_template_only_planning_uploads(as_user, demo, persona):
    client = as_user(persona)
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert 'filename="programa-IEEM-2024.xlsx"' in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb["Actividades"]["C2"].value == "010101"

    allowed = persona == "planeacion"
    assert client.get(UPLOAD).status_code == (200 if allowed else 403)
    upload = client.post(UPLOAD, {"file": as_file(wb)})
    assert upload.status_code == (200 if allowed else 403)
    assert client.post(CONFIRM, {"digest": "0" * 64}).status_code == (302 if allowed else 403)


def test_outsiders_and_anonymous_get_nothing(client, as_user, demo):
    login = reverse(settings.LOGIN_URL)
    for url in (TEMPLATE, UPLOAD):
        assert client.get(url)["Location"].startswith(f"{login}?next=")
    outsider = as_user("ajeno")
    assert outsider.get(TEMPLATE).status_code == 403
    assert outsider.get(UPLOAD).status_code == 403
    assert outsider.post(CONFIRM).status_code == 403
    assert outsider.get(reverse("web:program_template", args=["IEEM", 2031])).status_code == 403


def test_a_program_that_does_not_exist_is_404(as_user, demo):
    client = as_user("planeacion")
    assert client.get(reverse("web:program_template", args=["IEEM", 2031])).status_code == 404
    assert client.get(reverse("web:program_upload", args=["IEEM", 2031])).status_code == 404


def test_the_upload_page_offers_the_template(as_user, demo):
    client = as_user("planeacion")
    html = client.get(UPLOAD).content.decode()
    assert "Descargar plantilla de Excel" in html
    assert f'href="{TEMPLATE}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert client.get(CONFIRM).status_code == 405  # GET never writes


def test_an_unchanged_template_says_sin_cambios_and_stores_nothing(as_user, demo, data_dir):
    client = as_user("planeacion")
    response = client.post(UPLOAD, {"file": as_file(template_of(client))})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sin cambios." in html
    assert "5 actividades iguales" in html
    assert "Confirmar y aplicar" not in html
    assert stored_uploads(data_dir) == []
    assert SESSION_KEY not in client.session


def test_preview_then_confirm_applies_the_edit_and_records_it(as_user, demo, data_dir):
    client = as_user("planeacion")
    wb = template_of(client)
    edit_march(wb, "010101", 345)
    events = AuditEvent.objects.count()

    response = client.post(UPLOAD, {"file": as_file(wb, "POA ajustado.xlsx")})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vista previa de la carga" in html
    assert "Se modificará 1 actividad<" in html
    assert "Mes: marzo" in html and ">340<" in html and ">345<" in html
    assert "Confirmar y aplicar" in html
    assert AuditEvent.objects.count() == events  # the preview writes nothing
    assert len(stored_uploads(data_dir)) == 1

    response = client.post(CONFIRM, {"digest": digest_in(html)})
    assert response.status_code == 302 and response["Location"] == PROGRAM
    march = demo.activity_full.monthly_targets.get(month=3)
    assert march.quantity == 345
    event = object_history(demo.activity_full).first()
    assert event is not None and event.reason == "Carga de Excel: POA ajustado.xlsx"
    assert event.actor == demo.users["planeacion"]
    assert stored_uploads(data_dir) == []
    assert SESSION_KEY not in client.session
    page = client.get(PROGRAM).content.decode()
    assert "Carga aplicada: 0 agregadas, 1 modificada y 0 eliminadas." in page

    # The same confirmation again finds nothing pending.
    again = client.post(CONFIRM, {"digest": digest_in(html)}, follow=True)
    assert "No hay una carga pendiente de confirmar" in again.content.decode()


def test_removals_are_shown_prominently(as_user, demo):
    client = as_user("planeacion")
    wb = template_of(client)
    ws = wb["Actividades"]
    ws.delete_rows(2)  # 010101
    html = client.post(UPLOAD, {"file": as_file(wb)}).content.decode()
    assert "Se eliminará 1 actividad<" in html
    assert "Atención de solicitudes de información pública" in html


def test_a_stale_preview_is_refused_and_nothing_applied(as_user, demo, data_dir):
    client = as_user("planeacion")
    wb = template_of(client)
    edit_march(wb, "010101", 345)
    html = client.post(UPLOAD, {"file": as_file(wb)}).content.decode()
    # Someone else changes the same activity after the preview.
    activity_update(
        actor=Actor.cli(),
        activity=demo.activity_full,
        description="Atención de solicitudes de información pública y datos personales",
    )
    events = AuditEvent.objects.count()

    response = client.post(CONFIRM, {"digest": digest_in(html)}, follow=True)
    assert response.redirect_chain[-1][0] == UPLOAD
    assert "El programa cambió desde la vista previa" in response.content.decode()
    assert demo.activity_full.monthly_targets.get(month=3).quantity == 340
    assert AuditEvent.objects.count() == events
    assert stored_uploads(data_dir) == []


def test_a_forged_digest_is_refused(as_user, demo):
    client = as_user("planeacion")
    wb = template_of(client)
    edit_march(wb, "010101", 345)
    client.post(UPLOAD, {"file": as_file(wb)})
    response = client.post(CONFIRM, {"digest": "a" * 64}, follow=True)
    assert "no se aplicó nada" in response.content.decode()
    assert demo.activity_full.monthly_targets.get(month=3).quantity == 340


def test_a_new_upload_replaces_the_waiting_one(as_user, demo, data_dir):
    client = as_user("planeacion")
    wb = template_of(client)
    edit_march(wb, "010101", 345)
    client.post(UPLOAD, {"file": as_file(wb)})
    first = stored_uploads(data_dir)
    edit_march(wb, "010101", 346)
    client.post(UPLOAD, {"file": as_file(wb)})
    second = stored_uploads(data_dir)
    assert len(first) == len(second) == 1 and first != second


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("programa.csv", b"Clave,Descripcion\n", "Solo se aceptan libros de Excel .xlsx"),
        ("programa.xlsx", b"no soy un zip", "no es un libro de Excel .xlsx válido"),
        ("programa.xlsx", b"", "El archivo está vacío."),
    ],
)
def test_files_that_are_not_xlsx_get_a_spanish_error(
    as_user, demo, data_dir, name, content, message
):
    client = as_user("planeacion")
    response = client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'aria-invalid="true"' in html
    assert stored_uploads(data_dir) == []


def test_posting_without_a_file_asks_for_one(as_user, demo):
    html = as_user("planeacion").post(UPLOAD, {}).content.decode()
    assert "Elige el archivo de Excel que quieres cargar." in html


def test_a_file_over_5_mb_is_refused(as_user, demo):
    client = as_user("planeacion")
    big = SimpleUploadedFile("grande.xlsx", b"0" * (5 * 1024 * 1024 + 1))
    assert "El archivo pesa más de 5 MB." in client.post(UPLOAD, {"file": big}).content.decode()


def test_row_errors_are_listed_and_nothing_is_stored(as_user, demo, data_dir):
    client = as_user("planeacion")
    wb = template_of(client)
    edit_march(wb, "010101", "mucho")
    wb["Actividades"].append(["01", "0199", "019901", "Nueva"])
    events = AuditEvent.objects.count()
    html = client.post(UPLOAD, {"file": as_file(wb)}).content.decode()
    assert "No se aplicó nada: 2 errores" in html
    assert "«mucho» no es una cantidad" in html
    assert "El proyecto 0199 no existe; créalo en la página del programa." in html
    assert "Confirmar y aplicar" not in html
    assert stored_uploads(data_dir) == []
    assert AuditEvent.objects.count() == events
    assert Activity.objects.filter(key="019901").count() == 0


def test_previews_nobody_confirmed_are_swept_after_a_day(as_user, demo, data_dir):
    folder = data_dir / "uploads"
    folder.mkdir()
    stale = folder / ("f" * 32 + ".xlsx")
    stale.write_bytes(b"old")
    os.utime(stale, (time.time() - 2 * 24 * 3600,) * 2)
    fresh = folder / ("e" * 32 + ".xlsx")
    fresh.write_bytes(b"recent")
    client = as_user("planeacion")
    wb = template_of(client)
    edit_march(wb, "010101", 345)
    client.post(UPLOAD, {"file": as_file(wb)})
    assert not stale.exists() and fresh.exists()
    assert len(stored_uploads(data_dir)) == 2

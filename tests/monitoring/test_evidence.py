"""Evidence files: type by content, size by policy, storage off the web root, cleanup."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.monitoring import evidence as evidence_module
from rumbo.monitoring.errors import PeriodLocked
from rumbo.monitoring.evidence import (
    MB,
    evidence_add,
    evidence_max_bytes,
    evidence_path,
    evidence_remove,
    evidence_root,
    evidence_sweep,
)
from rumbo.monitoring.models import (
    Evidence,
    MonitoringPolicy,
    PeriodReport,
    PeriodState,
    ProgressEntry,
)

pytestmark = pytest.mark.django_db

# -- minimal real files ----------------------------------------------------------------------


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
        b"trailer <</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def webp_bytes() -> bytes:
    vp8l = b"\x2f\x00\x00\x00\x00\x88\x88\x08\x08\x00\x00"  # lossless 1×1
    chunk = b"VP8L" + struct.pack("<I", len(vp8l)) + vp8l + b"\x00"
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active["A1"] = "Evidencia"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes], *, first: tuple[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(first[0], first[1], compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx_bytes(*, macros: bool = False) -> bytes:
    members = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
        "word/document.xml": b'<?xml version="1.0"?><w:document/>',
    }
    if macros:
        members["word/vbaProject.bin"] = b"\x00" * 16
    return zip_bytes(members)


def odf_bytes(mimetype: str) -> bytes:
    return zip_bytes(
        {
            "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest:manifest/>',
            "content.xml": b'<?xml version="1.0"?><office:document-content/>',
        },
        first=("mimetype", mimetype.encode()),
    )


ODT_TYPE = "application/vnd.oasis.opendocument.text"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"

# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def entry(demo):
    return ProgressEntry.objects.create(activity=demo.activity_full, month=1, achieved=Decimal(300))


@pytest.fixture
def add(demo, entry):
    """Upload as ``enlace_se`` (the activity's own area): ``add("a.pdf", data)``."""

    def upload(name: str, data: bytes, *, persona: str = "enlace_se", to=None) -> Evidence:
        user = demo.users[persona]
        return evidence_add(
            actor=Actor.for_user(user),
            user=user,
            entry=to or entry,
            upload=SimpleUploadedFile(name, data),
            name=name,
        )

    return upload


def stored_files() -> list[Path]:
    root = evidence_root()
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def evidence_files() -> list[Path]:
    """Published files, not staging or pending markers."""
    return [p for p in stored_files() if p.relative_to(evidence_root()).parts[0][0] != "."]


# -- accepted types --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "content_type"),
    [
        ("informe.pdf", pdf_bytes, "application/pdf"),
        ("foto.png", png_bytes, "image/png"),
        ("foto.jpg", jpeg_bytes, "image/jpeg"),
        ("foto.JPEG", jpeg_bytes, "image/jpeg"),
        ("foto.webp", webp_bytes, "image/webp"),
        (
            "avance.xlsx",
            xlsx_bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "oficio.docx",
            docx_bytes,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("oficio.odt", lambda: odf_bytes(ODT_TYPE), ODT_TYPE),
        ("tabla.ods", lambda: odf_bytes(ODS_TYPE), ODS_TYPE),
    ],
)
def test_each_accepted_type_is_stored_with_its_digest(add, entry, name, build, content_type):
    data = build()
    evidence = add(name, data)

    assert evidence.entry == entry
    assert evidence.original_name == name
    assert evidence.content_type == content_type
    assert evidence.size == len(data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    path = evidence_path(evidence.storage_name)
    assert path.read_bytes() == data
    assert evidence_files() == [path]


def test_the_file_lives_outside_the_web_root_under_a_random_name(add):
    evidence = add("Informe de enero.pdf", pdf_bytes())
    path = evidence_path(evidence.storage_name)

    code, shard, filename = Path(evidence.storage_name).parts
    assert code == "IEEM"
    assert shard == evidence.sha256[:2]
    assert "Informe" not in filename and filename.endswith(".pdf")
    assert path.is_relative_to(Path(settings.DATA_DIR).resolve() / "evidence")
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    if settings.MEDIA_ROOT:
        assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    # Nothing left in staging after a successful upload.
    assert not list((evidence_root() / ".incoming").iterdir())


def test_the_configured_store_is_outside_static_and_media(settings):
    settings.DATA_DIR = Path(settings.BASE_DIR) / "var"
    root = evidence_root()
    for served in (settings.STATIC_ROOT, settings.MEDIA_ROOT):
        if served:
            assert not root.is_relative_to(Path(served).resolve())
            assert not Path(served).resolve().is_relative_to(root)


def test_a_plain_file_object_is_accepted_too(demo, entry):
    user = demo.users["planeacion"]
    data = pdf_bytes()
    evidence = evidence_add(
        actor=Actor.for_user(user), user=user, entry=entry, upload=io.BytesIO(data), name="a.pdf"
    )
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.uploaded_by == user


def test_adding_is_audited(add, demo):
    data = png_bytes()
    evidence = add("foto.png", data)

    event = AuditEvent.objects.get(action="evidence.add")
    assert event.actor == demo.users["enlace_se"]
    assert event.institution == demo.institution
    assert event.object_id == evidence.pk
    assert event.after == {
        "entry": evidence.entry_id,
        "name": "foto.png",
        "content_type": "image/png",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


# -- refused content -------------------------------------------------------------------------


def test_a_renamed_file_is_refused_saying_what_it_really_is(add):
    with pytest.raises(ValidationError) as caught:
        add("informe.pdf", png_bytes())
    assert caught.value.message_dict["file"] == [
        "El archivo informe.pdf no es un PDF: su contenido es una imagen PNG."
    ]
    assert not Evidence.objects.exists()
    assert not stored_files()


@pytest.mark.parametrize(
    ("name", "build", "message"),
    [
        ("tabla.xlsx", docx_bytes, "no es una hoja de cálculo de Excel (XLSX)"),
        ("oficio.docx", lambda: odf_bytes(ODT_TYPE), "no es un documento de Word (DOCX)"),
        ("oficio.odt", lambda: odf_bytes(ODS_TYPE), "no es un documento OpenDocument (ODT)"),
        ("foto.png", jpeg_bytes, "no es una imagen PNG"),
        ("informe.txt", pdf_bytes, "no corresponde a su contenido (un PDF); debe terminar en .pdf"),
        ("informe", pdf_bytes, "debe terminar en .pdf"),
        ("virus.pdf.exe", pdf_bytes, "debe terminar en .pdf"),
    ],
)
def test_name_and_content_must_agree(add, name, build, message):
    with pytest.raises(ValidationError) as caught:
        add(name, build())
    assert message in caught.value.message_dict["file"][0]
    assert not stored_files()


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "un programa ejecutable"),
        ("prog.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "un programa ejecutable"),
        ("run.pdf", b"#!/bin/sh\nrm -rf /\n", "un programa (script)"),
        (
            "pagina.pdf",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "una página HTML",
        ),
        (
            "dibujo.png",
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
            "una imagen SVG",
        ),
        ("anim.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "una imagen GIF"),
        ("notas.pdf", b"solo texto", "de un tipo no reconocido"),
        ("vacio.pdf", b"", "un archivo vacío"),
        ("datos.xlsx", zip_bytes({"datos.csv": b"a,b\n"}), "un archivo comprimido (ZIP)"),
        ("roto.xlsx", b"PK\x03\x04" + b"\x00" * 40, "un archivo comprimido dañado"),
        ("macros.docx", docx_bytes(macros=True), "un documento con macros"),
    ],
)
def test_anything_else_is_refused_listing_the_accepted_types(add, name, data, what):
    with pytest.raises(ValidationError) as caught:
        add(name, data)
    message = caught.value.message_dict["file"][0]
    assert message.startswith(
        f"El archivo {name} no es de un tipo aceptado: su contenido es {what}"
    )
    assert message.endswith("Se aceptan PDF, imágenes PNG, JPEG o WebP, XLSX, DOCX, ODT u ODS.")
    assert not stored_files()


def test_a_truncated_office_file_is_refused(add):
    data = xlsx_bytes()
    with pytest.raises(ValidationError, match="dañado"):
        add("avance.xlsx", data[: len(data) // 2])


def test_a_zip_with_too_many_members_is_refused_without_reading_them(add, monkeypatch):
    monkeypatch.setattr(evidence_module, "MAX_ZIP_MEMBERS", 3)
    data = zip_bytes({f"xl/sheet{i}.xml": b"<x/>" for i in range(4)} | {"[Content_Types].xml": b""})
    with pytest.raises(ValidationError, match="demasiados elementos"):
        add("avance.xlsx", data)


def test_the_same_file_twice_on_one_entry_is_refused(add):
    add("informe.pdf", pdf_bytes())
    with pytest.raises(ValidationError, match="ya está adjunto"):
        add("copia.pdf", pdf_bytes())
    assert Evidence.objects.count() == 1


# -- size ------------------------------------------------------------------------------------


def test_the_limit_is_ten_mb_without_a_policy(demo):
    assert evidence_max_bytes(demo.institution) == 10 * MB
    assert not MonitoringPolicy.objects.exists()


def test_the_policy_limit_is_enforced_to_the_byte(add, demo):
    MonitoringPolicy.objects.create(institution=demo.institution, evidence_max_mb=1)
    padding = b"\n" * (MB - len(pdf_bytes()))

    with pytest.raises(ValidationError) as caught:
        add("grande.pdf", pdf_bytes() + padding + b"\n")
    assert caught.value.message_dict["file"] == [
        "El archivo grande.pdf pesa más de 1 MB, el máximo permitido."
    ]
    assert not stored_files()

    evidence = add("justo.pdf", pdf_bytes() + padding)
    assert evidence.size == MB


# -- who and when ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["enlace_otra", "revisor", "consulta", "ajeno"])
def test_only_those_who_capture_may_add(add, persona):
    with pytest.raises(PermissionDenied):
        add("informe.pdf", pdf_bytes(), persona=persona)
    assert not stored_files()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("state", [PeriodState.SUBMITTED, PeriodState.APPROVED])
def test_a_locked_period_refuses_new_and_removed_evidence(add, demo, entry, state):
    evidence = add("informe.pdf", pdf_bytes())
    PeriodReport.objects.create(program=demo.program, area=demo.area_se, month=1, state=state)

    with pytest.raises(PeriodLocked):
        add("foto.png", png_bytes())
    with pytest.raises(PeriodLocked):
        user = demo.users["enlace_se"]
        evidence_remove(actor=Actor.for_user(user), user=user, evidence=evidence)
    assert Evidence.objects.count() == 1


def test_a_returned_period_takes_evidence_again(add, demo):
    PeriodReport.objects.create(
        program=demo.program, area=demo.area_se, month=1, state=PeriodState.RETURNED
    )
    assert add("informe.pdf", pdf_bytes()).pk


# -- paths -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "storage_name", ["", ".", "..", "../x.pdf", "IEEM/../../x.pdf", "/etc/passwd", "IEEM/.."]
)
def test_no_storage_name_can_leave_the_evidence_root(storage_name):
    with pytest.raises(SuspiciousFileOperation):
        evidence_path(storage_name)


@pytest.mark.parametrize(
    "name", ["../../etc/evil.pdf", "..\\..\\evil.pdf", "/srv/evil.pdf", "C:\\evil.pdf"]
)
def test_the_uploaded_name_never_reaches_the_disk(add, data_dir, name):
    evidence = add(name, pdf_bytes())
    assert evidence.original_name == "evil.pdf"
    assert evidence_path(evidence.storage_name).is_relative_to(evidence_root())
    assert not any(p.name == "evil.pdf" for p in Path(data_dir).parent.rglob("*"))


# -- cleanup ---------------------------------------------------------------------------------


class Boom(Exception):
    pass


def test_a_failure_inside_the_service_leaves_no_file(add, monkeypatch):
    def fail(**kwargs):
        raise Boom

    monkeypatch.setattr(evidence_module, "audit_record", fail)
    with pytest.raises(Boom):
        add("informe.pdf", pdf_bytes())
    assert not Evidence.objects.exists()
    assert not stored_files()


def test_a_rolled_back_outer_transaction_leaves_no_file(add):
    with pytest.raises(Boom), transaction.atomic():
        path = evidence_path(add("informe.pdf", pdf_bytes()).storage_name)
        raise Boom
    assert not Evidence.objects.exists()

    # A fresh upload is not judged yet; past the grace period the orphan goes.
    assert evidence_sweep() == 0
    assert path.exists()
    assert evidence_sweep(now=timezone.now() + timedelta(days=1)) == 1
    assert not path.exists()
    assert not stored_files()


def test_the_next_upload_sweeps_older_orphans(add, entry, demo):
    with pytest.raises(Boom), transaction.atomic():
        path = evidence_path(add("informe.pdf", pdf_bytes()).storage_name)
        raise Boom
    user = demo.users["enlace_se"]
    evidence_add(
        actor=Actor.for_user(user),
        user=user,
        entry=entry,
        upload=io.BytesIO(png_bytes()),
        name="foto.png",
        now=timezone.now() + timedelta(days=1),
    )
    assert not path.exists()


def test_the_sweep_keeps_committed_files(add, django_capture_on_commit_callbacks):
    kept = add("informe.pdf", pdf_bytes())  # its commit hook never ran: the marker stays
    assert evidence_sweep(now=timezone.now() + timedelta(days=1)) == 0
    assert evidence_path(kept.storage_name).exists()
    assert evidence_files() == stored_files()  # marker cleared, file kept

    with django_capture_on_commit_callbacks(execute=True):
        other = add("foto.png", png_bytes())
    assert (
        evidence_files()
        == stored_files()
        == sorted(evidence_path(e.storage_name) for e in (kept, other))
    )


def test_remove_deletes_row_and_file_after_commit(add, demo, django_capture_on_commit_callbacks):
    evidence = add("informe.pdf", pdf_bytes())
    path = evidence_path(evidence.storage_name)
    user = demo.users["planeacion"]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        evidence_remove(
            actor=Actor.for_user(user), user=user, evidence=evidence, reason="Archivo equivocado"
        )
    assert not Evidence.objects.exists()
    assert path.exists()  # not before the commit
    for callback in callbacks:
        callback()
    assert not path.exists()

    event = AuditEvent.objects.get(action="evidence.remove")
    assert event.reason == "Archivo equivocado"
    assert event.before["name"] == "informe.pdf"
    assert event.before["sha256"] == evidence.sha256
    assert event.after is None


def test_remove_needs_capture_rights(add, demo):
    evidence = add("informe.pdf", pdf_bytes())
    user = demo.users["revisor"]
    with pytest.raises(PermissionDenied):
        evidence_remove(actor=Actor.for_user(user), user=user, evidence=evidence)
    assert evidence_path(evidence.storage_name).exists()

"""Evidence files of progress entries: type by content, size by policy, stored off the web root.

An upload is streamed to a staging file while its SHA-256 is computed, refused above the
institution's ``MonitoringPolicy.evidence_max_mb``, and its type is read from its bytes —
never from its name: PDF, PNG, JPEG, WebP, and the ZIP-based XLSX, DOCX, ODT and ODS told
apart by their members. The name must still end in an extension of the detected type, so
a renamed file is refused with a message that says what it really is.

Files live under ``settings.DATA_DIR / "evidence"`` as
``<institution code>/<sha256[:2]>/<random>.<ext>`` (``Evidence.storage_name``); the
user's file name is kept only in the database. Every path is built here and checked to
stay inside that root, so no name can reach outside it.

A file is moved into place inside the service's transaction, with a marker in
``.pending/`` until the transaction commits. If the service itself fails the file goes
at once; if an outer transaction rolls back, the next upload (or ``evidence_sweep``)
finds the marker without its row and deletes the file.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from rumbo.audit.services import Actor, audit_record
from rumbo.institutions.models import Institution
from rumbo.programs.access import can_capture
from rumbo.programs.models import activity_area_id

from .cycle import lock_message
from .errors import PeriodLocked
from .models import Evidence, PeriodReport, ProgressEntry
from .selectors import policy_for

CHUNK = 64 * 1024
MB = 1024 * 1024
MAX_ZIP_MEMBERS = 5000
MAX_MIMETYPE_BYTES = 200
PENDING_GRACE = timedelta(hours=6)


@dataclass(frozen=True)
class Kind:
    label: str  # Spanish, after "es": «no es un PDF», «es una imagen PNG»
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("un PDF", "application/pdf", (".pdf",))
PNG = Kind("una imagen PNG", "image/png", (".png",))
JPEG = Kind("una imagen JPEG", "image/jpeg", (".jpg", ".jpeg"))
WEBP = Kind("una imagen WebP", "image/webp", (".webp",))
XLSX = Kind(
    "una hoja de cálculo de Excel (XLSX)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
DOCX = Kind(
    "un documento de Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
ODT = Kind("un documento OpenDocument (ODT)", "application/vnd.oasis.opendocument.text", (".odt",))
ODS = Kind(
    "una hoja de cálculo OpenDocument (ODS)",
    "application/vnd.oasis.opendocument.spreadsheet",
    (".ods",),
)
ACCEPTED = (PDF, PNG, JPEG, WEBP, XLSX, DOCX, ODT, ODS)
ACCEPTED_TEXT = "PDF, imágenes PNG, JPEG o WebP, XLSX, DOCX, ODT u ODS"
_ODF_KINDS = {ODT.content_type: ODT, ODS.content_type: ODS}


class Refused(Exception):
    """Content that is not evidence; ``what`` describes it («un programa ejecutable»)."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(what)


def _sniff_zip(path: Path) -> Kind:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise Refused("un archivo comprimido con demasiados elementos")
            names = {m.filename for m in members}
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise Refused("un documento con macros")
            if "[Content_Types].xml" in names:
                if any(name.startswith("xl/") for name in names):
                    return XLSX
                if any(name.startswith("word/") for name in names):
                    return DOCX
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= MAX_MIMETYPE_BYTES:
                    with archive.open(info) as member:
                        mimetype = member.read(MAX_MIMETYPE_BYTES + 1).decode("ascii", "replace")
                    if mimetype.strip() in _ODF_KINDS:
                        return _ODF_KINDS[mimetype.strip()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise Refused("un archivo comprimido dañado") from exc
    except (RuntimeError, NotImplementedError) as exc:  # encrypted or unknown compression
        raise Refused("un archivo comprimido cifrado o ilegible") from exc
    raise Refused("un archivo comprimido (ZIP) que no es XLSX, DOCX, ODT ni ODS")


def sniff(path: Path) -> Kind:
    """The accepted type of a file by its first bytes (and ZIP members); ``Refused`` if none."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if not head:
        raise Refused("un archivo vacío")
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    raise Refused(_describe_refused(head))


def _describe_refused(head: bytes) -> str:
    if head.startswith(
        (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
    ):
        return "un programa ejecutable"
    if head.startswith(b"#!"):
        return "un programa (script)"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "una imagen GIF"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in text:
        return "una imagen SVG"
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return "una página HTML"
    if head.startswith(b"PK"):
        return "un archivo comprimido dañado"
    return "de un tipo no reconocido"


def _check_name(name: str, kind: Kind) -> None:
    extension = Path(name).suffix.lower()
    if extension in kind.extensions:
        return
    claimed = next((k for k in ACCEPTED if extension in k.extensions), None)
    if claimed is not None:
        message = f"El archivo {name} no es {claimed.label}: su contenido es {kind.label}."
    else:
        message = (
            f"El nombre del archivo {name} no corresponde a su contenido ({kind.label}); "
            f"debe terminar en {kind.extensions[0]}."
        )
    raise ValidationError({"file": message})


# -- storage ---------------------------------------------------------------------------------


def evidence_root() -> Path:
    return Path(settings.DATA_DIR).resolve() / "evidence"


def evidence_referenced() -> Iterator[str]:
    """Every stored name the evidence rows hold (what `rumbo backup` expects to find)."""
    return Evidence.objects.values_list("storage_name", flat=True).iterator()


def evidence_path(storage_name: str) -> Path:
    """Absolute path of a stored file; refuses any name that would leave the evidence root."""
    root = evidence_root()
    path = (root / storage_name).resolve()
    if not storage_name or not path.is_relative_to(root) or path == root:
        raise SuspiciousFileOperation(f"Ruta de evidencia fuera del almacén: {storage_name!r}")
    return path


def _institution_folder(institution: Institution) -> str:
    code = institution.code
    return code if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", code) else f"i{institution.pk}"


def _chunks(upload: UploadedFile | IO[bytes]) -> Iterator[bytes]:
    if isinstance(upload, UploadedFile):
        upload.seek(0)
        yield from upload.chunks(CHUNK)
        return
    while chunk := upload.read(CHUNK):
        yield chunk


@dataclass(frozen=True)
class Staged:
    path: Path
    size: int
    sha256: str


def _stage(upload: UploadedFile | IO[bytes], *, name: str, limit: int) -> Staged:
    """Stream the upload into a staging file, hashing it; refuse it past ``limit`` bytes."""
    staging = evidence_root() / ".incoming"
    staging.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp = tempfile.mkstemp(dir=staging)
    path = Path(tmp)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in _chunks(upload):
                size += len(chunk)
                if size > limit:
                    raise ValidationError(
                        {
                            "file": f"El archivo {name} pesa más de {limit // MB} MB, "
                            "el máximo permitido."
                        }
                    )
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Staged(path=path, size=size, sha256=digest.hexdigest())


def _publish(staged: Staged, storage_name: str) -> Path:
    """Move the staged file into place (atomic rename) with a pending marker until commit."""
    final = evidence_path(storage_name)
    final.parent.mkdir(parents=True, exist_ok=True)
    marker = _marker(storage_name)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(storage_name, encoding="utf-8")
    os.replace(staged.path, final)
    return final


def _marker(storage_name: str) -> Path:
    return evidence_root() / ".pending" / Path(storage_name).name


def _discard(storage_name: str) -> None:
    evidence_path(storage_name).unlink(missing_ok=True)
    _marker(storage_name).unlink(missing_ok=True)


def evidence_sweep(*, now: datetime | None = None, grace: timedelta = PENDING_GRACE) -> int:
    """Delete files whose transaction never committed (pending marker, no row); returns how many.

    Only markers older than ``grace`` are judged, so uploads still in flight are left alone.
    """
    now = now or timezone.now()
    pending = evidence_root() / ".pending"
    if not pending.is_dir():
        return 0
    removed = 0
    for marker in pending.iterdir():
        modified = datetime.fromtimestamp(marker.stat().st_mtime, tz=now.tzinfo)
        if now - modified < grace:
            continue
        storage_name = marker.read_text(encoding="utf-8").strip()
        if Evidence.objects.filter(storage_name=storage_name).exists():
            marker.unlink(missing_ok=True)
            continue
        try:
            _discard(storage_name)
        except SuspiciousFileOperation:
            marker.unlink(missing_ok=True)
            continue
        removed += 1
    incoming = evidence_root() / ".incoming"
    for stale in incoming.iterdir() if incoming.is_dir() else ():
        modified = datetime.fromtimestamp(stale.stat().st_mtime, tz=now.tzinfo)
        if now - modified >= grace:
            stale.unlink(missing_ok=True)
    return removed


# -- services --------------------------------------------------------------------------------


def evidence_max_bytes(institution: Institution) -> int:
    """The institution's evidence size limit in bytes (the policy default when it has none)."""
    return int(policy_for(institution).evidence_max_mb) * MB


def _check_unlocked(entry: ProgressEntry) -> None:
    activity = entry.activity
    area_id = activity_area_id(activity)
    if area_id is None:  # no area, no period report to lock it
        return
    report = PeriodReport.objects.filter(
        program_id=activity.program_id, area_id=area_id, month=entry.month
    ).first()
    if report is not None and report.locked:
        raise PeriodLocked(
            lock_message(report.state, month=entry.month, year=activity.program.year, of="evidence")
        )


def _snapshot(evidence: Evidence) -> dict[str, object]:
    return {
        "entry": evidence.entry_id,
        "name": evidence.original_name,
        "content_type": evidence.content_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
    }


def _clean_name(name: str) -> str:
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if not base or base in {".", ".."}:
        raise ValidationError({"file": "El archivo no tiene nombre."})
    if len(base) > 255:
        stem, suffix = os.path.splitext(base)
        base = stem[: 255 - len(suffix)] + suffix
    return base


def evidence_add(
    *,
    actor: Actor,
    user: AbstractBaseUser | AnonymousUser,
    entry: ProgressEntry,
    upload: UploadedFile | IO[bytes],
    name: str,
    now: datetime | None = None,
) -> Evidence:
    """Attach a file to a progress entry; ``ValidationError`` (field ``file``) when refused.

    Refuses a user who may not capture the activity (``PermissionDenied``) and a period that
    is sent or approved (``PeriodLocked``).
    """
    entry = ProgressEntry.objects.select_related("activity__program__institution").get(pk=entry.pk)
    activity = entry.activity
    institution = activity.program.institution
    if not can_capture(user, activity):
        raise PermissionDenied("No tienes permiso para adjuntar evidencias a esta actividad.")
    _check_unlocked(entry)  # early, before reading the upload; again inside the transaction
    name = _clean_name(name)
    evidence_sweep(now=now)

    staged = _stage(upload, name=name, limit=evidence_max_bytes(institution))
    storage_name = ""
    try:
        try:
            kind = sniff(staged.path)
        except Refused as refused:
            raise ValidationError(
                {
                    "file": f"El archivo {name} no es de un tipo aceptado: su contenido es "
                    f"{refused.what}. Se aceptan {ACCEPTED_TEXT}."
                }
            ) from refused
        _check_name(name, kind)
        if entry.evidence.filter(sha256=staged.sha256).exists():
            raise ValidationError({"file": f"El archivo {name} ya está adjunto a este avance."})
        storage_name = (
            f"{_institution_folder(institution)}/{staged.sha256[:2]}/"
            f"{secrets.token_hex(16)}{kind.extensions[0]}"
        )
        with transaction.atomic():
            _check_unlocked(entry)
            _publish(staged, storage_name)
            evidence = Evidence.objects.create(
                entry=entry,
                original_name=name,
                storage_name=storage_name,
                content_type=kind.content_type,
                size=staged.size,
                sha256=staged.sha256,
                uploaded_by_id=actor.user.pk if actor.user is not None else None,
            )
            audit_record(
                actor=actor,
                institution_id=institution.pk,
                action="evidence.add",
                obj=evidence,
                after=_snapshot(evidence),
            )
            marker = _marker(storage_name)
            transaction.on_commit(lambda: marker.unlink(missing_ok=True))
    except BaseException:
        staged.path.unlink(missing_ok=True)
        if storage_name:
            _discard(storage_name)
        raise
    return evidence


@transaction.atomic
def evidence_remove(
    *,
    actor: Actor,
    user: AbstractBaseUser | AnonymousUser,
    evidence: Evidence,
    reason: str = "",
) -> None:
    """Delete an evidence row, and its file once the transaction commits."""
    evidence = Evidence.objects.select_related("entry__activity__program").get(pk=evidence.pk)
    entry = evidence.entry
    if not can_capture(user, entry.activity):
        raise PermissionDenied("No tienes permiso para quitar evidencias de esta actividad.")
    _check_unlocked(entry)
    path = evidence_path(evidence.storage_name)
    audit_record(
        actor=actor,
        institution_id=entry.activity.program.institution_id,
        action="evidence.remove",
        obj=evidence,
        before=_snapshot(evidence),
        reason=reason.strip(),
    )
    evidence.delete()
    transaction.on_commit(lambda: path.unlink(missing_ok=True))

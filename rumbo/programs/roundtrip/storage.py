"""Uploaded workbooks waiting for confirmation: files with random names under DATA_DIR.

The session keeps only the random name, the user's file name and the SHA-256; the
confirmation re-reads the file and refuses it if the digest does not match.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

NAME_RE = re.compile(r"^[0-9a-f]{32}\.xlsx$")
MAX_AGE_SECONDS = 24 * 60 * 60  # previews nobody confirmed are swept after a day


def uploads_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload_store(data: bytes) -> tuple[str, str]:
    """Save the bytes under a random name: (stored name, SHA-256)."""
    folder = uploads_dir()
    _sweep(folder)
    name = f"{secrets.token_hex(16)}.xlsx"
    (folder / name).write_bytes(data)
    return name, sha256_of(data)


def upload_load(name: str, sha256: str) -> bytes | None:
    """The stored bytes, or None if missing or not the file that was previewed."""
    if not NAME_RE.match(name or ""):
        return None
    path = uploads_dir() / name
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if secrets.compare_digest(sha256_of(data), sha256 or "") else None


def upload_discard(name: str | None) -> None:
    if name and NAME_RE.match(name):
        (uploads_dir() / name).unlink(missing_ok=True)


def _sweep(folder: Path) -> None:
    oldest = time.time() - MAX_AGE_SECONDS
    for path in folder.iterdir():
        try:
            if NAME_RE.match(path.name) and path.stat().st_mtime < oldest:
                path.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - removed meanwhile by another request
            continue

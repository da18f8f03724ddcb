"""`rumbo backup`: one .tar.gz with every table, every kept file and a manifest.

Members, in this order:

- ``tables/<table>.jsonl`` — one JSON array per row, columns as the manifest lists them,
  ordered by primary key (tables.py says how each kind of value is written);
- ``files/<root>/<path>`` — every file of every registered folder (roots.py);
- ``manifest.json`` — last: format, Rumbo's version, the database it came from, the
  applied migrations, and per table its columns, rows, last id and SHA-256, per file its
  size and SHA-256.

The tables are read in one transaction (REPEATABLE READ, READ ONLY on PostgreSQL; one
read transaction on SQLite), so they agree with each other; the files are read after it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any

from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from .roots import file_roots, root_files
from .tables import backed_up_models, columns, dumps, last_ids, read_rows

FORMAT = "rumbo-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


@dataclass
class BackupResult:
    path: Path
    size: int
    sha256: str
    manifest_sha256: str
    tables: int
    rows: int
    files: int
    file_bytes: int
    missing: list[str]  # files the database names that were not in their folder
    manifest: dict[str, Any] = field(repr=False, default_factory=dict)


def rumbo_version() -> str:
    try:
        return version("rumbo")
    except PackageNotFoundError:  # pragma: no cover - always installed (pyproject)
        return "desconocida"


def applied_migrations(using: str) -> dict[str, list[str]]:
    """{app: [migration names, sorted]} as the database's django_migrations records them."""
    out: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        out.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(out.items())}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _Hashing(io.RawIOBase):
    """A file read through, its SHA-256 computed on the way (tarfile reads it once)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.digest.update(data)
        return data


def _add_bytes(tar: tarfile.TarFile, name: str, fh: IO[bytes], size: int, mtime: float) -> str:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o644
    hashing = _Hashing(fh)
    tar.addfile(info, hashing)  # type: ignore[arg-type]  # read() is all tarfile asks
    return hashing.digest.hexdigest()


def _snapshot_tables(
    tar: tarfile.TarFile, using: str, now: float, spool_dir: Path
) -> dict[str, Any]:
    """Every table into the archive, read in one consistent transaction."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # the transaction's first statement
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        migrations = applied_migrations(using)
        models = backed_up_models()
        automatic = [
            (m._meta.db_table, m._meta.pk.column)  # type: ignore[union-attr]  # every model has one
            for m in models
            if isinstance(m._meta.pk, AutoFieldMixin)
        ]
        counters = last_ids(connection, automatic)
        entries = [_table_member(tar, model, using, counters, now, spool_dir) for model in models]
        referenced = {
            f"{root.name}/{name}"
            for root in file_roots()
            if root.referenced is not None
            for name in root.referenced()
        }
    return {"migrations": migrations, "tables": entries, "referenced": referenced}


def _table_member(
    tar: tarfile.TarFile,
    model: type[Model],
    using: str,
    counters: dict[str, int],
    now: float,
    spool_dir: Path,
) -> dict[str, Any]:
    cols = columns(model)
    table = model._meta.db_table
    member = f"tables/{table}.jsonl"
    with tempfile.TemporaryFile(dir=spool_dir) as spool:  # beside the archive: room enough
        rows = 0
        for row in read_rows(model, cols, using):
            spool.write(dumps(row))
            rows += 1
        size = spool.tell()
        spool.seek(0)
        digest = _add_bytes(tar, member, spool, size, now)
    return {
        "table": table,
        "model": model._meta.label_lower,
        "member": member,
        "columns": [[col.name, col.kind] for col in cols],
        "rows": rows,
        "last_id": counters.get(table),
        "bytes": size,
        "sha256": digest,
    }


def _file_members(tar: tarfile.TarFile) -> Iterator[dict[str, Any]]:
    for root in file_roots():
        for relative, path in root_files(root):
            member = f"files/{root.name}/{relative}"
            with open(path, "rb") as fh:
                stat = os.fstat(fh.fileno())
                digest = _add_bytes(tar, member, fh, stat.st_size, stat.st_mtime)
            yield {
                "root": root.name,
                "path": relative,
                "member": member,
                "bytes": stat.st_size,
                "sha256": digest,
            }


def backup_write(path: Path, *, using: str = "default") -> BackupResult:
    """Write the archive to ``path`` (through ``path.partial``, renamed when complete)."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    now = timezone.now()
    try:
        # Only its owner may read it: it holds password hashes, sessions and personal data.
        partial.unlink(missing_ok=True)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with (
            os.fdopen(fd, "wb") as raw,
            tarfile.open(
                fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT
            ) as tar,
        ):
            content = _snapshot_tables(tar, using, now.timestamp(), path.parent)
            files = list(_file_members(tar))
            copied = {f"{entry['root']}/{entry['path']}" for entry in files}
            missing = sorted(content["referenced"] - copied)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "rumbo_version": rumbo_version(),
                "created_at": now.isoformat(),
                "database": connections[using].vendor,
                "migrations": content["migrations"],
                "last_migration": {app: names[-1] for app, names in content["migrations"].items()},
                "tables": content["tables"],
                "files": files,
                "missing_files": missing,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            _add_bytes(tar, MANIFEST, io.BytesIO(data), len(data), now.timestamp())
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(
        path=path,
        size=path.stat().st_size,
        sha256=sha256_file(path),
        manifest_sha256=hashlib.sha256(data).hexdigest(),
        tables=len(content["tables"]),
        rows=sum(entry["rows"] for entry in content["tables"]),
        files=len(files),
        file_bytes=sum(entry["bytes"] for entry in files),
        missing=missing,
        manifest=manifest,
    )

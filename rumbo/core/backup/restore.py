"""`rumbo restore`: check everything first, then load it all in one transaction.

Before anything is written to the database or the file folders, the archive is read once
into a staging folder while every member's SHA-256 is computed; the manifest must list
every member with that digest and size, the target database must be migrated exactly as
the source was, have the same tables and columns, and be empty (apart from the rows
`migrate` itself creates: content types and permissions, replaced by the archive's).
Only then are the tables loaded, in one transaction (foreign keys are checked at commit:
Django declares them DEFERRABLE INITIALLY DEFERRED on both databases), the key counters
set, the files moved into their folders and ``on_loaded`` called (the command's audit
event). Any failure rolls the transaction back and removes the files it placed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, transaction

from .archive import CHUNK, FORMAT, FORMAT_VERSION, MANIFEST, applied_migrations, sha256_file
from .roots import FileRoot, file_roots
from .tables import (
    MIGRATE_TABLES,
    Column,
    backed_up_models,
    columns,
    insert_rows,
    set_last_ids,
)

REQUIRED = {"created_at", "rumbo_version", "database", "migrations", "tables", "files"}
SHOWN = 8  # tables named when the target is not empty
SAFE_MEMBER = re.compile(r"^(tables/[A-Za-z0-9_]+\.jsonl|files/[^/]+/.+|manifest\.json)$")


class RestoreRefused(Exception):
    """The archive or the target database is not fit for a restore; nothing was written."""


@dataclass
class Staged:
    folder: Path
    members: dict[str, tuple[str, int, int]]  # name → (sha256, size, mtime)
    manifest: dict[str, Any]
    manifest_sha256: str


@dataclass
class RestoreResult:
    path: Path
    sha256: str
    manifest_sha256: str
    manifest: dict[str, Any] = field(repr=False)
    tables: int = 0
    rows: int = 0
    files: int = 0


# -- reading and checking the archive -------------------------------------------------------


def _stage(path: Path, folder: Path) -> dict[str, tuple[str, int, int]]:
    """Extract every member into ``folder``, hashing it; refuse anything irregular. The
    gzip stream is read to its very end, so its own CRC and length are checked too: a cut
    in the padding after the last member is a truncation like any other."""
    members: dict[str, tuple[str, int, int]] = {}
    last = "(ninguno)"
    try:
        with gzip.open(path, "rb") as stream:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for info in tar:
                    members[info.name] = _stage_member(path, tar, info, folder, members)
                    last = info.name
            while stream.read(CHUNK):
                pass
    except gzip.BadGzipFile as exc:
        if members:
            raise _damaged(path, last, exc) from None
        raise RestoreRefused(
            f"{path.name} no es un respaldo de Rumbo (un .tar.gz escrito por `rumbo backup`): "
            f"{exc}."
        ) from None
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise _damaged(path, last, exc) from None
    return members


def _damaged(path: Path, last: str, exc: Exception) -> RestoreRefused:
    return RestoreRefused(
        f"{path.name} está truncado o dañado: se leyó bien hasta el miembro {last} "
        f"({type(exc).__name__}: {exc})."
    )


def _stage_member(
    path: Path,
    tar: tarfile.TarFile,
    info: tarfile.TarInfo,
    folder: Path,
    seen: dict[str, tuple[str, int, int]],
) -> tuple[str, int, int]:
    name = info.name
    if not info.isfile() or not SAFE_MEMBER.match(name) or ".." in name.split("/"):
        raise RestoreRefused(f"{path.name}: el miembro {name!r} no es válido aquí.")
    if name in seen:
        raise RestoreRefused(f"{path.name}: el miembro {name} está repetido.")
    source = tar.extractfile(info)
    if source is None:  # pragma: no cover - isfile() above
        raise RestoreRefused(f"{path.name}: el miembro {name} no se puede leer.")
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return digest.hexdigest(), size, int(info.mtime)


def _check_members(path: Path, staged: Staged) -> None:
    listed: dict[str, dict[str, Any]] = {}
    for entry in [*staged.manifest.get("tables", []), *staged.manifest.get("files", [])]:
        listed[entry["member"]] = entry
    for member, entry in listed.items():
        if member not in staged.members:
            raise RestoreRefused(f"{path.name}: falta el miembro {member} que el manifiesto lista.")
        digest, size, _ = staged.members[member]
        if digest != entry["sha256"] or size != entry["bytes"]:
            raise RestoreRefused(
                f"{path.name}: el miembro {member} no coincide con el manifiesto "
                f"(SHA-256 esperado {entry['sha256']}, leído {digest}; {entry['bytes']} bytes "
                f"esperados, {size} leídos): el archivo fue alterado o está dañado."
            )
    for member in staged.members:
        if member != MANIFEST and member not in listed:
            raise RestoreRefused(f"{path.name}: el miembro {member} no figura en el manifiesto.")
    for entry in staged.manifest.get("tables", []):
        with open(staged.folder / entry["member"], "rb") as fh:
            lines = sum(1 for _ in fh)
        if lines != entry["rows"]:
            raise RestoreRefused(
                f"{path.name}: el miembro {entry['member']} tiene {lines} filas y el manifiesto "
                f"dice {entry['rows']}."
            )


def stage_archive(path: Path, folder: Path) -> Staged:
    """Read the archive into ``folder`` and check it against its manifest."""
    if not path.is_file():
        raise RestoreRefused(f"No existe el archivo {path}.")
    members = _stage(path, folder)
    if MANIFEST not in members:
        raise RestoreRefused(
            f"{path.name}: falta {MANIFEST} (el último miembro): el archivo está truncado o no "
            "es un respaldo de Rumbo."
        )
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RestoreRefused(f"{path.name}: {MANIFEST} no es JSON válido ({exc}).") from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or manifest.get("format_version") != FORMAT_VERSION
        or not REQUIRED.issubset(manifest)
    ):
        raise RestoreRefused(
            f"{path.name}: no es un respaldo de Rumbo de formato {FORMAT_VERSION} "
            f"(format={manifest.get('format') if isinstance(manifest, dict) else None!r})."
        )
    staged = Staged(
        folder=folder, members=members, manifest=manifest, manifest_sha256=members[MANIFEST][0]
    )
    _check_members(path, staged)
    return staged


# -- checking the target ---------------------------------------------------------------------


def _check_migrations(manifest: dict[str, Any], using: str) -> None:
    source = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    target = {(app, name) for app, names in applied_migrations(using).items() for name in names}
    missing = sorted(f"{app}.{name}" for app, name in source - target)
    extra = sorted(f"{app}.{name}" for app, name in target - source)
    if missing or extra:
        parts = []
        if missing:
            parts.append("le faltan " + ", ".join(missing))
        if extra:
            parts.append("tiene de más " + ", ".join(extra))
        raise RestoreRefused(
            "La base de datos destino no está en el estado de migraciones del respaldo: "
            + "; ".join(parts)
            + ". Prepárala con la misma versión de Rumbo (`rumbo init`)."
        )


def _check_tables(manifest: dict[str, Any]) -> dict[str, list[Column]]:
    here = {model._meta.db_table: columns(model) for model in backed_up_models()}
    there = {entry["table"]: entry for entry in manifest["tables"]}
    if set(here) != set(there):
        missing = sorted(set(there) - set(here))
        extra = sorted(set(here) - set(there))
        raise RestoreRefused(
            "Las tablas del respaldo no son las de esta versión de Rumbo: "
            f"solo en el respaldo {missing or 'ninguna'}; solo aquí {extra or 'ninguna'}."
        )
    for table, cols in here.items():
        expected = [[col.name, col.kind] for col in cols]
        if there[table]["columns"] != expected:
            raise RestoreRefused(
                f"La tabla {table} tiene en el respaldo las columnas {there[table]['columns']} "
                f"y aquí {expected}."
            )
    return here


def _check_empty(using: str) -> None:
    connection = connections[using]
    quote = connection.ops.quote_name
    full = []
    with connection.cursor() as cursor:
        for model in backed_up_models():
            table = model._meta.db_table
            if table in MIGRATE_TABLES:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - model names
            count = cursor.fetchone()[0]
            if count:
                full.append(f"{table} ({count:,})")
    if full:
        named = ", ".join(full[:SHOWN]) + (
            f" y {len(full) - SHOWN} más" if len(full) > SHOWN else ""
        )
        raise RestoreRefused(
            f"La base de datos destino no está vacía; tienen filas: {named}. Restaura en una "
            "base de datos nueva preparada con `rumbo init`."
        )


def _destinations(manifest: dict[str, Any]) -> list[tuple[str, Path, dict[str, Any]]]:
    """(member, final path, entry) of every file; refuses an unknown folder, a path that
    leaves its folder, or a different file already there."""
    roots: dict[str, FileRoot] = {root.name: root for root in file_roots()}
    out = []
    for entry in manifest.get("files", []):
        root = roots.get(entry["root"])
        if root is None:
            raise RestoreRefused(
                f"El respaldo trae archivos de la carpeta «{entry['root']}», que esta versión "
                "de Rumbo no conoce."
            )
        base = root.path().resolve()
        final = (base / entry["path"]).resolve()
        if not final.is_relative_to(base) or final == base:
            raise RestoreRefused(f"El miembro {entry['member']} sale de su carpeta.")
        if final.exists() and (not final.is_file() or sha256_file(final) != entry["sha256"]):
            raise RestoreRefused(
                f"Ya existe {final} con otro contenido; la restauración no sobrescribe archivos."
            )
        out.append((entry["member"], final, entry))
    return out


# -- loading ---------------------------------------------------------------------------------


def _rows(path: Path) -> Iterator[list[Any]]:
    with open(path, "rb") as fh:
        for line in fh:
            yield json.loads(line)


def _load_tables(staged: Staged, cols: dict[str, list[Column]], using: str) -> int:
    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(MIGRATE_TABLES):  # what `migrate` created: the archive has its own
            cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 - fixed names
    pk_columns = {
        model._meta.db_table: model._meta.pk.column  # type: ignore[union-attr]  # always one
        for model in backed_up_models()
    }
    rows = 0
    counters: dict[str, tuple[str, int]] = {}
    for entry in staged.manifest["tables"]:
        table = entry["table"]
        rows += insert_rows(connection, table, cols[table], _rows(staged.folder / entry["member"]))
        if entry.get("last_id") is not None:
            counters[table] = (pk_columns[table], int(entry["last_id"]))
    set_last_ids(connection, counters)
    ContentType.objects.clear_cache()
    return rows


def _place_files(
    staged: Staged, destinations: list[tuple[str, Path, dict[str, Any]]], placed: list[Path]
) -> None:
    for member, final, _ in destinations:
        if final.exists():  # the same bytes (checked): leave it
            continue
        final.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staged.folder / member, final)
        placed.append(final)
        mtime = staged.members[member][2]
        os.utime(final, (mtime, mtime))


def restore(
    path: Path,
    *,
    using: str = "default",
    on_loaded: Callable[[RestoreResult], None] | None = None,
) -> RestoreResult:
    """Restore the archive into the (empty) database and the file folders."""
    path = Path(path)
    staging_parent = Path(settings.DATA_DIR)
    staging_parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".restore-", dir=staging_parent))
    placed: list[Path] = []
    try:
        staged = stage_archive(path, folder)
        manifest = staged.manifest
        _check_migrations(manifest, using)
        cols = _check_tables(manifest)
        _check_empty(using)
        destinations = _destinations(manifest)
        result = RestoreResult(
            path=path,
            sha256=sha256_file(path),
            manifest_sha256=staged.manifest_sha256,
            manifest=manifest,
            tables=len(manifest["tables"]),
            files=len(destinations),
        )
        try:
            with transaction.atomic(using=using):
                result.rows = _load_tables(staged, cols, using)
                _place_files(staged, destinations, placed)
                if on_loaded is not None:
                    on_loaded(result)
        except BaseException:
            for done in placed:
                done.unlink(missing_ok=True)
            raise
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def verify(path: Path) -> Staged:
    """Check the archive alone (checksums, manifest), writing nothing but a staging folder
    that is removed again; returns what was read (its folder no longer exists)."""
    folder = Path(tempfile.mkdtemp(prefix="rumbo-verify-"))
    try:
        return stage_archive(Path(path), folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

"""`rumbo backup` then `rumbo restore` into an empty database reproduces every table and every
file byte for byte (issue 16, finding 10); a tampered, truncated or foreign archive and a
target that is not empty or not migrated alike are refused before anything is written.

The source is the suite's own database (SQLite or PostgreSQL, whichever the run uses),
backed up in this process; the target is a second, freshly migrated database of the same
kind, restored by the real `rumbo restore` in a subprocess. Both are then read with plain
SQL, never with Rumbo's code: on SQLite every value as its storage class and literal
(``typeof``, ``quote``), on PostgreSQL every row as PostgreSQL prints it (``t::text``).
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import sqlite3
import subprocess
import tarfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import JSONField, Value
from django.test import Client

from rumbo.adjustments.demo import demo_approval_ensure
from rumbo.adjustments.services import Proposal, adjustment_request
from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.institutions.models import Area
from rumbo.jobs.services import export_request
from rumbo.monitoring.evidence import evidence_add
from rumbo.monitoring.models import ProgressEntry
from rumbo.programs.lifecycle import program_approve
from tests.console import RUMBO, cli_environment
from tests.factories import build_demo

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
ROOTS = ("media", "evidence", "exports")


# -- the two databases, read with plain SQL ---------------------------------------------------


def _sqlite_rows(cursor: Any, table: str) -> list[tuple[Any, ...]]:
    cursor.execute(f'PRAGMA table_info("{table}")')
    info = cursor.fetchall()
    pk = next(row[1] for row in info if row[5])
    values = ", ".join(f'typeof("{row[1]}"), quote("{row[1]}")' for row in info)
    cursor.execute(f'SELECT {values} FROM "{table}" ORDER BY "{pk}"')  # noqa: S608
    return [tuple(row) for row in cursor.fetchall()]


def _pg_rows(cursor: Any, table: str) -> list[tuple[Any, ...]]:
    cursor.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary",
        [table],
    )
    pk = cursor.fetchone()[0]
    cursor.execute(f'SELECT t::text FROM "{table}" t ORDER BY "{pk}"')  # noqa: S608
    return [tuple(row) for row in cursor.fetchall()]


def _tables(cursor: Any, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    return [row[0] for row in cursor.fetchall()]


def _counters(cursor: Any, vendor: str) -> dict[str, int]:
    """The last id each table's automatic key handed out, as the database keeps it."""
    if vendor == "sqlite":
        cursor.execute("SELECT name, seq FROM sqlite_sequence")
    else:
        cursor.execute(
            "SELECT sequencename, COALESCE(last_value, 0) FROM pg_sequences "
            "WHERE schemaname = 'public'"
        )
    return {name: int(value) for name, value in cursor.fetchall()}


def _migrations(cursor: Any) -> set[tuple[str, str]]:
    cursor.execute("SELECT app, name FROM django_migrations")
    return {(app, name) for app, name in cursor.fetchall()}


def _snapshot(cursor: Any, vendor: str) -> dict[str, Any]:
    read = _sqlite_rows if vendor == "sqlite" else _pg_rows
    tables = _tables(cursor, vendor)
    return {
        "tables": {t: read(cursor, t) for t in tables if t != "django_migrations"},
        "counters": _counters(cursor, vendor),
        "migrations": _migrations(cursor),
    }


def _files(data_dir: Path, media: Path) -> dict[str, str]:
    """{root/path: SHA-256} of every file Rumbo keeps under the folders."""
    folders = {"media": media, "evidence": data_dir / "evidence", "exports": data_dir / "exports"}
    out = {}
    for name, folder in folders.items():
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file() and ".incoming" not in path.relative_to(folder).parts:
                out[f"{name}/{path.relative_to(folder).as_posix()}"] = hashlib.sha256(
                    path.read_bytes()
                ).hexdigest()
    return out


# -- a second, empty database ------------------------------------------------------------------


@contextmanager
def _target_database(folder: Path, cli_database: Path) -> Iterator[tuple[dict[str, str], Any]]:
    """(environment of a `rumbo` subprocess on a fresh migrated database, connect())."""
    if connection.vendor == "sqlite":
        env = cli_environment(folder, cli_database)
        path = folder / "cli.sqlite3"
        yield env, lambda: sqlite3.connect(path)
        return
    import psycopg

    settings = connection.settings_dict
    name = f"rumbo_restore_{secrets.token_hex(4)}"
    server = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        password = f":{server['password']}" if server["password"] else ""
        url = f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
        env = {**cli_environment(folder), "DATABASE_URL": url}
        result = _rumbo(env, "init")
        assert result.returncode == 0, result.stderr

        def connect() -> Any:
            conn = psycopg.connect(dbname=name, **server)
            conn.execute("SET TIME ZONE 'UTC'")
            return conn

        yield env, connect
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rumbo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RUMBO, *args], env=env, capture_output=True, text=True, timeout=300)


def _read(connect: Callable[[], Any], vendor: str) -> dict[str, Any]:
    conn = connect()
    try:
        return _snapshot(conn.cursor(), vendor)
    finally:
        conn.close()


# -- the source: every kind of row and file Rumbo keeps ----------------------------------------


def _build_source(data_dir: Path) -> None:
    demo = build_demo()
    planeacion, enlace = demo.users["planeacion"], demo.users["enlace_se"]
    # An approved program (version 1) with its agreement file, two approved adjustments
    # (versions 2 and 3), and a pending one with its supporting document.
    program_approve(
        actor=Actor.for_user(planeacion),
        program=demo.program,
        agreement="IEEM/CG/01/2024",
        approved_on=date(2024, 1, 15),
        document=SimpleUploadedFile("acuerdo.pdf", PDF),
    )
    demo_approval_ensure(program=demo.program, planeacion=planeacion, enlace=enlace)
    adjustment_request(
        actor=Actor.for_user(enlace),
        program=demo.program,
        proposal=Proposal(kind="descripcion", activity=demo.activity_mismatch, description="Otra"),
        justification="Se precisa la descripción.",
        document=SimpleUploadedFile("oficio.pdf", PDF + b"% oficio\n"),
    )
    # An evidence file, a finished export, a session.
    entry = ProgressEntry.objects.create(activity=demo.activity_otra, month=1, achieved=1)
    evidence_add(
        actor=Actor.for_user(planeacion),
        user=planeacion,
        entry=entry,
        upload=SimpleUploadedFile("informe enero.pdf", PDF + b"% enero\n"),
        name="informe enero.pdf",
    )
    export_request(
        user=demo.users["consulta"],
        institution=demo.institution,
        kind="program",
        params={"year": 2024, "fmt": "csv"},
    )
    Client().force_login(demo.users["revisor"])
    # Edge values: JSON null (not SQL NULL), a time with no microseconds, and deleted
    # newest rows (the key counter is past the largest id left).
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None
    AuditEvent.objects.filter(pk=first.pk).update(
        after=Value(None, output_field=JSONField()),
        created_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    for code in ("TMP1", "TMP2"):
        Area.objects.create(institution=demo.institution, name=f"Temporal {code}", code=code)
    Area.objects.filter(code__startswith="TMP").delete()
    (data_dir / "evidence" / ".incoming").mkdir(parents=True, exist_ok=True)
    (data_dir / "evidence" / ".incoming" / "tmpupload").write_bytes(b"half an upload")


@pytest.fixture
def folders(settings, tmp_path: Path) -> dict[str, Path]:
    source = tmp_path / "source"
    settings.DATA_DIR = source
    settings.MEDIA_ROOT = source / "media"
    target = tmp_path / "target"
    target.mkdir()
    return {"source": source, "target": target, "archive": tmp_path / "rumbo.tar.gz"}


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_reproduces_every_table_and_file(folders, cli_database) -> None:
    vendor = connection.vendor
    _build_source(folders["source"])
    with connection.cursor() as cursor:
        source = _snapshot(cursor, vendor)
    source_files = _files(folders["source"], folders["source"] / "media")
    # What the data above must have produced, so a root left out cannot go unnoticed.
    assert {key.split("/")[0] for key in source_files} == set(ROOTS), source_files
    assert any(key.startswith("media/acuerdos/") for key in source_files)
    assert any(key.startswith("media/adecuaciones/") for key in source_files)
    assert source["tables"]["programs_programversion"], "an approved program with versions"
    assert source["tables"]["django_session"] and source["tables"]["monitoring_evidence"]

    out = io.StringIO()
    call_command("rumbo_backup", str(folders["archive"]), stdout=out)
    assert out.getvalue().startswith(f"Respaldo escrito: {folders['archive']}")
    assert folders["archive"].stat().st_mode & 0o777 == 0o600  # password hashes, sessions

    with _target_database(folders["target"], cli_database) as (env, connect):
        result = _rumbo(env, "restore", str(folders["archive"]))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"Restaurado {folders['archive']}: ")
        target = _read(connect, vendor)

        assert target["migrations"] == source["migrations"]
        assert set(target["tables"]) == set(source["tables"])
        for table, rows in source["tables"].items():
            restored = target["tables"][table]
            if table == "audit_auditevent":  # plus the restore's own event, the last one
                restored = restored[:-1]
            assert restored == rows, table
        # The key counters: the same, so no id the audit trail names is handed out again.
        audit_counter = "audit_auditevent" if vendor == "sqlite" else "audit_auditevent_id_seq"
        expected = dict(source["counters"])
        expected[audit_counter] += 1
        assert target["counters"] == expected
        assert _files(folders["target"], folders["target"] / "media") == {
            key: digest for key, digest in source_files.items()
        }

        # The restore's audit event names the archive and its manifest's digest.
        with tarfile.open(folders["archive"]) as tar:
            member = tar.extractfile("manifest.json")
            assert member is not None
            manifest_bytes = member.read()
        manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
        conn = connect()
        try:
            cursor = conn.cursor()
            cursor.execute(
                "SELECT action, actor_label, reason, after FROM audit_auditevent "
                "ORDER BY id DESC LIMIT 1"
            )
            action, actor_label, reason, after = cursor.fetchone()
        finally:
            conn.close()
        assert action == "database.restore" and actor_label.startswith("cli:")
        assert reason.startswith(
            f"Restauración desde rumbo.tar.gz, manifiesto sha256 {manifest_sha}"
        )
        after = json.loads(after) if isinstance(after, str) else after
        assert after["manifest_sha256"] == manifest_sha
        assert after["sha256"] == hashlib.sha256(folders["archive"].read_bytes()).hexdigest()

        # The manifest's own counts, checked against the source read by plain SQL.
        manifest = json.loads(manifest_bytes)
        counts = {entry["table"]: entry["rows"] for entry in manifest["tables"]}
        assert counts == {t: len(rows) for t, rows in source["tables"].items() if t in counts}
        assert set(source["tables"]) - set(counts) == set()  # django_rq has no table
        assert manifest["missing_files"] == []

        # Restoring again: the target is not empty any more, and stays as it is.
        again = _rumbo(env, "restore", str(folders["archive"]))
        assert again.returncode == 1
        assert "rumbo: error: La base de datos destino no está vacía; tienen filas: " in (
            again.stderr
        )
        users = len(source["tables"]["auth_user"])
        assert f"auth_user ({users})" in again.stderr
        assert again.stderr.rstrip().endswith("No se escribió nada.")
        assert _read(connect, vendor)["tables"] == target["tables"]


# -- refusals: every check happens before anything is written ----------------------------------


def _rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> None:
    """Copy the archive member by member; ``change`` returns new bytes, or None to drop it."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for info in old:
            member = old.extractfile(info)
            assert member is not None
            data = change(info.name, member.read())
            if data is None:
                continue
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory, cli_database: Path) -> Path:
    """`rumbo backup` of a migrated database with one agreement document."""
    folder = tmp_path_factory.mktemp("small-source")
    env = cli_environment(folder, cli_database)
    document = folder / "media" / "acuerdos" / "2024" / "acuerdo.pdf"
    document.parent.mkdir(parents=True)
    document.write_bytes(PDF)
    archive = folder / "small.tar.gz"
    result = _rumbo(env, "backup", str(archive))
    assert result.returncode == 0, result.stderr
    return archive


def _fresh_target(folder: Path, cli_database: Path) -> tuple[dict[str, str], str]:
    env = cli_environment(folder, cli_database)
    return env, hashlib.sha256((folder / "cli.sqlite3").read_bytes()).hexdigest()


def _assert_refused_and_untouched(
    result: subprocess.CompletedProcess[str], folder: Path, db_sha: str, *fragments: str
) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("rumbo: error: "), result.stderr
    assert lines[0].endswith("No se escribió nada.")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    # Not a byte of the database file changed, and no file (nor staging folder) is left.
    assert hashlib.sha256((folder / "cli.sqlite3").read_bytes()).hexdigest() == db_sha
    assert _left(folder) == ["cli.sqlite3"]


def _left(folder: Path) -> list[str]:
    """Every file under the target's data folder, and any staging folder left behind."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() or p.name.startswith(".restore-")
    )


def _flip_table(name: str, data: bytes) -> bytes:
    return data.replace(b'"auth"', b'"xxxx"', 1) if name.endswith("content_type.jsonl") else data


TAMPERED = {
    "table changed": (
        lambda name, data: _flip_table(name, data),
        ["el miembro tables/django_content_type.jsonl no coincide con el manifiesto"],
    ),
    "file changed": (
        lambda name, data: data + b"x" if name.startswith("files/") else data,
        ["el miembro files/media/acuerdos/2024/acuerdo.pdf no coincide con el manifiesto"],
    ),
    "member dropped": (
        lambda name, data: None if name == "tables/auth_permission.jsonl" else data,
        ["falta el miembro tables/auth_permission.jsonl que el manifiesto lista"],
    ),
    "member added": (
        lambda name, data: data,  # plus one, below
        ["el miembro files/media/extra.pdf no figura en el manifiesto"],
    ),
}


@pytest.mark.parametrize("kind", list(TAMPERED))
def test_a_tampered_archive_is_refused_naming_the_member(
    kind: str, small_archive: Path, cli_database: Path, tmp_path: Path
) -> None:
    change, fragments = TAMPERED[kind]
    tampered = tmp_path / "tampered.tar.gz"
    _rewrite(small_archive, tampered, change)
    if kind == "member added":
        with tarfile.open(tampered) as tar:
            members = [(info, tar.extractfile(info).read()) for info in tar]  # type: ignore[union-attr]
        with tarfile.open(tampered, "w:gz") as tar:
            extra = tarfile.TarInfo("files/media/extra.pdf")
            extra.size = len(PDF)
            tar.addfile(extra, io.BytesIO(PDF))
            for info, data in members:
                tar.addfile(info, io.BytesIO(data))
    folder = tmp_path / "target"
    folder.mkdir()
    env, db_sha = _fresh_target(folder, cli_database)
    result = _rumbo(env, "restore", str(tampered))
    _assert_refused_and_untouched(result, folder, db_sha, "tampered.tar.gz: ", *fragments)
    check = _rumbo(env, "restore", "--check", str(tampered))
    assert check.returncode == 1 and fragments[0] in check.stderr


@pytest.mark.parametrize(
    ("cut", "fragment"),
    [
        (lambda data: data[: len(data) // 2], "está truncado o dañado: se leyó bien hasta"),
        (lambda data: data[:-30], "está truncado o dañado"),
        (
            lambda data: b"no soy un respaldo\n" * 10,
            "no es un respaldo de Rumbo (un .tar.gz escrito por `rumbo backup`)",
        ),
    ],
    ids=["half", "tail", "not-an-archive"],
)
def test_a_truncated_or_foreign_file_is_refused(
    cut: Callable[[bytes], bytes],
    fragment: str,
    small_archive: Path,
    cli_database: Path,
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(cut(small_archive.read_bytes()))
    folder = tmp_path / "target"
    folder.mkdir()
    env, db_sha = _fresh_target(folder, cli_database)
    result = _rumbo(env, "restore", str(broken))
    _assert_refused_and_untouched(result, folder, db_sha, f"broken.tar.gz {fragment}")
    assert "Traceback" not in result.stderr


def test_a_target_in_another_migration_state_is_refused(
    small_archive: Path, cli_database: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "target"
    folder.mkdir()
    env = cli_environment(folder, cli_database)
    with sqlite3.connect(folder / "cli.sqlite3") as db:
        db.execute(
            "DELETE FROM django_migrations WHERE app = 'programs' "
            "AND name = '0005_program_life_cycle'"
        )
    db_sha = hashlib.sha256((folder / "cli.sqlite3").read_bytes()).hexdigest()
    result = _rumbo(env, "restore", str(small_archive))
    _assert_refused_and_untouched(
        result,
        folder,
        db_sha,
        "no está en el estado de migraciones del respaldo: le faltan "
        "programs.0005_program_life_cycle.",
    )


def test_check_reads_a_sound_archive_and_writes_nothing(
    small_archive: Path, cli_database: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "target"
    folder.mkdir()
    env, db_sha = _fresh_target(folder, cli_database)
    result = _rumbo(env, "restore", "--check", str(small_archive))
    assert result.returncode == 0, result.stderr
    with tarfile.open(small_archive) as tar:
        count = len(tar.getmembers())
        manifest = tar.extractfile("manifest.json").read()  # type: ignore[union-attr]
    assert result.stdout.startswith(
        f"Respaldo íntegro: {small_archive} ({count} miembros verificados; "
    )
    assert hashlib.sha256(manifest).hexdigest() in result.stdout
    assert hashlib.sha256((folder / "cli.sqlite3").read_bytes()).hexdigest() == db_sha
    assert _left(folder) == ["cli.sqlite3"]


def test_backup_does_not_overwrite_and_both_commands_have_help(
    small_archive: Path, cli_database: Path, tmp_path: Path
) -> None:
    env = cli_environment(tmp_path, cli_database)
    before = small_archive.read_bytes()
    result = _rumbo(env, "backup", str(small_archive))
    assert result.returncode == 1
    assert f"{small_archive} ya existe; elige otro nombre o usa --overwrite" in result.stderr
    assert small_archive.read_bytes() == before
    top = _rumbo(env, "--help")
    assert "backup" in top.stdout and "restore" in top.stdout
    for name in ("backup", "restore"):
        sub = _rumbo(env, name, "--help")
        assert sub.returncode == 0 and f"usage: rumbo {name}" in sub.stdout


@pytest.mark.django_db(transaction=True)
def test_the_tables_are_read_as_one_snapshot(monkeypatch, settings, tmp_path: Path) -> None:
    """A row committed by someone else while the backup runs is in none of its tables."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets no writer commit while a read transaction is open")
    from rumbo.core.backup import archive
    from rumbo.institutions.models import Institution
    from tests.factories import InstitutionFactory

    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    InstitutionFactory(code="IEEM")
    original = archive.read_rows

    def read_rows(model, cols, using):  # type: ignore[no-untyped-def]
        if model._meta.db_table == "accounts_apitoken":  # the first table read

            def write() -> None:
                try:
                    Institution.objects.create(code="IECM", name="Otro", short_name="IECM")
                finally:
                    connections["default"].close()

            writer = threading.Thread(target=write)
            writer.start()
            writer.join()
        return original(model, cols, using)

    monkeypatch.setattr(archive, "read_rows", read_rows)
    result = archive.backup_write(tmp_path / "rumbo.tar.gz")
    assert Institution.objects.count() == 2  # the other write did commit
    rows = {entry["table"]: entry["rows"] for entry in result.manifest["tables"]}
    assert rows["institutions_institution"] == 1


@pytest.mark.django_db
def test_a_file_the_database_names_but_its_folder_lacks_is_reported(
    settings, tmp_path: Path
) -> None:
    from tests.factories import AnnualProgramFactory

    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    AnnualProgramFactory(agreement_file="acuerdos/2024/perdido.pdf")
    kept = AnnualProgramFactory(year=2025, agreement_file="acuerdos/2025/presente.pdf")
    (tmp_path / "media" / "acuerdos" / "2025").mkdir(parents=True)
    (tmp_path / "media" / kept.agreement_file.name).write_bytes(PDF)
    out, err = io.StringIO(), io.StringIO()
    call_command("rumbo_backup", str(tmp_path / "rumbo.tar.gz"), stdout=out, stderr=err)
    assert err.getvalue().strip() == (
        "Aviso: 1 archivos que la base de datos nombra no estaban en su carpeta y no van en "
        "el respaldo (el manifiesto los lista en missing_files): "
        "media/acuerdos/2024/perdido.pdf"
    )
    with tarfile.open(tmp_path / "rumbo.tar.gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["missing_files"] == ["media/acuerdos/2024/perdido.pdf"]
    assert "files/media/acuerdos/2025/presente.pdf" in names

from __future__ import annotations

import pickle
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from rumbo.accounts.tokens import token_authenticate, token_create
from rumbo.audit.services import Actor
from tests.console import migrate, migrate_once
from tests.factories import Demo, build_demo

PERSONAS = ["planeacion", "enlace_se", "enlace_otra", "revisor", "consulta", "fiscalizacion"]


# ---------------------------------------------------------------------------------------
# The demo world is built once per test process (xdist worker) and committed; each test
# that asks for it runs in pytest-django's transaction, rolled back at its end, and gets
# its own copy of the model instances as build_demo() returned them, never one a previous
# test changed. Tests that do not ask for it find the database empty, as before: the demo
# is flushed before them and built again for the next test that asks for it. A
# transactional test (browser, live server) flushes the database itself when it ends.


class _Committed:
    """What this process has committed to the test database: the demo (its instances as
    build_demo() returned them, pickled: unpickling is a copy ~5 times faster than
    copy.deepcopy), or nothing."""

    demo: bytes | None = None


def _uses_db(item: pytest.Item) -> tuple[bool, bool]:
    """(uses the database, flushes it at the end) — pytest-django's own reading of a test."""
    names = getattr(item, "fixturenames", [])
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in names or "live_server" in names
    if marker:
        transactional = transactional or bool(
            marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
        )
        transactional = transactional or bool(marker.args and marker.args[0])
    return bool(marker) or "db" in names or transactional, transactional


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # First of all the test's fixtures: the state must be committed before pytest-django
    # opens the test's transaction (its autouse django_db marker fixture comes early).
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is not None and _uses_db(item)[0]:
            if "_database_state" in names:  # parametrized tests share one list
                names.remove("_database_state")
            names.insert(0, "_database_state")


def _flush() -> None:
    """Empty the test database the way pytest-django empties it after a transactional test."""
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)


@pytest.fixture
def _database_state(request, django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The demo committed for a test that asks for it, nothing for one that does not."""
    wants_demo = "demo" in request.node.fixturenames
    with django_db_blocker.unblock():
        if wants_demo and _Committed.demo is None:
            with transaction.atomic():
                _Committed.demo = pickle.dumps(build_demo())
        elif not wants_demo and _Committed.demo is not None:
            _flush()
            _Committed.demo = None
    yield
    if _uses_db(request.node)[1]:
        _Committed.demo = None  # pytest-django has flushed the database


@pytest.fixture
def demo(_database_state, db) -> Demo:
    """IEEM 2024 with two areas, two plans, findings and the personas (see factories)."""
    assert _Committed.demo is not None
    demo: Demo = pickle.loads(_Committed.demo)  # noqa: S301 - our own bytes, this process
    return demo


@pytest.fixture
def as_user(client: Client, demo: Demo):
    """Log the named persona in: ``as_user("enlace_se")`` returns the client."""

    def login(name: str) -> Client:
        client.force_login(demo.users[name])
        return client

    return login


@pytest.fixture(scope="session")
def cli_database(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A SQLite file `rumbo init` has migrated, made once per run: copy it, never write it
    (``tests.console.cli_environment(folder, cli_database)``)."""
    if worker_id == "master":
        return migrate(tmp_path_factory.mktemp("cli-template"))
    return migrate_once(tmp_path_factory.getbasetemp().parent)  # shared by this run's workers


@pytest.fixture
def samples_dir() -> Path:
    return Path(settings.SAMPLES_DIR)


@pytest.fixture
def paa_file(samples_dir: Path) -> Path:
    return samples_dir / "003_f85b278706467e27.txt"


@pytest.fixture
def sipot_iv_file(samples_dir: Path) -> Path:
    return samples_dir / "000_19180f02e9762917.txt"


@pytest.fixture
def pgd_text_file(samples_dir: Path) -> Path:
    return samples_dir / "001_21bc9bdb581439c2.txt"


@pytest.fixture
def pgd_table_file(samples_dir: Path) -> Path:
    return samples_dir / "002_c34a5bd474591bee.txt"


TEST_REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_queue(settings):
    """The real Redis at 127.0.0.1:6379 (CI starts it), on a queue of this test's own."""
    redis = pytest.importorskip("redis")
    name = f"test-exports-{uuid.uuid4().hex[:8]}"
    settings.REDIS_URL = TEST_REDIS_URL
    settings.RUMBO_EXPORT_QUEUE = name
    settings.RQ_QUEUES = {name: {"URL": TEST_REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    import django_rq

    queue = django_rq.get_queue(name)
    try:
        queue.connection.ping()
    except redis.exceptions.ConnectionError:  # pragma: no cover - CI always has Redis
        pytest.fail("Redis is not running at 127.0.0.1:6379 (.ci/run starts it)")
    yield queue
    queue.empty()
    queue.delete(delete_jobs=True)


def _work(queue) -> None:
    from rq import SimpleWorker

    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def run_worker(queue) -> None:
    """Run the queued jobs here, in this process and thread (the test's database)."""
    from rq import SimpleWorker

    SimpleWorker([queue], connection=queue.connection).work(burst=True)


# --- the JSON API, called as each persona ----------------------------------------------

BASE = "/api/v1"


@pytest.fixture
def tokens(demo: Demo) -> dict[str, str]:
    """A bearer token for every persona, already used once (so no last-use update follows)."""
    raw = {}
    for name, user in demo.users.items():
        _, raw[name] = token_create(actor=Actor.cli(), user=user, name=f"prueba {name}")
        token_authenticate(raw[name])  # stamps last use: the next minute's calls cost 1 query
    return raw


Call = Callable[..., Any]


@pytest.fixture
def api(client: Client, tokens: dict[str, str]) -> Call:
    """``api("get", "/institutions", user="planeacion", json=...)`` → the response."""

    def call(
        method: str,
        path: str,
        *,
        user: str | None = "planeacion",
        token: str | None = None,
        json: Any = None,
        **extra: Any,
    ) -> Any:
        headers = dict(extra.pop("headers", {}))
        if token is None and user is not None:
            token = tokens[user]
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        kwargs: dict[str, Any] = {"headers": headers, **extra}
        if json is not None:
            kwargs["data"] = json
            kwargs["content_type"] = "application/json"
        return getattr(client, method.lower())(f"{BASE}{path}", **kwargs)

    return call


@pytest.fixture
def smtp_server(settings):  # type: ignore[no-untyped-def]
    """A real SMTP server (aiosmtpd) that Django's SMTP backend sends to; read ``.messages``."""
    from tests.smtp import SmtpInbox, start

    inbox = SmtpInbox()
    controller = start(inbox)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = inbox.host
    settings.EMAIL_PORT = inbox.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield inbox
    finally:
        controller.stop()

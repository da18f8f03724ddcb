from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.console import migrate, migrate_once
from tests.factories import Demo, build_demo

PERSONAS = ["planeacion", "enlace_se", "enlace_otra", "revisor", "consulta"]


@pytest.fixture
def demo(db) -> Demo:
    """IEEM 2024 with two areas, two plans, findings and the personas (see factories)."""
    return build_demo()


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

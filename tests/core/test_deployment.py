"""The production deployment: settings from the environment, ``check --deploy``, the
client's address behind a proxy, and ``rumbo serve --production`` with bounded database
connections (docs/deployment.md)."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import RequestFactory, override_settings

from rumbo.core.client import client_ip
from tests.factories import InstitutionFactory

ROOT = Path(settings.BASE_DIR)
PYTHON = sys.executable


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment docs/deployment.md documents for production."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        RUMBO_PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="rumbo.example.org",
        CSRF_TRUSTED_ORIGINS="https://rumbo.example.org",
        RUMBO_TRUSTED_PROXIES="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'rumbo.sqlite3'}",
        RUMBO_DATA_DIR=str(tmp_path / "var"),
    )
    env.pop("DEBUG", None)
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy_passes_with_the_documented_production_environment(tmp_path):
    done = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_warns_without_production(tmp_path):
    env = production_env(tmp_path)
    env.pop("RUMBO_PRODUCTION")
    done = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr, warning


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        ({"DEBUG": "1"}, "DEBUG must be off in production"),
        ({"SECRET_KEY": "rumbo-insecure-development-key-change-me"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be set"),
        ({"SECURE_HSTS_SECONDS": "un año"}, "SECURE_HSTS_SECONDS must be a whole number"),
    ],
)
def test_production_refuses_debug_weak_keys_and_garbled_values(tmp_path, extra, said):
    done = manage(production_env(tmp_path, **extra), "check")
    assert done.returncode != 0
    assert said in done.stderr


def test_each_security_setting_can_be_turned_off_by_its_own_name(tmp_path):
    env = production_env(tmp_path, SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0")
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    done = manage(env, "shell", "-c", code)
    assert done.returncode == 0, done.stderr
    printed = done.stdout.strip().splitlines()[-1]  # after the shell's own banner
    assert printed == "False 0 True True ('HTTP_X_FORWARDED_PROTO', 'https')"


class TestClientAddress:
    def request(self, remote: str, forwarded: str | None = None):  # type: ignore[no-untyped-def]
        meta = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            meta["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().get("/", **meta)

    @override_settings(RUMBO_TRUSTED_PROXIES=[])
    def test_without_trusted_proxies_the_header_is_ignored(self):
        assert client_ip(self.request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"

    @override_settings(RUMBO_TRUSTED_PROXIES=["10.0.0.0/8", "127.0.0.1"])
    def test_behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client(self):
        # The client sent a forged first entry; the proxies appended what they saw.
        forged = "1.2.3.4, 198.51.100.7, 10.1.2.3"
        assert client_ip(self.request("127.0.0.1", forged)) == "198.51.100.7"
        assert client_ip(self.request("127.0.0.1", "198.51.100.7:51234")) == "198.51.100.7"
        assert client_ip(self.request("127.0.0.1", "[2001:db8::5]:443")) == "2001:db8::5"
        # A peer that is not a trusted proxy cannot choose its address.
        assert client_ip(self.request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"
        # Only proxies in the list, or garbage: the proxy itself.
        assert client_ip(self.request("127.0.0.1", "10.0.0.5")) == "127.0.0.1"
        assert client_ip(self.request("127.0.0.1", "no-es-una-ip")) == "127.0.0.1"
        assert client_ip(self.request("")) is None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(url: str, server: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped: {server.returncode}")
        try:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def server_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        RUMBO_DATA_DIR=str(tmp_path),
        DATABASE_URL=database_url,
    )
    env.pop("DEBUG", None)
    return env


@contextmanager
def production_server(env: dict[str, str], workers: int, threads: int) -> Iterator[str]:
    """``rumbo serve --production`` on a free port, up; yields its base URL and stops it.
    Its log goes to a file (a pipe nobody reads would fill up and stall the server)."""
    port = _free_port()
    log = Path(env["RUMBO_DATA_DIR"]) / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [PYTHON, "-m", "rumbo.cli", "serve", "--production", "--port", str(port),
             "--workers", str(workers), "--threads", str(threads)],
            cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(f"{base}/cuenta/entrar/", server)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()


@pytest.mark.django_db(transaction=True)
def test_production_server_serves_with_bounded_database_connections(tmp_path):
    """Many more simultaneous clients than threads on a page that reads the database (the
    public open-data index): every answer 200, and the server never holds more database
    connections than workers × threads (on PostgreSQL, counted in pg_stat_activity by the
    server's own application name)."""
    workers, threads, clients = 2, 2, 24
    InstitutionFactory()
    vendor = connection.vendor
    if vendor == "postgresql":
        db = connection.settings_dict
        env = server_env(
            tmp_path,
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            "?application_name=rumbo-served",
        )
    else:
        # The suite's SQLite database lives in memory; the server gets its own file.
        env = server_env(tmp_path, f"sqlite:///{tmp_path / 'served.sqlite3'}")
        assert manage(env, "migrate", "--noinput").returncode == 0
    with production_server(env, workers, threads) as base:
        with urllib.request.urlopen(f"{base}/cuenta/entrar/", timeout=30) as response:  # noqa: S310
            assert response.headers["Server"].startswith("gunicorn")
            assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        with urllib.request.urlopen(f"{base}/static/rumbo/rumbo.css", timeout=30) as response:  # noqa: S310
            assert response.status == 200

        def call(_: int) -> int:
            try:
                with urllib.request.urlopen(f"{base}/datos/", timeout=60) as response:  # noqa: S310
                    return int(response.status)
            except urllib.error.HTTPError as error:
                return int(error.code)

        peak = 0
        with ThreadPoolExecutor(max_workers=clients) as pool:
            futures = [pool.submit(call, i) for i in range(clients * 5)]
            while not all(f.done() for f in futures):
                if vendor == "postgresql":
                    peak = max(peak, _served_connections())
                time.sleep(0.05)
            statuses = [f.result() for f in futures]
        assert statuses == [200] * (clients * 5)
        if vendor == "postgresql":
            peak = max(peak, _served_connections())
            assert 1 <= peak <= workers * threads, peak


def _served_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rumbo-served'"
        )
        return int(cursor.fetchone()[0])


def test_a_database_outage_answers_the_api_in_json(tmp_path):
    """The production server with its database unreachable (nothing listens on port 1):
    the API answers JSON 503 with Retry-After — never Django's HTML error page."""
    env = server_env(tmp_path, "postgres://postgres@127.0.0.1:1/rumbo?connect_timeout=2")
    with production_server(env, workers=1, threads=2) as base:
        request = urllib.request.Request(  # noqa: S310
            f"{base}/api/v1/institutions", headers={"Authorization": "Bearer rumbo_cualquiera"}
        )
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=60)  # noqa: S310
        assert answer.value.code == 503
        assert answer.value.headers["Content-Type"].startswith("application/json")
        assert answer.value.headers["Retry-After"] == "30"
        body = json.loads(answer.value.read())
        assert body["message"].startswith("La base de datos no está disponible")

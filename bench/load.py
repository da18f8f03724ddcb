"""Load test of the production server: ``python bench/load.py`` (``make bench`` runs a short one).

What it does, end to end, on a throwaway database (a temporary SQLite file, or — when
DATABASE_URL names a PostgreSQL server — a temporary database there, dropped at the end):

1. ``rumbo demo`` loads the demo (IEEM 2024 with captures January–October), then November is
   opened for capture (a prórroga, as Planeación would grant) and each enlace gets an API
   token;
2. ``rumbo serve --production --workers W --threads T`` starts gunicorn on loopback;
3. U virtual users, each a thread with its own cookies, work for D seconds with a think time
   of about K seconds between steps (uniform 0.5 K – 1.5 K), in a realistic mix:
     - citizens (40 %): the public open-data pages, anonymous;
     - directors (20 %): signed in as Planeación or Consulta: the dashboard and the monthly
       report;
     - enlaces (30 %): their capture grid page, then read and save November's progress of one of
       their activities through the API (``PUT …/progress/11`` with the version read);
     - reviewers (10 %): the capture cycle and the activities behind the report;
4. prints, per page, requests, errors, p50 / p95 / p99 in milliseconds; the requests per
   second; and with ``--capacity`` steps the number of users up (no think time) and prints the
   throughput at which p95 passes 1 s — the machine's capacity, so sizing a deployment is
   arithmetic.

An error is any answer other than the one the step expects (200; 409 for a save that lost a
race is counted apart as a conflict, not an error) or a network failure.

The budget (issue 16): 50 users, 3 s think time, 2 workers → 0 errors, p95 < 500 ms for pages
and < 1 s for saves. Figures depend on the machine; they are printed, never asserted here.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUMBO = [sys.executable, "-m", "rumbo.cli"]
PASSWORD = "rumbo-demo-2024"  # noqa: S105 (the demo's printed password)
CODE, YEAR, MONTH = "IEEM", 2024, 11
SAVES = {"progress_save"}


# --- the throwaway database and the server -------------------------------------------


def _database(tmp: Path) -> tuple[str, str | None]:
    """(DATABASE_URL to use, the temporary PostgreSQL database to drop, if any)."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'load.sqlite3'}", None
    name = f"rumbo_load_{os.getpid()}"
    admin = re.sub(r"/[^/?]*(\?|$)", r"/postgres\1", base, count=1)
    _psql(admin, f"CREATE DATABASE {name}")
    return re.sub(r"/[^/?]*(\?|$)", rf"/{name}\1", base, count=1), name


def _psql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def _env(database_url: str, tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        RUMBO_DATA_DIR=str(tmp),
        DJANGO_SETTINGS_MODULE="config.settings.base",
        SECRET_KEY=secrets.token_urlsafe(64),
        LOG_LEVEL="ERROR",
    )
    env.pop("DEBUG", None)
    return env


@dataclass
class World:
    tokens: dict[str, str]  # enlace user name → API token
    activities: dict[str, list[str]]  # enlace user name → keys it may capture
    areas: dict[str, str]  # enlace user name → area code


def _prepare(env: dict[str, str]) -> World:
    """The demo, November open for capture, a token per IEEM enlace (in this process)."""
    started = time.monotonic()
    subprocess.run([*RUMBO, "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    print(f"demo loaded in {time.monotonic() - started:.0f} s", flush=True)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "RUMBO_DATA_DIR", "SECRET_KEY")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections
    from django.utils import timezone

    from rumbo.accounts.tokens import token_create
    from rumbo.audit.services import Actor
    from rumbo.institutions.models import Institution, Membership, Role
    from rumbo.monitoring.services.policy import window_extend
    from rumbo.programs.access import can_capture
    from rumbo.programs.models import Activity

    institution = Institution.objects.get(code=CODE)
    window_extend(
        actor=Actor.cli(),
        institution=institution,
        year=YEAR,
        month=MONTH,
        until=timezone.localdate() + timedelta(days=2),
        reason="Prueba de carga (bench/load.py)",
    )
    world = World(tokens={}, activities={}, areas={})
    activities = list(
        Activity.objects.filter(program__institution=institution, program__year=YEAR)
        .select_related("node", "program__institution", "area")
        .order_by("key")
    )
    for membership in Membership.objects.filter(
        institution=institution, role=Role.ENLACE
    ).select_related("user", "area"):
        user = membership.user
        keys = [a.key for a in activities if can_capture(user, a)]
        if not keys or membership.area is None:
            continue
        _, secret = token_create(actor=Actor.cli(), user=user, name="bench/load.py")
        world.tokens[user.username] = secret
        world.activities[user.username] = keys
        world.areas[user.username] = membership.area.code
    connections.close_all()
    if not world.tokens:
        raise SystemExit("the demo has no IEEM enlace with activities to capture")
    return world


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(
    env: dict[str, str], workers: int, threads: int, dev: bool
) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    if dev:  # the development server (the «before» of issue 16: a thread per request)
        command = [*RUMBO, "serve", "--port", str(port)]
    else:
        command = [*RUMBO, "serve", "--production", "--port", str(port),
                   "--workers", str(workers), "--threads", str(threads)]  # fmt: skip
    server = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/cuenta/entrar/", timeout=5)  # noqa: S310
            return server, base
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the production server did not start in 120 s")


# --- the virtual users -----------------------------------------------------------------


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    conflicts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def record(self, page: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.times[page].append(seconds)
            if error:
                self.errors[page].append(error)


class Client:
    def __init__(self, base: str, stats: Stats) -> None:
        self.base, self.stats = base, stats
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(
        self,
        page: str,
        path: str,
        *,
        data: bytes | None = None,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
    ) -> tuple[int, bytes]:
        request = urllib.request.Request(  # noqa: S310
            self.base + path, data=data, method=method, headers=headers or {}
        )
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except OSError as error:
            self.stats.record(page, time.monotonic() - started, f"network: {error}")
            return 0, b""
        elapsed = time.monotonic() - started
        if status == 409 and page in SAVES:
            with self.stats.lock:
                self.stats.conflicts[page] += 1
            self.stats.record(page, elapsed)
        else:
            self.stats.record(page, elapsed, None if status in ok else f"HTTP {status}")
        return status, body

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def login(self, username: str) -> None:
        self.call("login_page", "/cuenta/entrar/")
        form = f"username={username}&password={PASSWORD}&csrfmiddlewaretoken={self.csrf()}"
        self.call(
            "login",
            "/cuenta/entrar/",
            data=form.encode(),
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": self.base + "/cuenta/entrar/",
            },
            ok=(200, 302),  # followed to the landing page
        )


def _citizen(c: Client, rng: random.Random, world: World) -> None:
    page, path = rng.choice(
        [
            ("datos_index", "/datos/"),
            ("datos_program", f"/datos/{CODE}/{YEAR}/"),
            ("datos_progress", f"/datos/{CODE}/{YEAR}/avance/"),
            ("datos_downloads", f"/datos/{CODE}/{YEAR}/descargas/"),
        ]
    )
    c.call(page, path)


def _director(c: Client, rng: random.Random, world: World) -> None:
    if rng.random() < 0.6:
        c.call("dashboard", f"/i/{CODE}/programa/{YEAR}/tablero/")
    else:
        c.call("report_monthly", f"/i/{CODE}/informes/mensual/{YEAR}/?mes=10")


def _enlace_step(username: str) -> Any:
    def step(c: Client, rng: random.Random, world: World) -> None:
        area = world.areas[username]
        if rng.random() < 0.3:
            c.call("capture_grid", f"/i/{CODE}/programa/{YEAR}/captura/{area}/{MONTH}/")
            return
        key = rng.choice(world.activities[username])
        auth = {"Authorization": f"Bearer {world.tokens[username]}"}
        path = f"/api/v1/institutions/{CODE}/programs/{YEAR}/activities/{key}/progress"
        status, body = c.call("progress_read", path, headers=auth)
        if status != 200:
            return
        months = json.loads(body).get("months", [])
        current = next((m for m in months if m.get("month") == MONTH), {})
        achieved = rng.randint(0, 5)
        payload = {
            "achieved": achieved,
            "comment": "Prueba de carga",
            "justification": "Avance simulado por la prueba de carga.",
            "version": current.get("version"),
        }
        c.call(
            "progress_save",
            f"{path}/{MONTH}",
            data=json.dumps(payload).encode(),
            method="PUT",
            headers={**auth, "Content-Type": "application/json"},
        )

    return step


def _reviewer(c: Client, rng: random.Random, world: World) -> None:
    if rng.random() < 0.5:
        c.call("capture_cycle", f"/i/{CODE}/programa/{YEAR}/captura/")
    else:
        c.call("progress_activities", f"/i/{CODE}/programa/{YEAR}/avance/actividades/?mes=10")


def _persona(index: int, world: World) -> tuple[str | None, Any]:
    """(user to sign in as, or None; the step) for the index-th virtual user."""
    slot = index % 10
    if slot < 4:
        return None, _citizen
    if slot < 6:
        return ("planeacion" if slot == 4 else "consulta"), _director
    if slot < 9:
        enlaces = sorted(world.tokens)
        username = enlaces[index % len(enlaces)]
        return username, _enlace_step(username)
    return "revisor", _reviewer


def run(base: str, world: World, users: int, seconds: float, think: float, seed: int) -> Stats:
    stats = Stats()
    stop = time.monotonic() + seconds
    start_barrier = threading.Barrier(users + 1)

    def user(index: int) -> None:
        rng = random.Random(seed + index)
        client = Client(base, stats)
        login, step = _persona(index, world)
        if login:
            client.login(login)
        start_barrier.wait()
        time.sleep(rng.uniform(0, think))  # spread the first requests
        while time.monotonic() < stop:
            step(client, rng, world)
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for t in threads:
        t.start()
    start_barrier.wait()
    stats.times.clear()  # the logins are set-up, not load
    stats.errors.clear()
    began = time.monotonic()
    for t in threads:
        t.join(timeout=seconds + 120)
    stats.elapsed = time.monotonic() - began  # type: ignore[attr-defined]
    return stats


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(stats: Stats, label: str) -> tuple[float, float, int]:
    """Print the table; return (requests per second, worst p95 of the pages, errors)."""
    elapsed = getattr(stats, "elapsed", 1.0)
    total = sum(len(v) for v in stats.times.values())
    errors = sum(len(v) for v in stats.errors.values())
    print(f"\n{label}: {total} requests in {elapsed:.0f} s = {total / elapsed:.1f} req/s, "
          f"{errors} errors, {sum(stats.conflicts.values())} save conflicts (409)")  # fmt: skip
    print(f"  {'page':<22}{'n':>6}{'err':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    worst = 0.0
    for page in sorted(stats.times):
        values = stats.times[page]
        p95 = _ms(values, 0.95)
        worst = max(worst, p95)
        budget = 1000 if page in SAVES else 500
        flag = "" if p95 < budget else f"  OVER {budget} ms"
        p50, p99 = statistics.median(values) * 1000, _ms(values, 0.99)
        err = len(stats.errors.get(page, []))
        print(f"  {page:<22}{len(values):>6}{err:>5}{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}{flag}")
    for page, found in stats.errors.items():
        if found:
            print(f"  errors on {page}: {sorted(set(found))[:3]}")
    return total / elapsed, worst, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=90, help="seconds of load")
    parser.add_argument("--think", type=float, default=3.0, help="seconds between steps")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--capacity",
        default="",
        help="users per step with no think time, e.g. 4,8,16,32: the throughput where p95 > 1 s",
    )
    parser.add_argument("--step", type=float, default=30, help="seconds per capacity step")
    parser.add_argument(
        "--dev-server",
        action="store_true",
        help="drive the development server instead (to compare with the production one)",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="rumbo-load-"))
    database_url, temporary_db = _database(tmp)
    env = _env(database_url, tmp)
    server = None
    try:
        world = _prepare(env)
        server, base = _serve(env, args.workers, args.threads, args.dev_server)
        engine = "PostgreSQL" if temporary_db else "SQLite"
        served = (
            "development server (runserver)"
            if args.dev_server
            else f"{args.workers} workers × {args.threads} threads"
        )
        print(f"{engine}, {served}, {os.cpu_count()} cores")
        stats = run(base, world, args.users, args.duration, args.think, args.seed)
        report(stats, f"{args.users} users, think {args.think:g} s")
        if args.capacity:
            print("\ncapacity (no think time):")
            for users in [int(u) for u in args.capacity.split(",") if u.strip()]:
                step = run(base, world, users, args.step, 0.0, args.seed)
                throughput, worst, _ = report(step, f"{users} users")
                if worst > 1000:
                    print(f"\ncapacity: p95 passes 1 s at {throughput:.1f} req/s ({users} users)")
                    break
            else:
                print("\ncapacity: p95 stayed under 1 s at every step; add more users")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if temporary_db:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: S110 (Django may not be set up yet)
                pass
            base_url = os.environ.get("DATABASE_URL", "")
            admin = re.sub(r"/[^/?]*(\?|$)", r"/postgres\1", base_url, count=1)
            _psql(admin, f"DROP DATABASE IF EXISTS {temporary_db} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

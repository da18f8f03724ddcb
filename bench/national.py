"""The national-shape database on PostgreSQL, and what a program costs on it.

Builds two temporary databases on a PostgreSQL server (``RUMBO_BENCH_PG``, default
``postgres://postgres@127.0.0.1:5432``; the role must be able to create databases):

- **national**: 33 institutions × 5 years (2020–2024) × 1,200 activities — 198,000
  activities, about 2.37 M monthly targets, 1.81 M progress entries January–October,
  21,450 monthly captures (mostly approved; October sent or returned) and a publication
  per program;
- **single**: one institution-year of the same shape — exactly the national database's
  first institution's 2024 program, row for row (same generator, same seed).

Both are migrated once (``migrate`` on the national one, the single one copied from it as
a template before any data), then loaded with ``COPY`` (psycopg's copy API) and analysed.
Then the same program is measured on both, interleaved round by round: the dashboard's
data (``program_dashboard``), the dashboard page (Django test client, logged in), the
hand-written SQL returning the same figures (``bench/dashboard_sql.py``) and the monthly
report's data (``monthly_report``). Each statement of the dashboard is EXPLAINed
(ANALYZE) on the national database and any sequential scan of a large table is named.

    .venv/bin/python bench/national.py            # build, measure, drop (about 1–2 min)
    .venv/bin/python bench/national.py --keep     # keep the databases (names printed)
    .venv/bin/python bench/national.py --reuse 1234   # measure rumbo_*_1234 kept before

``bench/run.py`` (``make bench``) runs ``measure()`` when the server answers. See
docs/performance.md for what the ratios mean and the times measured here.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = os.environ.get("RUMBO_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
INSTITUTIONS = 33
YEARS = (2020, 2021, 2022, 2023, 2024)
ACTIVITIES = 1200
SUBPROGRAMS = 13
PROJECTS = 6  # per subprogram
UNITS = ("Reporte", "Solicitud", "Evento", "Sesión", "Casilla")
LAST_MONTH = 10  # progress is captured January–October of every year
MEASURED_YEAR = 2024
ROUNDS = 21
LARGE_TABLES = {
    "programs_activity",
    "programs_monthlytarget",
    "programs_programnode",
    "monitoring_progressentry",
    "monitoring_periodreport",
}
NOW = "2024-11-15 12:00:00+00"


def reachable() -> bool:
    """True when the PostgreSQL server answers (within two seconds)."""
    import psycopg

    try:
        with psycopg.connect(f"{SERVER}/postgres", connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def code_of(index: int) -> str:
    return f"IE{index + 1:02d}"


# ------------------------------------------------------------------------------ the data


class Ids:
    """Primary keys handed out in order, per table (the COPY gives them explicitly)."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    def next(self, table: str) -> int:
        self.last[table] = self.last.get(table, 0) + 1
        return self.last[table]


@dataclass
class Tables:
    """Rows per table, as COPY text lines (no tab, newline or backslash in any value)."""

    rows: dict[str, list[str]]

    def add(self, table: str, *values: object) -> None:
        self.rows.setdefault(table, []).append(
            "\t".join("\\N" if v is None else str(v) for v in values)
        )


COLUMNS = {
    "institutions_institution": "id, created_at, updated_at, code, name, short_name, "
    "web_domains, authorized_by_name, authorized_by_position, logo, prepared_by_name, "
    "prepared_by_position, reviewed_by_name, reviewed_by_position",
    "monitoring_monitoringpolicy": "id, created_at, updated_at, yellow_low, green_low, "
    "green_high, yellow_high, close_day, evidence_max_mb, institution_id",
    "institutions_area": "id, created_at, updated_at, name, code, normalized_name, "
    "institution_id, code_provisional",
    "programs_unitofmeasure": "id, name, normalized, institution_id",
    "programs_annualprogram": "id, created_at, updated_at, year, name, level_names, "
    "source_file, institution_id, progress_simulated, agreement, agreement_file, state, "
    "version",
    "programs_programnode": 'id, depth, key, name, objective, legal_framework, "order", '
    "area_id, parent_id, program_id",
    "programs_activity": "id, created_at, updated_at, key, description, annual_target, "
    'calendar_as_printed, "order", area_id, program_id, node_id, unit_id, '
    "calendar_simulated, version",
    "programs_monthlytarget": "id, month, quantity, activity_id",
    "monitoring_periodreport": "id, created_at, updated_at, month, state, submitted_at, "
    "decided_at, comment, version, area_id, program_id",
    "monitoring_progressentry": "id, created_at, updated_at, month, achieved, comment, "
    "justification, version, activity_id",
    "opendata_publication": "id, kind, published_at, published_by_label, program_id",
}


def institution_rows(t: Tables, ids: Ids, index: int) -> tuple[int, list[int], list[int]]:
    """An institution, its policy, areas and units: (institution id, area ids, unit ids)."""
    code = code_of(index)
    inst = ids.next("institutions_institution")
    name = f"Instituto Electoral Sintético {index + 1:02d}"
    t.add("institutions_institution", inst, NOW, NOW, code, name, code, "[]", *[""] * 7)
    t.add(
        "monitoring_monitoringpolicy",
        ids.next("monitoring_monitoringpolicy"),
        NOW,
        NOW,
        80,
        90,
        110,
        120,
        10,
        10,
        inst,
    )
    areas = []
    for a in range(SUBPROGRAMS):
        pk = ids.next("institutions_area")
        t.add(
            "institutions_area",
            pk,
            NOW,
            NOW,
            f"Unidad {a + 1} de {code}",
            f"U{a + 1:02d}",
            f"unidad {a + 1} de {code.lower()}",
            inst,
            "f",
        )
        areas.append(pk)
    units = []
    for name in UNITS:
        pk = ids.next("programs_unitofmeasure")
        t.add("programs_unitofmeasure", pk, name, name.lower(), inst)
        units.append(pk)
    return inst, areas, units


def program_rows(
    t: Tables, ids: Ids, *, code: str, inst: int, year: int, areas: list[int], units: list[int]
) -> None:
    """One annual program of ``ACTIVITIES`` activities with targets, captures and entries.
    Values come from a generator seeded with the institution and the year, so a program is
    the same in every database that holds it."""
    rnd = random.Random(f"{code}-{year}")
    program = ids.next("programs_annualprogram")
    t.add(
        "programs_annualprogram",
        program,
        NOW,
        NOW,
        year,
        f"Programa Anual de Actividades {year}",
        '["Subprograma", "Proyecto", "Actividad"]',
        "",
        inst,
        "f",
        "",
        "",
        "formulacion",
        0,
    )
    t.add(
        "opendata_publication",
        ids.next("opendata_publication"),
        "programa",
        f"{year}-02-01 12:00:00+00",
        "Planeación",
        program,
    )
    projects = []
    for s in range(SUBPROGRAMS):
        root = ids.next("programs_programnode")
        t.add(
            "programs_programnode",
            root,
            0,
            f"{s + 1:02d}",
            f"Subprograma {s + 1}",
            "Objetivo del subprograma.",
            "Ley electoral local.",
            s,
            areas[s],
            None,
            program,
        )
        for p in range(PROJECTS):
            pk = ids.next("programs_programnode")
            t.add(
                "programs_programnode",
                pk,
                1,
                f"{s + 1:02d}{p + 1:02d}",
                f"Proyecto {s + 1}.{p + 1}",
                "",
                "",
                p,
                None,
                root,
                program,
            )
            projects.append((pk, s))
    per_project = ACTIVITIES // len(projects)
    for i in range(ACTIVITIES):
        node, s = projects[min(i // (per_project + 1), len(projects) - 1)]
        activity_rows(
            t,
            ids,
            rnd,
            program=program,
            node=node,
            order=i,
            units=units,
            own_area=areas[(s + 1) % SUBPROGRAMS] if rnd.random() < 0.05 else None,
        )
    captures_rows(t, ids, rnd, program=program, year=year, areas=areas)


def activity_rows(
    t: Tables,
    ids: Ids,
    rnd: random.Random,
    *,
    program: int,
    node: int,
    order: int,
    units: list[int],
    own_area: int | None,
) -> None:
    pk = ids.next("programs_activity")
    base = rnd.choice((1, 2, 4, 10, 25, 100))
    targets = {}
    for m in range(1, 13):
        if rnd.random() < 0.003:  # a month the calendar does not know
            continue
        targets[m] = 0 if rnd.random() < 0.2 else base * rnd.randint(1, 5)
    t.add(
        "programs_activity",
        pk,
        NOW,
        NOW,
        f"{order + 1:05d}",
        f"Actividad sintética {order + 1} del programa",
        sum(targets.values()),
        "",
        order,
        own_area,
        program,
        node,
        rnd.choice(units),
        "f",
        1,
    )
    for m, quantity in targets.items():
        t.add("programs_monthlytarget", ids.next("programs_monthlytarget"), m, quantity, pk)
    pace = rnd.choice((0.5, 0.8, 0.95, 1.0, 1.0, 1.05, 1.2, 1.5))
    for m in range(1, LAST_MONTH + 1):
        if rnd.random() < 0.086:  # a month the activity did not report
            continue
        achieved = round(targets.get(m, 0) * pace * rnd.uniform(0.8, 1.2))
        t.add(
            "monitoring_progressentry",
            ids.next("monitoring_progressentry"),
            NOW,
            NOW,
            m,
            achieved,
            "",
            "",
            1,
            pk,
        )


def captures_rows(
    t: Tables, ids: Ids, rnd: random.Random, *, program: int, year: int, areas: list[int]
) -> None:
    """Each area's captures January–October: approved, except October (sent, a few
    returned); a few sent after the closing day."""
    for area in areas:
        for m in range(1, LAST_MONTH + 1):
            day = 12 if rnd.random() < 0.1 else 3  # the window closes on the 10th
            sent = f"{year}-{m + 1:02d}-{day:02d} 17:00:00+00"
            if m < LAST_MONTH:
                state, decided = "aprobado", f"{year}-{m + 1:02d}-{day + 2:02d} 17:00:00+00"
            else:
                state, decided = ("devuelto" if rnd.random() < 0.15 else "enviado"), None
            t.add(
                "monitoring_periodreport",
                ids.next("monitoring_periodreport"),
                NOW,
                NOW,
                m,
                state,
                sent,
                decided,
                "",
                1,
                area,
                program,
            )


def generate(institutions: int, years: tuple[int, ...]) -> Iterator[Tables]:
    """The rows of the whole database, one institution at a time."""
    ids = Ids()
    for index in range(institutions):
        t = Tables({})
        inst, areas, units = institution_rows(t, ids, index)
        for year in years:
            program_rows(
                t, ids, code=code_of(index), inst=inst, year=year, areas=areas, units=units
            )
        yield t


def load(dbname: str, institutions: int, years: tuple[int, ...]) -> dict[str, int]:
    """COPY the generated rows into ``dbname`` (foreign-key triggers off while loading:
    the generator keeps every reference valid), set the sequences, ANALYZE."""
    import psycopg

    counts: dict[str, int] = {}
    with psycopg.connect(f"{SERVER}/{dbname}") as conn:
        conn.execute("SET session_replication_role = replica")
        for tables in generate(institutions, years):
            for table in COLUMNS:  # parents before children
                rows = tables.rows.get(table, [])
                if not rows:
                    continue
                with conn.cursor().copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:  # type: ignore[arg-type]
                    copy.write("\n".join(rows) + "\n")
                counts[table] = counts.get(table, 0) + len(rows)
        conn.execute("SET session_replication_role = DEFAULT")
        for table in COLUMNS:
            sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"  # noqa: E501, S608 (our table names)
            conn.execute(sql)  # type: ignore[arg-type]
        conn.commit()
    with psycopg.connect(f"{SERVER}/{dbname}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return counts


# ------------------------------------------------------------------------ the two databases


@dataclass
class Databases:
    national: str
    single: str


def names(suffix: str) -> Databases:
    return Databases(f"rumbo_national_{suffix}", f"rumbo_single_{suffix}")


def setup_django(dbname: str) -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{dbname}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("RUMBO_DATA_DIR", tempfile.mkdtemp(prefix="rumbo-bench-national-"))
    import django

    django.setup()


def use(dbname: str) -> None:
    """Point Django's connection at ``dbname`` (the next query reconnects)."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = dbname


def build(dbs: Databases) -> dict[str, Any]:
    """Create, migrate and load both databases; returns the times and row counts."""
    from django.core.management import call_command

    out: dict[str, Any] = {}
    _admin(f"CREATE DATABASE {dbs.national}")
    use(dbs.national)
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    out["migrate"] = time.perf_counter() - start
    use("postgres")
    _admin(f"CREATE DATABASE {dbs.single} TEMPLATE {dbs.national}")
    start = time.perf_counter()
    out["national_counts"] = load(dbs.national, INSTITUTIONS, YEARS)
    out["national_load"] = time.perf_counter() - start
    start = time.perf_counter()
    out["single_counts"] = load(dbs.single, 1, (MEASURED_YEAR,))
    out["single_load"] = time.perf_counter() - start
    for db in (dbs.national, dbs.single):
        use(db)
        _bench_user()
    return out


def drop(dbs: Databases) -> None:
    from django.db import connection

    connection.close()
    for db in (dbs.national, dbs.single):
        _admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def _bench_user() -> None:
    from django.contrib.auth import get_user_model

    from rumbo.institutions.models import Institution, Membership, Role

    user, _ = get_user_model().objects.get_or_create(username="bench-planeacion")
    institution = Institution.objects.get(code=code_of(0))
    Membership.objects.get_or_create(user=user, institution=institution, role=Role.PLANEACION)


# ------------------------------------------------------------------------------ measuring


def _calls(dbname: str) -> dict[str, Callable[[], object]]:
    """What is timed on one database, for the measured program at October."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from bench.dashboard_sql import dashboard_sql
    from rumbo.monitoring.dashboard import program_dashboard
    from rumbo.programs.models import AnnualProgram
    from rumbo.reports.monthly import monthly_report

    use(dbname)
    program = AnnualProgram.objects.select_related("institution").get(
        institution__code=code_of(0), year=MEASURED_YEAR
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="bench-planeacion"))
    url = reverse("web:dashboard", args=[code_of(0), MEASURED_YEAR]) + f"?mes={LAST_MONTH}"

    def page() -> None:
        assert client.get(url).status_code == 200

    return {
        "dashboard": lambda: program_dashboard(program=program, month=LAST_MONTH),
        "page": page,
        "sql": lambda: dashboard_sql(program.pk, LAST_MONTH),
        "report": lambda: monthly_report(
            institution=code_of(0), year=MEASURED_YEAR, month=LAST_MONTH
        ),
    }


def compare(dbs: Databases, rounds: int = ROUNDS) -> dict[str, dict[str, list[float]]]:
    """Seconds of every call on both databases in every round, interleaved: each round runs
    every call on one database, then on the other — the national one first in odd rounds,
    the single one first in even rounds, so neither side always follows the other's use of
    the server's caches (the connection switches once per side per round, outside the
    timings; each call starts from the same state of the garbage collector:
    ``bench.common.settle``)."""
    from bench.common import settle

    sides = {"national": dbs.national, "single": dbs.single}
    timings: dict[str, dict[str, list[float]]] = {s: {} for s in sides}
    for round_ in range(rounds + 1):  # round 0 warms up
        order = list(sides.items()) if round_ % 2 else list(sides.items())[::-1]
        for side, db in order:
            calls = _calls(db)
            for name, fn in calls.items():
                settle()
                start = time.perf_counter()
                fn()
                if round_:
                    timings[side].setdefault(name, []).append(time.perf_counter() - start)
    return timings


def same_figures(dbs: Databases) -> bool:
    """The measured program's dashboard is the same on both databases and equals the SQL."""
    from bench.dashboard_sql import dashboard_figures, dashboard_sql
    from rumbo.monitoring.dashboard import program_dashboard
    from rumbo.programs.models import AnnualProgram

    seen = []
    for db in (dbs.national, dbs.single):
        use(db)
        program = AnnualProgram.objects.get(institution__code=code_of(0), year=MEASURED_YEAR)
        figures = dashboard_figures(program_dashboard(program=program, month=LAST_MONTH))
        sql = dashboard_sql(program.pk, LAST_MONTH)
        seen.append((_by_position(figures), _by_position(sql)))
    return all(a == b for a, b in seen) and seen[0] == seen[1]


def _by_position(figures: dict[str, Any]) -> dict[str, Any]:
    """Figures with areas and subprograms keyed by position (ids differ between databases)."""
    return {
        k: (sorted(v.values(), key=repr) if k in ("areas", "subprograms") else v)
        for k, v in figures.items()
    }


def explain_dashboard(dbname: str) -> list[dict[str, Any]]:
    """Every statement of the dashboard's data on ``dbname``, EXPLAIN ANALYZEd: its time and
    the large tables it reads with a sequential scan (should be none)."""
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rumbo.monitoring.dashboard import program_dashboard
    from rumbo.programs.models import AnnualProgram

    use(dbname)
    program = AnnualProgram.objects.get(institution__code=code_of(0), year=MEASURED_YEAR)
    with CaptureQueriesContext(connection) as ctx:
        program_dashboard(program=program, month=LAST_MONTH)
    out = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            seq = sorted(set(_seq_scans(plan[0]["Plan"])) & LARGE_TABLES)
            out.append({"sql": query["sql"], "ms": plan[0]["Execution Time"], "seq_scans": seq})
    return out


def _seq_scans(node: dict[str, Any]) -> Iterator[str]:
    if node.get("Node Type") == "Seq Scan":
        yield node.get("Relation Name", "")
    for child in node.get("Plans", []):
        yield from _seq_scans(child)


def measurements(timings: dict[str, dict[str, list[float]]]) -> list[dict[str, Any]]:
    """The comparisons, in ``bench/common.py``'s format (typical times: ``typical``)."""
    from bench.common import measurement, typical

    n = {name: typical(v) for name, v in timings["national"].items()}
    s = {name: typical(v) for name, v in timings["single"].items()}
    same_program = "the same program, one-institution DB"
    sql = "hand-written SQL, same figures"
    # (name, time, baseline time, baseline, ratio budget; None: informative)
    rows = [
        ("national: dashboard data", n["dashboard"], s["dashboard"], same_program, 1.2),
        ("national: dashboard page", n["page"], s["page"], same_program, 1.2),
        ("national: monthly report data", n["report"], s["report"], same_program, 1.2),
        (
            "national: dashboard SQL baseline",
            n["sql"],
            s["sql"],
            "the same SQL, one-institution DB",
            None,
        ),
        ("national: dashboard data vs SQL", n["dashboard"], n["sql"], sql, 1.5),
        ("national: dashboard page vs SQL", n["page"], n["sql"], sql, None),
    ]
    return [
        measurement(
            name,
            seconds,
            baseline_seconds=base,
            baseline=what,
            budget_ratio=budget,
            informative=budget is None,
        )
        for name, seconds, base, what, budget in rows
    ]


def national_view(dbs: Databases) -> list[dict[str, Any]]:
    """The «Comparativo nacional» on the national database: its summary built from the
    figures (every published program; the load's COPY does not fill it), then the data and
    the API of the busiest year timed beside the raw read of its summary rows
    (``bench/comparison.py``; the issue's budget: under 300 ms for 33 × 12)."""
    from bench import comparison
    from bench.common import measurement

    use(dbs.national)
    seconds = comparison.rebuild()
    print(f"summary of every published program rebuilt from the figures in {seconds:.1f} s")
    out = []
    for m in comparison.measure():
        what = "data" if m["name"] == "comparison_data" else "API"
        out.append(
            measurement(
                f"national: comparison {what} ({m['institutions']} × 12)",
                m["seconds"],
                baseline_seconds=m["baseline_seconds"],
                baseline="raw SQL of the summary rows (informative); judged by time",
                budget_seconds=comparison.BUDGET,
            )
        )
    return out


def measure(rounds: int = ROUNDS) -> list[dict[str, Any]]:
    """Build both databases, compare them, drop them (for ``bench/run.py``): in a child
    process, whose Django connection is PostgreSQL's whatever the caller's database."""
    import json
    import subprocess

    done = subprocess.run(
        [sys.executable, __file__, "--json", "--rounds", str(rounds)],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if not done.stdout.strip():
        raise RuntimeError(f"bench/national.py failed (exit {done.returncode})")
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep both databases")
    parser.add_argument("--reuse", metavar="SUFFIX", help="measure rumbo_*_SUFFIX, kept before")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--json", action="store_true", help="measurements as JSON on stdout")
    args = parser.parse_args()
    if args.json:  # the report goes to stderr, the measurements alone to stdout
        out, sys.stdout = sys.stdout, sys.stderr
    if not reachable():
        print(f"PostgreSQL does not answer at {SERVER} (set RUMBO_BENCH_PG).")
        return 2
    dbs = names(args.reuse or str(os.getpid()))
    setup_django(dbs.national if args.reuse else "postgres")
    from bench.common import table

    try:
        if not args.reuse:
            built = build(dbs)
            print(
                f"migrate {built['migrate']:.1f} s · national load (COPY + ANALYZE) "
                f"{built['national_load']:.1f} s · single load {built['single_load']:.1f} s"
            )
            for table_name, count in built["national_counts"].items():
                print(
                    f"  {table_name:<30} {count:>10,}  (single: "
                    f"{built['single_counts'].get(table_name, 0):,})"
                )
        print("same figures on both databases and in the SQL:", same_figures(dbs))
        for row in explain_dashboard(dbs.national):
            seq = ", ".join(row["seq_scans"]) or "no large table scanned sequentially"
            print(f"  {row['ms']:8.1f} ms  {seq:<40} {row['sql'][:90]}")
        measured = measurements(compare(dbs, args.rounds))
        measured += national_view(dbs)
        text, over = table(measured)
        print(text)
        if args.json:
            import json

            print(json.dumps(measured), file=out)
    finally:
        if args.keep or args.reuse:
            print(f"kept: {dbs.national}, {dbs.single}")
        else:
            drop(dbs)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

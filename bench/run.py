"""Performance figures for `make bench`: import, export and web page of the IEEM program.

Runs against a throwaway database (a temporary SQLite file, or the PostgreSQL server of
DATABASE_URL with a temporary database) so the demo data are never touched. Prints
typical seconds (the lower quartile of several runs: ``bench.common.typical``) and the
peak memory of the process.

The program page is timed in-process through ``django.test.Client`` (server time: URL
resolution, middleware, queries and template rendering; no network), logged in as a
Planeación user, for the imported IEEM 2024 program and for a synthetic 3,000-activity one.

Each figure is judged by its ratio to a baseline measured in the same run, interleaved
(``bench/common.py`` defines the format and prints the closing table): the dashboard's data
against the hand-written SQL returning the same figures (``bench/dashboard_sql.py``). Figures
without a baseline keep their absolute budget but are marked informative: on a shared
machine an absolute time says little. ``bench/pdf.py``, ``bench/exports.py`` (when present)
add their own measurements through ``measure()``; ``bench/national.py`` adds the
national-shape comparison when PostgreSQL answers at ``RUMBO_BENCH_PG`` (default
postgres://postgres@127.0.0.1:5432) unless ``RUMBO_BENCH_NATIONAL=0`` (``=1`` makes it
required). The process exits 1 when a judged figure is «OVER».
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

from bench.common import Measurement, interleaved, measurement, table, typical  # noqa: E402

# Absolute budgets (seconds): printed as informative, never judged (see the docstring).
BUDGET = {
    "import": 2.0,
    "export_json": 1.0,
    "export_xlsx": 1.0,
    "program_page": 0.150,
    "dashboard": 0.200,
    "dashboard_3000": 0.200,
    "mir_page": 0.150,
    "indicator_page": 0.150,
    "design_page": 0.150,
    "sipot_fr_iv_xlsx": 0.5,
    "report_monthly_json": 1.0,
    "report_monthly_xlsx": 2.0,
    "report_monthly_pdf": 5.0,
}
RUNS = 5
PAGE_RUNS = 25
DASHBOARD_SQL_RATIO = 1.5  # the dashboard's data against the SQL returning its figures
# bench/pdf.py and bench/exports.py run inside the run (they need its data); modules
# named here run after its database is gone.
OPTIONAL_MODULES: tuple[str, ...] = ()


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="rumbo-bench-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["RUMBO_DATA_DIR"] = tmp

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    old_config = None
    if connection.vendor != "sqlite":
        old_config = setup_databases(verbosity=0, interactive=False)
    else:
        call_command("migrate", verbosity=0)

    import json

    from rumbo.audit.services import Actor
    from rumbo.imports.paa import import_paa
    from rumbo.programs.exports import program_to_dict, program_to_xlsx
    from rumbo.programs.models import AnnualProgram

    sample = ROOT / "data" / "samples" / "003_f85b278706467e27.txt"
    actor = Actor.cli()
    results: dict[str, list[float]] = {
        "import": [],
        "reimport": [],
        "export_json": [],
        "export_xlsx": [],
    }
    sizes: dict[str, int] = {}
    for i in range(RUNS):
        AnnualProgram.objects.all().delete()
        from rumbo.imports.models import QualityFinding

        QualityFinding.objects.all().delete()
        start = time.perf_counter()
        import_paa(sample, institution_code=f"BENCH{i}", year=2024, actor=actor)
        results["import"].append(time.perf_counter() - start)
        start = time.perf_counter()
        import_paa(sample, institution_code=f"BENCH{i}", year=2024, actor=actor)
        results["reimport"].append(time.perf_counter() - start)
        program = AnnualProgram.objects.get(institution__code=f"BENCH{i}", year=2024)
        start = time.perf_counter()
        text = json.dumps(program_to_dict(program), ensure_ascii=False)
        results["export_json"].append(time.perf_counter() - start)
        start = time.perf_counter()
        data = program_to_xlsx(program)
        results["export_xlsx"].append(time.perf_counter() - start)
        sizes = {"json": len(text.encode()), "xlsx": len(data)}

    page_results, page_sizes = bench_program_pages(f"BENCH{RUNS - 1}")
    results.update(page_results)
    dashboard_results, dashboard_sizes, dashboard_ratios = bench_dashboards(f"BENCH{RUNS - 1}")
    results.update(dashboard_results)
    mir_results, mir_sizes = bench_mir_pages()
    results.update(mir_results)
    sipot_results, sipot_sizes = bench_sipot()
    results.update(sipot_results)
    report_results, report_sizes = bench_reports(f"BENCH{RUNS - 1}")
    results.update(report_results)
    # The PDFs need this run's database (the imported sample): measured here, not with
    # the optional modules that run after it is gone.
    from bench.pdf import lines as pdf_lines
    from bench.pdf import measure as pdf_measure

    pdf_measured = pdf_measure(f"BENCH{RUNS - 1}")

    from bench.exports import measure as measure_exports
    from bench.exports import report as report_exports

    exports_measured = measure_exports()
    export_lines, _ = report_exports(exports_measured)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Rumbo bench · database: {connection.vendor} · {RUNS} runs · sample {sample.name}")
    measured = [
        measurement(
            name,
            typical(values),
            budget_seconds=BUDGET.get(name),
            baseline="none (absolute, informative)",
            informative=True,
        )
        for name, values in results.items()
    ]
    measured += dashboard_ratios
    measured += pdf_measured
    measured += exports_measured
    print(f"  export sizes: JSON {sizes['json']:,} bytes · XLSX {sizes['xlsx']:,} bytes")
    for label, group in (
        ("program page", page_sizes),
        ("dashboards", dashboard_sizes),
        ("design and MIR pages", mir_sizes),
        ("transparency formats", sipot_sizes),
        ("monthly report, IEEM demo 2024-10", report_sizes),
    ):
        print(f"  {label}: " + " · ".join(f"{name} {size:,} bytes" for name, size in group.items()))
    for text, _ in pdf_lines(pdf_measured):
        print(text)  # the PDFs' memory and engine, beside the table's times
    print(f"  peak memory (max RSS of the process): {peak_mib:.1f} MiB")
    print("\n".join(export_lines))
    if old_config is not None:
        teardown_databases(old_config, verbosity=0)
        old_config = None
    measured += optional_measurements()
    text, failed = table(measured)
    print(text)
    return 1 if failed else 0


def bench_sipot() -> tuple[dict[str, list[float]], dict[str, int]]:
    """fr. IV as XLSX for the IECM rows of the 000 sample (139 rows), as the CLI builds it."""
    from rumbo.audit.services import Actor
    from rumbo.imports.sipot_objectives import import_sipot_objectives
    from rumbo.transparency.generate import build_sipot

    sample = ROOT / "data" / "samples" / "000_19180f02e9762917.txt"
    import_sipot_objectives(sample, institution_code="IECM", actor=Actor.cli())
    times: list[float] = []
    size = 0
    for _ in range(RUNS):
        start = time.perf_counter()
        export = build_sipot(format_id="fr-iv", institution="IECM", year=2024, fmt="xlsx")
        times.append(time.perf_counter() - start)
        size = len(export.content)
    return {"sipot_fr_iv_xlsx": times}, {"fr. IV XLSX (139 filas)": size}


def time_get(client, url: str) -> tuple[list[float], int]:  # type: ignore[no-untyped-def]
    """Median-ready timings of PAGE_RUNS GETs (after one warm-up) and the body size."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(PAGE_RUNS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
    return timings, len(response.content)


def bench_program_pages(code: str) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Time the program page of the imported program and of a synthetic 3,000-activity one."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from bench.synthetic import synthetic_program
    from rumbo.institutions.models import Institution, Membership, Role

    user = get_user_model().objects.create_user(username="bench-planeacion")
    big = Institution.objects.create(code="SINT", name="Institución sintética")
    synthetic_program(institution=big, activities=3000)
    for institution in Institution.objects.filter(code__in=[code, "SINT"]):
        Membership.objects.create(user=user, institution=institution, role=Role.PLANEACION)
    from rumbo.programs.models import AnnualProgram
    from rumbo.programs.selectors import program_outline

    imported = AnnualProgram.objects.get(institution__code=code, year=2024)
    biggest = max(program_outline(program=imported).roots, key=lambda r: r.activity_count)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    results: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}
    pages = {
        "program_page": reverse("web:program", args=[code, 2024]),
        "program_page_filtered": reverse("web:program", args=[code, 2024]) + "?q=informe",
        "program_page_3000": reverse("web:program", args=["SINT", 2024]),
        "program_section_largest": reverse(
            "web:program_section", args=[code, 2024, biggest.node.pk]
        ),
    }
    for name, url in pages.items():
        label = name.removeprefix("program_").removeprefix("page").strip("_") or "IEEM"
        results[name], sizes[label] = time_get(client, url)
    return results, sizes


def bench_dashboards(
    code: str,
) -> tuple[dict[str, list[float]], dict[str, int], list[Measurement]]:
    """Time the dashboard of the imported IEEM program with the demo's simulated progress
    (January–October, through the services, as ``rumbo demo`` loads it) and of the synthetic
    3,000-activity program with progress in all twelve months (bulk inserts)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from bench.synthetic import synthetic_progress
    from rumbo.monitoring.demo import demo_progress_load
    from rumbo.programs.models import AnnualProgram

    user = get_user_model().objects.get(username="bench-planeacion")
    imported = AnnualProgram.objects.get(institution__code=code, year=2024)
    demo_progress_load(program=imported, capturer=user, reviewer=user, last_month=10)
    synthetic = AnnualProgram.objects.get(institution__code="SINT", year=2024)
    entries = synthetic_progress(program=synthetic, months=12)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    pages = {
        "dashboard": reverse("web:dashboard", args=[code, 2024]) + "?mes=10",
        "dashboard_3000": reverse("web:dashboard", args=["SINT", 2024]) + "?mes=12",
    }
    results: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}
    for name, url in pages.items():
        label = "IEEM demo" if name == "dashboard" else f"3,000 × 12 ({entries:,} entries)"
        results[name], sizes[label] = time_get(client, url)
    ratios = dashboard_against_sql(imported, 10, "IEEM demo") + dashboard_against_sql(
        synthetic, 12, "3,000 × 12"
    )
    return results, sizes, ratios


def dashboard_against_sql(program, month: int, label: str) -> list[Measurement]:  # type: ignore[no-untyped-def]
    """The dashboard's data beside the hand-written SQL returning the same figures, timed
    in turn within each round (``bench/common.py``)."""
    from bench.dashboard_sql import dashboard_sql
    from rumbo.monitoring.dashboard import program_dashboard

    times = interleaved(
        {
            "data": lambda: program_dashboard(program=program, month=month),
            "sql": lambda: dashboard_sql(program.pk, month),
        },
        PAGE_RUNS // 2,
    )
    return [
        measurement(
            f"dashboard data vs SQL ({label})",
            times["data"],
            baseline_seconds=times["sql"],
            baseline="hand-written SQL, same figures",
            budget_ratio=DASHBOARD_SQL_RATIO,
        )
    ]


def optional_measurements() -> list[Measurement]:
    """``measure()`` of bench/pdf.py and bench/exports.py when they exist, and of
    bench/national.py when PostgreSQL answers (``RUMBO_BENCH_NATIONAL``: 0 skips, 1
    requires). They run after the run's own database is gone."""
    import importlib

    out: list[Measurement] = []
    for name in OPTIONAL_MODULES:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ImportError:
            continue
        out += module.measure()
    from bench import national

    wanted = os.environ.get("RUMBO_BENCH_NATIONAL", "")
    if wanted == "0":
        print("  national-shape comparison skipped (RUMBO_BENCH_NATIONAL=0)")
    elif wanted == "1" or national.reachable():
        out += national.measure()
    else:
        print(f"  national-shape comparison skipped: no PostgreSQL at {national.SERVER}")
    return out


def bench_mir_pages() -> tuple[dict[str, list[float]], dict[str, int]]:
    """Time the design, MIR and ficha pages of the IECM vinculación sample, loaded as
    ``rumbo demo`` loads it (data file + simulated measurements through the services)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from rumbo.audit.services import Actor
    from rumbo.design.loader import import_design
    from rumbo.design.models import ProgramDesign
    from rumbo.indicators.demo import demo_measurements_load
    from rumbo.indicators.models import Indicator
    from rumbo.institutions.models import Institution, Membership, Role

    institution, _ = Institution.objects.get_or_create(
        code="IECM", defaults={"name": "Instituto Electoral de la Ciudad de México"}
    )
    import_design(
        ROOT / "data" / "samples" / "iecm_vinculacion_2024.json",
        institution_code="IECM",
        actor=Actor.cli(),
    )
    user = get_user_model().objects.get(username="bench-planeacion")
    Membership.objects.create(user=user, institution=institution, role=Role.PLANEACION)
    design = ProgramDesign.objects.get(node__program__institution=institution)
    demo_measurements_load(design=design, capturer=user, reviewer=user)
    quarterly = (
        Indicator.objects.filter(row__mir__design=design, frequency="trimestral")
        .order_by("pk")
        .first()
    )
    assert quarterly is not None
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    pages = {
        "mir_page": reverse("web:mir", args=["IECM", design.pk]),
        "mir_print": reverse("web:mir_print", args=["IECM", design.pk]),
        "indicator_page": reverse("web:indicator", args=["IECM", quarterly.pk]),
        "design_page": reverse("web:design", args=["IECM", design.pk]),
        "design_risks": reverse("web:design_risks", args=["IECM", design.pk]),
        "design_schedule": reverse("web:design_schedule", args=["IECM", design.pk]),
    }
    results: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}
    for name, url in pages.items():
        results[name], sizes[name] = time_get(client, url)
    return results, sizes


def bench_reports(code: str) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Time the monthly report of the imported IEEM program with the demo's simulated
    progress (loaded by ``bench_dashboards``), for October, as JSON, XLSX and PDF: the whole
    ``build_report`` call the page, the CLI and the queue make (queries, layout, file)."""
    from rumbo.reports.builders import build_report

    results: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}
    for fmt in ("json", "xlsx", "pdf"):
        args = {"kind": "monthly", "institution": code, "year": 2024, "month": 10, "fmt": fmt}
        build_report(**args)  # warm-up: fonts, templates
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            file = build_report(**args)
            timings.append(time.perf_counter() - start)
        results[f"report_monthly_{fmt}"] = timings
        sizes[fmt.upper()] = len(file.content)
    return results, sizes


if __name__ == "__main__":
    sys.exit(main())

"""Performance figures for `make bench`: import and export of the IEEM annual program.

Runs against a throwaway database (a temporary SQLite file, or the PostgreSQL server of
DATABASE_URL with a temporary database) so the demo data are never touched. Prints
median seconds over several runs and the peak memory of the process.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

BUDGET = {"import": 2.0, "export_json": 1.0, "export_xlsx": 1.0}
RUNS = 5


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

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Rumbo bench · database: {connection.vendor} · {RUNS} runs · sample {sample.name}")
    failed = False
    for name, values in results.items():
        median = statistics.median(values)
        budget = BUDGET.get(name)
        verdict = ""
        if budget is not None:
            ok = median < budget
            failed |= not ok
            verdict = f"  (budget {budget:.1f} s: {'ok' if ok else 'OVER'})"
        print(f"  {name:<12} median {median:.3f} s  min {min(values):.3f} s{verdict}")
    print(f"  export sizes: JSON {sizes['json']:,} bytes · XLSX {sizes['xlsx']:,} bytes")
    print(f"  peak memory (max RSS of the process): {peak_mib:.1f} MiB")
    if old_config is not None:
        teardown_databases(old_config, verbosity=0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

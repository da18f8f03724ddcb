"""Exports beside their raw data build, measured in the same run (issue 18, item 3).

For a synthetic 1,200-activity program (bench/synthetic.py, with progress January–October
and an approved baseline) each export is timed next to its baseline — the reads it is made
of, alone: for the program tree (API and the JSON/CSV/XLSX export) the ``values_list``
reads of ``program_tree_data`` plus the approved baseline; for the monthly XLSX the
report's data (``monthly_report``). On a shared machine the ratio says more than the
seconds; both are judged. Runs inside an already set-up Django (as bench/run.py's
functions do): ``measure()`` adds its own institution and program.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from bench.common import interleaved

CODE = "EXP1200"
ACTIVITIES = 1200
RUNS = 7
# Seconds: the targets. Ratios: what the export may cost over its reads.
BUDGETS: dict[str, tuple[float, float]] = {
    "api_program_tree": (0.300, 3.0),
    "program_export_json": (0.300, 3.0),
    "program_export_csv": (0.300, 3.0),
    # ~30,000 cells streamed (rumbo.core.xlsx); ×12.8 through openpyxl's write-only cells.
    "program_export_xlsx": (1.000, 5.0),
    "monthly_xlsx": (0.400, 3.0),
}


def _export(build: Callable[..., Any], fmt: str) -> None:
    build(institution=CODE, year=2024, fmt=fmt)


def _setup() -> tuple[Any, str]:
    """The program (built once) and an API token of a Planeación user of it."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bench.synthetic import synthetic_program, synthetic_progress
    from rumbo.accounts.tokens import token_create
    from rumbo.audit.services import Actor
    from rumbo.institutions.models import Institution, Membership, Role
    from rumbo.programs.models import AnnualProgram
    from rumbo.programs.versions import version_freeze

    institution, created = Institution.objects.get_or_create(
        code=CODE, defaults={"name": "Institución de 1,200 actividades"}
    )
    if created:
        program = synthetic_program(institution=institution, activities=ACTIVITIES).program
        version_freeze(program=program, user=None, reason="Aprobación", at=timezone.now())
        synthetic_progress(program=program, months=10)
    program = AnnualProgram.objects.get(institution=institution, year=2024)
    user, _ = get_user_model().objects.get_or_create(username="bench-exports")
    Membership.objects.get_or_create(
        user=user, institution=institution, defaults={"role": Role.PLANEACION}
    )
    _, raw = token_create(actor=Actor.cli(), user=user)
    return program, raw


def measure(runs: int = RUNS) -> list[dict[str, Any]]:
    """Each export's typical seconds beside its baseline's, with the budgets."""
    import json

    from django.test import Client

    from rumbo.programs.exports import build_program_export
    from rumbo.programs.selectors import program_get
    from rumbo.programs.selectors.tree_data import program_tree_data
    from rumbo.programs.versions import baseline_targets
    from rumbo.reports.builders import build_report
    from rumbo.reports.monthly import monthly_report

    program, raw = _setup()
    client = Client(HTTP_HOST="localhost")
    url = f"/api/v1/institutions/{CODE}/programs/2024"
    headers = {"Authorization": f"Bearer {raw}"}

    def tree_reads() -> None:
        found = program_get(institution=program.institution, year=2024)
        assert found is not None
        program_tree_data(program=found)
        baseline_targets(found)

    def api() -> None:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.status_code
        json.loads(response.content)

    def monthly_data() -> None:
        monthly_report(institution=CODE, year=2024, month=10)

    # Each export is timed in the same rounds as its baseline (interleaved), so a busy
    # spell of a shared machine falls on both alike.
    timed: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
        "api_program_tree": (api, tree_reads),
        **{
            f"program_export_{fmt}": (partial(_export, build_program_export, fmt), tree_reads)
            for fmt in ("json", "csv", "xlsx")
        },
        "monthly_xlsx": (
            lambda: build_report(kind="monthly", institution=CODE, year=2024, month=10, fmt="xlsx"),
            monthly_data,
        ),
    }
    results = []
    for name, (fn, base) in timed.items():
        typical = interleaved({"export": fn, "baseline": base}, runs)
        seconds, baseline = typical["export"], typical["baseline"]
        budget_seconds, budget_ratio = BUDGETS[name]
        results.append(
            {
                "name": name,
                "seconds": seconds,
                "baseline_seconds": baseline,
                "ratio": seconds / baseline if baseline else None,
                "budget_ratio": budget_ratio,
                "budget_seconds": budget_seconds,
            }
        )
    return results


def report(results: list[dict[str, Any]]) -> tuple[list[str], bool]:
    """Printable lines and whether every ratio is within its budget (the verdict; the
    seconds are shown against the issue's targets for information)."""
    lines = [f"  exports, {ACTIVITIES:,} activities (beside their raw data build):"]
    ok = True
    for r in results:
        within = r["ratio"] is not None and r["ratio"] <= r["budget_ratio"]
        ok &= within
        lines.append(
            f"    {r['name']:<22} {r['seconds'] * 1000:7.1f} ms"
            f" · data {r['baseline_seconds'] * 1000:6.1f} ms"
            f" · ×{r['ratio']:.2f} (budget ×{r['budget_ratio']:.1f}: {'ok' if within else 'OVER'})"
            f" · target {r['budget_seconds'] * 1000:.0f} ms"
            f" {'met' if r['seconds'] < r['budget_seconds'] else 'missed'}"
        )
    return lines, ok


if __name__ == "__main__":  # pragma: no cover - run inside bench/run.py's setup instead
    raise SystemExit("Run `make bench` (bench/run.py calls measure()).")

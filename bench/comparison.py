"""The national comparison («Comparativo nacional») against its baseline, on the current
database.

    DATABASE_URL=postgres://…/rumbo_national python bench/comparison.py [--year 2024] [--rebuild]

``measure()`` runs against whatever Django database is set up (the IEEM demo, a test
database, or the national-shape one ``bench/national.py`` builds: 33 institutions × 5 years
× 1,200 activities) and returns one dict per figure: ``name``, ``seconds`` (typical: the
lower quartile), ``baseline_seconds`` (typical, the same rounds interleaved),
``budget_seconds`` (0.3: the issue's «under 300 ms for 33 institutions × 12 months») and
what was read. The figures:

- ``comparison_data``: what ``GET /api/v1/open/comparison/{year}`` answers, built by its
  selector (``rumbo.opendata.selectors.public_comparison``) and the endpoint's dict;
- ``comparison_api``: the endpoint itself through ``django.test.Client`` (routing, ninja's
  validation and JSON);

both beside the baseline: the raw read of the summary rows of that year (one SQL statement,
no Python objects). With ``--rebuild`` the summary is first rebuilt from the figures
(``rumbo opendata rebuild-summary``) and that time is printed too (not budgeted: it runs on
each approval for one program, and in full only by the command).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

BUDGET = 0.3
ROUNDS = 11

RAW_SQL = """
SELECT i.code, i.name, s.month, s.average_compliance, s.on_track_share, s.timeliness,
       s.completeness
FROM opendata_programmonthsummary s
JOIN programs_annualprogram p ON p.id = s.program_id
JOIN institutions_institution i ON i.id = p.institution_id
JOIN opendata_publication pub ON pub.program_id = p.id AND pub.kind = 'programa'
WHERE p.year = %s
ORDER BY i.code, s.month
"""


def busiest_year() -> int | None:
    """The year the most institutions publish (the national view worth timing)."""
    from django.db.models import Count

    from rumbo.opendata.models import Publication, PublicationKind

    row = (
        Publication.objects.filter(kind=PublicationKind.PROGRAM)
        .values("program__year")
        .annotate(n=Count("id"))
        .order_by("-n", "-program__year")
        .first()
    )
    return row["program__year"] if row else None


def _raw(year: int) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, [year])
        return cursor.fetchall()


def _data(year: int) -> dict[str, Any]:
    from rumbo.opendata.api.router import open_comparison

    return open_comparison(None, year)  # type: ignore[arg-type]  # the request is unused


def _api(client: Any, year: int) -> bytes:
    response = client.get(f"/api/v1/open/comparison/{year}")
    assert response.status_code == 200, response.status_code
    return response.content


def _interleaved(
    measured: Callable[[], object], baseline: Callable[[], object], rounds: int
) -> tuple[float, float]:
    """Typical times of both, timed in the same rounds (``bench.common.interleaved``)."""
    from bench.common import interleaved

    times = interleaved({"measured": measured, "baseline": baseline}, rounds)
    return times["measured"], times["baseline"]


def measure(*, year: int | None = None, rounds: int = ROUNDS) -> list[dict[str, Any]]:
    """Time the comparison of ``year`` (default: the year most institutions publish) on the
    current database; an empty list when nothing is published."""
    year = year or busiest_year()
    if year is None:
        return []
    from django.test import Client
    from django.test.utils import override_settings

    rows = _raw(year)
    institutions = len({r[0] for r in rows})
    client = Client()
    out = []
    for name, fn in (
        ("comparison_data", lambda: _data(year)),
        ("comparison_api", lambda: _api(client, year)),
    ):
        with override_settings(ALLOWED_HOSTS=["testserver"]):  # the in-process client's host
            seconds, baseline = _interleaved(fn, lambda: _raw(year), rounds)
        out.append(
            {
                "name": name,
                "seconds": seconds,
                "baseline_seconds": baseline,
                "budget_seconds": BUDGET,
                "year": year,
                "institutions": institutions,
                "rows": len(rows),
            }
        )
    return out


def rebuild() -> float:
    from rumbo.opendata.summary import summary_rebuild

    started = time.perf_counter()
    summary_rebuild()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, help="ejercicio (por omisión, el más publicado)")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--rebuild", action="store_true", help="recalcular el resumen antes")
    args = parser.parse_args()
    import django

    django.setup()
    if args.rebuild:
        print(f"rebuild-summary: {rebuild():.2f} s")
    results = measure(year=args.year, rounds=args.rounds)
    if not results:
        print("No institution publishes a program: nothing to compare.")
        return 1
    over = False
    for r in results:
        verdict = "ok" if r["seconds"] <= r["budget_seconds"] else "OVER"
        over |= verdict == "OVER"
        print(
            f"{r['name']:<16} {r['year']} · {r['institutions']} institutions, {r['rows']} rows: "
            f"{r['seconds'] * 1000:7.1f} ms (baseline raw summary read "
            f"{r['baseline_seconds'] * 1000:.1f} ms, ×{r['seconds'] / r['baseline_seconds']:.1f}; "
            f"budget {r['budget_seconds'] * 1000:.0f} ms) {verdict}"
        )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

"""The «Informe de avance físico-financiero» on the IEEM demo, on a throwaway SQLite database.

    python bench/physical_financial.py

Builds the demo (``rumbo demo``: IEEM 2024, 318 activities, simulated progress January–
October and the simulated budget) and times, for October, each face of the report beside
its baseline — the raw data build: the activities' figures and the budget lines read
(``program_figures`` + ``budget_figures``), timed in turn within each round
(``bench.common.interleaved``) so that a busy machine slows both sides alike. Judged by the
ratio only (``bench/common.py``): the report's data (the one definition over those reads),
its HTML (data + template), its XLSX and its PDF (whole ``build_report`` calls, as the page,
the CLI and the queue make them). ``measure()`` returns the measurements for ``make bench``.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    Measurement,
    interleaved,
    measurement,
    table,
    throwaway_django,
)

RUNS = 7
MONTH = 10
# What each face may cost over the raw reads. Measured on 2 shared cores (load 3–5): data
# 1.29× (483 ms against 375 ms of reads), HTML 1.47×, XLSX 1.75×, PDF 2.68× (Chromium warm).
BUDGET_RATIO = {"data": 2.0, "html": 2.5, "xlsx": 3.0, "pdf": 6.0}


def _demo() -> None:
    throwaway_django("rumbo-bench-pf-")
    from django.core.management import call_command

    call_command("rumbo_demo", stdout=io.StringIO())


def measure(runs: int = RUNS) -> list[Measurement]:
    _demo()
    from rumbo.budget.figures import budget_figures
    from rumbo.monitoring.figures import program_figures
    from rumbo.programs.models import AnnualProgram
    from rumbo.reports.builders import build_report
    from rumbo.reports.physical_financial import physical_financial_report
    from rumbo.reports.render.html import report_pdf_html

    program = AnnualProgram.objects.get(institution__code="IEEM", year=2024)
    args = {"kind": "fisico-financiero", "institution": "IEEM", "year": 2024, "month": MONTH}

    def reads() -> None:
        figures = program_figures(program=program, month=MONTH)
        budget_figures(program, nodes=figures.nodes)

    def data() -> object:
        return physical_financial_report(institution="IEEM", year=2024, month=MONTH)

    build_report(**args, fmt="pdf")  # warm-up: the browser's start, fonts, templates
    times = interleaved(
        {
            "reads": reads,
            "data": data,
            "html": lambda: report_pdf_html("fisico-financiero", data()),
            "xlsx": lambda: build_report(**args, fmt="xlsx"),
            "pdf": lambda: build_report(**args, fmt="pdf"),
        },
        runs,
    )
    baseline = "raw reads (program_figures + budget_figures)"
    return [
        measurement(
            f"physical_financial_{face} (IEEM demo 2024-{MONTH:02d})",
            times[face],
            baseline_seconds=times["reads"],
            baseline=baseline,
            budget_ratio=BUDGET_RATIO[face],
        )
        for face in ("data", "html", "xlsx", "pdf")
    ]


def main() -> int:
    measured = measure()
    text, failed = table(measured)
    print("Rumbo bench · informe de avance físico-financiero · IEEM demo (rumbo demo)")
    print(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

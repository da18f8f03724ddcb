"""PDF figures for `make bench` (called by bench/run.py inside its set-up Django).

Each PDF is timed beside the same report's HTML build (data + template, what the page
costs) measured in the same run, so a busy machine slows both: the ratio is judged, and
the seconds are printed beside it. Peak memory is the proportional set size (PSS) of this
process and every process under it (Chromium and its renderers),
sampled every 20 ms: shared libraries counted once, as RSS would not.

    measure(code)  # code: an institution whose 2024 program has the demo's progress
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path
from typing import Any

from bench.common import interleaved, typical_seconds

RUNS = 5
# The targets on a quiet machine: the 22-page monthly report under 1.5 s, a
# 1,200-activity program's report under 3 s, peak memory under 200 MiB — printed beside
# each figure, informative (an absolute time on a shared machine says little).
TARGET_SECONDS = {"pdf_monthly": 1.5, "pdf_program_1200": 3.0}
# Judged: the whole PDF (data, template, print) against the print engine alone printing
# the same HTML, already built, timed in the same rounds (interleaved): what Rumbo adds to
# the engine's own cost. The HTML build was the baseline until the figures got faster than
# the print (a faster data build then read as a worse ratio); the engine is the floor a
# PDF cannot go below, so the ratio now falls when Rumbo's part gets faster.
BUDGET_RATIO = {"pdf_monthly": 1.5, "pdf_program_1200": 1.5}


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack += children.get(current, [])
    return found


def tree_pss_mib(*, children_only: bool = False) -> float:
    """PSS of this process and all its descendants (or only these), in MiB."""
    total = 0
    for pid in _descendants(os.getpid())[1 if children_only else 0 :]:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        match = re.search(r"^Pss:\s+(\d+)", text, re.M)
        total += int(match.group(1)) if match else 0
    return total / 1024


class PeakSampler:
    def __init__(self) -> None:
        self.peak = 0.0
        self.browser_peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_pss_mib())
            self.browser_peak = max(self.browser_peak, tree_pss_mib(children_only=True))
            self._stop.wait(0.02)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _synthetic_1200() -> str:
    from bench.synthetic import synthetic_program
    from rumbo.institutions.models import Institution

    code = "PDF1200"
    if not Institution.objects.filter(code=code).exists():
        institution = Institution.objects.create(code=code, name="Institución sintética 1,200")
        synthetic_program(institution=institution, activities=1200)
    return code


def _pair(name: str, args: dict[str, Any]) -> dict[str, Any]:
    from django.conf import settings

    from rumbo.core import pdf
    from rumbo.reports.builders import build_report, report_data
    from rumbo.reports.render.html import report_pdf_html

    kind = args["kind"]
    data_args = {k: v for k, v in args.items() if k != "fmt"}
    html_seconds = typical_seconds(lambda: report_pdf_html(kind, report_data(**data_args)), RUNS)
    html = report_pdf_html(kind, report_data(**data_args))
    idle_browser = tree_pss_mib(children_only=True)
    idle_process = tree_pss_mib() - idle_browser
    timed = interleaved(
        {
            "pdf": lambda: build_report(**args),
            "engine": lambda: pdf.html_to_pdf(html, base_url=settings.BASE_DIR),
        },
        RUNS,
    )
    # Memory in a run of its own: sampling /proc every 20 ms costs CPU and the GIL, and
    # slowed the timed PDFs by up to half on this 2-core machine.
    with PeakSampler() as sampler:
        build_report(**args)
    return {
        "name": name,
        "seconds": timed["pdf"],
        "baseline_seconds": timed["engine"],
        "baseline": "the engine printing the same HTML, already built",
        "budget_ratio": BUDGET_RATIO[name],
        "target_seconds": TARGET_SECONDS[name],
        "html_seconds": html_seconds,
        "peak_mib": sampler.peak,
        "browser_peak_mib": sampler.browser_peak,
        "idle_process_mib": idle_process,
        "idle_browser_mib": idle_browser,
    }


def measure(code: str = "IEEM") -> list[dict[str, Any]]:
    """The monthly report of ``code`` (2024-10) and a 1,200-activity program's POA as PDF
    with Chromium; the first line is the browser's start (once per process)."""
    from rumbo.core import pdf
    from rumbo.reports.builders import build_report

    pdf.shutdown()  # a cold start, measured
    monthly = {"kind": "monthly", "institution": code, "year": 2024, "month": 10, "fmt": "pdf"}
    start = time.perf_counter()
    build_report(**monthly)
    cold = time.perf_counter() - start
    rows = [_pair("pdf_monthly", monthly)]
    rows.insert(
        0,
        {
            "name": "pdf_monthly_first",
            "seconds": cold,
            "baseline_seconds": rows[0]["seconds"],
            "baseline": "the same PDF once the browser runs",
            "note": (
                f"browser start ≈ {cold - rows[0]['seconds']:.2f} s, once per process"
                if cold > rows[0]["seconds"]
                else "browser start within the noise of one PDF"
            ),
        },
    )
    program = {"kind": "program", "institution": _synthetic_1200(), "year": 2024, "fmt": "pdf"}
    build_report(**program)  # warm-up
    rows.append(_pair("pdf_program_1200", program))
    rows[0]["engine"] = pdf.chromium_path() or "WeasyPrint (no Chromium)"
    return rows


def lines(rows: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """Printable lines and whether each is within its budget."""
    out = []
    for row in rows:
        ratio = row["seconds"] / row["baseline_seconds"] if row["baseline_seconds"] else 0.0
        ok = True
        verdict = ""
        if "budget_ratio" in row:
            ok = ratio <= row["budget_ratio"]
            verdict = f" (budget ×{row['budget_ratio']:g}: {'ok' if ok else 'OVER'})"
        extra = ""
        if "target_seconds" in row:
            met = "met" if row["seconds"] <= row["target_seconds"] else "missed"
            extra += (
                f" · target {row['target_seconds']:g} s {met} (informative)"
                f" · HTML build {row['html_seconds']:.3f} s"
            )
        if "peak_mib" in row:
            extra += (
                f" · peak {row['peak_mib']:.0f} MiB PSS: the browser {row['browser_peak_mib']:.0f}"
                f" (idle {row['idle_browser_mib']:.0f}), this Django process before it"
                f" {row['idle_process_mib']:.0f}"
            )
        extra += f" · {row['note']}" if "note" in row else ""
        extra += f" · {row['engine']}" if "engine" in row else ""
        out.append(
            (
                f"  {row['name']:<22} {row['seconds']:.3f} s  vs {row['baseline_seconds']:.3f} s"
                f" ({row['baseline']}) ×{ratio:.1f}{verdict}{extra}",
                ok,
            )
        )
    return out

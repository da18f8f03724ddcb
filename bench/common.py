"""The one format of a bench measurement, and the table that judges it.

Every bench module (``bench/run.py``'s own sections, ``bench/national.py`` and any
``bench/<name>.py`` exposing ``measure() -> list[dict]``) returns measurements as dicts:

- ``name``: what was measured (one line of the table);
- ``seconds``: its typical time (``typical``: the lower quartile of its rounds), in seconds;
- ``baseline_seconds``: the typical time of its baseline measured in the same run, interleaved
  round by round (the hand-written SQL for a dashboard, the raw data build for an export,
  the one-institution database for a national-shape one), or None;
- ``baseline``: a few words naming that baseline (optional);
- ``budget_ratio``: the largest ``seconds / baseline_seconds`` allowed (optional);
- ``budget_seconds``: the largest ``seconds`` allowed (optional; for a figure without a
  baseline);
- ``informative``: True when the figure is printed but judges nothing (optional).

A measurement with a ratio budget is judged by the ratio only: on a shared machine both
sides slow down together, so the ratio still means something when the absolute time does
not. One with only ``budget_seconds`` is judged by time; ``informative`` ones never fail.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

Measurement = dict[str, Any]


def settle() -> None:
    """Collect garbage before a timed call (untimed). CPython runs a full collection when
    the objects that survived since the last one pass a quarter of the heap; a call that
    allocates about that much triggers it every second call, so in an A/B/A/B sequence it
    fell on the same side every round (the same program's monthly report measured 1.52×
    and then 0.71× its one-institution time, with the same SQL times on both). Collected
    first, every call starts alike; a collection the call itself triggers is still timed."""
    gc.collect()


def typical(timings: list[float]) -> float:
    """The time a call takes: the lower quartile of its timed rounds. On a shared machine
    noise only adds time (another process, a slower spell of the virtual CPU): within one
    run here the same dashboard call took 222 to 398 ms, fast and slow rounds mixed, and a
    median of 15 rounds moved with the share of slow ones (the same comparison read 1.25×
    and 0.97× in two runs). The lower quartile keeps to the code's own cost without
    trusting the single luckiest round (the minimum; what ``timeit`` advises)."""
    if len(timings) < 2:
        return timings[0]
    return statistics.quantiles(timings, n=4, method="inclusive")[0]


def typical_seconds(fn: Callable[[], object], runs: int) -> float:
    """The typical time of ``runs`` timed calls of ``fn`` (after one untimed warm-up)."""
    fn()
    timings = []
    for _ in range(runs):
        settle()
        start = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - start)
    return typical(timings)


def interleaved_timings(fns: dict[str, Callable[[], object]], runs: int) -> dict[str, list[float]]:
    """Seconds of each of ``fns`` in every round: timed in turn within a round (one warm-up
    round first), so that a busy spell of the machine falls on all of them alike, in the
    opposite order every other round, so that neither always runs first (after the other
    has warmed a cache, or before). Each call starts from the same state of the garbage
    collector (``settle``)."""
    timings: dict[str, list[float]] = {name: [] for name in fns}
    order = list(fns.items())
    for round_ in range(runs + 1):
        for name, fn in order if round_ % 2 else reversed(order):
            settle()
            start = time.perf_counter()
            fn()
            if round_:
                timings[name].append(time.perf_counter() - start)
    return timings


def interleaved(fns: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """The typical time of each of ``fns`` (``interleaved_timings``, ``typical``)."""
    timings = interleaved_timings(fns, runs)
    return {name: typical(values) for name, values in timings.items()}


def measurement(
    name: str,
    seconds: float,
    *,
    baseline_seconds: float | None = None,
    baseline: str = "",
    budget_ratio: float | None = None,
    budget_seconds: float | None = None,
    informative: bool = False,
) -> Measurement:
    return {
        "name": name,
        "seconds": seconds,
        "baseline_seconds": baseline_seconds,
        "baseline": baseline,
        "budget_ratio": budget_ratio,
        "budget_seconds": budget_seconds,
        "informative": informative,
    }


def ratio(m: Measurement) -> float | None:
    base = m.get("baseline_seconds")
    return m["seconds"] / base if base else None


def verdict(m: Measurement) -> str:
    """«ok», «OVER» or «info» (informative, or nothing to judge by)."""
    if m.get("informative"):
        return "info"
    r = ratio(m)
    if m.get("budget_ratio") is not None and r is not None:
        return "ok" if r <= m["budget_ratio"] else "OVER"
    if m.get("budget_seconds") is not None:
        return "ok" if m["seconds"] <= m["budget_seconds"] else "OVER"
    return "info"


def _time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(measurements: Iterable[Measurement]) -> tuple[str, bool]:
    """The closing table (one line per measurement) and whether any is «OVER»."""
    rows = list(measurements)
    width = max([len(m["name"]) for m in rows] + [20])
    lines = [
        f"  {'measurement':<{width}} {'time':>10} {'baseline':>10} {'ratio':>6}"
        f" {'budget':>9}  verdict  baseline is",
    ]
    over = False
    for m in rows:
        r = ratio(m)
        if m.get("budget_ratio") is not None:
            budget = f"≤{m['budget_ratio']:.2f}×"
        elif m.get("budget_seconds") is not None:
            budget = "≤" + _time(m["budget_seconds"])
        else:
            budget = "—"
        v = verdict(m)
        over |= v == "OVER"
        lines.append(
            f"  {m['name']:<{width}} {_time(m['seconds']):>10}"
            f" {_time(m.get('baseline_seconds')):>10}"
            f" {(f'{r:.2f}×' if r is not None else '—'):>6} {budget:>9}  {v:<7}"
            f"  {m.get('baseline') or ''}"
        )
    return "\n".join(lines), over


def throwaway_django(prefix: str) -> Path:
    """Point Django at a new SQLite file in a new temporary folder (``RUMBO_DATA_DIR`` too),
    set it up and migrate it: the database a bench module measures on. Returns the folder."""
    import os
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["RUMBO_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return folder

"""Time and peak memory of reading each hostile spreadsheet, through each reader.

    python bench/hostile_uploads.py [--timeout SECONDS] [--zip-bomb-mb N]

Every (file, reader) pair runs in a child process of its own, under a memory ceiling
(RLIMIT_AS, 3 GB) and a time limit, so a file that ties up the reader is killed and
reported as such. The readers are the ones behind the upload faces: the publication
checker (``check_file``, the checker page and ``rumbo check-format``) and the Excel round
trip (``workbook_read``, the upload page). Prints one line per pair: seconds, the child's
peak resident memory (and the same child's memory before reading, so the difference is
what the file cost), and how it ended. Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEMORY_CEILING = 3 * 1024**3
FILES = ["far_corner", "zip_bomb", "billion_laughs", "billion_laughs_workbook", "xxe", "csv_10mb"]
READERS = ["checker", "roundtrip"]


def build(kind: str, bomb_mb: int) -> tuple[str, bytes]:
    from tests.core import hostile_files as h

    if kind == "far_corner":
        return "esquina.xlsx", h.far_corner()
    if kind == "zip_bomb":
        return "bomba.xlsx", h.zip_bomb(bomb_mb)
    if kind == "billion_laughs":
        return "risas.xlsx", h.billion_laughs()
    if kind == "billion_laughs_workbook":
        return "risas-libro.xlsx", h.billion_laughs_in_workbook()
    if kind == "xxe":
        return "xxe.xlsx", h.xxe()
    return "campo.csv", h.csv_with_long_field(10)


def child(kind: str, reader: str, bomb_mb: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from rumbo.programs.models import AnnualProgram
    from rumbo.programs.roundtrip.read import workbook_read
    from rumbo.transparency.checker import check_file

    name, content = build(kind, bomb_mb)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        if reader == "checker":
            result = check_file(name=name, content=content, format_id="fr-iv")
            outcome = f"read: {result.data_rows} rows"
        else:
            read = workbook_read(content, program=AnnualProgram(level_names=[]))
            outcome = f"read: {len(read.rows)} rows"
    except Exception as exc:
        text = getattr(exc, "message", None) or str(exc)
        outcome = f"{type(exc).__name__}: {text[:160]}"
    elapsed = time.perf_counter() - started
    print(f"{len(content)}\t{before}\t{elapsed:.3f}\t{outcome}", flush=True)


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))


def run(kind: str, reader: str, timeout: float, bomb_mb: int) -> str:
    args = [sys.executable, __file__, "--child", kind, reader, "--zip-bomb-mb", str(bomb_mb)]
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_limit
    )
    killed = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - started > timeout:
            proc.kill()
            killed = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    peak_mb = usage.ru_maxrss / 1024
    if killed:
        return f"{kind:24} {reader:9} > {timeout:.0f} s (killed)  peak {peak_mb:7.0f} MB"
    if not out.strip():
        last = err.strip().splitlines()[-1] if err.strip() else f"status {status}"
        return f"{kind:24} {reader:9} crashed: {last[:120]}  peak {peak_mb:7.0f} MB"
    size, before, elapsed, outcome = out.strip().split("\t", 3)
    return (
        f"{kind:24} {reader:9} {float(elapsed):7.3f} s  peak {peak_mb:7.0f} MB "
        f"(before reading {int(before) / 1024:5.0f} MB)  file {int(size):>9,} B  {outcome}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=2)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--zip-bomb-mb", type=int, default=300)
    parser.add_argument("--only", nargs="*", choices=FILES)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.zip_bomb_mb)
        return
    for kind in args.only or FILES:
        for reader in READERS:
            print(run(kind, reader, args.timeout, args.zip_bomb_mb), flush=True)


if __name__ == "__main__":
    main()

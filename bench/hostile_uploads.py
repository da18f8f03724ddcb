"""Time and peak memory of reading each hostile spreadsheet, through each reader.

    python bench/hostile_uploads.py [--timeout SECONDS] [--zip-bomb-mb N]

Each file is built first (tests/core/hostile_files.py), then every (file, reader) pair
runs in a child process of its own, under a memory ceiling
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
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEMORY_CEILING = 3 * 1024**3
FILES = [
    "far_corner",
    "zip_bomb",
    "billion_laughs",
    "billion_laughs_workbook",
    "xxe",
    "csv_10mb",
    "largest_real",  # not hostile: the largest shape allowed in practice, for comparison
]
READERS = ["checker", "roundtrip"]


def build(kind: str, bomb_mb: int) -> tuple[str, bytes]:
    from tests.core import hostile_files as h

    builders = {
        "far_corner": ("esquina.xlsx", h.far_corner),
        "zip_bomb": ("bomba.xlsx", lambda: h.zip_bomb(bomb_mb)),
        "billion_laughs": ("risas.xlsx", h.billion_laughs),
        "billion_laughs_workbook": ("risas-libro.xlsx", h.billion_laughs_in_workbook),
        "xxe": ("xxe.xlsx", h.xxe),
        "csv_10mb": ("campo.csv", lambda: h.csv_with_long_field(10)),
        "largest_real": ("grande.xlsx", _largest_real),
    }
    name, make = builders[kind]
    return name, make()


def _largest_real() -> bytes:
    """20,000 rows × 21 columns (fr. VI's width), text and numbers, saved by openpyxl."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Actividades"
    for r in range(20_000):
        ws.append([f"texto {r} {c}" if c % 2 else r * c + 0.5 for c in range(21)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def child(path: Path, reader: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from rumbo.programs.models import AnnualProgram
    from rumbo.programs.roundtrip.read import workbook_read
    from rumbo.transparency.checker import check_file

    name, content = path.name, path.read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        if reader == "checker":
            result = check_file(name=name, content=content, format_id="fr-iv")
            outcome = f"read: {result.data_rows} rows"
        else:
            read = workbook_read(content, program=AnnualProgram(level_names=[]), name=name)
            outcome = f"read: {len(read.rows)} rows"
    except Exception as exc:
        text = getattr(exc, "message", None) or str(exc)
        outcome = f"{type(exc).__name__}: {text[:160]}"
    elapsed = time.perf_counter() - started
    print(f"{len(content)}\t{before}\t{elapsed:.3f}\t{outcome}", flush=True)


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))


def run(kind: str, path: Path, reader: str, timeout: float) -> str:
    args = [sys.executable, __file__, "--child", str(path), reader]
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
    parser.add_argument("--build", nargs=2)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--zip-bomb-mb", type=int, default=300)
    parser.add_argument("--only", nargs="*", choices=FILES)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1])
        return
    if args.build:
        name, content = build(args.build[0], args.zip_bomb_mb)
        path = Path(args.build[1]) / name
        path.write_bytes(content)
        print(path)
        return
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.only or FILES:
            # Built by a process of its own: a child forked from a parent that had built a
            # big file would report the parent's memory as its own (ru_maxrss).
            built = subprocess.run(
                [sys.executable, __file__, "--build", kind, folder, "--zip-bomb-mb",
                 str(args.zip_bomb_mb)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            path = Path(built.stdout.strip())
            for reader in READERS:
                print(run(kind, path, reader, args.timeout), flush=True)


if __name__ == "__main__":
    main()

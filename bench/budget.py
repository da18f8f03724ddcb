"""The budget import on a 100,000-row file, on a throwaway SQLite database.

    python bench/budget.py

``measure()`` returns one dict per figure (name, seconds, budget_seconds) for `make bench`:
the first import of the file (every line created and audited) and its re-import (nothing
changes). The program has 42 proyectos; each has 40 partidas × fuente 11 × 10 months ×
6 momentos: 100,800 rows, cut to 100,000.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import throwaway_django  # noqa: E402

ROWS = 100_000
BUDGET_SECONDS = 10.0
PARTIDAS = [
    f"{g}01"
    for g in (
        "211",
        "212",
        "214",
        "215",
        "216",
        "221",
        "246",
        "261",
        "271",
        "291",
        "294",
        "311",
        "313",
        "314",
        "315",
        "317",
        "318",
        "323",
        "325",
        "331",
        "333",
        "334",
        "336",
        "338",
        "341",
        "345",
        "347",
        "351",
        "353",
        "355",
        "358",
        "361",
        "371",
        "372",
        "375",
        "381",
        "382",
        "383",
        "392",
        "515",
    )
]
MOMENTS = ("aprobado", "modificado", "comprometido", "devengado", "ejercido", "pagado")


def _file(folder: Path, keys: list[str]) -> Path:
    lines = ["Clave programática,Partida,Fuente,Mes,Momento,Importe"]
    for key in keys:
        for partida in PARTIDAS:
            for month in range(1, 11):
                for n, moment in enumerate(MOMENTS):
                    lines.append(f'{key},{partida},11,{month},{moment},"{10_000 - n * 500:,}.50"')
    path = folder / "presupuesto-100k.csv"
    path.write_text("\n".join(lines[: ROWS + 1]) + "\n", encoding="utf-8")
    return path


def measure() -> list[dict[str, object]]:
    tmp = throwaway_django("rumbo-bench-budget-")
    from rumbo.audit.services import Actor
    from rumbo.budget.importer import import_budget
    from rumbo.institutions.models import Institution
    from rumbo.programs.models import AnnualProgram, ProgramNode

    institution = Institution.objects.create(code="BENCH", name="Bench", short_name="Bench")
    program = AnnualProgram.objects.create(institution=institution, year=2024, name="Bench")
    sub = ProgramNode.objects.create(program=program, key="01", name="Subprograma", depth=0)
    keys = [f"01{n:02d}" for n in range(1, 43)]
    for key in keys:
        ProgramNode.objects.create(program=program, parent=sub, key=key, name=key, depth=1)
    path = _file(tmp, keys)
    out = []
    for name in ("budget_import_100k", "budget_reimport_100k"):
        start = time.perf_counter()
        import_budget(path, institution_code="BENCH", year=2024, through=10, actor=Actor.cli())
        out.append(
            {"name": name, "seconds": time.perf_counter() - start, "budget_seconds": BUDGET_SECONDS}
        )
    return out


def main() -> int:
    failed = False
    for row in measure():
        ok = row["seconds"] < row["budget_seconds"]  # type: ignore[operator]
        failed |= not ok
        print(
            f"{row['name']:<24} {row['seconds']:7.2f} s  (presupuesto {row['budget_seconds']} s)"
            f"  {'ok' if ok else 'EXCEDIDO'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

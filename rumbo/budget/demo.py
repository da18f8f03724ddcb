"""A simulated budget for the demonstration (``rumbo demo``), clearly labelled, loaded
through the import itself: the file is generated, then ``import_budget`` reads it.

For each proyecto (depth-1 node) of the program: an annual aprobado (a deterministic hash of
its key, no random generator) spread over three or four partidas of different capítulos
(1000, 2000, 3000 and, for some, 5000) with fuente 11, and over the months as its
activities are programmed (the number of its activities with a target in each month).
Modificado equals aprobado (the adecuaciones come later). In a proyecto in three the
viáticos (37501) are budgeted to its first activity, for a cost per unit of output. Up
to ``last_month``, devengado to date follows the proyecto's physical progress to date —
the unit-free average compliance the caller gives (``physical``: node key, month → 0..1,
from ``rumbo.monitoring.figures``) — so money and activities move together; comprometido,
ejercido and pagado follow devengado, never above what the momento before them allows.
Every partida is named «… (simulado para demostración)» and the file is called so too.
Re-running imports the same file: nothing changes.
"""

from __future__ import annotations

import hashlib
import io
from collections import defaultdict
from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from rumbo.audit.services import Actor
from rumbo.core.exportfile import safe_csv_writer
from rumbo.imports.base import ImportReport
from rumbo.programs.models import Activity, AnnualProgram, MonthlyTarget, ProgramNode

from .importer import HEADERS, import_budget
from .services import cog_load

LABEL = "(simulado para demostración)"
CENT = Decimal("0.01")
SOURCE = "11"
# partida específica, name, share of the proyecto's budget
ITEMS = (
    ("12101", "Honorarios asimilables a salarios", Decimal("0.55")),
    ("21101", "Materiales y útiles de oficina", Decimal("0.10")),
    ("37501", "Viáticos en el país", Decimal("0.15")),
    ("33401", "Servicios de capacitación", Decimal("0.20")),
)
EQUIPMENT = ("51501", "Equipo de cómputo", Decimal("0.20"))  # a proyecto in four buys it
# In a proyecto in three, the viáticos are budgeted to its first activity (the line's key is
# the activity's), so the physical-financial report has a cost per unit of output to show.
ACTIVITY_ITEM = "37501"
FALLBACK_PHYSICAL = Decimal("0.9")


def file_name(program: AnnualProgram) -> str:
    return f"presupuesto-{program.institution.code}-{program.year}-simulado-para-demostracion.csv"


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_DOWN)


def _weights(program: AnnualProgram) -> dict[int, list[int]]:
    """Per proyecto (node id), its activities with a target in each month (index 0 = enero)."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * 12)
    rows = MonthlyTarget.objects.filter(activity__program=program, quantity__gt=0).values_list(
        "activity__node_id", "month"
    )
    for node_id, month in rows:
        counts[node_id][month - 1] += 1
    return counts


def _calendar(total: Decimal, weights: list[int]) -> list[Decimal]:
    """``total`` over twelve months by ``weights`` (every month one at least), in cents,
    the rounding left in December so the months add up to the total exactly."""
    adjusted = [w + 1 for w in weights]
    whole = sum(adjusted)
    months = [_cents(total * w / whole) for w in adjusted[:11]]
    return [*months, total - sum(months)]


def _cumulative(values: list[Decimal]) -> list[Decimal]:
    out, running = [], Decimal(0)
    for value in values:
        running += value
        out.append(running)
    return out


def _monthly(cumulative: list[Decimal]) -> list[Decimal]:
    return [b - a for a, b in zip([Decimal(0), *cumulative[:-1]], cumulative, strict=True)]


def _spent(
    modified: list[Decimal], physical: list[Decimal], last_month: int
) -> dict[str, list[Decimal]]:
    """Comprometido, devengado, ejercido and pagado by month from the modified calendar and
    the physical progress to date; each to date ≤ the momento before it."""
    cum_mod = _cumulative(modified)
    dev: list[Decimal] = []
    for m in range(last_month):
        dev.append(max(dev[-1] if dev else Decimal(0), _cents(cum_mod[m] * physical[m])))
    com = [_cents((cum_mod[m] + dev[m]) / 2) for m in range(last_month)]
    prev = [Decimal(0), *dev[:-1]]
    eje = [_cents(prev[m] + (dev[m] - prev[m]) * Decimal("0.9")) for m in range(last_month)]
    prev_e = [Decimal(0), *eje[:-1]]
    pag = [_cents(prev_e[m] + (eje[m] - prev_e[m]) * Decimal("0.9")) for m in range(last_month)]
    return {
        "comprometido": _monthly(com),
        "devengado": _monthly(dev),
        "ejercido": _monthly(eje),
        "pagado": _monthly(pag),
    }


def demo_budget_csv(
    program: AnnualProgram, physical: Mapping[tuple[str, int], Decimal], last_month: int
) -> str:
    """The simulated budget file of ``program`` (see the module doc)."""
    out = io.StringIO()
    writer = safe_csv_writer(out, lineterminator="\n")
    writer.writerow(
        [HEADERS[f] for f in ("key", "item", "source", "month", "moment", "amount")]
        + [HEADERS["item_name"]]
    )
    weights = _weights(program)
    first_activity: dict[int, str] = {}
    for node_id, activity_key in (
        Activity.objects.filter(program=program)
        .order_by("node_id", "order", "key")
        .values_list("node_id", "key")
    ):
        first_activity.setdefault(node_id, activity_key)
    for node in ProgramNode.objects.filter(program=program, depth=1).order_by("order", "key"):
        annual = Decimal(150_000 + _hash(node.key) % 2_850_000)
        items = [*ITEMS, EQUIPMENT] if _hash(f"{node.key}:equipo") % 4 == 0 else list(ITEMS)
        shares = sum(share for _, _, share in items)
        for key, name, share in items:
            approved = _calendar(_cents(annual * share / shares), weights[node.pk])
            phys = [
                min(physical.get((node.key, m), FALLBACK_PHYSICAL), Decimal(1))
                for m in range(1, last_month + 1)
            ]
            moments = {
                "aprobado": approved,
                "modificado": approved,
                **_spent(approved, phys, last_month),
            }
            where = node.key
            if key == ACTIVITY_ITEM and _hash(f"{node.key}:actividad") % 3 == 0:
                where = first_activity.get(node.pk, node.key)
            for moment, values in moments.items():
                for month, value in enumerate(values, 1):
                    if value:
                        writer.writerow(
                            [
                                where,
                                key,
                                SOURCE,
                                month,
                                moment,
                                f"{value:,.2f}",
                                f"{name} {LABEL}",
                            ]
                        )
    return out.getvalue()


def demo_budget_load(
    *,
    program: AnnualProgram,
    physical: Mapping[tuple[str, int], Decimal],
    last_month: int,
    folder: Path,
    actor: Actor,
) -> ImportReport:
    """Write the simulated file into ``folder`` and import it (idempotent). The classifier
    is synced first (``rumbo budget load-cog``): a database emptied since its migration
    ran has none."""
    cog_load()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name(program)
    path.write_text(demo_budget_csv(program, physical, last_month), encoding="utf-8")
    return import_budget(
        path,
        institution_code=program.institution.code,
        year=program.year,
        through=last_month,
        actor=actor,
    )

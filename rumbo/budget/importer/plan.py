"""What a parsed budget file means as budget lines, and how that differs from what is stored.

One definition for both faces of an import: ``write`` stores the ``planned_lines``, and
``budget_diff`` compares them with the stored lines before anything is written (the CLI's
``--dry-run`` and the web upload's preview). A line is named by keys, not ids — node key,
activity key («» for a node's own line), partida, fuente, month — so that a file's line
and a stored line compare without creating the partidas the file adds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from rumbo.core.numbers import format_pesos
from rumbo.core.periods import MONTH_NAMES
from rumbo.institutions.models import Institution
from rumbo.programs.models import Activity, AnnualProgram, ProgramNode

from ..catalog import funding_source_defaults
from ..figures import Moments, movement_totals, total_of
from ..keys import Target, resolve_keys
from ..models import MOMENT_LABELS, MOMENTS, BudgetLine, FundingSource, SpecificItem
from .checks import Series, SeriesKey
from .layout import BudgetRow

ZERO = Decimal(0)
CENT = Decimal("0.01")
LineKey = tuple[str, str, str, str, int]  # node key, activity key or "", partida, fuente, month


def program_targets(program: AnnualProgram, keys: Iterable[str]) -> dict[str, Target]:
    """The node (or activity) of each key the program has (``keys.resolve_keys``, the one
    rule for the import and the adecuaciones). Two queries."""
    return resolve_keys(program, keys)


@dataclass(frozen=True)
class PlannedLine:
    """One line the import stores: a key the program has × partida × fuente × month. Its
    modificado is the file's plus what the approved adecuaciones moved (``moved``); a
    key × month only adecuaciones moved (the file does not name it) has no ``series``."""

    series: SeriesKey | None
    target: Target
    item: str  # partida «21101»
    source: str  # fuente «11»
    month: int
    amounts: dict[str, Decimal]  # every momento; one the file does not give is 0
    row: int | None  # the file's first row of this month (None: not in the file)
    moved: Decimal = ZERO  # the approved adecuaciones' part of modificado
    modified_row: int | None = None  # the file's row of this month's modificado

    @property
    def key(self) -> LineKey:
        activity = self.target.activity
        return (
            self.target.node.key,
            activity.key if activity else "",
            self.item,
            self.source,
            self.month,
        )


def approved_movements(program: AnnualProgram) -> dict[LineKey, tuple[Target, Decimal]]:
    """What the approved adecuaciones added to (or took from) modificado, by the keys a
    file names (``figures.movement_totals``: one query; four more when there are any)."""
    moved = {k: v for k, v in movement_totals(program).items() if v}
    if not moved:
        return {}
    nodes = {n.pk: n for n in ProgramNode.objects.filter(pk__in={k[0] for k in moved})}
    activities = {a.pk: a for a in Activity.objects.filter(pk__in={k[1] for k in moved if k[1]})}
    items = dict(SpecificItem.objects.filter(pk__in={k[2] for k in moved}).values_list("pk", "key"))
    sources = dict(
        FundingSource.objects.filter(pk__in={k[3] for k in moved}).values_list("pk", "key")
    )
    out: dict[LineKey, tuple[Target, Decimal]] = {}
    for (node_id, activity_id, item_id, source_id, month), amount in moved.items():
        activity = activities.get(activity_id) if activity_id else None
        target = Target(nodes[node_id], activity)
        key = (target.node.key, activity.key if activity else "", items[item_id],
               sources[source_id], month)  # fmt: skip
        out[key] = (target, amount)
    return out


def planned_lines(
    series: dict[SeriesKey, Series],
    targets: dict[str, Target],
    moved: dict[LineKey, tuple[Target, Decimal]] | None = None,
) -> list[PlannedLine]:
    """The lines the import stores, in the file's order, then those only adecuaciones keep;
    a key the program does not have stores nothing (finding ``budget_key_unknown``)."""
    left = dict(moved or {})
    by_series: dict[tuple[str, str, str, str], list[int]] = {}
    for key in left:
        by_series.setdefault(key[:4], []).append(key[4])
    out = []
    for series_key, one in series.items():
        target = targets.get(series_key[0])
        if target is None:
            continue
        _, item, source = series_key
        prefix = (target.node.key, target.activity.key if target.activity else "", item, source)
        for month in sorted(set(one.months) | set(by_series.get(prefix, []))):
            given = one.months.get(month, {})
            amounts = {m: given.get(m, ZERO) for m in MOMENTS}
            _, added = left.pop((*prefix, month), (target, ZERO))
            amounts["modificado"] += added
            rows = [line for (m, _), line in one.lines.items() if m == month]
            out.append(
                PlannedLine(
                    series_key, target, item, source, month, amounts,
                    min(rows) if rows else None, added,
                    one.lines.get((month, "modificado")),
                )
            )  # fmt: skip
    for key, (target, added) in sorted(left.items()):
        amounts = {m: ZERO for m in MOMENTS}
        amounts["modificado"] = added
        out.append(PlannedLine(None, target, key[2], key[3], key[4], amounts, None, added))
    return out


# --- what is stored ------------------------------------------------------------------


def stored_lines(program: AnnualProgram) -> dict[LineKey, dict[str, Decimal]]:
    """The program's stored lines by key (one query)."""
    values = (
        BudgetLine.objects.filter(program=program)
        .order_by()
        .values_list("node__key", "activity__key", "item__key", "source__key", "month", *MOMENTS)
    )
    return {
        (v[0], v[1] or "", v[2], v[3], v[4]): {
            m: Decimal(a if a is not None else 0) for m, a in zip(MOMENTS, v[5:], strict=True)
        }
        for v in values
    }


def fingerprint(lines: dict[LineKey, dict[str, Decimal]]) -> str:
    """A digest of stored lines: equal exactly when the same lines hold the same amounts."""
    digest = hashlib.sha256()
    for key in sorted(lines):
        amounts = lines[key]
        cells = [*map(str, key), *(f"{amounts[m].quantize(CENT):f}" for m in MOMENTS)]
        digest.update(("|".join(cells) + "\n").encode("utf-8"))
    return digest.hexdigest()


def stored_fingerprint(program: AnnualProgram) -> str:
    return fingerprint(stored_lines(program))


# --- the differences -----------------------------------------------------------------


@dataclass(frozen=True)
class MomentChange:
    """A momento before and after: of one line, or of the year's total."""

    moment: str
    before: Decimal
    after: Decimal

    @property
    def label(self) -> str:
        return MOMENT_LABELS[self.moment]

    @property
    def delta(self) -> Decimal:
        return self.after - self.before


def _pesos(value: Decimal) -> str:
    return format_pesos(value)


@dataclass(frozen=True)
class LineDiff:
    """A line the file creates (``before`` None), updates or deletes (``after`` None)."""

    key: LineKey
    before: dict[str, Decimal] | None
    after: dict[str, Decimal] | None
    row: int | None = None  # the file's row (None for a line the file no longer names)

    @property
    def label(self) -> str:
        """«0101 · 21101 · 11»: the key as the file writes it (activity, else node)."""
        node, activity, item, source, _ = self.key
        return f"{activity or node} · {item} · {source}"

    @property
    def month(self) -> int:
        return self.key[4]

    @property
    def month_name(self) -> str:
        return MONTH_NAMES[self.month - 1]

    @property
    def changes(self) -> list[MomentChange]:
        """The momentos that differ (a new line: those above 0; a deleted one: those it had)."""
        before, after = self.before or {}, self.after or {}
        out = []
        for m in MOMENTS:
            b, a = before.get(m, ZERO), after.get(m, ZERO)
            if b != a:
                out.append(MomentChange(m, b, a))
        return out

    def text(self) -> str:
        parts = ", ".join(
            f"{c.moment} {_pesos(c.before)} → {_pesos(c.after)}" for c in self.changes
        )
        return f"{self.label} · {self.month_name}: {parts or 'en ceros'}"


@dataclass
class BudgetDiff:
    """What importing a file would change, computed before anything is written."""

    created: list[LineDiff] = field(default_factory=list)
    updated: list[LineDiff] = field(default_factory=list)
    deleted: list[LineDiff] = field(default_factory=list)
    unchanged: int = 0
    before: Moments = field(default_factory=Moments)  # totals of every stored line
    after: Moments = field(default_factory=Moments)  # totals of every line the file stores
    new_items: list[tuple[str, str]] = field(default_factory=list)  # partidas (key, name)
    new_sources: int = 0  # CONAC's default fuentes, added with the first import
    unknown_keys: list[str] = field(default_factory=list)  # keys the program does not have
    fingerprint: str = ""  # of the stored lines compared (``stored_fingerprint``)

    @property
    def is_empty(self) -> bool:
        return not (
            self.created or self.updated or self.deleted or self.new_items or self.new_sources
        )

    @property
    def totals(self) -> list[MomentChange]:
        before, after = self.before.as_dict(), self.after.as_dict()
        return [MomentChange(m, before[m], after[m]) for m in MOMENTS]

    def to_dict(self) -> dict[str, object]:
        return {
            "lines_created": len(self.created),
            "lines_updated": len(self.updated),
            "lines_deleted": len(self.deleted),
            "lines_unchanged": self.unchanged,
            "new_items": [key for key, _ in self.new_items],
            "new_sources": self.new_sources,
            "unknown_keys": self.unknown_keys,
            "totals": {
                t.moment: {"before": f"{t.before:f}", "after": f"{t.after:f}"} for t in self.totals
            },
        }

    def lines(self, limit: int = 50) -> list[str]:
        """The differences as the CLI's ``--dry-run`` prints them (up to ``limit`` per kind)."""
        if self.is_empty:
            return ["Sin cambios: el archivo coincide con el presupuesto guardado."]
        out = [
            f"Diferencias: {len(self.created):,} renglones nuevos, {len(self.updated):,} "
            f"modificados, {len(self.deleted):,} eliminados, {self.unchanged:,} sin cambios"
        ]
        for title, group in (
            ("nuevo", self.created),
            ("modificado", self.updated),
            ("eliminado", self.deleted),
        ):
            out.extend(f"  {title}: {d.text()}" for d in group[:limit])
            if len(group) > limit:
                out.append(f"  … y {len(group) - limit:,} renglones {title}s más")
        if self.new_items:
            keys = ", ".join(key for key, _ in self.new_items)
            out.append(f"  partidas nuevas (quedan sin revisar): {keys}")
        if self.new_sources:
            out.append(f"  fuentes de financiamiento del CONAC que se agregan: {self.new_sources}")
        out.append("  totales por momento (antes → después):")
        out.extend(f"    {t.label}: {_pesos(t.before)} → {_pesos(t.after)}" for t in self.totals)
        return out


def budget_diff(
    *,
    program: AnnualProgram,
    rows: list[BudgetRow],
    series: dict[SeriesKey, Series],
    targets: dict[str, Target],
) -> BudgetDiff:
    """Compare the lines a parsed file stores (with the approved adecuaciones' part of
    modificado) with the program's stored lines (reads only: four queries, four more when
    the program has adecuaciones)."""
    stored = stored_lines(program)
    planned = planned_lines(series, targets, approved_movements(program))
    diff = BudgetDiff(fingerprint=fingerprint(stored))
    seen = set()
    for line in planned:
        seen.add(line.key)
        before = stored.get(line.key)
        if before is None:
            diff.created.append(LineDiff(line.key, None, line.amounts, line.row))
        elif before != line.amounts:
            diff.updated.append(LineDiff(line.key, before, line.amounts, line.row))
        else:
            diff.unchanged += 1
    diff.deleted = [LineDiff(k, v, None) for k, v in sorted(stored.items()) if k not in seen]
    diff.before = total_of(stored.values())
    diff.after = total_of(line.amounts for line in planned)
    diff.new_items = _new_items(program.institution, rows)
    if not FundingSource.objects.filter(institution=program.institution).exists():
        diff.new_sources = len(funding_source_defaults())
    diff.unknown_keys = list(dict.fromkeys(r.key for r in rows if r.key not in targets))
    return diff


def _new_items(institution: Institution, rows: list[BudgetRow]) -> list[tuple[str, str]]:
    """The partidas the file names that the institution does not have (with the name the
    file gives the first time, like the import)."""
    keys = {r.item for r in rows}
    known = set(
        SpecificItem.objects.filter(institution=institution, key__in=keys).values_list(
            "key", flat=True
        )
    )
    names: dict[str, str] = {}
    for row in rows:
        if row.item not in known:
            names[row.item] = names.get(row.item) or row.item_name
    return list(names.items())

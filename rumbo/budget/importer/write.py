"""Write a parsed budget file: one transaction (``rumbo.imports.base.run_import``).

The file is the whole budget of the program year: its rows create or update the lines
they name (``Syncer``: bulk, a constant number of queries), the lines it no longer names
are deleted, and a re-import of the same file changes nothing and records nothing in the
bitácora. A momento the file does not give for a key and month is 0.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from rumbo.audit.services import Actor, Change
from rumbo.core.errors import ImportFailure
from rumbo.core.numbers import format_mx
from rumbo.core.periods import MONTH_NAMES
from rumbo.imports.base import (
    FindingDraft,
    ImportReport,
    SourceText,
    Syncer,
    run_import,
)
from rumbo.institutions.models import Institution
from rumbo.programs.models import Activity, AnnualProgram, ProgramNode

from ..catalog import funding_source_defaults
from ..closing import last_closed_month
from ..figures import MovementKey, movement_totals
from ..keys import Target, resolve_keys
from ..models import MOMENTS, BudgetLine, FundingSource, GenericItem, SpecificItem
from ..services import cog_load
from .checks import Series, SeriesKey, series_of, suspicions
from .layout import HEADERS, KIND, BudgetFileError, BudgetRow, RowError
from .parse import parse_budget
from .read import Table, read_table

LINE_LABEL = "renglón del presupuesto"
ZERO = Decimal(0)


def _program(table: Table, institution_code: str, year: int) -> AnnualProgram:
    code = institution_code.strip().upper()
    program = (
        AnnualProgram.objects.select_related("institution")
        .filter(institution__code=code, year=year)
        .first()
    )
    if program is None:
        raise ImportFailure(
            table.name,
            f"no existe el programa anual {year} de la institución {code}; impórtalo antes "
            "(rumbo import paa) o revisa --institution y --year",
        )
    return program


def _source_keys(institution: Institution) -> set[str]:
    stored = set(
        FundingSource.objects.filter(institution=institution).values_list("key", flat=True)
    )
    return stored or {key for key, _ in funding_source_defaults()}


def import_budget(
    path: str | Path,
    *,
    institution_code: str,
    year: int,
    dry_run: bool = False,
    through: int | None = None,
    actor: Actor,
) -> ImportReport:
    """Import a budget file (docs/budget.md); ``BudgetFileError`` lists every bad row and
    nothing is written; ``through`` is the last closed month (else ``rumbo.budget.closing``)."""
    table = read_table(path)
    if through is not None and not 1 <= through <= 12:
        raise ImportFailure("--through", f"{through} no es un mes (1 a 12)")
    program = _program(table, institution_code, year)
    generics = {g.key: g for g in GenericItem.objects.all()}
    if not generics:
        # The classifier is reference data shipped with Rumbo, loaded on first use (not by
        # a migration: `rumbo init` leaves an empty database, which `rumbo restore` needs).
        cog_load()
        generics = {g.key: g for g in GenericItem.objects.all()}
    rows = parse_budget(table, generics=generics, sources=_source_keys(program.institution))
    source = SourceText(name=table.name, lines=[], sha256=table.sha256, encoding=table.encoding)

    def apply(institution: Institution, report: ImportReport, changes: list[Change]) -> None:
        _Writer(program, rows, generics, report, changes, table.name).write(through)

    return run_import(
        kind=KIND,
        source=source,
        institution_code=program.institution.code,
        year=year,
        dry_run=dry_run,
        actor=actor,
        apply=apply,
    )


@dataclass(frozen=True)
class _Planned:
    """A line to store: its natural key (ids and month), values and related rows."""

    natural: MovementKey
    values: dict[str, Any]
    node: ProgramNode
    activity: Activity | None
    item: SpecificItem
    source: FundingSource
    series: SeriesKey | None  # the file's series, None for a line only adecuaciones keep


class _Writer:
    def __init__(
        self,
        program: AnnualProgram,
        rows: list[BudgetRow],
        generics: dict[str, GenericItem],
        report: ImportReport,
        changes: list[Change],
        file: str,
    ) -> None:
        self.program = program
        self.institution = program.institution
        self.rows = rows
        self.generics = generics
        self.report = report
        self.changes = changes
        self.file = file

    def write(self, through: int | None) -> None:
        # One writer of the program's budget at a time: an adecuación being approved
        # (rumbo.budget.movements locks the same row) is either in the totals read below
        # or waits for this import.
        AnnualProgram.objects.select_for_update().filter(pk=self.program.pk).first()
        sources = self._sources()
        items = self._items()
        series = series_of(self.rows)
        targets = self._targets(series)
        lines = self._lines(series, targets, items, sources)
        self._unknown_keys(series, targets)
        self._unreviewed_items(items)
        closed = through if through is not None else last_closed_month(self.program)
        self.report.extra["ultimo_mes_cerrado"] = closed
        if closed is None:
            self.report.notes.append(
                "no hay mes cerrado (ninguna captura aprobada ni --through): no se revisó el "
                "gasto posterior al cierre"
            )
        known = {k: s for k, s in series.items() if k[0] in targets}
        for found in suspicions(known, closed=closed):
            rows = known[found.series].lines
            line = rows.get((found.month, found.moment)) or min(rows.values())
            obj = lines[(found.series, found.month)]
            self.report.findings.append(
                FindingDraft(found.code, line, found.message, _label(obj), obj=obj)
            )

    # --- catalogues ---------------------------------------------------------------------

    def _sources(self) -> dict[str, FundingSource]:
        stored = {s.key: s for s in FundingSource.objects.filter(institution=self.institution)}
        if stored:
            return stored
        made = FundingSource.objects.bulk_create(
            FundingSource(institution=self.institution, key=key, name=name)
            for key, name in funding_source_defaults()
        )
        for source in made:
            self.changes.append(
                Change("create", source, None, {"key": source.key, "name": source.name})
            )
        self.report.created["fuente de financiamiento"] += len(made)
        return {s.key: s for s in made}

    def _items(self) -> dict[str, SpecificItem]:
        stored = {
            i.key: i
            for i in SpecificItem.objects.filter(institution=self.institution).select_related(
                "generic"
            )
        }
        names: dict[str, str] = {}
        for row in self.rows:
            if row.item not in stored:
                names.setdefault(row.item, row.item_name)
                names[row.item] = names[row.item] or row.item_name
        made = SpecificItem.objects.bulk_create(
            SpecificItem(
                institution=self.institution,
                generic=self.generics[key[:3]],
                key=key,
                name=name,
                unreviewed=True,
            )
            for key, name in names.items()
        )
        for item in made:
            self.changes.append(Change("create", item, None, {"key": item.key, "name": item.name}))
            stored[item.key] = item
        if made:
            self.report.created["partida específica"] += len(made)
        return stored

    # --- lines --------------------------------------------------------------------------

    def _targets(self, series: dict[SeriesKey, Series]) -> dict[str, Target]:
        """The node (or activity) of each key of the file that the program has."""
        return resolve_keys(self.program, {key for key, _, _ in series})

    def _lines(
        self,
        series: dict[SeriesKey, Series],
        targets: dict[str, Target],
        items: dict[str, SpecificItem],
        sources: dict[str, FundingSource],
    ) -> dict[tuple[SeriesKey, int], BudgetLine]:
        """Create or update the file's lines, delete those it no longer names. A line's
        modificado is the file's plus what the approved adecuaciones moved
        (``movement_totals``), so a re-import keeps them; a key × month the file does not
        name but an adecuación moved keeps a line with that modificado. The file's series
        get the stored modificado, so its findings judge what is stored. A modificado that
        would be negative refuses the file (nothing written)."""
        moved = movement_totals(self.program)
        planned, negative = self._planned(series, targets, items, sources, moved)
        for one in self._moved_only(moved):
            planned.append(one)
            if one.values["modificado"] < 0:
                negative.append(_dropped(one))
        if negative:
            raise BudgetFileError(self.file, negative)
        syncer = Syncer(
            BudgetLine,
            label=LINE_LABEL,
            scope=BudgetLine.objects.filter(program=self.program),
            key=lambda line: (
                line.node_id,
                line.activity_id,
                line.item_id,
                line.source_id,
                line.month,
            ),
            report=self.report,
            changes=self.changes,
        )
        out = {}
        for one in planned:
            line = syncer.sync(one.natural, one.values)
            # Compared by ids (no related row loaded); the instances are attached after, so
            # the bitácora's label of each line costs no query.
            line.program, line.node, line.activity = self.program, one.node, one.activity
            line.item, line.source = one.item, one.source
            if one.series is not None:
                out[(one.series, one.natural[4])] = line
        syncer.flush()
        syncer.delete_unseen()
        return out

    def _planned(
        self,
        series: dict[SeriesKey, Series],
        targets: dict[str, Target],
        items: dict[str, SpecificItem],
        sources: dict[str, FundingSource],
        moved: dict[MovementKey, Decimal],
    ) -> tuple[list[_Planned], list[RowError]]:
        """The lines of the file's keys (``moved`` loses what they take)."""
        planned: list[_Planned] = []
        negative: list[RowError] = []
        by_key: dict[tuple, list[int]] = defaultdict(list)
        for k in moved:
            by_key[k[:4]].append(k[4])
        for series_key, one in series.items():
            target = targets.get(series_key[0])
            if target is None:
                continue
            item, source = items[series_key[1]], sources[series_key[2]]
            ids = (*target.ids, item.pk, source.pk)
            for month in sorted(set(one.months) | set(by_key.get(ids, []))):
                natural = (*ids, month)
                amounts = one.months[month]
                file_modified = amounts.get("modificado", ZERO)
                added = moved.pop(natural, ZERO)
                if added:
                    amounts["modificado"] = file_modified + added
                    if file_modified + added < 0:
                        negative.append(_negative(one, series_key, month, file_modified, added))
                values = self._values(natural, {**amounts, "modificado": file_modified + added})
                planned.append(
                    _Planned(
                        natural, values, target.node, target.activity, item, source, series_key
                    )
                )
        return planned, negative

    def _values(self, natural: tuple, amounts: dict[str, Decimal]) -> dict[str, Any]:
        return {
            "program_id": self.program.pk,
            "node_id": natural[0],
            "activity_id": natural[1],
            "item_id": natural[2],
            "source_id": natural[3],
            "month": natural[4],
            **{m: amounts.get(m, ZERO) for m in MOMENTS},
        }

    def _moved_only(self, moved: dict[MovementKey, Decimal]) -> list[_Planned]:
        """The lines of key × months the file does not name but adecuaciones moved: only
        their modificado (a net zero needs no line)."""
        moved = {k: v for k, v in moved.items() if v}
        if not moved:
            return []
        nodes = {n.pk: n for n in ProgramNode.objects.filter(pk__in={k[0] for k in moved})}
        activities = {
            a.pk: a for a in Activity.objects.filter(pk__in={k[1] for k in moved if k[1]})
        }
        items = {i.pk: i for i in SpecificItem.objects.filter(pk__in={k[2] for k in moved})}
        sources = {s.pk: s for s in FundingSource.objects.filter(pk__in={k[3] for k in moved})}
        return [
            _Planned(
                natural,
                self._values(natural, {"modificado": amount}),
                nodes[natural[0]],
                activities.get(natural[1]) if natural[1] else None,
                items[natural[2]],
                sources[natural[3]],
                None,
            )
            for natural, amount in sorted(moved.items(), key=lambda kv: kv[0])
        ]

    # --- findings without amounts -------------------------------------------------------

    def _unknown_keys(self, series: dict[SeriesKey, Series], targets: dict[str, Target]) -> None:
        missing: dict[str, list[BudgetRow]] = defaultdict(list)
        for row in self.rows:
            if row.key not in targets:
                missing[row.key].append(row)
        for key, rows in missing.items():
            approved = sum((r.amount for r in rows if r.moment == "aprobado"), ZERO)
            self.report.findings.append(
                FindingDraft(
                    "budget_key_unknown",
                    rows[0].line,
                    f"La clave «{key}» no es de ningún subprograma, proyecto ni actividad del "
                    f"programa {self.program.year}; sus {len(rows)} filas no se guardaron "
                    f"(aprobado ${format_mx(approved, 2)}).",
                    key,
                )
            )

    def _unreviewed_items(self, items: dict[str, SpecificItem]) -> None:
        first_line: dict[str, int] = {}
        for row in self.rows:
            first_line.setdefault(row.item, row.line)
        # Their findings are re-evaluated whatever file raised them (imports.finding_sync).
        self.report.evaluated[SpecificItem].update(items[key].pk for key in first_line)
        for key, line in first_line.items():
            item = items[key]
            if item.unreviewed:
                self.report.findings.append(
                    FindingDraft(
                        "budget_item_unknown",
                        line,
                        f"La partida {key} no estaba en el catálogo de partidas específicas de "
                        f"la institución; se agregó bajo la genérica {key[:3]} "
                        f"({item.generic.name}) y falta revisarla.",
                        str(item),
                        obj=item,
                    )
                )


def _negative(
    one: Series, series_key: SeriesKey, month: int, file_modified: Decimal, added: Decimal
) -> RowError:
    row = one.lines.get((month, "modificado")) or min(one.lines.values())
    return RowError(
        row,
        HEADERS["amount"],
        f"el modificado de {' · '.join(series_key)} en {MONTH_NAMES[month - 1]} "
        f"(${format_mx(file_modified, 2)}) más las adecuaciones aprobadas en Rumbo "
        f"(${format_mx(added, 2)}) quedaría negativo; si el sistema financiero ya registra "
        "esas adecuaciones, el archivo debe dar el modificado sin ellas (o la institución "
        "registra una adecuación que las compense)",
    )


def _dropped(one: _Planned) -> RowError:
    key = one.activity.key if one.activity else one.node.key
    return RowError(
        None,
        "",
        f"el archivo ya no trae {key} · {one.item.key} · {one.source.key} en "
        f"{MONTH_NAMES[one.natural[4] - 1]}, y las adecuaciones aprobadas en Rumbo le "
        f"restaron ${format_mx(-one.values['modificado'], 2)}: su modificado quedaría "
        "negativo; el archivo debe traer ese renglón",
    )


def _label(line: BudgetLine) -> str:
    return f"{line.key} · mes {line.month}"

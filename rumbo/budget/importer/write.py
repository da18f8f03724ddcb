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
from rumbo.core.numbers import format_pesos
from rumbo.core.periods import MONTH_NAMES
from rumbo.imports.base import (
    FindingDraft,
    ImportReport,
    SourceText,
    Syncer,
    run_import,
)
from rumbo.institutions.models import Institution
from rumbo.programs.models import AnnualProgram

from ..catalog import funding_source_defaults
from ..closing import last_closed_month
from ..keys import Target
from ..models import BudgetLine, FundingSource, GenericItem, SpecificItem
from ..services import cog_load, funding_sources_seed
from .checks import Series, SeriesKey, series_of, suspicions
from .layout import HEADERS, KIND, BudgetFileError, BudgetRow, RowError
from .parse import parse_budget
from .plan import (
    BudgetDiff,
    PlannedLine,
    approved_movements,
    budget_diff,
    planned_lines,
    program_targets,
    stored_fingerprint,
)
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


class StalePreview(ImportFailure):
    """The stored budget changed between a preview and its confirmation: nothing written."""

    MESSAGE = "El presupuesto cambió desde la vista previa; vuelve a cargar el archivo"

    def __init__(self, file: str) -> None:
        super().__init__(file, self.MESSAGE)


@dataclass
class _Prepared:
    """A file read and checked against its program, before anything is written."""

    table: Table
    program: AnnualProgram
    generics: dict[str, GenericItem]
    rows: list[BudgetRow]
    series: dict[SeriesKey, Series]
    targets: dict[str, Target]


def _prepare(
    source: str | Path | Table, *, institution_code: str, year: int, through: int | None
) -> _Prepared:
    table = source if isinstance(source, Table) else read_table(source)
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
    series = series_of(rows)
    targets = program_targets(program, (key for key, _, _ in series))
    return _Prepared(table, program, generics, rows, series, targets)


def _run(
    prepared: _Prepared,
    *,
    dry_run: bool,
    through: int | None,
    actor: Actor,
    expected: str | None = None,
) -> ImportReport:
    table, program = prepared.table, prepared.program
    source = SourceText(name=table.name, lines=[], sha256=table.sha256, encoding=table.encoding)

    def apply(institution: Institution, report: ImportReport, changes: list[Change]) -> None:
        if expected is not None:
            # The program's row locked first: two confirmations of one preview run one at
            # a time, and the second sees the lines the first wrote.
            AnnualProgram.objects.select_for_update(of=("self",)).filter(
                pk=program.pk
            ).order_by().first()
            if stored_fingerprint(program) != expected:
                raise StalePreview(table.name)
        _Writer(prepared, report, changes).write(through)

    return run_import(
        kind=KIND,
        source=source,
        institution_code=program.institution.code,
        year=program.year,
        dry_run=dry_run,
        actor=actor,
        apply=apply,
    )


def import_budget(
    source: str | Path | Table,
    *,
    institution_code: str,
    year: int,
    dry_run: bool = False,
    through: int | None = None,
    actor: Actor,
    expected_fingerprint: str | None = None,
) -> ImportReport:
    """Import a budget file (a path, or a ``Table`` already read) (docs/budget.md);
    ``BudgetFileError`` lists every bad row and nothing is written; ``through`` is the last
    closed month (else ``rumbo.budget.closing``). With ``expected_fingerprint`` (a preview's
    ``BudgetDiff.fingerprint``) it writes only if the stored lines are still those the
    preview compared (else ``StalePreview``, nothing written)."""
    prepared = _prepare(source, institution_code=institution_code, year=year, through=through)
    return _run(
        prepared, dry_run=dry_run, through=through, actor=actor, expected=expected_fingerprint
    )


@dataclass
class BudgetPreview:
    """A dry run of a file: what the import would report (counts, findings) and change."""

    report: ImportReport
    diff: BudgetDiff


def preview_budget(
    source: str | Path | Table,
    *,
    institution_code: str,
    year: int,
    through: int | None = None,
    actor: Actor,
) -> BudgetPreview:
    """The import's dry run (rolled back: nothing stays written) and its differences with
    the stored budget (``plan.budget_diff``, read before the dry run)."""
    prepared = _prepare(source, institution_code=institution_code, year=year, through=through)
    diff = budget_diff(
        program=prepared.program,
        rows=prepared.rows,
        series=prepared.series,
        targets=prepared.targets,
    )
    report = _run(prepared, dry_run=True, through=through, actor=actor)
    return BudgetPreview(report, diff)


class _Writer:
    def __init__(self, prepared: _Prepared, report: ImportReport, changes: list[Change]) -> None:
        self.program = prepared.program
        self.institution = prepared.program.institution
        self.rows = prepared.rows
        self.series = prepared.series
        self.targets = prepared.targets
        self.generics = prepared.generics
        self.file = prepared.table.name
        self.report = report
        self.changes = changes

    def write(self, through: int | None) -> None:
        # One writer of the program's budget at a time: an adecuación being approved
        # (rumbo.budget.movements locks the same row) is either in the totals read below
        # or waits for this import.
        AnnualProgram.objects.select_for_update(of=("self",)).filter(
            pk=self.program.pk
        ).order_by().first()
        sources = self._sources()
        items = self._items()
        targets = self.targets
        planned = planned_lines(self.series, targets, approved_movements(self.program))
        lines = self._lines(planned, items, sources)
        # The findings judge what is stored: the file's modificado plus the adecuaciones'.
        series = _with_stored_modified(self.series, planned)
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
        made = funding_sources_seed(institution=self.institution)
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

    def _lines(
        self,
        planned: list[PlannedLine],
        items: dict[str, SpecificItem],
        sources: dict[str, FundingSource],
    ) -> dict[tuple[SeriesKey, int], BudgetLine]:
        """Create or update the planned lines (``plan.planned_lines``: the file's, their
        modificado plus the approved adecuaciones', and those only adecuaciones keep),
        delete those no longer planned. A modificado that would be negative refuses the
        file (nothing written)."""
        negative = [_negative(p) for p in planned if p.amounts["modificado"] < 0]
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
            target, month = one.target, one.month
            item, source = items[one.item], sources[one.source]
            natural = (*target.ids, item.pk, source.pk, month)
            # Compared by ids (no related row loaded); the instances are attached after,
            # so the bitácora's label of each line costs no query.
            values: dict[str, Any] = {
                "program_id": self.program.pk,
                "node_id": natural[0],
                "activity_id": natural[1],
                "item_id": item.pk,
                "source_id": source.pk,
                "month": month,
                **one.amounts,
            }
            line = syncer.sync(natural, values)
            line.program, line.node, line.activity = self.program, target.node, target.activity
            line.item, line.source = item, source
            if one.series is not None:
                out[(one.series, month)] = line
        syncer.flush()
        syncer.delete_unseen()
        return out

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
                    f"(aprobado {format_pesos(approved)}).",
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


def _with_stored_modified(
    series: dict[SeriesKey, Series], planned: list[PlannedLine]
) -> dict[SeriesKey, Series]:
    """The file's series with each month's modificado as stored (the adecuaciones' part
    added); the series themselves are not changed (a preview reads them twice)."""
    out = dict(series)
    for one in planned:
        if one.series is None or not one.moved:
            continue
        copy = out[one.series]
        if copy is series[one.series]:
            copy = out[one.series] = Series(
                months=defaultdict(dict, {m: dict(v) for m, v in copy.months.items()}),
                lines=copy.lines,
            )
        copy.months[one.month]["modificado"] = one.amounts["modificado"]
    return out


def _negative(one: PlannedLine) -> RowError:
    key = one.target.key
    where = f"{key} · {one.item} · {one.source} en {MONTH_NAMES[one.month - 1]}"
    added = f"{format_pesos(one.moved)}"
    if one.series is None:
        return RowError(
            None,
            "",
            f"el archivo ya no trae {where}, y las adecuaciones aprobadas en Rumbo le restaron "
            f"{format_pesos(-one.moved)}: su modificado quedaría negativo; el archivo debe "
            "traer ese renglón",
        )
    file_modified = one.amounts["modificado"] - one.moved
    return RowError(
        one.modified_row or one.row,
        HEADERS["amount"],
        f"el modificado de {where} ({format_pesos(file_modified)}) más las adecuaciones "
        f"aprobadas en Rumbo ({added}) quedaría negativo; si el sistema financiero ya registra "
        "esas adecuaciones, el archivo debe dar el modificado sin ellas (o la institución "
        "registra una adecuación que las compense)",
    )


def _label(line: BudgetLine) -> str:
    return f"{line.key} · mes {line.month}"

"""Store the parsed rows as ``AreaObjective`` (one per row), with their area and findings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rumbo.audit.services import Actor, Change
from rumbo.core.text import clean
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.services import area_resolve_many
from rumbo.programs.models import AreaObjective

from ..base import (
    ImportReport,
    SourceText,
    Syncer,
    bind_findings,
    read_text_file,
    run_import,
)
from .layout import KIND, KIND_LABEL, ParsedObjectives
from .links import link_findings
from .parse import parse_sipot_objectives
from .reimport import Merge, merge_correction, recheck_kept, reopen_findings


def _as_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def _area_findings(parsed: ParsedObjectives, matches: dict) -> None:
    for row in parsed.rows:
        match = matches.get(row.area)
        if match is None:
            continue
        if match.kind in ("alias", "fuzzy"):
            # Stable wording: a fuzzy match becomes an alias on the next import, and the
            # finding must stay the same one (with its review status).
            parsed.flag(
                "area_alias",
                row,
                f"Área escrita «{clean(row.area)}»; se asignó a «{match.area.name} "
                f"({match.area.code})», su nombre canónico.",
            )
        elif match.kind == "ambiguous":
            parsed.flag("area_unresolved", row, match.message)


def _apply(
    parsed: ParsedObjectives, source: SourceText, actor: Actor
) -> Callable[[Institution, ImportReport, list[Change]], None]:
    def apply(institution: Institution, report: ImportReport, changes: list[Change]) -> None:
        domains, inferred = link_findings(
            parsed, institution_code=institution.code, web_domains=_as_list(institution.web_domains)
        )
        matches = area_resolve_many(
            institution=institution,
            labels=[r.area for r in parsed.rows if r.area],
            actor=actor,
            changes=changes,
        )
        _area_findings(parsed, matches)
        syncer = Syncer(
            AreaObjective,
            label="objetivo de área",
            # select_related: the audit trail prints each object, and str() shows the code.
            scope=AreaObjective.objects.filter(
                institution=institution, year=parsed.year
            ).select_related("institution"),
            key=lambda o: o.row_number,
            report=report,
            changes=changes,
        )
        objects = {}
        merge = Merge()  # corrections made in Rumbo: kept while the file's row is unchanged
        stored: dict[int, dict[str, Any]] = {}  # row number → the values written
        for row in parsed.rows:
            match = matches.get(row.area)
            if match is None:
                continue  # no area: reported as an empty required cell, not stored
            values = {
                "institution_id": institution.pk,
                "year": parsed.year,
                "row_number": row.row_number,
                "area_id": match.area.pk,
                "area_as_printed": row.area[:255],
                "period_start": row.period_start,
                "period_end": row.period_end,
                "objective": row.objective,
                "indicator": row.indicator,
                "goal": row.goal,
                "unit": row.unit[:255],
                "hyperlink": row.hyperlink,
                "responsible": row.responsible,
                "updated_on": row.updated_on,
                "note": row.note,
                "source_file": source.name,
                "source_line": row.line,
            }
            values = merge_correction(merge, syncer.existing.get(row.row_number), values)
            stored[row.row_number] = values
            obj = syncer.sync(row.row_number, values)
            obj.institution = institution  # same id; spares a query per row in the audit trail
            objects[row.target] = obj
        syncer.flush()
        merge.deleted = sorted(
            k for k, o in syncer.existing.items() if k not in syncer.seen and o.pk and o.correction
        )
        syncer.delete_unseen()
        reopen_findings(merge, changes)
        if merge.kept:
            recheck_kept(
                merge,
                parsed,
                stored,
                dict(Area.objects.filter(institution=institution).values_list("pk", "name")),
                institution_code=institution.code,
                web_domains=_as_list(institution.web_domains),
            )
        report.findings.extend(parsed.findings)
        bind_findings(report.findings, objects)
        report.extra.update(
            {
                "filas": len(parsed.rows),
                "áreas": len({m.area.pk for m in matches.values()}),
                "dominios_web": domains,
                "dominio_inferido": inferred,
                **merge.summary(),
            }
        )
        report.notes.extend(merge.notes())

    return apply


def import_sipot_objectives(
    path: str | Path,
    *,
    institution_code: str,
    year: int | None = None,
    dry_run: bool = False,
    actor: Actor,
) -> ImportReport:
    source = read_text_file(path, kind_label=KIND_LABEL)
    parsed = parse_sipot_objectives(source, year=year)
    return run_import(
        kind=KIND,
        source=source,
        institution_code=institution_code,
        year=parsed.year,
        dry_run=dry_run,
        actor=actor,
        apply=_apply(parsed, source, actor),
    )

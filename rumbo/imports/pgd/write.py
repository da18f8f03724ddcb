"""Detect the layout, check the numbering and write the plan to the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from django.db import models

from rumbo.audit.services import Actor, Change
from rumbo.core.text import clean, normalize
from rumbo.institutions.models import Institution
from rumbo.strategy.models import (
    GeneralProgram,
    LineOfAction,
    Policy,
    StrategicObjective,
    StrategicPlan,
    SwotItem,
)

from ..base import (
    ImportFailure,
    ImportReport,
    SourceText,
    Syncer,
    bind_findings,
    read_text_file,
    run_import,
)
from .common import (
    HEADING_RE,
    KIND,
    KIND_LABEL,
    LINE_RE,
    OBJECTIVE_RE,
    ParsedPlan,
    _number,
    _period,
)
from .table_layout import (
    _header_columns,
    parse_pgd_table,
)
from .text_layout import (
    parse_pgd_text,
)

# ---------------------------------------------------------------- shared checks and entry


def _numbering_gaps(plan: ParsedPlan) -> None:
    """Flag holes in the numbering (OE1, OE3 …; 1.1, 1.3 …): something was not read."""
    groups: list[tuple[str, list[tuple[str, int, int]]]] = [
        ("políticas", [(p.code, _number(p.code) or 0, p.line) for p in plan.policies]),
        ("programas", [(p.code, _number(p.code) or 0, p.line) for p in plan.programs]),
        ("objetivos", [(o.code, _number(o.code) or 0, o.line) for o in plan.objectives]),
    ]
    by_major: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for ln in plan.lines:
        major, minor = ln.code.split(".")
        by_major[major].append((ln.code, int(minor), ln.line))
    groups += [(f"líneas de acción {major}.x", items) for major, items in by_major.items()]
    for what, items in groups:
        numbers = {n for _, n, _ in items if n}
        if not numbers:
            continue
        missing = sorted(set(range(1, max(numbers) + 1)) - numbers)
        if missing:
            plan.flag(
                "count_mismatch",
                min(items, key=lambda item: item[1])[2],
                f"La numeración de {what} salta: faltan {', '.join(map(str, missing))}.",
            )


def parse_pgd(
    source: SourceText, *, start_year: int | None = None, end_year: int | None = None
) -> ParsedPlan:
    """Detect the layout and parse; raises ``ImportFailure`` when the file is not a PGD."""
    is_table = any(_header_columns(line.split("\t")) for line in source.lines if "\t" in line)
    is_text = not is_table and any(
        OBJECTIVE_RE.match(clean(t)) or LINE_RE.match(clean(t)) or HEADING_RE.match(normalize(t))
        for t in source.lines
    )
    if not (is_table or is_text):
        raise ImportFailure(
            source.name,
            f"no parece {KIND_LABEL}: no tiene la tabla «Política General / Programas Generales "
            "/ Objetivos Estratégicos / Líneas de acción» ni los apartados FODA, «OE1.» y "
            "«Línea de acción 1.1.» del formato de texto",
        )
    start, end = _period(source, start_year, end_year)
    plan = (parse_pgd_table if is_table else parse_pgd_text)(source, start, end)
    _numbering_gaps(plan)
    return plan


def _apply(
    plan: ParsedPlan, source: SourceText
) -> Callable[[Institution, ImportReport, list[Change]], None]:
    def apply(institution: Institution, report: ImportReport, changes: list[Change]) -> None:
        def syncer(model, label, scope, key):
            return Syncer(model, label=label, scope=scope, key=key, report=report, changes=changes)

        plans = syncer(
            StrategicPlan,
            "plan",
            StrategicPlan.objects.filter(institution=institution),
            lambda p: (p.start_year, p.end_year),
        )
        values = {
            "institution_id": institution.pk,
            "name": plan.name,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "source_file": source.name,
        }
        # Only what the document says: the table layout has no misión/visión to overwrite.
        values.update({k: v for k, v in (("mission", plan.mission), ("vision", plan.vision)) if v})
        saved = plans.sync((plan.start_year, plan.end_year), values)
        saved.institution = institution  # str(plan) in the audit trail needs it
        plans.flush()
        objects: dict[tuple[str, str], models.Model] = {("plan", ""): saved}

        def sync_level(model, label, kind, drafts, values_of):
            s = syncer(model, label, model.objects.filter(plan=saved), lambda o: o.code)
            for order, draft in enumerate(drafts, 1):
                values = {
                    "plan_id": saved.pk,
                    "code": draft.code,
                    "order": order,
                    **values_of(draft),
                }
                objects[(kind, draft.code)] = s.sync(draft.code, values)
            s.flush()
            return s

        def pk(kind: str, code: str | None) -> int | None:
            obj = objects.get((kind, code or ""))
            return obj.pk if obj is not None else None

        levels = [
            sync_level(Policy, "política", "policy", plan.policies, lambda d: {"name": d.name}),
            sync_level(
                GeneralProgram,
                "programa general",
                "program",
                plan.programs,
                lambda d: {"name": d.name, "policy_id": pk("policy", d.policy)},
            ),
            sync_level(
                StrategicObjective,
                "objetivo estratégico",
                "objective",
                plan.objectives,
                lambda d: {"text": d.text, "program_id": pk("program", d.program)},
            ),
            sync_level(
                LineOfAction,
                "línea de acción",
                "line",
                plan.lines,
                lambda d: {
                    "text": d.text,
                    "objective_id": pk("objective", d.objective),
                    "program_id": pk("program", d.program),
                },
            ),
        ]
        swot = syncer(
            SwotItem,
            "elemento FODA",
            SwotItem.objects.filter(plan=saved),
            lambda o: (o.kind, o.order),
        )
        for item in plan.swot:
            values = {
                "plan_id": saved.pk,
                "kind": item.kind,
                "order": item.order,
                "text": item.text,
            }
            objects[("swot", f"{item.kind}:{item.order}")] = swot.sync(
                (item.kind, item.order), values
            )
        swot.flush()
        for s in [swot, *reversed(levels)]:
            s.delete_unseen()
        report.findings.extend(plan.findings)
        bind_findings(report.findings, objects)
        report.extra.update({"plan": plan.name, "formato": plan.layout})

    return apply


def import_pgd(
    path: str | Path,
    *,
    institution_code: str,
    dry_run: bool = False,
    actor: Actor,
    start_year: int | None = None,
    end_year: int | None = None,
) -> ImportReport:
    source = read_text_file(path, kind_label=KIND_LABEL)
    plan = parse_pgd(source, start_year=start_year, end_year=end_year)
    return run_import(
        kind=KIND,
        source=source,
        institution_code=institution_code,
        year=None,
        dry_run=dry_run,
        actor=actor,
        apply=_apply(plan, source),
    )

"""Copy a program year to the next: the plan of year N as the starting point of year N+1.

``program_copy`` makes a new annual program, en formulación (version 0, no acuerdo), with
the source's structure: its nodes (with their areas, objectives, legal framework), its
activities (area, key, description, unit, order), their beneficiaries, their alignment
to líneas de acción and — through the steps the higher apps register
(``register_copy_step``) — the rest of the plan: the program designs with their MIRs,
indicators, fichas, variables, targets and bands, the activities' links to MIR rows
(``rumbo/design/copy.py``) and the activities' own semáforo bands
(``rumbo/monitoring/copy.py``). Targets (annual, monthly, the indicators' and the
beneficiaries' quantities) are copied, or left blank with ``with_targets=False``.

Never copied: what happened in the source year — progress, evidence, period reports,
measurements, quality findings, approved versions, adjustment requests, publications —
and what belonged to its documents (``source_file``, ``source_line``,
``calendar_as_printed``, the acuerdo). A línea de acción of a plan that is not in force in
the new year is dropped, and the result lists it.

Everything happens in one transaction with bulk inserts: a constant number of queries
whatever the number of activities (one INSERT per table, one per level of each tree;
SQLite splits an INSERT every 999 parameters, PostgreSQL does not). ``dry_run`` does the
whole copy and rolls it back, so the preview is exactly what a real run creates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from rumbo.audit.services import Actor, audit_record
from rumbo.institutions.access import Capability, require
from rumbo.institutions.models import Institution
from rumbo.strategy.selectors import plan_for_year

from .models import (
    Activity,
    AnnualProgram,
    Beneficiary,
    MonthlyTarget,
    ProgramNode,
    ProgramState,
)

M = TypeVar("M", bound=models.Model)

YEAR_MIN, YEAR_MAX = 1990, 2100


# --- what a copy made ---------------------------------------------------------------------


@dataclass(frozen=True)
class CopyCount:
    key: str  # stable, for tests and the audit trail: "nodes.0", "activities", "mir_rows"…
    label: str  # what the output says: «Subprograma», «renglones de la MIR»…
    number: int


@dataclass(frozen=True)
class DroppedLine:
    """An activity's línea de acción left out: its plan is not the one in force."""

    activity: str  # the activity's key
    code: str  # the line's code
    plan: str  # the plan the line belongs to


@dataclass
class CopyResult:
    institution: str
    from_year: int
    to_year: int
    with_targets: bool
    dry_run: bool
    program: AnnualProgram | None = None  # None in a dry run: nothing was kept
    counts: list[CopyCount] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # one line per MIR, said after the counts
    dropped_lines: list[DroppedLine] = field(default_factory=list)
    plan_in_force: str = ""  # the strategic plan in force in to_year ("" when none)

    def count(self, key: str) -> int:
        return next((c.number for c in self.counts if c.key == key), 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "institution": self.institution,
            "from": self.from_year,
            "to": self.to_year,
            "with_targets": self.with_targets,
            "counts": {c.key: c.number for c in self.counts},
            "lines_dropped": [
                {"activity": d.activity, "line": d.code, "plan": d.plan} for d in self.dropped_lines
            ],
        }

    def to_text(self) -> str:
        targets = "con metas" if self.with_targets else "sin metas"
        head = (
            "Simulación (no se guardó nada): se crearía"
            if self.dry_run
            else "Copia completada: se creó"
        )
        lines = [
            f"{head} el programa {self.institution} {self.to_year} a partir del "
            f"{self.from_year} ({targets}), en formulación, versión 0."
        ]
        width = max((len(c.label) for c in self.counts), default=0)
        lines.extend(f"  {c.label + ':':<{width + 1}} {c.number:,}" for c in self.counts)
        lines.extend(f"  {line}" for line in self.details)
        if self.dropped_lines:
            where = (
                f"el plan vigente en {self.to_year} es «{self.plan_in_force}»"
                if self.plan_in_force
                else f"no hay plan vigente en {self.to_year}"
            )
            lines.append(
                f"  Líneas de acción que no se copian ({len(self.dropped_lines)}; {where}):"
            )
            lines.extend(
                f"    {d.activity}: {d.code} ({d.plan})"
                for d in sorted(self.dropped_lines, key=lambda d: (d.activity, d.code))
            )
        elif self.count("lines_of_action"):
            lines.append("  Líneas de acción: todas están en el plan vigente; ninguna se omite.")
        return "\n".join(lines)


# --- what the steps see --------------------------------------------------------------------


@dataclass
class CopyContext:
    """The copy in progress, for the steps: the source, the new program and the maps from
    each source row's id to its copy."""

    source: AnnualProgram
    target: AnnualProgram
    with_targets: bool
    result: CopyResult
    nodes: dict[int, ProgramNode] = field(default_factory=dict)  # source node id → copy
    activities: dict[int, Activity] = field(default_factory=dict)  # source activity id → copy

    def add(self, key: str, label: str, number: int) -> None:
        self.result.counts.append(CopyCount(key, label, number))

    def say(self, line: str) -> None:
        self.result.details.append(line)

    def retitle(self, text: str) -> str:
        return retitle(text, self.source.year, self.target.year)


CopyStep = Callable[[CopyContext], None]
_STEPS: list[CopyStep] = []


def register_copy_step(step: CopyStep) -> None:
    """A higher app copies its part of the program (after the nodes and activities exist;
    ``ctx.nodes`` and ``ctx.activities`` map the source's rows to their copies)."""
    if step not in _STEPS:
        _STEPS.append(step)


# --- helpers for the steps -------------------------------------------------------------------


def retitle(text: str, from_year: int, to_year: int) -> str:
    """A title's year, written alone, becomes the new one («Programa Anual de Actividades
    2024» → «… 2025»); a year inside a range («2023-2026») or another number is kept."""
    return re.sub(rf"(?<![\d-]){from_year}(?![\d-])", str(to_year), text)


def clone(obj: M, **changes: Any) -> M:
    """An unsaved copy of ``obj``: every concrete field but the primary key and the
    automatic timestamps, then ``changes`` (by attribute name: ``node_id=…``)."""
    values: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        values[f.attname] = getattr(obj, f.attname)
    values.update(changes)
    return type(obj)(**values)


def bulk_insert(model: type[M], objs: Sequence[M]) -> list[M]:
    """``bulk_create`` that insists on getting the new primary keys back (PostgreSQL and
    SQLite ≥ 3.35 return them), since the next level hangs from them."""
    if not objs:
        return []
    created = model._default_manager.bulk_create(objs)
    if any(o.pk is None for o in created):  # pragma: no cover - another database backend
        raise RuntimeError(f"La base de datos no devolvió las claves de {model.__name__}.")
    return created


def clone_tree(
    rows: Iterable[M],
    changes: Callable[[M], dict[str, Any]],
    *,
    parent: str = "parent_id",
) -> dict[int, M]:
    """Copy rows of a self-referencing tree, one INSERT per level (a parent before its
    children); returns source id → copy. A row whose parent is not among ``rows`` hangs
    from nothing (its parent is left empty) — the model's constraints say whether that
    is allowed."""
    pending = list(rows)
    ids = {r.pk for r in pending}
    done: dict[int, M] = {}
    while pending:
        level = [
            r
            for r in pending
            if getattr(r, parent) is None
            or getattr(r, parent) not in ids
            or getattr(r, parent) in done
        ]
        if not level:  # pragma: no cover - a cycle in the data
            raise RuntimeError("El árbol tiene un ciclo.")
        copies = []
        for r in level:
            up = getattr(r, parent)
            copies.append(clone(r, **{parent: done[up].pk if up in done else None}, **changes(r)))
        for r, c in zip(level, bulk_insert(type(level[0]), copies), strict=True):
            done[r.pk] = c
        pending = [r for r in pending if r.pk not in done]
    return done


# --- the copy ---------------------------------------------------------------------------------


class _DryRunRollback(Exception):
    pass


def _check(institution: Institution, from_year: int, to_year: int) -> AnnualProgram:
    for name, year in (("from_year", from_year), ("to_year", to_year)):
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise ValidationError(
                {name: f"El ejercicio {year} está fuera de rango (de {YEAR_MIN} a {YEAR_MAX})."}
            )
    if from_year == to_year:
        raise ValidationError({"to_year": "El ejercicio de destino es el mismo que el de origen."})
    source = AnnualProgram.objects.filter(institution=institution, year=from_year).first()
    if source is None:
        raise ValidationError(
            {"from_year": f"{institution.code} no tiene programa anual {from_year} que copiar."}
        )
    if AnnualProgram.objects.filter(institution=institution, year=to_year).exists():
        raise ValidationError(
            {
                "to_year": f"{institution.code} ya tiene programa anual {to_year}: la copia "
                "solo crea un programa nuevo, nunca escribe sobre uno existente."
            }
        )
    source.institution = institution  # the steps read it: no query
    return source


def program_copy(
    *,
    actor: Actor,
    institution: Institution,
    from_year: int,
    to_year: int,
    with_targets: bool = True,
    dry_run: bool = False,
) -> CopyResult:
    """Copy ``institution``'s program of ``from_year`` into a new one of ``to_year`` (see
    the module docstring). ``ValidationError`` (Spanish, per field) when the source does
    not exist, the target year already has a program or a year is out of range;
    ``PermissionDenied`` for a user who may not edit the program."""
    if actor.user is not None:
        require(actor.user, institution, Capability.EDIT_PROGRAM)
    result = CopyResult(
        institution=institution.code,
        from_year=from_year,
        to_year=to_year,
        with_targets=with_targets,
        dry_run=dry_run,
    )
    try:
        with transaction.atomic():
            source = _check(institution, from_year, to_year)
            program = _copy_program(source, to_year)
            ctx = CopyContext(
                source=source, target=program, with_targets=with_targets, result=result
            )
            _copy_nodes(ctx)
            _copy_activities(ctx)
            for step in _STEPS:
                step(ctx)
            audit_record(
                actor=actor,
                institution_id=institution.pk,
                action="program.copy",
                obj=program,
                before=None,
                after=result.to_dict(),
                reason=f"Copia del programa {from_year} al {to_year}",
            )
            result.program = program
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        result.program = None
    return result


def _copy_program(source: AnnualProgram, to_year: int) -> AnnualProgram:
    program = clone(
        source,
        year=to_year,
        name=retitle(source.name, source.year, to_year),
        source_file="",
        progress_simulated=False,
        state=ProgramState.FORMULACION,
        agreement="",
        approved_on=None,
        agreement_file="",
        version=0,
    )
    program.institution = source.institution  # str(program) in the audit trail: no query
    try:
        with transaction.atomic():
            program.save(force_insert=True)
    except IntegrityError:  # another copy or import created it in the meantime
        raise ValidationError(
            {"to_year": f"{source.institution.code} ya tiene programa anual {to_year}."}
        ) from None
    return program


def _copy_nodes(ctx: CopyContext) -> None:
    source_nodes = list(ProgramNode.objects.filter(program=ctx.source).order_by("depth", "order"))
    ctx.nodes = clone_tree(
        source_nodes, lambda n: {"program_id": ctx.target.pk, "source_line": None}
    )
    depths = sorted({n.depth for n in source_nodes})
    for depth in depths:
        number = sum(1 for n in source_nodes if n.depth == depth)
        ctx.add(f"nodes.{depth}", ctx.source.level_name(depth), number)


def _copy_activities(ctx: CopyContext) -> None:
    source = list(Activity.objects.filter(program=ctx.source).order_by("order", "pk"))
    copies = [
        clone(
            a,
            program_id=ctx.target.pk,
            node_id=ctx.nodes[a.node_id].pk,
            annual_target=a.annual_target if ctx.with_targets else None,
            calendar_as_printed="",
            calendar_simulated=a.calendar_simulated and ctx.with_targets,
            source_line=None,
        )
        for a in source
    ]
    for a, c in zip(source, bulk_insert(Activity, copies), strict=True):
        ctx.activities[a.pk] = c
    ctx.add("activities", ctx.source.activity_level_name, len(source))

    months = 0
    if ctx.with_targets:
        targets = [
            clone(t, activity_id=ctx.activities[t.activity_id].pk)
            for t in MonthlyTarget.objects.filter(activity__program=ctx.source)
        ]
        months = len(bulk_insert(MonthlyTarget, targets))
    ctx.add("monthly_targets", "metas mensuales", months)

    beneficiaries = [
        clone(
            b,
            activity_id=ctx.activities[b.activity_id].pk,
            quantity=b.quantity if ctx.with_targets else "",
        )
        for b in Beneficiary.objects.filter(activity__program=ctx.source)
    ]
    ctx.add("beneficiaries", "beneficiarios", len(bulk_insert(Beneficiary, beneficiaries)))
    _copy_alignment(ctx)


def _copy_alignment(ctx: CopyContext) -> None:
    """The activities' líneas de acción, those of the plan in force in the new year."""
    through = Activity.lines_of_action.through
    plan = plan_for_year(institution=ctx.source.institution, year=ctx.target.year)
    ctx.result.plan_in_force = str(plan) if plan is not None else ""
    links = (
        through.objects.filter(activity__program=ctx.source)
        .select_related("activity", "lineofaction__plan")
        .order_by("activity__key", "lineofaction__code")
    )
    kept = []
    for link in links:
        line = link.lineofaction
        if plan is not None and line.plan_id == plan.pk:
            kept.append(
                through(activity_id=ctx.activities[link.activity_id].pk, lineofaction_id=line.pk)
            )
        else:
            ctx.result.dropped_lines.append(
                DroppedLine(activity=link.activity.key, code=line.code, plan=str(line.plan))
            )
    through.objects.bulk_create(kept)
    ctx.add("lines_of_action", "alineaciones a líneas de acción", len(kept))

"""Writing a parsed PAA: ``import_paa`` and the bulk writer."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from rumbo.audit.services import Actor, Change
from rumbo.core.text import clean, normalize
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.services import area_resolve_many
from rumbo.programs.lifecycle import TargetsFrozen
from rumbo.programs.models import (
    DEFAULT_LEVEL_NAMES,
    Activity,
    AnnualProgram,
    Beneficiary,
    MonthlyTarget,
    ProgramNode,
    UnitOfMeasure,
)

from ..base import (
    FindingDraft,
    ImportFailure,
    ImportReport,
    Syncer,
    bind_findings,
    jsonable,
    read_text_file,
    run_import,
)
from .layout import (
    KIND,
    KIND_LABEL,
    QUANTUM,
    ParsedProgram,
)
from .parse import parse_paa

# ---------------------------------------------------------------------------------------
# Import


def import_paa(
    path: str | Path,
    *,
    institution_code: str,
    year: int | None = None,
    dry_run: bool = False,
    actor: Actor,
) -> ImportReport:
    """Import a Programa Anual de Actividades; re-importing the same file changes nothing."""
    source = read_text_file(path, kind_label=KIND_LABEL)
    parsed = parse_paa(source)
    year = year or parsed.year
    if year is None:
        raise ImportFailure(
            source.name,
            "no se encontró el ejercicio en el título («Programa Anual de Actividades AAAA»); "
            "indíquelo con --year",
        )
    if not 1990 <= year <= 2100:
        raise ImportFailure(source.name, f"ejercicio fuera de rango: {year}")

    if parsed.year is not None and parsed.year != year:
        parsed.findings.insert(
            0,
            FindingDraft(
                "year_mismatch",
                parsed.year_line,
                f"Se importó como ejercicio {year}, indicado al importar, pero el título del "
                f"documento dice {parsed.year}.",
                "Programa",
                ("program", str(year)),
            ),
        )

    def apply(institution: Institution, report: ImportReport, changes: list[Change]) -> None:
        existing = AnnualProgram.objects.filter(institution=institution, year=year).first()
        if existing is not None and existing.targets_frozen:
            raise ImportFailure(source.name, TargetsFrozen(existing).message)
        _Writer(parsed, year, source.name, institution, report, changes, actor).write()

    return run_import(
        kind=KIND,
        source=source,
        institution_code=institution_code,
        year=year,
        dry_run=dry_run,
        actor=actor,
        apply=apply,
    )


class _Writer:
    """Writes a parsed program with a constant number of queries (bulk, per model)."""

    def __init__(
        self,
        parsed: ParsedProgram,
        year: int,
        source_name: str,
        institution: Institution,
        report: ImportReport,
        changes: list[Change],
        actor: Actor,
    ) -> None:
        self.parsed = parsed
        self.year = year
        self.source_name = source_name
        self.institution = institution
        self.report = report
        self.changes = changes
        self.actor = actor
        self.moved: list[Any] = []

    def place(
        self, syncer: Syncer[Any], key: str, content: dict[str, Any], order: int, line: int
    ) -> None:
        """Sync ``content``; the position (order, source line) follows without counting.

        Lines shift whenever the text above them changes: that is not a change of the
        object, so it is neither reported nor audited, just kept current.
        """
        position = {"order": order, "source_line": line}
        if key not in syncer.existing:
            syncer.sync(key, content | position)
            return
        obj = syncer.sync(key, content)
        if any(getattr(obj, name) != value for name, value in position.items()):
            for name, value in position.items():
                setattr(obj, name, value)
            self.moved.append(obj)

    def flush(self, syncer: Syncer[Any]) -> None:
        syncer.flush()
        if self.moved:
            syncer.model.objects.bulk_update(self.moved, ["order", "source_line"], batch_size=500)
        self.moved = []

    def syncer(self, model: Any, label: str, scope: Any) -> Syncer[Any]:
        return Syncer(
            model,
            label=label,
            scope=scope,
            key=lambda obj: obj.key,
            report=self.report,
            changes=self.changes,
        )

    def write(self) -> None:
        parsed, report = self.parsed, self.report
        report.findings.extend(parsed.findings)
        areas = self.resolve_areas()
        units = self.units()
        program = self.program()

        nodes = ProgramNode.objects.filter(program=program)
        subprograms = self.syncer(ProgramNode, "subprograma", nodes.filter(depth=0))
        for order, sp in enumerate(parsed.subprograms, start=1):
            area = areas.get(sp.key)
            self.place(
                subprograms,
                sp.key,
                {
                    "program_id": program.pk,
                    "parent_id": None,
                    "depth": 0,
                    "key": sp.key,
                    "name": sp.name,
                    "area_id": area.pk if area else None,
                    "objective": sp.objective,
                    "legal_framework": sp.legal_framework,
                },
                order,
                sp.line,
            )
        self.flush(subprograms)

        projects = self.syncer(ProgramNode, "proyecto", nodes.filter(depth=1))
        for order, pr in enumerate(parsed.projects(), start=1):
            self.place(
                projects,
                pr.key,
                {
                    "program_id": program.pk,
                    "parent_id": subprograms.existing[pr.key[:2]].pk,
                    "depth": 1,
                    "key": pr.key,
                    "name": pr.name,
                    "area_id": None,
                    "objective": "",
                    "legal_framework": "",
                },
                order,
                pr.line,
            )
        self.flush(projects)

        activities = self.syncer(Activity, "actividad", Activity.objects.filter(program=program))
        created: set[str] = set()
        unchanged: set[str] = set()
        for order, act in enumerate(parsed.activities(), start=1):
            area = areas.get(act.key[:2])
            if act.key not in activities.existing:
                created.add(act.key)
            before = report.unchanged["actividad"]
            self.place(
                activities,
                act.key,
                {
                    "program_id": program.pk,
                    "node_id": projects.existing[act.key[:4]].pk,
                    "area_id": area.pk if area else None,
                    "key": act.key,
                    "description": act.description,
                    "unit_id": units[normalize(act.unit)].pk if act.unit else None,
                    "annual_target": _quantize(act.annual) if act.annual is not None else None,
                    "calendar_as_printed": act.calendar_as_printed[:255],
                },
                order,
                act.line,
            )
            if report.unchanged["actividad"] > before:
                unchanged.add(act.key)
        self.flush(activities)
        self.sync_rows(program, activities.existing, created, unchanged)

        activities.delete_unseen()
        projects.delete_unseen()
        subprograms.delete_unseen()

        objects: dict[tuple[str, str], Any] = {
            ("activity", key): obj for key, obj in activities.existing.items() if obj.pk
        }
        objects[("program", str(self.year))] = program
        for syncer in (subprograms, projects):
            objects.update({("node", key): obj for key, obj in syncer.existing.items() if obj.pk})
        bind_findings(report.findings, objects)
        report.extra["leídos"] = {
            "subprogramas": len(parsed.subprograms),
            "proyectos": sum(1 for _ in parsed.projects()),
            "actividades": sum(1 for _ in parsed.activities()),
        }

    def program(self) -> AnnualProgram:
        programs = Syncer(
            AnnualProgram,
            label="programa",
            scope=AnnualProgram.objects.filter(institution=self.institution, year=self.year),
            key=lambda p: p.year,
            report=self.report,
            changes=self.changes,
        )
        program = programs.sync(
            self.year,
            {
                "institution_id": self.institution.pk,
                "year": self.year,
                "name": self.parsed.name or f"Programa Anual de Actividades {self.year}",
                "level_names": list(DEFAULT_LEVEL_NAMES),
                "source_file": self.source_name,
            },
        )
        programs.flush()
        return program

    def resolve_areas(self) -> dict[str, Area]:
        """The area of each subprogram (by key), with a finding for doubtful spellings."""
        labels = [label for sp in self.parsed.subprograms for label, _ in sp.area_labels]
        matches = (
            area_resolve_many(
                institution=self.institution, labels=labels, actor=self.actor, changes=self.changes
            )
            if labels
            else {}
        )
        result: dict[str, Area] = {}
        for sp in self.parsed.subprograms:
            label_text, target = f"Subprograma {sp.key}", ("node", sp.key)
            first: tuple[str, int] | None = None
            reported: set[str] = set()
            for label, line in sp.area_labels:
                match = matches.get(label) or matches.get(clean(label))
                if match is None or match.area is None:
                    continue
                if first is None:
                    first = (label, line)
                    result[sp.key] = match.area
                elif match.area.pk != result[sp.key].pk:
                    self.report.findings.append(
                        FindingDraft(
                            "area_unresolved",
                            line,
                            f"El subprograma {sp.key} indica otra área, «{label}», distinta de "
                            f"«{first[0]}» (línea {first[1]}); se usó la primera.",
                            label_text,
                            target,
                        )
                    )
                if label in reported or match.kind not in ("alias", "fuzzy", "ambiguous"):
                    continue
                reported.add(label)
                code = "area_unresolved" if match.kind == "ambiguous" else "area_alias"
                self.report.findings.append(
                    FindingDraft(code, line, match.message, label_text, target)
                )
            if sp.key not in result:
                self.report.findings.append(
                    FindingDraft(
                        "empty_required",
                        sp.line,
                        f"El subprograma {sp.key} no indica su área («Área: …»).",
                        label_text,
                        target,
                    )
                )
        return result

    def units(self) -> dict[str, UnitOfMeasure]:
        """The institution's units by normalized name, creating the new ones in bulk."""
        units = {
            u.normalized: u for u in UnitOfMeasure.objects.filter(institution=self.institution)
        }
        new: list[UnitOfMeasure] = []
        for act in self.parsed.activities():
            key = normalize(act.unit)
            if act.unit and key not in units:
                units[key] = UnitOfMeasure(
                    institution=self.institution, name=act.unit[:120], normalized=key[:120]
                )
                new.append(units[key])
        if new:
            UnitOfMeasure.objects.bulk_create(new)
            self.report.created["unidad de medida"] += len(new)
            self.changes += [Change("create", u, None, {"name": u.name}) for u in new]
        return units

    def sync_rows(
        self,
        program: AnnualProgram,
        existing: dict[str, Activity],
        created: set[str],
        unchanged: set[str],
    ) -> None:
        """Replace the months and beneficiaries of the activities where they changed."""
        months: dict[int, set[tuple[int, Decimal]]] = defaultdict(set)
        for activity_id, month, quantity in MonthlyTarget.objects.filter(
            activity__program=program
        ).values_list("activity_id", "month", "quantity"):
            months[activity_id].add((month, quantity))
        people: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for activity_id, description, text in (
            Beneficiary.objects.filter(activity__program=program)
            .order_by("activity_id", "order")
            .values_list("activity_id", "description", "quantity")
        ):
            people[activity_id].append((description, text))

        replace_months: list[int] = []
        replace_people: list[int] = []
        new_months: list[MonthlyTarget] = []
        new_people: list[Beneficiary] = []
        for act in self.parsed.activities():
            obj = existing[act.key]
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            wanted = {(m, _quantize(q)) for m, q in act.months.items()}
            if wanted != months[obj.pk]:
                replace_months.append(obj.pk)
                new_months += [
                    MonthlyTarget(activity_id=obj.pk, month=m, quantity=q)
                    for m, q in sorted(wanted)
                ]
                before["metas_mensuales"] = {m: jsonable(q) for m, q in sorted(months[obj.pk])}
                after["metas_mensuales"] = {m: jsonable(q) for m, q in sorted(wanted)}
            rows = [(b.description, b.quantity[:60]) for b in act.beneficiaries]
            if rows != people[obj.pk]:
                replace_people.append(obj.pk)
                new_people += [
                    Beneficiary(activity_id=obj.pk, description=d, quantity=q, order=i)
                    for i, (d, q) in enumerate(rows, start=1)
                ]
                before["beneficiarios"] = [list(r) for r in people[obj.pk]]
                after["beneficiarios"] = [list(r) for r in rows]
            if after and act.key not in created:
                if act.key in unchanged:
                    self.report.unchanged["actividad"] -= 1
                    self.report.updated["actividad"] += 1
                self.changes.append(Change("update", obj, before, after))
        if replace_months:
            MonthlyTarget.objects.filter(activity_id__in=replace_months).delete()
        if replace_people:
            Beneficiary.objects.filter(activity_id__in=replace_people).delete()
        MonthlyTarget.objects.bulk_create(new_months, batch_size=1000)
        Beneficiary.objects.bulk_create(new_people, batch_size=1000)


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(QUANTUM)

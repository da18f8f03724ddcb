"""Comparing a ``DesignPlan`` with the stored design, and writing it."""

from __future__ import annotations

from typing import Any

from django.db import models

from rumbo.audit.services import Actor, Change
from rumbo.imports.base import (
    ImportFailure,
    ImportReport,
    jsonable,
)
from rumbo.indicators.lifecycle import mir_state_text
from rumbo.indicators.models import (
    ActivityMirLink,
    Indicator,
    IndicatorBands,
    IndicatorTarget,
    IndicatorVariable,
    Measurement,
    Mir,
    MirRow,
)
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.services import area_resolve_many
from rumbo.programs.models import AnnualProgram, ProgramNode

from ..models import (
    Alternative,
    PopulationFigure,
    ProgramDesign,
    Risk,
    ScheduleAction,
    Stakeholder,
    TreeNode,
)
from .checker import SIMULATED
from .read import DesignPlan

# --- comparing and writing -------------------------------------------------------------------

DESIGN_FIELDS = (
    "title",
    "problem_statement",
    "diagnosis",
    "selection_rationale",
    "population_description",
    "source_note",
)
FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Stakeholder: (
        "order",
        "actor",
        "interests",
        "perceived_problems",
        "resources_mandates",
        "expectations",
        "conflicts_alliances",
        *Stakeholder.SCORES,
        "notes",
    ),
    TreeNode: ("tree", "role", "order", "text"),
    Alternative: ("order", "title", "actions", "chosen"),
    PopulationFigure: ("order", "group", "label", "value", "unit", "source", "cutoff"),
    Risk: (
        "order",
        "risk",
        "cause",
        "effect",
        "probability",
        "impact",
        "owner",
        "controls",
        "treatment",
        "treatment_actions",
        "follow_up",
    ),
    ScheduleAction: (
        "order",
        "number",
        "description",
        "months",
        "months_simulated",
        "responsible",
    ),
    MirRow: ("order", "level", "code", "summary", "verification", "assumptions"),
    Indicator: (
        "order",
        "name",
        "definition",
        "formula",
        "formula_as_printed",
        "formula_type",
        "unit",
        "kind",
        "dimension",
        "frequency",
        "direction",
        "accumulation",
        "baseline_value",
        "baseline_year",
        "area_id",
        *Indicator.CREMAA,
    ),
    IndicatorVariable: ("order", "name", "description", "unit", "source"),
    IndicatorTarget: ("period", "value"),
}


def _values(obj: models.Model, fields: tuple[str, ...] | None = None) -> tuple[Any, ...]:
    return tuple(getattr(obj, f) for f in fields or FIELDS[type(obj)])


def _label(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name)


def design_label() -> str:
    return _label(ProgramDesign)


def _mir_notes(plan: DesignPlan) -> str:
    simulated = [
        f"{r.row.code} · {i.indicator.name}"
        for r in plan.rows
        for i in r.indicators
        if i.simulated_targets
    ]
    if not simulated:
        return plan.mir_notes
    line = (
        f"{SIMULATED} Metas simuladas para la demostración (el documento no las da): "
        + "; ".join(simulated)
        + "."
    )
    return f"{plan.mir_notes}\n\n{line}" if plan.mir_notes else line


def _tree_key(nodes: list[tuple[TreeNode, int | None]]) -> list[tuple[Any, ...]]:
    """Each box with the chain of boxes toward its core, so a moved box counts as a change."""
    out = []
    for node, parent in nodes:
        chain: list[tuple[Any, ...]] = [_values(node)]
        while parent is not None:
            chain.append(_values(nodes[parent][0]))
            parent = nodes[parent][1]
        out.append(tuple(chain))
    return sorted(out, key=repr)


def plan_snapshot(plan: DesignPlan, areas: dict[str, Area], node_area: Area) -> tuple[Any, ...]:
    rows = []
    for r in plan.rows:
        indicators = []
        for i in r.indicators:
            i.indicator.area_id = (areas[i.area_label] if i.area_label else node_area).pk
            indicators.append(
                (
                    _values(i.indicator),
                    [_values(v) for v in i.variables],
                    [_values(t) for t in i.targets],
                )
            )
        rows.append((_values(r.row), r.parent_code, indicators))
    return (
        _values(plan.design, DESIGN_FIELDS),
        [_values(s) for s in plan.stakeholders],
        _tree_key([(t.node, t.parent) for t in plan.tree]),
        [_values(a) for a in plan.alternatives],
        [_values(p) for p in plan.population],
        [_values(r) for r in plan.risks],
        [(_values(s), code) for s, code in plan.schedule],
        _mir_notes(plan),
        rows,
    )


def stored_snapshot(design: ProgramDesign) -> tuple[Any, ...]:
    nodes = list(design.tree_nodes.all())
    index = {n.pk: i for i, n in enumerate(nodes)}
    mir = Mir.objects.filter(design=design).first()
    rows = []
    if mir is not None:
        indicators: dict[int, list[Indicator]] = {}
        for ind in Indicator.objects.filter(row__mir=mir).prefetch_related("variables", "targets"):
            indicators.setdefault(ind.row_id, []).append(ind)
        for row in mir.rows.select_related("parent"):
            rows.append(
                (
                    _values(row),
                    row.parent.code if row.parent else "",
                    [
                        (
                            _values(i),
                            [_values(v) for v in i.variables.all()],
                            [_values(t) for t in i.targets.all()],
                        )
                        for i in indicators.get(row.pk, [])
                    ],
                )
            )
    return (
        _values(design, DESIGN_FIELDS),
        [_values(s) for s in design.stakeholders.all()],
        _tree_key([(n, index.get(n.parent_id) if n.parent_id else None) for n in nodes]),
        [_values(a) for a in design.alternatives.all()],
        [_values(p) for p in design.population_figures.all()],
        [_values(r) for r in design.risks.all()],
        [
            (_values(s), s.component.code if s.component else "")
            for s in design.schedule_actions.select_related("component")
        ],
        mir.notes if mir is not None else None,
        rows,
    )


class DesignWriter:
    def __init__(self, plan: DesignPlan, file: str, report: ImportReport, changes: list[Change]):
        self.plan, self.file, self.report, self.changes = plan, file, report, changes

    def created(self, obj: models.Model, after: dict[str, Any] | None = None) -> None:
        fields = DESIGN_FIELDS[:1] if isinstance(obj, ProgramDesign) else FIELDS.get(type(obj), ())
        data = after if after is not None else {f: jsonable(getattr(obj, f)) for f in fields}
        self.changes.append(Change("create", obj, None, data))
        self.report.created[_label(type(obj))] += 1

    def many(self, objs: list[Any]) -> None:
        if objs:
            type(objs[0])._default_manager.bulk_create(objs)
            for obj in objs:
                self.created(obj)

    def counts(self) -> dict[str, int]:
        p = self.plan
        indicators = [i for r in p.rows for i in r.indicators]
        return {
            _label(ProgramDesign): 1,
            _label(Stakeholder): len(p.stakeholders),
            _label(TreeNode): len(p.tree),
            _label(Alternative): len(p.alternatives),
            _label(PopulationFigure): len(p.population),
            _label(Risk): len(p.risks),
            _label(ScheduleAction): len(p.schedule),
            _label(Mir): 1,
            _label(MirRow): len(p.rows),
            _label(Indicator): len(indicators),
            _label(IndicatorVariable): sum(len(i.variables) for i in indicators),
            _label(IndicatorTarget): sum(len(i.targets) for i in indicators),
        }

    def refuse_if_in_use(self, design: ProgramDesign) -> None:
        mir = Mir.objects.filter(design=design).first()
        if mir is not None and mir.targets_frozen:
            raise ImportFailure(
                self.file,
                f"el diseño «{design.title}» cambió en el archivo pero su MIR está "
                f"{mir_state_text(mir)}"
                + (f" (acuerdo {mir.agreement})" if mir.agreement else "")
                + "; no se reemplaza desde el archivo: sus metas cambian con una solicitud de "
                "adecuación (meta_indicador)",
            )
        held = {
            "mediciones": Measurement.objects.filter(indicator__row__mir__design=design).count(),
            "actividades vinculadas": ActivityMirLink.objects.filter(
                row__mir__design=design
            ).count(),
            "semáforos propios": IndicatorBands.objects.filter(
                indicator__row__mir__design=design
            ).count(),
        }
        in_use = ", ".join(f"{n} {what}" for what, n in held.items() if n)
        if in_use:
            raise ImportFailure(
                self.file,
                f"el diseño «{design.title}» cambió en el archivo pero su MIR ya tiene {in_use}; "
                "no se reemplaza desde el archivo (edítelo en Rumbo o elimine esos datos antes)",
            )

    def program_and_node(self, institution: Institution, area: Area) -> ProgramNode:
        p = self.plan
        program = AnnualProgram.objects.filter(institution=institution, year=p.year).first()
        if program is None:
            program = AnnualProgram.objects.create(
                institution=institution,
                year=p.year,
                name=p.program_name,
                level_names=p.level_names or ["Programa", "Actividad institucional", "Acción"],
                source_file=self.file,
            )
            self.created(program, {"name": program.name, "year": p.year})
        node = ProgramNode.objects.filter(program=program, key=p.node_key).first()
        wanted = {"name": p.node_name, "area_id": area.pk, "objective": p.node_objective}
        if node is None:
            last = program.nodes.filter(depth=0).order_by("-order").values_list("order", flat=True)
            node = ProgramNode.objects.create(
                program=program, depth=0, key=p.node_key, order=(last.first() or 0) + 1, **wanted
            )
            self.created(node, {"key": node.key, "name": node.name, "area": area.code})
            return node
        if node.depth != 0:
            raise ImportFailure(
                self.file,
                f"node.key: «{p.node_key}» ya es la clave de un nodo de nivel {node.depth + 1} "
                "del programa; el diseño va en un nodo de primer nivel",
            )
        diff = {k: v for k, v in wanted.items() if getattr(node, k) != v}
        if diff:
            before = {k: getattr(node, k) for k in diff}
            for k, v in diff.items():
                setattr(node, k, v)
            node.save(update_fields=[k.removesuffix("_id") for k in diff])
            self.changes.append(Change("update", node, before, diff))
            self.report.updated[_label(ProgramNode)] += 1
        else:
            self.report.unchanged[_label(ProgramNode)] += 1
        return node

    def design(self, node: ProgramNode, areas: dict[str, Area], node_area: Area) -> ProgramDesign:
        p = self.plan
        d = p.design
        d.node = node
        d.save()
        self.created(d)
        for s in p.stakeholders:
            s.design = d
        self.many(p.stakeholders)
        for t in p.tree:  # parents come before their children
            t.node.design = d
            t.node.parent = p.tree[t.parent].node if t.parent is not None else None
            t.node.save()
            self.created(t.node)
        for group in (p.alternatives, p.population, p.risks):
            for obj in group:
                obj.design = d
            self.many(group)
        mir = Mir.objects.create(design=d, notes=_mir_notes(p))
        self.created(mir, {"notes": mir.notes})
        by_code: dict[str, MirRow] = {}
        for r in p.rows:
            r.row.mir = mir
            r.row.parent = by_code.get(r.parent_code) if r.parent_code else None
            r.row.save()
            by_code[r.row.code] = r.row
            self.created(r.row)
            for i in r.indicators:
                ind = i.indicator
                ind.row = r.row
                ind.area = areas[i.area_label] if i.area_label else node_area
                ind.save()
                self.created(ind)
                for variable in i.variables:
                    variable.indicator = ind
                for target in i.targets:
                    target.indicator = ind
                self.many(i.variables)
                self.many(i.targets)
        for action, code in p.schedule:
            action.design = d
            action.component = by_code.get(code) if code else None
        self.many([a for a, _ in p.schedule])
        return d


def areas_resolve(
    plan: DesignPlan,
    institution: Institution,
    actor: Actor,
    changes: list[Change],
    report: ImportReport,
) -> tuple[dict[str, Area], Area]:
    """Areas by label through the one resolver; a new or parentless node area gets its parent."""
    matches = area_resolve_many(
        institution=institution, labels=plan.area_labels(), actor=actor, changes=changes
    )
    areas = {label: m.area for label, m in matches.items()}
    new = {m.area.pk for m in matches.values() if m.kind == "new"}
    if new:
        report.created[_label(Area)] += len(new)
    node_area = areas[plan.area_label]
    parent = areas.get(plan.parent_area_label)
    if parent is not None and node_area.parent_id is None and parent.pk != node_area.pk:
        node_area.parent = parent
        node_area.save(update_fields=["parent"])
        changes.append(Change("update", node_area, {"parent": None}, {"parent": parent.code}))
    return areas, node_area

"""A design file → a ``DesignPlan``: unsaved model instances, validated as a whole."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rumbo.core.periods import Frequency
from rumbo.core.semaforo import Direction
from rumbo.core.text import whole_number
from rumbo.imports.base import (
    ImportFailure,
    SourceText,
)
from rumbo.indicators.formula import FormulaError, parse
from rumbo.indicators.models import (
    Accumulation,
    Dimension,
    FormulaType,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    IndicatorVariable,
    Level,
    MirRow,
)

from ..models import (
    Alternative,
    PopulationFigure,
    ProgramDesign,
    Risk,
    ScheduleAction,
    Stakeholder,
    Treatment,
    TreeKind,
    TreeNode,
    TreeRole,
)
from .checker import (
    FORMAT,
    SIMULATED,
    VARIABLE_NAME_MAX,
    Checker,
    DesignFileError,
    join,
    kind_of,
)

# --- the plan: what the file says, as unsaved model instances ----------------------------------


@dataclass
class _IndicatorPlan:
    indicator: Indicator
    area_label: str
    variables: list[IndicatorVariable]
    targets: list[IndicatorTarget]
    simulated_targets: bool


@dataclass
class _RowPlan:
    row: MirRow
    parent_code: str
    indicators: list[_IndicatorPlan]


@dataclass
class _TreePlan:
    node: TreeNode
    parent: int | None  # index in the same list


@dataclass
class DesignPlan:
    institution: str
    year: int
    program_name: str
    level_names: list[str]
    node_key: str
    node_name: str
    node_objective: str
    area_label: str
    parent_area_label: str
    design: ProgramDesign
    stakeholders: list[Stakeholder] = field(default_factory=list)
    tree: list[_TreePlan] = field(default_factory=list)
    alternatives: list[Alternative] = field(default_factory=list)
    population: list[PopulationFigure] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    schedule: list[tuple[ScheduleAction, str]] = field(default_factory=list)
    mir_notes: str = ""
    rows: list[_RowPlan] = field(default_factory=list)

    def area_labels(self) -> list[str]:
        labels = [self.parent_area_label, self.area_label]
        labels += [i.area_label for r in self.rows for i in r.indicators]
        return [label for label in labels if label]


def _area_label(c: Checker, value: Any, path: str, *, with_parent: bool) -> tuple[str, str]:
    allowed = {"name", "code", "parent"} if with_parent else {"name", "code"}
    data = c.obj(value, path, allowed)
    name = c.text(data, "name", path, max_len=255)
    code = c.text(data, "code", path, required=False, max_len=30)
    label = f"{name} ({code})" if code else name
    parent = ""
    if with_parent and data.get("parent") is not None:
        parent, _ = _area_label(c, data["parent"], join(path, "parent"), with_parent=False)
    return label, parent


def _tree(c: Checker, plan: DesignPlan, value: Any, path: str, tree: str) -> None:
    data = c.obj(value, path, {"central", "effects", "causes"})
    core = TreeNode(tree=tree, role=TreeRole.CORE, text=c.text(data, "central", path), order=0)
    plan.tree.append(_TreePlan(core, None))
    core_index = len(plan.tree) - 1

    def add(items: list[Any], where: str, role: str, parent: int) -> None:
        for i, item in enumerate(items):
            p = f"{where}[{i}]"
            if isinstance(item, str):
                item = {"text": item}
            entry = c.obj(item, p, {"text", "children"})
            node = TreeNode(tree=tree, role=role, text=c.text(entry, "text", p), order=i + 1)
            plan.tree.append(_TreePlan(node, parent))
            add(
                c.items(entry, "children", p, required=False),
                f"{p}.children",
                role,
                len(plan.tree) - 1,
            )

    add(
        c.items(data, "effects", path, required=True),
        join(path, "effects"),
        TreeRole.EFFECT,
        core_index,
    )
    add(
        c.items(data, "causes", path, required=True),
        join(path, "causes"),
        TreeRole.CAUSE,
        core_index,
    )


_INDICATOR_KEYS = {
    "name",
    "definition",
    "kind",
    "dimension",
    "formula",
    "formula_as_printed",
    "formula_type",
    "unit",
    "frequency",
    "direction",
    "accumulation",
    "baseline",
    "area",
    "variables",
    "targets",
    "targets_simulated",
    *Indicator.CREMAA,
}


def _indicator(c: Checker, value: Any, path: str) -> _IndicatorPlan:
    data = c.obj(value, path, _INDICATOR_KEYS)
    frequency = c.choice(data, "frequency", path, [f.value for f in Frequency])
    ind = Indicator(
        name=c.text(data, "name", path, max_len=255),
        definition=c.text(data, "definition", path, required=False),
        formula=c.text(data, "formula", path),
        formula_as_printed=c.text(data, "formula_as_printed", path, required=False),
        formula_type=c.choice(data, "formula_type", path, FormulaType.values, default="porcentaje"),
        unit=c.text(data, "unit", path, required=False, max_len=60) or "Porcentaje",
        kind=c.choice(data, "kind", path, IndicatorKind.values),
        dimension=c.choice(data, "dimension", path, ["", *Dimension.values]),
        frequency=frequency,
        direction=c.choice(
            data, "direction", path, [d.value for d in Direction], default="ascendente"
        ),
        accumulation=c.choice(data, "accumulation", path, Accumulation.values, default="periodico"),
    )
    for name in Indicator.CREMAA:
        setattr(ind, name, c.score(data, name, path, required=False))
    if data.get("baseline") is not None:
        bpath = join(path, "baseline")
        base = c.obj(data["baseline"], bpath, {"value", "year"})
        ind.baseline_value = c.number(base.get("value"), join(bpath, "value"))
        year = base.get("year")
        if year is not None and (not isinstance(year, int) or not 1990 <= year <= 2100):
            c.err(join(bpath, "year"), f"se esperaba un año AAAA; se encontró {year!r}")
        ind.baseline_year = year if isinstance(year, int) else None
    area = ""
    if data.get("area") is not None:
        area, _ = _area_label(c, data["area"], join(path, "area"), with_parent=False)
    variables = []
    for i, item in enumerate(c.items(data, "variables", path, required=True)):
        vp = f"{path}.variables[{i}]"
        v = c.obj(item, vp, {"name", "description", "unit", "source"})
        variables.append(
            IndicatorVariable(
                name=c.text(v, "name", vp, max_len=VARIABLE_NAME_MAX),
                description=c.text(v, "description", vp),
                unit=c.text(v, "unit", vp, required=False, max_len=60),
                source=c.text(v, "source", vp, required=False),
                order=i + 1,
            )
        )
    names = [v.name for v in variables]
    for i, name in enumerate(names):
        if name and not name.isidentifier():
            c.err(
                f"{path}.variables[{i}].name",
                f"«{name}» no es un nombre de variable: letras, dígitos y guion bajo, "
                "sin espacios ni empezar con dígito",
            )
    for name in {n for n in names if names.count(n) > 1}:
        c.err(join(path, "variables"), f"la variable «{name}» está repetida")
    if ind.formula:
        try:
            parse(ind.formula).check_names(names)
        except FormulaError as exc:
            c.err(join(path, "formula"), exc.message)
    targets = []
    tpath = join(path, "targets")
    raw = data.get("targets") or {}
    if not isinstance(raw, dict):
        c.err(tpath, f'se esperaba un objeto {{"periodo": meta}}; se encontró {kind_of(raw)}')
        raw = {}
    top = Frequency(frequency).periods_per_year if frequency else 12
    for key, value in raw.items():
        parsed = whole_number(key) if isinstance(key, str) else None
        number = -1 if parsed is None else parsed
        if not 0 <= number <= top:
            c.err(f"{tpath}.{key}", f"periodo fuera de 0 (meta anual) a {top} para «{frequency}»")
            continue
        target = c.number(value, f"{tpath}.{key}")
        if target is not None:
            targets.append(IndicatorTarget(period=number, value=target))
    targets.sort(key=lambda t: t.period)
    simulated = c.flag(data, "targets_simulated", path, default=False)
    return _IndicatorPlan(ind, area, variables, targets, simulated)


def _mir(c: Checker, plan: DesignPlan, value: Any) -> None:
    data = c.obj(value, "mir", {"notes", "rows"})
    plan.mir_notes = c.text(data, "notes", "mir", required=False)
    codes: dict[str, str] = {}
    for i, item in enumerate(c.items(data, "rows", "mir", required=True)):
        path = f"mir.rows[{i}]"
        r = c.obj(
            item,
            path,
            {"level", "code", "parent", "summary", "verification", "assumptions", "indicators"},
        )
        row = MirRow(
            level=c.choice(r, "level", path, Level.values),
            code=c.text(r, "code", path, max_len=20),
            order=i + 1,
            summary=c.text(r, "summary", path),
            verification=c.text(r, "verification", path, required=False),
            assumptions=c.text(r, "assumptions", path, required=False),
        )
        parent = c.text(r, "parent", path, required=False)
        if row.code in codes:
            c.err(join(path, "code"), f"la clave «{row.code}» ya la usa otro renglón")
        if row.level == Level.ACTIVIDAD:
            if codes.get(parent) != Level.COMPONENTE:
                c.err(
                    join(path, "parent"),
                    "una actividad necesita la clave de un componente anterior",
                )
        elif parent:
            c.err(join(path, "parent"), "sólo las actividades tienen renglón superior")
        codes[row.code] = row.level
        indicators = [
            _indicator(c, ind, f"{path}.indicators[{j}]")
            for j, ind in enumerate(c.items(r, "indicators", path, required=False))
        ]
        for order, item in enumerate(indicators, start=1):
            item.indicator.order = order
        plan.rows.append(_RowPlan(row, parent, indicators))


def _plan(c: Checker, doc: Any) -> DesignPlan | None:
    top = {
        "format",
        "institution",
        "year",
        "program",
        "node",
        "design",
        "stakeholders",
        "problem_tree",
        "objective_tree",
        "alternatives",
        "population",
        "mir",
        "schedule",
        "risks",
    }
    data = c.obj(doc, "", top)
    if not data:
        return None
    if data.get("format") != FORMAT:
        c.err("format", f"se esperaba «{FORMAT}»; se encontró {data.get('format')!r}")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 2100:
        c.err("year", f"se esperaba el ejercicio AAAA; se encontró {year!r}")
        year = 0
    prog = c.obj(data.get("program", {}), "program", {"name", "level_names"})
    levels = c.items(prog, "level_names", "program", required=False)
    if not all(isinstance(x, str) and x.strip() for x in levels):
        c.err("program.level_names", "se esperaba una lista de nombres de nivel")
    node = c.obj(data.get("node"), "node", {"key", "name", "objective", "area"})
    area, parent_area = _area_label(c, node.get("area"), "node.area", with_parent=True)
    d = c.obj(
        data.get("design"),
        "design",
        {
            "title",
            "problem_statement",
            "diagnosis",
            "selection_rationale",
            "population_description",
            "source_note",
        },
    )
    design = ProgramDesign(
        title=c.text(d, "title", "design", max_len=255),
        **{
            k: c.text(d, k, "design", required=False)
            for k in (
                "problem_statement",
                "diagnosis",
                "selection_rationale",
                "population_description",
                "source_note",
            )
        },
    )
    plan = DesignPlan(
        institution=c.text(data, "institution", "", max_len=20).upper(),
        year=year,
        program_name=c.text(prog, "name", "program", required=False, max_len=255)
        or f"Programa Anual {year}",
        level_names=[x.strip() for x in levels if isinstance(x, str)],
        node_key=c.text(node, "key", "node", max_len=30),
        node_name=c.text(node, "name", "node"),
        node_objective=c.text(node, "objective", "node", required=False),
        area_label=area,
        parent_area_label=parent_area,
        design=design,
    )
    for i, item in enumerate(c.items(data, "stakeholders", "", required=True)):
        p = f"stakeholders[{i}]"
        texts = (
            "interests",
            "perceived_problems",
            "resources_mandates",
            "expectations",
            "conflicts_alliances",
            "notes",
        )
        s = c.obj(item, p, {"actor", *texts, *Stakeholder.SCORES})
        plan.stakeholders.append(
            Stakeholder(
                order=i + 1,
                actor=c.text(s, "actor", p, max_len=255),
                **{k: c.text(s, k, p, required=False) for k in texts},
                **{k: c.score(s, k, p, required=False) for k in Stakeholder.SCORES},
            )
        )
    _tree(c, plan, data.get("problem_tree"), "problem_tree", TreeKind.PROBLEM)
    _tree(c, plan, data.get("objective_tree"), "objective_tree", TreeKind.OBJECTIVE)
    for i, item in enumerate(c.items(data, "alternatives", "", required=True)):
        p = f"alternatives[{i}]"
        a = c.obj(item, p, {"title", "actions", "chosen"})
        actions = c.items(a, "actions", p, required=False)
        if not all(isinstance(x, str) for x in actions):
            c.err(join(p, "actions"), "se esperaba una lista de textos, una acción cada uno")
        plan.alternatives.append(
            Alternative(
                order=i + 1,
                title=c.text(a, "title", p),
                actions="\n".join(" ".join(str(x).split()) for x in actions),
                chosen=c.flag(a, "chosen", p, default=False),
            )
        )
    for i, item in enumerate(c.items(data, "population", "", required=True)):
        p = f"population[{i}]"
        f = c.obj(item, p, {"group", "label", "value", "unit", "source", "cutoff"})
        plan.population.append(
            PopulationFigure(
                order=i + 1,
                group=c.text(f, "group", p, required=False, max_len=255),
                label=c.text(f, "label", p, max_len=255),
                value=c.number(f.get("value"), join(p, "value")) or Decimal(0),
                unit=c.text(f, "unit", p, required=False, max_len=60),
                source=c.text(f, "source", p, max_len=255),
                cutoff=c.text(f, "cutoff", p, required=False, max_len=60),
            )
        )
    _mir(c, plan, data.get("mir"))
    row_codes = {r.row.code for r in plan.rows}
    for i, item in enumerate(c.items(data, "schedule", "", required=True)):
        p = f"schedule[{i}]"
        s = c.obj(
            item,
            p,
            {"component", "number", "description", "months", "months_simulated", "responsible"},
        )
        component = c.text(s, "component", p, required=False)
        if component and component not in row_codes:
            c.err(join(p, "component"), f"no hay un renglón de la MIR con la clave «{component}»")
        months = c.items(s, "months", p, required=True)
        bad = [
            m for m in months if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12
        ]
        if bad or len(set(months)) != len(months):
            c.err(
                join(p, "months"),
                "se esperaban meses distintos del 1 al 12 (lista vacía si no se conocen)",
            )
        action = ScheduleAction(
            order=i + 1,
            number=c.text(s, "number", p, required=False, max_len=20),
            description=c.text(s, "description", p),
            months=sorted(months) if not bad else [],
            responsible=c.text(s, "responsible", p, required=False, max_len=255),
            months_simulated=c.flag(s, "months_simulated", p, default=False),
        )
        plan.schedule.append((action, component))
    for i, item in enumerate(c.items(data, "risks", "", required=False)):
        p = f"risks[{i}]"
        risk_texts = ("cause", "effect", "controls", "treatment_actions", "follow_up")
        r = c.obj(
            item,
            p,
            {"risk", "probability", "impact", "owner", "treatment", "simulated", *risk_texts},
        )
        text = c.text(r, "risk", p)
        if c.flag(r, "simulated", p, default=False) and not text.startswith(SIMULATED):
            text = f"{SIMULATED} {text}"
        plan.risks.append(
            Risk(
                order=i + 1,
                risk=text,
                probability=c.score(r, "probability", p, required=True) or 1,
                impact=c.score(r, "impact", p, required=True) or 1,
                owner=c.text(r, "owner", p, required=False, max_len=255),
                treatment=c.choice(r, "treatment", p, Treatment.values, default="reducir"),
                **{k: c.text(r, k, p, required=False) for k in risk_texts},
            )
        )
    return plan


def design_plan_read(source: SourceText) -> DesignPlan:
    """Validate a design file read with ``read_text_file``; ``DesignFileError`` lists problems."""
    try:
        doc = json.loads("\n".join(source.lines))
    except json.JSONDecodeError as exc:
        message = f"JSON inválido: {exc.msg} (columna {exc.colno})"
        raise ImportFailure(source.name, message, exc.lineno) from exc
    checker = Checker()
    plan = _plan(checker, doc)
    if checker.errors or plan is None:
        raise DesignFileError(source.name, checker.errors or [("", "el archivo está vacío")])
    return plan

"""Reads of strategic plans: the whole plan with its tree and FODA in a constant number of queries.

The tree is política → programa general → objetivo estratégico → línea de acción, but real
plans skip levels: the IECM 2023-2026 plan has only objectives with lines (no program), and
in the 2020-2023 plan a line's objective may belong to another program. Each element is
placed exactly once:

- a program without policy hangs from the plan;
- an objective hangs from its program, or from the plan when it has none;
- a line hangs from its objective when the objective sits in the line's program (or the line
  has no program); otherwise it hangs from its own program, showing its objective's code;
  a line with neither hangs from the plan.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from rumbo.institutions.models import Institution

from .models import (
    GeneralProgram,
    LineOfAction,
    Policy,
    StrategicObjective,
    StrategicPlan,
    SwotItem,
    SwotKind,
)


@dataclass
class ObjectiveBranch:
    objective: StrategicObjective
    lines: list[LineOfAction] = field(default_factory=list)


@dataclass
class ProgramBranch:
    program: GeneralProgram
    objectives: list[ObjectiveBranch] = field(default_factory=list)
    # Lines of this program whose objective is elsewhere (or missing): shown with its code.
    other_lines: list[LineOfAction] = field(default_factory=list)


@dataclass
class PolicyBranch:
    policy: Policy
    programs: list[ProgramBranch] = field(default_factory=list)


@dataclass
class SwotQuadrant:
    kind: str
    label: str
    items: list[SwotItem]


@dataclass
class PlanTree:
    plan: StrategicPlan
    policies: list[PolicyBranch]
    programs: list[ProgramBranch]  # programs without a policy
    objectives: list[ObjectiveBranch]  # objectives without a program
    lines: list[LineOfAction]  # lines with neither program nor objective
    swot: list[SwotQuadrant]
    counts: dict[str, int]

    @property
    def has_swot(self) -> bool:
        return any(q.items for q in self.swot)


def plan_list(*, institution: Institution) -> QuerySet[StrategicPlan]:
    """The institution's plans, newest first, with the number of objectives and lines."""
    return (
        StrategicPlan.objects.filter(institution=institution)
        .annotate(
            objective_count=Count("objectives", distinct=True),
            line_count=Count("lines_of_action", distinct=True),
        )
        .order_by("-start_year")
    )


def plan_for_year(*, institution: Institution, year: int) -> StrategicPlan | None:
    """The plan in force in that year; when two overlap (2020-2023, 2023-2026), the newer."""
    return (
        StrategicPlan.objects.filter(
            institution=institution, start_year__lte=year, end_year__gte=year
        )
        .order_by("-start_year")
        .first()
    )


def line_of_action_list(*, institution: Institution, year: int) -> QuerySet[LineOfAction]:
    """The líneas de acción a program of that year may align to (those of the plan in force)."""
    plan = plan_for_year(institution=institution, year=year)
    if plan is None:
        return LineOfAction.objects.none()
    return LineOfAction.objects.filter(plan=plan).order_by("code")


def plan_get(*, institution: Institution, plan_id: int) -> StrategicPlan | None:
    return StrategicPlan.objects.filter(institution=institution, pk=plan_id).first()


def plan_tree(*, plan: StrategicPlan) -> PlanTree:
    """The plan's elements nested as described in the module docstring (5 queries)."""
    policies = list(Policy.objects.filter(plan=plan).order_by("order", "code"))
    programs = list(GeneralProgram.objects.filter(plan=plan).order_by("order", "code"))
    objectives = list(StrategicObjective.objects.filter(plan=plan).order_by("order", "code"))
    lines = list(
        LineOfAction.objects.filter(plan=plan)
        .select_related("objective", "program")
        .order_by("order", "code")
    )
    swot_items = list(SwotItem.objects.filter(plan=plan).order_by("order", "pk"))

    objective_program = {o.pk: o.program_id for o in objectives}
    objective_branches = {o.pk: ObjectiveBranch(objective=o) for o in objectives}
    program_branches = {p.pk: ProgramBranch(program=p) for p in programs}
    loose_lines: list[LineOfAction] = []
    for line in lines:
        objective_id = line.objective_id
        under_objective = objective_id is not None and (
            line.program_id is None or objective_program.get(objective_id) == line.program_id
        )
        if under_objective and objective_id in objective_branches:
            objective_branches[objective_id].lines.append(line)
        elif line.program_id is not None and line.program_id in program_branches:
            program_branches[line.program_id].other_lines.append(line)
        else:
            loose_lines.append(line)

    plan_objectives: list[ObjectiveBranch] = []
    for o in objectives:
        objective_branch = objective_branches[o.pk]
        if o.program_id is not None and o.program_id in program_branches:
            program_branches[o.program_id].objectives.append(objective_branch)
        else:
            plan_objectives.append(objective_branch)

    policy_branches = {p.pk: PolicyBranch(policy=p) for p in policies}
    plan_programs: list[ProgramBranch] = []
    for p in programs:
        program_branch = program_branches[p.pk]
        if p.policy_id is not None and p.policy_id in policy_branches:
            policy_branches[p.policy_id].programs.append(program_branch)
        else:
            plan_programs.append(program_branch)

    by_kind: dict[str, list[SwotItem]] = defaultdict(list)
    for item in swot_items:
        by_kind[item.kind].append(item)
    swot = [SwotQuadrant(kind=k.value, label=k.label, items=by_kind[k.value]) for k in SwotKind]

    return PlanTree(
        plan=plan,
        policies=list(policy_branches.values()),
        programs=plan_programs,
        objectives=plan_objectives,
        lines=loose_lines,
        swot=swot,
        counts={
            "policies": len(policies),
            "programs": len(programs),
            "objectives": len(objectives),
            "lines": len(lines),
        },
    )


def plan_element_get(*, plan: StrategicPlan, model: Any, pk: int) -> Any:
    """One element (policy, program, objective, line or FODA item) of the plan, or None."""
    return model.objects.filter(plan=plan, pk=pk).first()


def plan_parent_options(
    *, plan: StrategicPlan, models: list[Any]
) -> dict[Any, list[tuple[int, str]]]:
    """(id, «code. text») of the plan's elements of each model, as parent choices (1 query each)."""
    options: dict[Any, list[tuple[int, str]]] = {}
    for model in models:
        text_field = "name" if model in (Policy, GeneralProgram) else "text"
        rows = (
            model.objects.filter(plan=plan)
            .order_by("order", "code")
            .values_list("pk", "code", text_field)
        )
        options[model] = [(pk, f"{code}. {text[:70]}") for pk, code, text in rows]
    return options

"""Reads that compose a page from several apps (the institution's overview)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from rumbo.imports.selectors import finding_open_counts
from rumbo.institutions.models import Institution
from rumbo.programs.models import AnnualProgram, AreaObjective, ProgramNode
from rumbo.programs.selectors import program_list
from rumbo.strategy.models import StrategicPlan
from rumbo.strategy.selectors import plan_list


@dataclass
class LevelCount:
    name: str
    count: int


@dataclass
class ProgramSummary:
    program: AnnualProgram
    levels: list[LevelCount]  # one per level of the tree, activities last


@dataclass
class InstitutionOverview:
    plans: list[StrategicPlan]
    programs: list[ProgramSummary]
    open_findings: dict[str, int]
    area_objectives_by_year: list[tuple[int, int]]


def institution_overview(*, institution: Institution) -> InstitutionOverview:
    """Plans, programs with counts per level, open findings, fr. IV rows per year (5 queries)."""
    programs = list(program_list(institution=institution))
    per_depth: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        ProgramNode.objects.filter(program__institution=institution)
        .order_by()
        .values_list("program_id", "depth")
        .annotate(n=Count("pk"))
    )
    for program_id, depth, n in rows:
        per_depth[program_id][depth] = n
    summaries = []
    for program in programs:
        depths = per_depth.get(program.pk, {})
        node_levels = max(len(program.effective_level_names) - 1, max(depths, default=-1) + 1)
        levels = [LevelCount(program.level_name(d), depths.get(d, 0)) for d in range(node_levels)]
        activity_count = vars(program).get("activity_count", 0)  # annotated by program_list
        levels.append(LevelCount(program.activity_level_name, activity_count))
        summaries.append(ProgramSummary(program=program, levels=levels))
    by_year = (
        AreaObjective.objects.filter(institution=institution)
        .order_by("-year")
        .values_list("year")
        .annotate(n=Count("pk"))
    )
    return InstitutionOverview(
        plans=list(plan_list(institution=institution)),
        programs=summaries,
        open_findings=finding_open_counts(institution=institution),
        area_objectives_by_year=[(year, n) for year, n in by_year],
    )

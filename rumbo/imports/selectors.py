"""Reads of quality findings: filtered lists, counts, and the links to the objects they concern."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Q, QuerySet

from rumbo.institutions.models import Institution
from rumbo.programs.models import Activity, AnnualProgram, AreaObjective, ProgramNode
from rumbo.strategy.models import (
    GeneralProgram,
    LineOfAction,
    Policy,
    StrategicObjective,
    StrategicPlan,
    SwotItem,
)

from .findings import FINDING_CODES, NEEDS_ACTION
from .models import FindingStatus, QualityFinding, Severity

# Filter by the content type's natural key, not its id: one join, no ContentType cache,
# so the number of queries never depends on what was cached before.
ACTIVITY_TYPE = Q(content_type__app_label="programs", content_type__model="activity")


@dataclass(frozen=True)
class FindingFilters:
    code: str = ""
    severity: str = ""
    status: str = ""
    year: int | None = None
    source_file: str = ""
    activity_id: int | None = None

    @property
    def active(self) -> bool:
        return any(
            [self.code, self.severity, self.status, self.year, self.source_file, self.activity_id]
        )


@dataclass(frozen=True)
class ActivityLink:
    activity_id: int
    key: str
    year: int


@dataclass(frozen=True)
class FindingChoices:
    codes: list[tuple[str, str]]
    years: list[int]
    files: list[str]


def finding_list(*, institution: Institution, filters: FindingFilters) -> QuerySet[QualityFinding]:
    qs = QualityFinding.objects.filter(institution=institution)
    if filters.code:
        qs = qs.filter(code=filters.code)
    if filters.severity:
        qs = qs.filter(severity=filters.severity)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.source_file:
        qs = qs.filter(source_file=filters.source_file)
    if filters.activity_id is not None:
        qs = qs.filter(ACTIVITY_TYPE, object_id=filters.activity_id)
    return qs.select_related("content_type", "resolved_by").order_by(
        "source_file", "source_line", "code", "pk"
    )


def finding_get(*, institution: Institution, pk: int) -> QualityFinding | None:
    """One finding of the institution, ready to render as a row (content type, reviewer)."""
    return (
        QualityFinding.objects.filter(institution=institution, pk=pk)
        .select_related("content_type", "resolved_by")
        .first()
    )


def finding_severity_counts(findings: QuerySet[QualityFinding]) -> dict[str, int]:
    """{'error': n, 'warning': m, 'total': n + m, 'open': how many of them are open} for a
    (filtered) queryset, in one query."""
    rows = findings.order_by().values("severity", "status").annotate(n=Count("pk"))
    counts = {s.value: 0 for s in Severity}
    counts["open"] = 0
    for row in rows:
        counts[row["severity"]] += row["n"]
        if row["status"] == FindingStatus.OPEN:
            counts["open"] += row["n"]
    counts["total"] = sum(counts[s.value] for s in Severity)
    return counts


def finding_bulk_targets(
    *, institution: Institution, filters: FindingFilters
) -> QuerySet[QualityFinding]:
    """What «aceptar / resolver los filtrados» acts on: the open findings among those the
    filters select (reviewed ones keep their review)."""
    return finding_list(institution=institution, filters=filters).filter(status=FindingStatus.OPEN)


def finding_open_counts(*, institution: Institution) -> dict[str, int]:
    return finding_severity_counts(
        QualityFinding.objects.filter(institution=institution, status=FindingStatus.OPEN)
    )


def open_finding_counts_by_institution(
    institution_ids: Iterable[int],
) -> dict[int, dict[str, int]]:
    """Institution id → its open findings as ``finding_severity_counts`` gives them
    ({'error': n, 'warning': m, 'total': n + m}), for the institutions that have any, in
    one query."""
    rows = (
        QualityFinding.objects.filter(
            institution_id__in=set(institution_ids), status=FindingStatus.OPEN
        )
        .order_by()
        .values_list("institution_id", "severity")
        .annotate(n=Count("pk"))
    )
    out: dict[int, dict[str, int]] = {}
    for institution_id, severity, n in rows:
        counts = out.setdefault(institution_id, {s.value: 0 for s in Severity} | {"total": 0})
        counts[severity] = n
        counts["total"] += n
    return out


def finding_choices(*, institution: Institution) -> FindingChoices:
    """What the filters can offer: every known code, and the years and files present (1 query)."""
    pairs = (
        QualityFinding.objects.filter(institution=institution)
        .order_by()
        .values_list("year", "source_file")
        .distinct()
    )
    years: set[int] = set()
    files: set[str] = set()
    for year, source_file in pairs:
        if year is not None:
            years.add(year)
        files.add(source_file)
    codes = [(c.code, f"{c.title} ({c.code})") for c in FINDING_CODES.values()]
    return FindingChoices(codes=codes, years=sorted(years, reverse=True), files=sorted(files))


def finding_activity_links(findings: list[QualityFinding]) -> dict[int, ActivityLink]:
    """For the findings that concern an activity: finding id → where it sits (1 query).

    Expects the findings of ``finding_list`` (their content type is already joined).
    """
    concerning = [f for f in findings if f.object_id is not None and _is_activity(f)]
    if not concerning:
        return {}
    rows = Activity.objects.filter(pk__in={f.object_id for f in concerning}).values_list(
        "pk", "key", "program__year"
    )
    by_activity = {pk: ActivityLink(activity_id=pk, key=key, year=year) for pk, key, year in rows}
    return {f.pk: by_activity[f.object_id] for f in concerning if f.object_id in by_activity}


def _is_activity(finding: QualityFinding) -> bool:
    return _model_of(finding) == ("programs", "activity")


def _model_of(finding: QualityFinding) -> tuple[str, str] | None:
    ct = finding.content_type
    return (ct.app_label, ct.model) if ct is not None else None


@dataclass(frozen=True)
class ObjectLink:
    """Where a finding's object can be seen: an activity, a program node or a plan."""

    kind: str  # "activity" | "node" | "plan" | "area_objective" (a fr. IV row)
    year: int | None = None
    key: str = ""
    object_id: int | None = None
    plan_id: int | None = None


_PLAN_ELEMENTS: dict[tuple[str, str], Any] = {
    ("strategy", "policy"): Policy,
    ("strategy", "generalprogram"): GeneralProgram,
    ("strategy", "strategicobjective"): StrategicObjective,
    ("strategy", "lineofaction"): LineOfAction,
    ("strategy", "swotitem"): SwotItem,
}


def finding_object_links(findings: list[QualityFinding]) -> dict[int, ObjectLink]:
    """Finding id → the page of the object it concerns, for the objects that have one.

    At most one query per kind of object present (activities, nodes, each plan element
    model), whatever the number of findings. Expects the findings of ``finding_list``.
    """
    by_model: dict[tuple[str, str], set[int]] = {}
    for f in findings:
        model = _model_of(f)
        if model is not None and f.object_id is not None:
            by_model.setdefault(model, set()).add(f.object_id)
    targets: dict[tuple[tuple[str, str], int], ObjectLink] = {}
    for model, ids in by_model.items():
        if model == ("programs", "activity"):
            for pk, key, year in Activity.objects.filter(pk__in=ids).values_list(
                "pk", "key", "program__year"
            ):
                targets[model, pk] = ObjectLink(kind="activity", year=year, key=key, object_id=pk)
        elif model == ("programs", "programnode"):
            for pk, key, year in ProgramNode.objects.filter(pk__in=ids).values_list(
                "pk", "key", "program__year"
            ):
                targets[model, pk] = ObjectLink(kind="node", year=year, key=key, object_id=pk)
        elif model == ("programs", "areaobjective"):
            for pk in AreaObjective.objects.filter(pk__in=ids).values_list("pk", flat=True):
                targets[model, pk] = ObjectLink(kind="area_objective", object_id=pk)
        elif model == ("strategy", "strategicplan"):
            for pk in StrategicPlan.objects.filter(pk__in=ids).values_list("pk", flat=True):
                targets[model, pk] = ObjectLink(kind="plan", object_id=pk, plan_id=pk)
        elif model in _PLAN_ELEMENTS:
            for pk, plan_id in (
                _PLAN_ELEMENTS[model].objects.filter(pk__in=ids).values_list("pk", "plan_id")
            ):
                targets[model, pk] = ObjectLink(kind="plan", object_id=pk, plan_id=plan_id)
    links: dict[int, ObjectLink] = {}
    for f in findings:
        model = _model_of(f)
        if model is not None and f.object_id is not None and (model, f.object_id) in targets:
            links[f.pk] = targets[model, f.object_id]
    return links


def finding_counts_by_activity(*, institution: Institution, year: int) -> dict[int, int]:
    """Findings that still ask for action (``findings.NEEDS_ACTION``) per activity of one
    program year: activity id → count (1 query)."""
    rows = (
        QualityFinding.objects.filter(
            ACTIVITY_TYPE,
            NEEDS_ACTION,
            institution=institution,
            object_id__in=Activity.objects.filter(
                program__institution=institution, program__year=year
            ).values("pk"),
        )
        .order_by()
        .values("object_id")
        .annotate(n=Count("pk"))
    )
    return Counter({row["object_id"]: row["n"] for row in rows})


def activity_open_findings(
    *, institution: Institution, program: AnnualProgram, activity: Activity
) -> dict[str, object]:
    """The activity page's open findings (``findings``; 1 query when read)."""
    filters = FindingFilters(activity_id=activity.pk, status=FindingStatus.OPEN)
    return {"findings": list(finding_list(institution=institution, filters=filters))}


def findings_of(obj: models.Model) -> list[QualityFinding]:
    """The findings attached to one object, open ones first, then by line (1 query)."""
    meta = obj._meta
    found = QualityFinding.objects.filter(
        content_type__app_label=meta.app_label,
        content_type__model=meta.model_name,
        object_id=obj.pk,
    ).select_related("resolved_by")
    return sorted(found, key=lambda f: (f.status != FindingStatus.OPEN, f.source_line or 0, f.code))

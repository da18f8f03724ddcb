"""«Mis pendientes» assembled from each app's selectors, in a constant number of queries.

Across every institution the person belongs to, by role:

- Enlace: the months of its areas to capture (window open, nothing sent yet, activities
  programmed that month or a draft begun) with their deadline, and the returned captures
  with the reviewer's observations;
- Revisor: the captures sent and waiting, oldest first;
- whoever decides adjustments (Planeación unless the institution's policy says Revisión):
  the requests waiting for a decision, but not one's own;
- Planeación: the captures late against their window (closed, nothing sent or approved,
  activities programmed that month), by area, and the open quality findings;
- Consulta and Fiscalización: what was approved since a moment (their previous visit).

Each list is read once for all the person's institutions, so the number of queries
depends on the roles the person holds, never on how many institutions, areas, months or
captures there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from rumbo.adjustments.models import AdjustmentRequest
from rumbo.adjustments.selectors import (
    decided_adjustments_since,
    decider_roles,
    pending_adjustments,
)
from rumbo.core.periods import MONTH_NAMES, MONTHS
from rumbo.imports.selectors import open_finding_counts_by_institution
from rumbo.institutions.access import user_institutions
from rumbo.institutions.models import Area, Institution, Role
from rumbo.institutions.selectors import areas_of, memberships_of
from rumbo.monitoring.models import PeriodReport, PeriodState
from rumbo.monitoring.selectors import (
    approved_captures_since,
    captures_of,
    policies_for,
    programmed_area_months,
    sent_captures,
)
from rumbo.monitoring.windows import WindowStatus, deadline_text, extensions_for, window_status
from rumbo.programs.models import AnnualProgram, ProgramVersion
from rumbo.programs.selectors import programs_of, versions_approved_since

from .models import Visit

AnyUser = AbstractBaseUser | AnonymousUser

ENLACE = Role.ENLACE.value
REVISOR = Role.REVISOR.value
PLANEACION = Role.PLANEACION.value
OVERSIGHT = frozenset({Role.CONSULTA.value, Role.FISCALIZACION.value})
DONE = frozenset({PeriodState.SUBMITTED.value, PeriodState.APPROVED.value})


def person_name(user: AbstractBaseUser | None) -> str:
    """How a page names a person: the full name, else the user name; «—» for nobody."""
    if user is None:
        return "—"
    full = getattr(user, "get_full_name", lambda: "")()
    return full or user.get_username()


def period_name(month: int, year: int) -> str:
    """«Noviembre 2024»."""
    return f"{MONTH_NAMES[month - 1].capitalize()} {year}"


# --- who holds what where --------------------------------------------------------------------


@dataclass
class Scope:
    """The person's institutions and, per role, where it holds it."""

    institutions: dict[int, Institution] = field(default_factory=dict)
    by_role: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    enlace_areas: dict[int, list[Area]] = field(default_factory=lambda: defaultdict(list))
    superuser: bool = False

    def where(self, *roles: str) -> set[int]:
        return set().union(*(self.by_role.get(r, set()) for r in roles))

    def holds(self, *roles: str) -> bool:
        return bool(self.where(*roles))


def scope_of(user: AnyUser) -> Scope:
    """What the user holds in each institution (one query). A superuser acts as Planeación
    in every institution."""
    scope = Scope()
    if getattr(user, "is_superuser", False):
        scope.superuser = True
        for inst in user_institutions(user):
            scope.institutions[inst.pk] = inst
            scope.by_role[PLANEACION].add(inst.pk)
        return scope
    for membership in memberships_of(cast(int, user.pk)):
        inst = membership.institution
        scope.institutions[inst.pk] = inst
        scope.by_role[membership.role].add(inst.pk)
        if membership.role == ENLACE and membership.area is not None:
            scope.enlace_areas[inst.pk].append(membership.area)
    return scope


# --- the items -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaptureItem:
    """An area's month to capture, or returned to its enlace."""

    program: AnnualProgram
    area: Area
    month: int
    window: WindowStatus
    report: PeriodReport | None

    @property
    def institution(self) -> Institution:
        return self.program.institution

    @property
    def period(self) -> str:
        return period_name(self.month, self.program.year)

    @property
    def deadline(self) -> str:
        return deadline_text(self.window)

    @property
    def decided_by(self) -> str:
        return person_name(self.report.decided_by if self.report else None)


@dataclass(frozen=True)
class ReportItem:
    """An area's capture (its program, institution and area loaded)."""

    report: PeriodReport

    @property
    def period(self) -> str:
        return period_name(self.report.month, self.report.program.year)

    @property
    def submitted_by(self) -> str:
        return person_name(self.report.submitted_by)

    @property
    def decided_by(self) -> str:
        return person_name(self.report.decided_by)


@dataclass(frozen=True)
class ReviewItem(ReportItem):
    """A capture sent and waiting for review."""

    days_waiting: int

    @property
    def waiting(self) -> str:
        if self.days_waiting <= 0:
            return "enviada hoy"
        if self.days_waiting == 1:
            return "1 día esperando"
        return f"{self.days_waiting:,} días esperando"


@dataclass(frozen=True)
class LateArea:
    """An area whose months of a program are late against their window."""

    program: AnnualProgram
    area: Area
    months: tuple[int, ...]
    states: tuple[str, ...]  # per month: «sin captura», «en borrador», «devuelta»

    @property
    def periods(self) -> list[tuple[int, str]]:
        """(month, «octubre (en borrador)») of each late month."""
        return [
            (m, f"{MONTH_NAMES[m - 1]} ({state})")
            for m, state in zip(self.months, self.states, strict=True)
        ]


@dataclass(frozen=True)
class FindingsItem:
    institution: Institution
    counts: dict[str, int]


@dataclass(frozen=True)
class Approvals:
    """What was approved after ``since``: captures, adjustment decisions, program versions."""

    since: datetime
    first_visit: bool
    captures: list[ReportItem]
    adjustments: list[AdjustmentRequest]
    versions: list[ProgramVersion]

    @property
    def count(self) -> int:
        return len(self.captures) + len(self.adjustments) + len(self.versions)


@dataclass
class Worklist:
    """Everything «Mis pendientes» shows; a section is None when the person lacks its role."""

    enlace: bool = False
    revisor: bool = False
    planeacion: bool = False
    oversight: bool = False
    to_capture: list[CaptureItem] = field(default_factory=list)
    returned: list[CaptureItem] = field(default_factory=list)
    to_review: list[ReviewItem] = field(default_factory=list)
    # Adjustments waiting for this person's decision, by the role it decides them as.
    adjustments: dict[str, list[AdjustmentRequest]] = field(default_factory=dict)
    late: list[LateArea] = field(default_factory=list)
    findings: list[FindingsItem] = field(default_factory=list)
    approvals: Approvals | None = None

    @property
    def planeacion_adjustments(self) -> list[AdjustmentRequest] | None:
        return self.adjustments.get(PLANEACION)

    @property
    def revisor_adjustments(self) -> list[AdjustmentRequest] | None:
        return self.adjustments.get(REVISOR)

    @property
    def late_count(self) -> int:
        return sum(len(a.months) for a in self.late)

    @property
    def total(self) -> int:
        """What the navigation counts: each month to capture or returned, each capture to
        review, each request to decide, each late area-month, each institution with open
        findings, each approval since ``approvals.since``."""
        return (
            len(self.to_capture)
            + len(self.returned)
            + len(self.to_review)
            + sum(len(a) for a in self.adjustments.values())
            + self.late_count
            + len(self.findings)
            + (self.approvals.count if self.approvals else 0)
        )


# --- the captures of the enlace and of Planeación ---------------------------------------------


@dataclass(frozen=True)
class _Captures:
    """Programs, windows, programming and captures of a set of institutions (six queries)."""

    programs: list[AnnualProgram]
    windows: dict[tuple[int, int, int], WindowStatus]
    programmed: set[tuple[int, int, int]]
    reports: dict[tuple[int, int, int], PeriodReport]


def _captures(institution_ids: set[int], area_ids: dict[int, set[int]], today: date) -> _Captures:
    """``area_ids``: institution id → the areas whose windows are needed."""
    programs = programs_of(institution_ids)
    program_ids = [p.pk for p in programs]
    policies = policies_for(institution_ids)
    extensions = extensions_for(
        institution_ids=institution_ids, year_months={(p.year, m) for p in programs for m in MONTHS}
    )
    windows = {
        (p.pk, area_id, month): window_status(
            policy=policies[p.institution_id],
            extensions=extensions,
            year=p.year,
            month=month,
            area_id=area_id,
            today=today,
        )
        for p in programs
        for area_id in area_ids.get(p.institution_id, set())
        for month in MONTHS
    }
    return _Captures(
        programs, windows, programmed_area_months(program_ids), captures_of(program_ids)
    )


def _enlace_items(scope: Scope, data: _Captures, out: Worklist) -> None:
    for program in data.programs:
        for area in scope.enlace_areas.get(program.institution_id, []):
            for month in MONTHS:
                key = (program.pk, area.pk, month)
                report = data.reports.get(key)
                window = data.windows[key]
                item = CaptureItem(program, area, month, window, report)
                if report is not None and report.state == PeriodState.RETURNED:
                    out.returned.append(item)
                elif (
                    window.open
                    and (report is None or report.state == PeriodState.DRAFT)
                    and (report is not None or key in data.programmed)
                ):
                    out.to_capture.append(item)
    out.to_capture.sort(key=lambda i: (i.window.last_day, i.institution.code, i.area.code))
    out.returned.sort(key=lambda i: (i.report.decided_at if i.report else None) or timezone.now())


def _state_phrase(report: PeriodReport | None) -> str:
    return report.state_phrase if report else "sin captura"


def _late_items(
    data: _Captures, areas: dict[int, Area], institution_ids: set[int]
) -> list[LateArea]:
    """Areas with months whose window closed with nothing sent or approved although
    activities were programmed, by institution, year and area."""
    late: dict[tuple[int, int], list[int]] = defaultdict(list)
    for program_id, area_id, month in sorted(data.programmed):
        window = data.windows.get((program_id, area_id, month))
        if window is None or window.open or window.not_yet_open:
            continue
        report = data.reports.get((program_id, area_id, month))
        if report is None or report.state not in DONE:
            late[(program_id, area_id)].append(month)
    programs = {p.pk: p for p in data.programs if p.institution_id in institution_ids}
    items = [
        LateArea(
            program=programs[program_id],
            area=areas[area_id],
            months=tuple(months),
            states=tuple(_state_phrase(data.reports.get((program_id, area_id, m))) for m in months),
        )
        for (program_id, area_id), months in late.items()
        if program_id in programs and area_id in areas
    ]
    items.sort(key=lambda a: (a.program.institution.code, a.program.year, a.area.code))
    return items


def _capture_sections(scope: Scope, out: Worklist, today: date) -> None:
    enlace_ids = scope.where(ENLACE)
    planeacion_ids = scope.where(PLANEACION)
    if not (out.enlace or out.planeacion):
        return
    areas = areas_of(planeacion_ids) if out.planeacion else {}
    area_ids: dict[int, set[int]] = defaultdict(set)
    for inst_id in enlace_ids:
        area_ids[inst_id] |= {a.pk for a in scope.enlace_areas.get(inst_id, [])}
    for area in areas.values():
        area_ids[area.institution_id].add(area.pk)
    data = _captures(enlace_ids | planeacion_ids, area_ids, today)
    if out.enlace:
        _enlace_items(scope, data, out)
    if out.planeacion:
        out.late = _late_items(data, areas, planeacion_ids)


# --- review, adjustments, findings, approvals ----------------------------------------------------


def _review_items(scope: Scope, today: date) -> list[ReviewItem]:
    return [
        ReviewItem(
            report=r,
            days_waiting=(today - timezone.localdate(r.submitted_at)).days if r.submitted_at else 0,
        )
        for r in sent_captures(scope.where(REVISOR))
    ]


def _adjustments(scope: Scope, user_id: int) -> dict[str, list[AdjustmentRequest]]:
    """Requests waiting for this person's decision, under the role that decides them."""
    candidates = scope.where(PLANEACION, REVISOR)
    deciders = decider_roles(candidates)
    mine = {
        inst_id: (PLANEACION if scope.superuser else role)
        for inst_id, role in deciders.items()
        if scope.superuser or inst_id in scope.by_role.get(role, set())
    }
    out: dict[str, list[AdjustmentRequest]] = {role: [] for role in mine.values()}
    if scope.holds(PLANEACION):
        out.setdefault(PLANEACION, [])
    for adjustment in pending_adjustments(mine):
        if adjustment.requested_by_id != user_id:
            out[mine[adjustment.program.institution_id]].append(adjustment)
    return out


def _findings(scope: Scope) -> list[FindingsItem]:
    counts = open_finding_counts_by_institution(scope.where(PLANEACION))
    return [
        FindingsItem(institution=inst, counts=counts[inst.pk])
        for inst in sorted(scope.institutions.values(), key=lambda i: i.code)
        if inst.pk in counts
    ]


def _approvals(scope: Scope, since: datetime, first_visit: bool) -> Approvals:
    ids = scope.where(*OVERSIGHT)
    return Approvals(
        since=since,
        first_visit=first_visit,
        captures=[ReportItem(r) for r in approved_captures_since(ids, since)],
        adjustments=decided_adjustments_since(ids, since),
        versions=versions_approved_since(ids, since),
    )


def worklist_for(
    user: AnyUser, *, today: date, since: datetime, first_visit: bool = False
) -> Worklist:
    """The person's pending work in every institution (a constant number of queries per
    combination of roles). ``since``: where oversight's «approved since» starts."""
    scope = scope_of(user)
    out = Worklist(
        enlace=scope.holds(ENLACE),
        revisor=scope.holds(REVISOR),
        planeacion=scope.holds(PLANEACION),
        oversight=scope.holds(*OVERSIGHT),
    )
    _capture_sections(scope, out, today)
    if out.revisor:
        out.to_review = _review_items(scope, today)
    if out.revisor or out.planeacion:
        out.adjustments = _adjustments(scope, cast(int, user.pk))
    if out.planeacion:
        out.findings = _findings(scope)
    if out.oversight:
        out.approvals = _approvals(scope, since, first_visit)
    return out


def visit_last_seen(*, user_id: int) -> datetime | None:
    """When the person last looked at «Mis pendientes» (one query; None: never)."""
    return Visit.objects.filter(user_id=user_id).values_list("seen_at", flat=True).first()

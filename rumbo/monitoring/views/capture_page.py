"""What the capture pages show, built from the monitoring selectors: the year's index (area ×
month cells), the grid of an area's month (a row per activity, what each input shows, the
buttons of the cycle) and the refusals that say why.

The views in ``capture.py`` only route: they call ``capture_index``, ``load_grid`` and
``render_grid`` here, and the monitoring services for every write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib.messages import get_messages
from django.contrib.messages.storage.base import Message
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from rumbo.audit.selectors import object_history
from rumbo.core.errors import Refused
from rumbo.core.numbers import format_mx
from rumbo.core.periods import MONTH_NAMES, MONTHS
from rumbo.institutions.access import (
    can_capture_indicator,
    can_submit_period,
    institution_for_user,
    user_roles,
)
from rumbo.institutions.models import Area, Institution, Role
from rumbo.institutions.pages import institution_context, refusal_page
from rumbo.institutions.selectors import area_by_code, area_search
from rumbo.programs.access import can_capture, can_view_evidence
from rumbo.programs.models import AnnualProgram, ProgramNode
from rumbo.programs.selectors import program_get

from ..cycle import APPROVE, REOPEN, SUBMIT, Transition, lock_message, period_content
from ..errors import RowError, StaleVersion
from ..forms.capture import ReasonForm, TypedRow, field_name, typed_rows
from ..models import Evidence, PeriodMessage, PeriodReport
from ..selectors import (
    AreaMonthGrid,
    GridRow,
    area_month_grid,
    evidence_by_entry,
    latest_submissions,
    period_messages,
    period_reports,
    program_nodes,
)
from ..services.conversation import Author, thread_author
from ..submissions import PeriodChanges, RowChange, baseline, changes, snapshot_row
from ..windows import WindowStatus, area_month_windows, window_text

# --- refusals ------------------------------------------------------------------------------


def explain_denial(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, code: str, year: int, **kwargs: Any) -> HttpResponse:
        institution = institution_for_user(request.user, code)  # 404 / 403 for outsiders
        program = program_get(institution=institution, year=year)
        if program is None:
            raise Http404("No existe el programa de ese ejercicio.")
        try:
            return view(request, institution, program, **kwargs)
        except PermissionDenied as denied:
            return refusal_page(
                request, institution, "web/capture_denied.html", denied, program=program
            )

    return wrapper


def visible_areas(request: HttpRequest, institution: Institution, areas: list[Area]) -> list[Area]:
    """The areas whose capture the user may see: all of them, except for a person who is
    only an enlace (their own areas). ``can_submit_period`` is what tells an enlace's area."""
    roles = user_roles(request.user, institution)
    if roles - {Role.ENLACE.value}:
        return areas
    return [a for a in areas if can_submit_period(request.user, institution, a)]


def visible_area(request: HttpRequest, institution: Institution, code: str) -> Area:
    area = area_by_code(institution=institution, code=code)  # provisional siglas too
    if area is None:
        raise Http404("No existe esa área.")
    if not visible_areas(request, institution, [area]):
        raise Refused(
            f"No tienes permiso para consultar la captura de {area.name} ({area.code}).",
            "Un enlace solo consulta y captura los avances de su propia área.",
        )
    return area


def valid_month(month: int) -> int:
    if not 1 <= month <= 12:
        raise Http404("El mes debe estar entre 1 y 12.")
    return month


def month_label(month: int) -> str:
    return MONTH_NAMES[month - 1]


# --- the index -----------------------------------------------------------------------------


@dataclass
class IndexCell:
    area: Area
    month: int
    report: PeriodReport | None
    window: WindowStatus

    @property
    def state_label(self) -> str:
        return self.report.get_state_display() if self.report else "Sin captura"

    @property
    def state(self) -> str:
        return self.report.state if self.report else "sin-captura"

    @property
    def window_text(self) -> str:
        return window_text(self.window)


def capture_index(
    request: HttpRequest, institution: Institution, program: AnnualProgram
) -> list[tuple[Area, list[IndexCell]]]:
    """Per area the user may see, a cell per month (four queries): an area a row, so that
    the twelve months fit the page's width as compact columns."""
    areas = visible_areas(request, institution, list(area_search(institution=institution)))
    ids = [a.pk for a in areas]
    reports = period_reports(program=program, area_ids=ids)
    windows = area_month_windows(institution=institution, year=program.year, area_ids=ids)
    return [
        (
            a,
            [
                IndexCell(a, month, reports.get((a.pk, month)), windows[(a.pk, month)])
                for month in MONTHS
            ],
        )
        for a in areas
    ]


# --- the grid ------------------------------------------------------------------------------

# A flash message about one row carries the row's key in its extra tags, and the grid shows
# it beside that row instead of at the top of the page: «fila:<key>» for its figures
# (saved), «evidencia:<key>» for its evidence (attached, removed, refused and why).
ROW_TAG = "fila"
EVIDENCE_TAG = "evidencia"


def row_tag(kind: str, key: str) -> str:
    return f"{kind}:{key}"


@dataclass(frozen=True)
class RowMessage:
    level: str  # a message level's tag: success, error, info
    text: str


@dataclass
class RowView:
    """One row as the page shows it: the selector's row, what to show in the inputs, errors."""

    row: GridRow
    may_capture: bool
    may_see_evidence: bool
    achieved: str
    comment: str
    justification: str
    version: int | None
    evidence: list[Evidence] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    conflict: StaleVersion | None = None
    change: RowChange | None = None  # what differs from the earlier send (submissions.py)
    messages: list[RowMessage] = field(default_factory=list)
    evidence_messages: list[RowMessage] = field(default_factory=list)
    # Shown from a POST that was not saved, and different from what is stored: the page's
    # script counts it among the changes that leaving the page would lose.
    unsaved: bool = False

    @property
    def key(self) -> str:
        return self.row.activity.key

    @property
    def pk(self) -> int:
        return self.row.activity.pk

    def name(self, kind: str) -> str:
        return field_name(kind, self.row)

    @property
    def show_justification(self) -> bool:
        return bool(
            self.row.cumulative_grade.needs_justification
            or self.justification
            or self.errors.get("justification")
        )

    @property
    def row_errors(self) -> list[str]:
        return [m for f in ("activity", "month", "version") for m in self.errors.get(f, [])]


@dataclass
class GridPage:
    institution: Institution
    program: AnnualProgram
    area: Area
    grid: AreaMonthGrid
    window: WindowStatus
    rows: list[RowView]
    typed: list[TypedRow]
    may_capture: bool
    may_submit: bool
    may_review: bool
    may_reopen: bool
    errors: list[str] = field(default_factory=list)
    changes: PeriodChanges | None = None  # None: no earlier send to compare with

    @property
    def editable(self) -> bool:
        return self.may_capture and self.window.open and not self.grid.locked

    @property
    def readonly_reasons(self) -> list[str]:
        reasons = []
        if not self.may_capture:
            reasons.append(
                "Tu papel permite consultar esta captura, no modificarla: capturan el enlace "
                "del área y Planeación."
            )
        if self.grid.locked:
            reasons.append(lock_message(self.grid.state, hint="planeacion"))
        if not self.window.open:
            reasons.append(self.window.closed_message())
        return reasons

    @property
    def state_label(self) -> str:
        return self.grid.state.label

    def _offers(self, transition: Transition, may: bool) -> bool:
        """Whether the page offers a move: the user may make it and the capture may take it."""
        state = self.grid.period.state if self.grid.period is not None else None
        return may and transition.leaves(state)

    @property
    def can_send(self) -> bool:
        return self._offers(SUBMIT, self.may_submit) and self.window.open

    @property
    def can_decide(self) -> bool:
        return self._offers(APPROVE, self.may_review)

    @property
    def can_reopen(self) -> bool:
        return self._offers(REOPEN, self.may_reopen)

    @property
    def url(self) -> str:
        return grid_url(self.institution, self.program, self.area, self.grid.month)

    def row(self, key: str) -> RowView | None:
        return next((r for r in self.rows if r.key == key), None)

    def route_messages(self, request: HttpRequest) -> list[Message]:
        """Puts each flash message tagged with a row of the page beside that row; returns
        the others, for the top of the page."""
        by_key = {r.key: r for r in self.rows}
        top = []
        for message in get_messages(request):
            kind, _, key = (message.extra_tags or "").partition(":")
            row = by_key.get(key)
            if row is None or kind not in (ROW_TAG, EVIDENCE_TAG):
                top.append(message)
                continue
            if kind == EVIDENCE_TAG and not row.may_see_evidence:
                top.append(message)
                continue
            shown = RowMessage(message.level_tag or "info", message.message)
            (row.messages if kind == ROW_TAG else row.evidence_messages).append(shown)
        return top

    def attach_errors(self, errors: list[RowError]) -> None:
        """Each service error on its row and field (a row's stale version as its conflict);
        an error of no row of the page goes to the page's list."""
        by_key = {r.key: r for r in self.rows}
        for error in errors:
            view = by_key.get(error.key)
            if view is None:
                self.errors.append(error.message)
                continue
            view.errors.setdefault(error.field, []).append(error.message)
            if isinstance(error.conflict, StaleVersion):
                view.conflict = error.conflict


def grid_url(institution: Institution, program: AnnualProgram, area: Area, month: int) -> str:
    return reverse("web:capture_grid", args=[institution.code, program.year, area.code, month])


def load_grid(
    request: HttpRequest,
    institution: Institution,
    program: AnnualProgram,
    area: Area,
    month: int,
    data: Any = None,
) -> GridPage:
    """Everything the grid page shows, in a constant number of queries; with ``data`` (a
    POST), the inputs show what was typed instead of what is stored."""
    grid = area_month_grid(program=program, area=area, month=month)
    typed = typed_rows(data, grid.rows) if data is not None else []
    nodes: dict[int, ProgramNode] = program_nodes([program.pk])
    window = area_month_windows(institution=institution, year=program.year, area_ids=[area.pk])[
        (area.pk, month)
    ]
    evidence = evidence_by_entry(r.entry.pk for r in grid.rows if r.entry is not None)
    typed_by_pk = {t.grid_row.activity.pk: t for t in typed}
    rows = []
    for row in grid.rows:
        row.activity.program = program  # the same object: no query per row in the access checks
        entry = row.entry
        t = typed_by_pk.get(row.activity.pk)
        stored = (
            format_mx(row.achieved),
            entry.comment if entry else "",
            entry.justification if entry else "",
        )
        shown = (t.achieved, t.comment, t.justification) if t else stored
        rows.append(
            RowView(
                row=row,
                may_capture=can_capture(request.user, row.activity, nodes),
                may_see_evidence=can_view_evidence(request.user, row.activity, nodes),
                achieved=shown[0],
                comment=shown[1],
                justification=shown[2],
                version=(t.version if t else row.version),
                evidence=evidence.get(entry.pk, []) if entry else [],
                unsaved=shown != stored,
            )
        )
    user = request.user
    page = GridPage(
        institution=institution,
        program=program,
        area=area,
        grid=grid,
        window=window,
        rows=rows,
        typed=typed,
        # The area's Enlace or Planeación, even for an area whose month holds only indicators.
        may_capture=any(r.may_capture for r in rows)
        or can_capture_indicator(user, institution_id=institution.pk, area_id=area.pk),
        may_submit=SUBMIT.may(user, institution, area),
        may_review=APPROVE.may(user, institution, area),  # approving and returning go together
        may_reopen=REOPEN.may(user, institution, area),
    )
    page.changes = grid_changes(grid.period, rows)
    return page


def grid_changes(period: PeriodReport | None, rows: list[RowView]) -> PeriodChanges | None:
    """What differs, row by row, from the earlier send (``submissions.baseline``); each
    changed row gets its ``change`` (one query)."""
    since = baseline(period, latest_submissions(period=period) if period is not None else [])
    if since is None:
        return None
    now = {r.pk: snapshot_row(r.key, r.row.entry, len(r.evidence)) for r in rows}
    found = changes(since, now)
    for r in rows:
        r.change = found.rows.get(r.pk)
    return found


@dataclass(frozen=True)
class Thread:
    """The month's conversation as the page shows it, and how the user may write in it."""

    messages: list[PeriodMessage]
    author: Author | None  # None: the user reads only (or there is no capture yet)


def grid_thread(request: HttpRequest, page: GridPage) -> Thread:
    period = page.grid.period
    if period is None:
        return Thread(messages=[], author=None)
    author = thread_author(request.user, page.program, page.area)
    return Thread(messages=period_messages(period=period), author=author)


def render_grid(
    request: HttpRequest, page: GridPage, status: int = 200, **extra: Any
) -> HttpResponse:
    period = page.grid.period
    page_messages = page.route_messages(request)
    context = institution_context(
        request,
        page.institution,
        "program",
        program=page.program,
        page=page,
        page_messages=page_messages,
        period=period,
        submitted_by=period.submitted_by if period and period.submitted_by_id else None,
        decided_by=period.decided_by if period and period.decided_by_id else None,
        period_history=list(object_history(period)) if period is not None else [],
        reason_form=extra.pop("reason_form", None) or ReasonForm(),
        thread=grid_thread(request, page),
        # What the apps above add to the month (the MIR's due indicators), each shown by
        # its own partial: the capture cycle's registry, so this page imports none of them.
        period_contents=[
            c for c in period_content(page.program, page.area, page.grid.month) if c.template
        ],
        **extra,
    )
    return render(request, "web/capture_grid.html", context, status=status)

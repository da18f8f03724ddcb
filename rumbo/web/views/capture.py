"""Monthly progress capture: the year's index, one area × month grid, its workflow and evidence.

The pages only read and route: the grid comes from ``area_month_grid``, windows from
``rumbo.monitoring.windows``, every write from the monitoring services (which hold every
rule: access, window, lock, optimistic version, justification). The semáforo the browser
draws while typing (capture.js) is a preview; the server's grade, shown after saving, is
the one that counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rumbo.audit.selectors import object_history
from rumbo.audit.services import Actor
from rumbo.core.errors import Refused, error_messages
from rumbo.core.numbers import format_mx
from rumbo.core.periods import MONTH_NAMES, MONTHS
from rumbo.indicators.selectors import area_month_indicators
from rumbo.institutions.access import (
    can_capture,
    can_capture_indicator,
    can_submit_period,
    can_view_evidence,
    institution_for_user,
    user_roles,
)
from rumbo.institutions.models import Area, Institution, Role
from rumbo.institutions.pages import institution_context, refusal_page
from rumbo.institutions.selectors import area_by_code
from rumbo.monitoring.cycle import (
    APPROVE,
    REOPEN,
    RETURN,
    SUBMIT,
    TRANSITIONS,
    Transition,
    lock_message,
)
from rumbo.monitoring.errors import GridRejected, MonitoringConflict, RowError, StaleVersion
from rumbo.monitoring.evidence import evidence_add, evidence_remove
from rumbo.monitoring.models import (
    Evidence,
    PeriodReport,
    ProgressEntry,
)
from rumbo.monitoring.selectors import (
    AreaMonthGrid,
    GridRow,
    area_month_grid,
    policy_for,
    program_nodes,
)
from rumbo.monitoring.services import (
    ProgressRow,
    period_approve,
    period_reopen,
    period_return,
    period_submit,
    progress_save_many,
)
from rumbo.monitoring.windows import WindowStatus, extensions_for, window_status, window_text
from rumbo.programs.models import AnnualProgram, ProgramNode, activity_area_id
from rumbo.programs.selectors import program_get
from rumbo.web.forms.capture import (
    CommentForm,
    EvidenceForm,
    ReasonForm,
    TypedRow,
    field_name,
    rows_to_save,
    typed_rows,
)

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


def _area(request: HttpRequest, institution: Institution, code: str) -> Area:
    area = area_by_code(institution=institution, code=code)  # provisional siglas too
    if area is None:
        raise Http404("No existe esa área.")
    if not visible_areas(request, institution, [area]):
        raise Refused(
            f"No tienes permiso para consultar la captura de {area.name} ({area.code}).",
            "Un enlace solo consulta y captura los avances de su propia área.",
        )
    return area


def _month(month: int) -> int:
    if not 1 <= month <= 12:
        raise Http404("El mes debe estar entre 1 y 12.")
    return month


# --- windows as pages say them -------------------------------------------------------------


def _windows(
    institution: Institution, program: AnnualProgram, area_ids: list[int]
) -> dict[tuple[int, int], WindowStatus]:
    """(area id, month) → window, in two queries."""
    policy = policy_for(institution)
    extensions = extensions_for(
        institution_ids=[institution.pk], year_months=[(program.year, m) for m in MONTHS]
    )
    today = timezone.localdate()
    return {
        (area_id, month): window_status(
            policy=policy,
            extensions=extensions,
            year=program.year,
            month=month,
            area_id=area_id,
            today=today,
        )
        for area_id in area_ids
        for month in MONTHS
    }


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


@login_required
@require_http_methods(["GET", "HEAD"])
@explain_denial
def capture(request: HttpRequest, institution: Institution, program: AnnualProgram) -> HttpResponse:
    areas = visible_areas(
        request, institution, list(Area.objects.filter(institution=institution).order_by("code"))
    )
    reports = {
        (r.area_id, r.month): r
        for r in PeriodReport.objects.filter(program=program, area__in=[a.pk for a in areas])
    }
    windows = _windows(institution, program, [a.pk for a in areas])
    months = [
        (
            month,
            [
                IndexCell(a, month, reports.get((a.pk, month)), windows[(a.pk, month)])
                for a in areas
            ],
        )
        for month in MONTHS
    ]
    context = institution_context(
        request, institution, "program", program=program, areas=areas, months=months
    )
    return render(request, "web/capture.html", context)


# --- the grid ------------------------------------------------------------------------------


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


def grid_url(institution: Institution, program: AnnualProgram, area: Area, month: int) -> str:
    return reverse("web:capture_grid", args=[institution.code, program.year, area.code, month])


def _evidence_by_entry(rows: list[GridRow]) -> dict[int, list[Evidence]]:
    ids = [r.entry.pk for r in rows if r.entry is not None]
    out: dict[int, list[Evidence]] = {i: [] for i in ids}
    if ids:
        for evidence in Evidence.objects.filter(entry_id__in=ids).order_by("uploaded_at", "pk"):
            out[evidence.entry_id].append(evidence)
    return out


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
    window = _windows(institution, program, [area.pk])[(area.pk, month)]
    evidence = _evidence_by_entry(grid.rows)
    typed_by_pk = {t.grid_row.activity.pk: t for t in typed}
    rows = []
    for row in grid.rows:
        row.activity.program = program  # the same object: no query per row in the access checks
        entry = row.entry
        t = typed_by_pk.get(row.activity.pk)
        rows.append(
            RowView(
                row=row,
                may_capture=can_capture(request.user, row.activity, nodes),
                may_see_evidence=can_view_evidence(request.user, row.activity, nodes),
                achieved=t.achieved if t else format_mx(row.achieved),
                comment=t.comment if t else (entry.comment if entry else ""),
                justification=t.justification if t else (entry.justification if entry else ""),
                version=(t.version if t else row.version),
                evidence=evidence.get(entry.pk, []) if entry else [],
            )
        )
    user = request.user
    return GridPage(
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


def _render_grid(
    request: HttpRequest, page: GridPage, status: int = 200, **extra: Any
) -> HttpResponse:
    period = page.grid.period
    context = institution_context(
        request,
        page.institution,
        "program",
        program=page.program,
        page=page,
        period=period,
        submitted_by=period.submitted_by if period and period.submitted_by_id else None,
        decided_by=period.decided_by if period and period.decided_by_id else None,
        period_history=list(object_history(period)) if period is not None else [],
        reason_form=extra.pop("reason_form", None) or ReasonForm(),
        due_indicators=area_month_indicators(
            program=page.program, area=page.area, month=page.grid.month
        ),
        **extra,
    )
    return render(request, "web/capture_grid.html", context, status=status)


def _attach_errors(page: GridPage, errors: list[RowError]) -> None:
    by_key = {r.key: r for r in page.rows}
    for error in errors:
        view = by_key.get(error.key)
        if view is None:
            page.errors.append(error.message)
            continue
        view.errors.setdefault(error.field, []).append(error.message)
        if isinstance(error.conflict, StaleVersion):
            view.conflict = error.conflict


def _save(
    request: HttpRequest,
    institution: Institution,
    program: AnnualProgram,
    area: Area,
    month: int,
) -> HttpResponse:
    page = load_grid(request, institution, program, area, month, request.POST)
    if not page.may_capture:
        raise Refused(
            "No tienes permiso para capturar los avances de esta área.",
            "Capturan el enlace del área y Planeación.",
        )
    chosen = rows_to_save(page.typed)
    bad_versions = [t for t in chosen if t.version_error]
    if bad_versions:
        for t in bad_versions:
            _attach_errors(
                page, [RowError(0, t.key, month, "version", "La versión enviada no es válida.")]
            )
        return _render_grid(request, page, status=400)
    if not chosen:
        page.errors.append("No escribiste ningún avance; no hay nada que guardar.")
        return _render_grid(request, page, status=400)
    rows = [
        ProgressRow(
            activity=t.grid_row.activity,
            month=month,
            achieved=t.achieved,
            comment=t.comment,
            justification=t.justification,
            version=t.version,
        )
        for t in chosen
    ]
    try:
        saved = progress_save_many(actor=Actor.for_user(request.user), user=request.user, rows=rows)
    except GridRejected as rejected:
        _attach_errors(page, rejected.rows)
        conflicts = [c for c in rejected.conflicts if isinstance(c, StaleVersion)]
        if conflicts:
            page.errors.append(
                "Otra persona guardó cambios en esta captura mientras la editabas; no se guardó "
                "nada. Compara tu valor con el guardado en las filas marcadas y recarga la "
                "página para continuar."
            )
        else:
            page.errors.append("No se guardó nada: revisa las filas marcadas.")
        return _render_grid(request, page, status=409 if conflicts else 400)
    messages.success(
        request,
        f"Se guardaron los avances de {month_label(month)} {program.year} "
        f"({len(saved)} actividad{'es' if len(saved) != 1 else ''}). El semáforo que se "
        "muestra ahora es el calculado por el sistema.",
    )
    return HttpResponseRedirect(page.url)


def month_label(month: int) -> str:
    return MONTH_NAMES[month - 1]


def _period_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version_periodo", ""))
    except ValueError:
        return None


def _workflow(
    request: HttpRequest,
    action: str,
    institution: Institution,
    program: AnnualProgram,
    area: Area,
    month: int,
) -> HttpResponse:
    actor, user = Actor.for_user(request.user), request.user
    common: dict[str, Any] = {
        "actor": actor,
        "user": user,
        "program": program,
        "area": area,
        "month": month,
        "version": _period_version(request),
    }
    transition = _BY_VERB[action]
    reason_form: ReasonForm | None = None
    try:
        if transition is SUBMIT:
            period_submit(**common)
            done = "Se envió la captura a revisión."
        elif transition is APPROVE:
            form = CommentForm(request.POST)
            form.is_valid()
            period_approve(**common, comment=form.cleaned_data.get("motivo", ""))
            done = "Se aprobó la captura; queda bloqueada."
        else:
            reason_form = ReasonForm(request.POST)
            if not reason_form.is_valid():
                page = load_grid(request, institution, program, area, month)
                _check_action_allowed(page, action)
                page.errors.append(
                    "Escribe las observaciones para devolver la captura."
                    if transition is RETURN
                    else "Escribe el motivo para reabrir la captura."
                )
                return _render_grid(
                    request, page, status=400, reason_form=reason_form, open_action=action
                )
            reason = reason_form.cleaned_data["motivo"]
            if transition is RETURN:
                period_return(**common, reason=reason)
                done = "Se devolvió la captura con observaciones."
            else:
                period_reopen(**common, reason=reason)
                done = "Se reabrió la captura; vuelve a estar en borrador."
    except (ValidationError, MonitoringConflict) as exc:
        page = load_grid(request, institution, program, area, month)
        if isinstance(exc, MonitoringConflict):
            page.errors.append(
                exc.message
                if not isinstance(exc, StaleVersion)
                else "Otra persona cambió el estado de la captura mientras la veías; no se hizo "
                "nada. Revisa el estado actual."
            )
        else:
            page.errors.extend(error_messages(exc))
        status = 409 if isinstance(exc, MonitoringConflict) else 400
        return _render_grid(
            request, page, status=status, reason_form=reason_form, open_action=action
        )
    messages.success(request, done)
    return HttpResponseRedirect(grid_url(institution, program, area, month))


def _check_action_allowed(page: GridPage, action: str) -> None:
    """For the moves that ask for a reason (return, reopen), before saying it is missing."""
    transition = _BY_VERB[action]
    may = {RETURN: page.may_review, REOPEN: page.may_reopen}
    if not may.get(transition, False):
        raise Refused(
            f"No tienes permiso para {transition.verb} esta captura.",
            "Devuelven y aprueban Revisión y Planeación; reabre solo Planeación.",
        )


# The page's buttons send the cycle's verbs (enviar, aprobar, devolver, reabrir).
_BY_VERB = {t.verb: t for t in TRANSITIONS.values()}
ACTIONS = {"guardar", *_BY_VERB}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@explain_denial
def capture_grid(
    request: HttpRequest, institution: Institution, program: AnnualProgram, area: str, month: int
) -> HttpResponse:
    the_area = _area(request, institution, area)
    month = _month(month)
    if request.method == "POST":
        action = request.POST.get("accion", "")
        if action not in ACTIONS:
            page = load_grid(request, institution, program, the_area, month)
            page.errors.append("Acción desconocida.")
            return _render_grid(request, page, status=400)
        if action == "guardar":
            return _save(request, institution, program, the_area, month)
        return _workflow(request, action, institution, program, the_area, month)
    return _render_grid(request, load_grid(request, institution, program, the_area, month))


# --- evidence ------------------------------------------------------------------------------


@login_required
@require_POST
@explain_denial
def capture_evidence(
    request: HttpRequest,
    institution: Institution,
    program: AnnualProgram,
    area: str,
    month: int,
    key: str,
) -> HttpResponse:
    the_area = _area(request, institution, area)
    month = _month(month)
    nodes = program_nodes([program.pk])
    activity = next((a for a in program.activities.select_related("program").filter(key=key)), None)
    if activity is None:
        raise Http404("No existe esa actividad en el programa.")
    if activity_area_id(activity, nodes) != the_area.pk:
        raise Http404("La actividad no pertenece a esa área.")
    if not can_capture(request.user, activity, nodes):
        raise Refused(
            "No tienes permiso para adjuntar o quitar evidencias de esta actividad.",
            "Lo hacen el enlace del área y Planeación.",
        )
    back = grid_url(institution, program, the_area, month) + f"#fila-{activity.key}"
    entry = ProgressEntry.objects.filter(activity=activity, month=month).first()
    if entry is None:
        messages.error(
            request, f"{activity.key}: guarda primero el avance del mes para adjuntarle evidencia."
        )
        return HttpResponseRedirect(back)
    actor = Actor.for_user(request.user)
    try:
        if "quitar" in request.POST:
            evidence = (
                Evidence.objects.filter(entry=entry, pk=int(remove)).first()
                if (remove := request.POST.get("quitar", "")).isdigit()
                else None
            )
            if evidence is None:
                messages.error(request, f"{activity.key}: esa evidencia ya no existe.")
                return HttpResponseRedirect(back)
            evidence_remove(actor=actor, user=request.user, evidence=evidence)
            messages.success(request, f"{activity.key}: se quitó {evidence.original_name}.")
            return HttpResponseRedirect(back)
        form = EvidenceForm(request.POST, request.FILES)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, f"{activity.key}: {error}")
            return HttpResponseRedirect(back)
        upload = form.cleaned_data["archivo"]
        added = evidence_add(
            actor=actor, user=request.user, entry=entry, upload=upload, name=upload.name
        )
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, f"{activity.key}: {message}")
        return HttpResponseRedirect(back)
    except MonitoringConflict as exc:
        messages.error(request, f"{activity.key}: {exc.message}")
        return HttpResponseRedirect(back)
    messages.success(request, f"{activity.key}: se adjuntó {added.original_name}.")
    return HttpResponseRedirect(back)

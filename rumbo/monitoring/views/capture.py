"""Monthly progress capture: the year's index, one area × month grid, its workflow and evidence.

The pages only read and route: what they show is built in ``capture_page`` (from the
monitoring selectors and ``rumbo.monitoring.windows``), every write goes to the monitoring
services (which hold every rule: access, window, lock, optimistic version, justification).
The semáforo the browser draws while typing (capture.js) is a preview; the server's grade,
shown after saving, is the one that counts.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from rumbo.audit.services import Actor
from rumbo.core.errors import Refused, error_messages
from rumbo.core.text import whole_number
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.pages import institution_context
from rumbo.programs.access import can_capture
from rumbo.programs.models import Activity, AnnualProgram, activity_area_id

from ..cycle import APPROVE, REOPEN, RETURN, SUBMIT, TRANSITIONS
from ..errors import GridRejected, MonitoringConflict, RowError, StaleVersion
from ..evidence import evidence_add, evidence_remove
from ..forms.capture import CommentForm, EvidenceForm, ReasonForm, rows_to_save
from ..models import ProgressEntry
from ..selectors import activity_lean_get, evidence_of_entry, program_nodes, progress_entry_get
from ..services import (
    ProgressRow,
    period_approve,
    period_message_post,
    period_reopen,
    period_return,
    period_submit,
    progress_save_many,
)
from .capture_page import (
    EVIDENCE_TAG,
    ROW_TAG,
    GridPage,
    RowMessage,
    capture_index,
    explain_denial,
    grid_url,
    load_grid,
    month_label,
    render_grid,
    row_tag,
    valid_month,
    visible_area,
)

# --- the index -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
@explain_denial
def capture(request: HttpRequest, institution: Institution, program: AnnualProgram) -> HttpResponse:
    rows = capture_index(request, institution, program)
    context = institution_context(request, institution, "program", program=program, rows=rows)
    return render(request, "web/capture.html", context)


# --- the grid ------------------------------------------------------------------------------


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
            page.attach_errors(
                [RowError(0, t.key, month, "version", "La versión enviada no es válida.")]
            )
        return render_grid(request, page, status=400)
    if not chosen:
        page.errors.append("No escribiste ningún avance; no hay nada que guardar.")
        return render_grid(request, page, status=400)
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
        page.attach_errors(rejected.rows)
        conflicts = [c for c in rejected.conflicts if isinstance(c, StaleVersion)]
        if conflicts:
            page.errors.append(
                "Otra persona guardó cambios en esta captura mientras la editabas; no se guardó "
                "nada. Compara tu valor con el guardado en las filas marcadas y recarga la "
                "página para continuar."
            )
        else:
            page.errors.append("No se guardó nada: revisa las filas marcadas.")
        return render_grid(request, page, status=409 if conflicts else 400)
    keys = {t.grid_row.activity.pk: t.key for t in chosen}
    for entry in saved:
        messages.success(request, "Guardado.", extra_tags=row_tag(ROW_TAG, keys[entry.activity_id]))
    messages.success(
        request,
        f"Se guardaron los avances de {month_label(month)} {program.year} "
        f"({len(saved)} actividad{'es' if len(saved) != 1 else ''}). El semáforo que se "
        "muestra ahora es el calculado por el sistema.",
    )
    return HttpResponseRedirect(page.url)


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
                return render_grid(
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
        return render_grid(
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
    the_area = visible_area(request, institution, area)
    month = valid_month(month)
    if request.method == "POST":
        action = request.POST.get("accion", "")
        if action not in ACTIONS:
            page = load_grid(request, institution, program, the_area, month)
            page.errors.append("Acción desconocida.")
            return render_grid(request, page, status=400)
        if action == "guardar":
            return _save(request, institution, program, the_area, month)
        return _workflow(request, action, institution, program, the_area, month)
    return render_grid(request, load_grid(request, institution, program, the_area, month))


# --- the review's conversation -------------------------------------------------------------


@login_required
@require_POST
@explain_denial
def capture_message(
    request: HttpRequest, institution: Institution, program: AnnualProgram, area: str, month: int
) -> HttpResponse:
    """A post in the month's thread: an observation of the reviewer, an answer of the area."""
    the_area = visible_area(request, institution, area)
    month = valid_month(month)
    text = request.POST.get("mensaje", "")
    try:
        message = period_message_post(
            actor=Actor.for_user(request.user),
            user=request.user,
            program=program,
            area=the_area,
            month=month,
            text=text,
        )
    except ValidationError as exc:
        page = load_grid(request, institution, program, the_area, month)
        return render_grid(
            request, page, status=400, message_text=text, message_errors=error_messages(exc)
        )
    back = grid_url(institution, program, the_area, month)
    return HttpResponseRedirect(f"{back}#mensaje-{message.pk}")


# --- evidence ------------------------------------------------------------------------------


def _evidence_activity(
    request: HttpRequest, program: AnnualProgram, area: Area, key: str
) -> Activity:
    """The program's activity ``key`` of ``area``, which the user may capture (404 / 403)."""
    nodes = program_nodes([program.pk])
    activity = activity_lean_get(program=program, key=key)
    if activity is None:
        raise Http404("No existe esa actividad en el programa.")
    if activity_area_id(activity, nodes) != area.pk:
        raise Http404("La actividad no pertenece a esa área.")
    if not can_capture(request.user, activity, nodes):
        raise Refused(
            "No tienes permiso para adjuntar o quitar evidencias de esta actividad.",
            "Lo hacen el enlace del área y Planeación.",
        )
    return activity


def _evidence_remove(request: HttpRequest, actor: Actor, entry: ProgressEntry, key: str) -> str:
    """Removes the evidence named by ``quitar``: what was removed (``ValidationError`` if gone)."""
    remove = request.POST.get("quitar", "")
    evidence_id = whole_number(remove)
    evidence = evidence_of_entry(entry=entry, pk=evidence_id) if evidence_id is not None else None
    if evidence is None:
        raise ValidationError("esa evidencia ya no existe.")
    evidence_remove(actor=actor, user=request.user, evidence=evidence)
    return f"{key}: se quitó {evidence.original_name}."


def _evidence_add(request: HttpRequest, actor: Actor, entry: ProgressEntry, key: str) -> str:
    """Attaches the uploaded file; what was attached (``ValidationError`` saying why not)."""
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.values() for e in errors])
    upload = form.cleaned_data["archivo"]
    added = evidence_add(
        actor=actor, user=request.user, entry=entry, upload=upload, name=upload.name
    )
    return f"{key}: se adjuntó {added.original_name}."


def _evidence_change(request: HttpRequest, activity: Activity, month: int) -> list[RowMessage]:
    """Adds or removes the row's evidence: what happened, or why nothing did, as messages."""
    key = activity.key
    entry = progress_entry_get(activity=activity, month=month)
    if entry is None:
        return [
            RowMessage(
                "error", f"{key}: guarda primero el avance del mes para adjuntarle evidencia."
            )
        ]
    actor = Actor.for_user(request.user)
    try:
        if "quitar" in request.POST:
            done = _evidence_remove(request, actor, entry, key)
        else:
            done = _evidence_add(request, actor, entry, key)
    except ValidationError as exc:
        return [RowMessage("error", f"{key}: {m}") for m in error_messages(exc)]
    except MonitoringConflict as exc:
        return [RowMessage("error", f"{key}: {exc.message}")]
    return [RowMessage("success", done)]


def wants_fragment(request: HttpRequest) -> bool:
    """A request of the page's script (htmx's header), answered with the changed part only."""
    return request.headers.get("HX-Request") == "true"


def _evidence_reply(
    request: HttpRequest, page: GridPage, key: str, replies: list[RowMessage]
) -> HttpResponse:
    """The row's evidence cell as it is now and what happened: the script swaps them in
    place, so what is typed in the other rows stays on the page."""
    row = page.row(key)
    if row is None:
        raise Http404("No existe esa actividad en el programa.")
    ok = all(r.level == "success" for r in replies)
    context = {
        "institution": page.institution,
        "program": page.program,
        "page": page,
        "r": row,
        "replies": replies,
    }
    return render(request, "web/_capture_evidence_reply.html", context, status=200 if ok else 400)


_LEVELS = {"success": messages.SUCCESS, "error": messages.ERROR}


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
    the_area = visible_area(request, institution, area)
    month = valid_month(month)
    activity = _evidence_activity(request, program, the_area, key)
    replies = _evidence_change(request, activity, month)
    if wants_fragment(request):
        page = load_grid(request, institution, program, the_area, month)
        return _evidence_reply(request, page, activity.key, replies)
    for reply in replies:
        messages.add_message(
            request,
            _LEVELS[reply.level],
            reply.text,
            extra_tags=row_tag(EVIDENCE_TAG, activity.key),
        )
    back = grid_url(institution, program, the_area, month) + f"#fila-{activity.key}"
    return HttpResponseRedirect(back)

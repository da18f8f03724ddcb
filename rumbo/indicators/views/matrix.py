"""The MIR of a program design: the four-column matrix, its printable page, its life cycle
(state, acuerdo, the moves the user may make), and editing its rows (Planeación, or the
Enlace of the design's area). Forms work without JavaScript: POST, then redirect back to
the matrix."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from rumbo.audit.services import Actor
from rumbo.core.errors import Conflict, error_messages, error_text, form_add_errors
from rumbo.core.forms import form_stale
from rumbo.core.text import whole_number
from rumbo.core.versions import StaleVersion
from rumbo.indicators.checker import check_mir
from rumbo.indicators.forms import MirApprovalForm, MirRowForm, MirStateForm
from rumbo.indicators.lifecycle import (
    mir_approve,
    mir_close,
    mir_next_states,
    mir_return,
    mir_submit_review,
)
from rumbo.indicators.models import Level, Mir, MirRow
from rumbo.indicators.selectors import mir_detail
from rumbo.indicators.services import (
    activity_mir_link_set,
    mir_ensure,
    mir_row_create,
    mir_row_delete,
    mir_row_update,
    row_delete_blockers,
)
from rumbo.institutions.access import require_edit_design
from rumbo.institutions.pages import institution_context
from rumbo.programs.models import Activity

from .shared import design_for, may_edit, mir_of, row_of


def mir_url(code: str, design_id: int) -> str:
    return reverse("web:mir", args=[code, design_id])


def _matrix_context(
    request: HttpRequest, institution, design, mir: Mir | None, **extra: object
) -> dict:
    detail = mir_detail(mir) if mir is not None else None
    findings = check_mir(mir) if mir is not None else []
    moves: list[str] = []
    if mir is not None:
        design.node.program.institution = institution  # loaded: spare the queries
        mir.design = design
        moves = mir_next_states(request.user, mir)
    return institution_context(
        request,
        institution,
        "program",
        design=design,
        program=design.node.program,
        mir=mir,
        detail=detail,
        findings=findings,
        errors=[f for f in findings if f.severity == "error"],
        may_edit=may_edit(request, design),
        moves=moves,
        approval=extra.pop("approval", None) or MirApprovalForm(),
        state_form=extra.pop("state_form", None) or MirStateForm(),
        **extra,
    )


@login_required
def mir(request: HttpRequest, code: str, design_id: int) -> HttpResponse:
    institution, design = design_for(request, code, design_id)
    current = Mir.objects.filter(design=design).first()
    return render(request, "web/mir.html", _matrix_context(request, institution, design, current))


# The page's buttons (``accion``) → the move; «aprobar» has its own form (the acuerdo).
MOVES: dict[str, Callable[..., Mir]] = {
    "revision": mir_submit_review,
    "formulacion": mir_return,
    "cerrar": mir_close,
}


@login_required
@require_POST
def mir_state(request: HttpRequest, code: str, design_id: int) -> HttpResponse:
    """Move the MIR along its life cycle: to revisión (whoever edits it), back to
    formulación, approved with its acuerdo, closed (Planeación). The service says who may."""
    institution, design = design_for(request, code, design_id)
    require_edit_design(request.user, design)
    matrix = mir_of(design)
    matrix.design = design
    action = request.POST.get("accion", "")
    approval, state_form = MirApprovalForm(), MirStateForm()
    actor = Actor.for_user(request.user)
    status = 400
    if action not in (*MOVES, "aprobar"):
        messages.error(
            request,
            "Elige qué hacer con la MIR: enviarla a revisión, devolverla, aprobarla o cerrarla.",
        )
    else:
        try:
            if action == "aprobar":
                approval = MirApprovalForm(request.POST)
                if approval.is_valid():
                    version = mir_approve(
                        actor=actor,
                        mir=matrix,
                        agreement=approval.cleaned_data["agreement"],
                        approved_on=approval.cleaned_data["date"],
                    )
                    frozen = (
                        f" Se congeló la versión {version.number} del programa "
                        f"{design.node.program.year} (SHA-256 {version.sha256[:12]}…)."
                        if version is not None
                        else ""
                    )
                    messages.success(
                        request,
                        f"MIR aprobada: las metas de sus indicadores quedan congeladas.{frozen}",
                    )
                    return HttpResponseRedirect(mir_url(code, design_id))
                status = 422
            else:
                state_form = MirStateForm(request.POST)
                status = 422
                if state_form.is_valid():
                    MOVES[action](actor=actor, mir=matrix, reason=state_form.cleaned_data["reason"])
                    messages.success(
                        request, f"La MIR pasó a «{matrix.get_state_display().lower()}»."
                    )
                    return HttpResponseRedirect(mir_url(code, design_id))
        except ValidationError as exc:
            form_add_errors(approval if action == "aprobar" else state_form, exc)
            status = 422
        except Conflict as exc:
            messages.error(request, exc.message)
            status = 409
    context = _matrix_context(
        request, institution, design, matrix, approval=approval, state_form=state_form
    )
    return render(request, "web/mir.html", context, status=status)


@login_required
def mir_print(request: HttpRequest, code: str, design_id: int) -> HttpResponse:
    institution, design = design_for(request, code, design_id)
    current = mir_of(design)
    return render(
        request, "web/mir_print.html", _matrix_context(request, institution, design, current)
    )


@login_required
@require_POST
def design_mir_create(request: HttpRequest, code: str, design_id: int) -> HttpResponse:
    _, design = design_for(request, code, design_id)
    require_edit_design(request.user, design)
    mir_ensure(actor=Actor.for_user(request.user), design=design)
    messages.success(request, "Se creó la MIR del programa; agrega su Fin y su Propósito.")
    return HttpResponseRedirect(mir_url(code, design_id))


def _row_form_page(
    request: HttpRequest, code: str, design_id: int, row: MirRow | None, row_id: int | None
) -> HttpResponse:
    institution, design = design_for(request, code, design_id)
    require_edit_design(request.user, design)
    matrix = mir_of(design)
    if row_id is not None:
        row = row_of(matrix, row_id)
    componentes = list(
        MirRow.objects.filter(mir=matrix, level=Level.COMPONENTE).exclude(pk=row.pk if row else 0)
    )
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = MirRowForm(request.POST, componentes=componentes)
        if form.is_valid():
            values = {k: form.cleaned_data[k] for k in form.fields if k != "version"}
            actor = Actor.for_user(request.user)
            try:
                if row is None:
                    saved = mir_row_create(actor=actor, mir=matrix, **values)
                else:
                    saved = mir_row_update(
                        actor=actor,
                        row=row,
                        changes=values,
                        version=form.cleaned_data["version"],
                    )
            except ValidationError as exc:
                errors.extend(form_add_errors(form, exc, keep_others=True))
            except StaleVersion as exc:  # someone saved in between: show what, answer 409
                form_stale(form, exc)
                status = 409
            else:
                messages.success(request, f"Se guardó el renglón {saved}.")
                return HttpResponseRedirect(f"{mir_url(code, design_id)}#renglon-{saved.pk}")
        status = 409 if status == 409 else 400
    elif row is not None:
        form = MirRowForm(
            initial={
                "level": row.level,
                "parent": row.parent_id,
                "code": row.code,
                "summary": row.summary,
                "verification": row.verification,
                "assumptions": row.assumptions,
                "order": row.order,
                "version": row.version,
            },
            componentes=componentes,
        )
    else:
        level = request.GET.get("nivel", "")
        parent = request.GET.get("componente", "")
        form = MirRowForm(
            initial={
                "level": level if level in Level.values else Level.COMPONENTE,
                "parent": whole_number(parent),
            },
            componentes=componentes,
        )
    links = []
    activities: list[Activity] = []
    if row is not None and row.level in (Level.COMPONENTE, Level.ACTIVIDAD):
        links = list(row.activity_links.select_related("activity").order_by("activity__key"))
        activities = list(
            Activity.objects.filter(program=design.node.program)
            .exclude(mir_link__row=row)
            .order_by("key")
        )
    context = institution_context(
        request,
        institution,
        "program",
        design=design,
        program=design.node.program,
        mir=matrix,
        row=row,
        form=form,
        errors=errors,
        links=links,
        activities=activities,
    )
    return render(request, "web/mir_row_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def mir_row_create_view(request: HttpRequest, code: str, design_id: int) -> HttpResponse:
    return _row_form_page(request, code, design_id, None, None)


@login_required
@require_http_methods(["GET", "POST"])
def mir_row_edit(request: HttpRequest, code: str, design_id: int, row_id: int) -> HttpResponse:
    return _row_form_page(request, code, design_id, None, row_id)


@login_required
@require_http_methods(["GET", "POST"])
def mir_row_delete_view(
    request: HttpRequest, code: str, design_id: int, row_id: int
) -> HttpResponse:
    institution, design = design_for(request, code, design_id)
    require_edit_design(request.user, design)
    row = row_of(mir_of(design), row_id)
    errors = row_delete_blockers(row)
    status = 200
    if request.method == "POST":
        try:
            mir_row_delete(
                actor=Actor.for_user(request.user),
                row=row,
                reason=request.POST.get("motivo", ""),
            )
        except ValidationError as exc:
            errors = error_messages(exc)
            status = 400
        else:
            messages.success(request, f"Se eliminó el renglón {row}.")
            return HttpResponseRedirect(mir_url(code, design_id))
    context = institution_context(
        request,
        institution,
        "program",
        design=design,
        program=design.node.program,
        row=row,
        errors=errors,
        indicators=list(row.indicators.all()),
    )
    return render(request, "web/mir_row_delete.html", context, status=status)


@login_required
@require_POST
def mir_row_activities(
    request: HttpRequest, code: str, design_id: int, row_id: int
) -> HttpResponse:
    """Link a POA activity to this row («vincular»), or unlink one («desvincular»)."""
    _, design = design_for(request, code, design_id)
    require_edit_design(request.user, design)
    row = row_of(mir_of(design), row_id)
    back = reverse("web:mir_row_edit", args=[code, design_id, row_id]) + "#actividades-poa"
    link_id, unlink_id = request.POST.get("vincular", ""), request.POST.get("desvincular", "")
    activity_id = whole_number(link_id or unlink_id)
    activity = (
        Activity.objects.filter(pk=activity_id, program=design.node.program).first()
        if activity_id is not None
        else None
    )
    if activity is None:
        messages.error(request, "Elige una actividad del programa.")
        return HttpResponseRedirect(back)
    try:
        activity_mir_link_set(
            actor=Actor.for_user(request.user), activity=activity, row=row if link_id else None
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        verb = "se vinculó a" if link_id else "se desvinculó de"
        messages.success(request, f"La actividad {activity.key} {verb} {row}.")
    return HttpResponseRedirect(back)

"""Pages of the approved program: its approval and versions (with a comparison, activity by
activity), and the adjustment requests — list, new request, and the decision."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from rumbo.audit.services import Actor
from rumbo.core.errors import Conflict, form_add_errors
from rumbo.core.exportfile import attachment
from rumbo.core.periods import MONTH_NAMES, periods
from rumbo.core.text import whole_number
from rumbo.indicators.models import Indicator
from rumbo.institutions.access import (
    Capability,
    can,
    can_capture_indicator,
    institution_for_user,
    user_roles,
)
from rumbo.institutions.models import Area, Institution, Role
from rumbo.institutions.pages import institution_context, refusal_page
from rumbo.programs.access import can_access_activity
from rumbo.programs.lifecycle import (
    TRANSITIONS,
    program_approve,
    program_close,
    program_return,
    program_submit_review,
)
from rumbo.programs.models import Activity, AnnualProgram, ProgramNode, ProgramState
from rumbo.programs.selectors import open_observation_count, program_or_404
from rumbo.programs.versions import version_diff, version_get, version_list

from .budget_views import budget_detail_context, budget_request_page
from .forms import (
    ActivityAdjustmentForm,
    AltaForm,
    ApprovalForm,
    DecisionForm,
    IndicatorAdjustmentForm,
    StateForm,
)
from .models import BUDGET_KINDS, AdjustmentKind, AdjustmentRequest, AdjustmentState
from .selectors import adjustment_get, adjustment_list, has_budget
from .services import (
    Proposal,
    adjustment_approve,
    adjustment_reject,
    adjustment_request,
    can_decide,
    decider_role,
)
from .templatetags.adjustments import version_field, version_value

View = Callable[..., HttpResponse | FileResponse]
REQUESTERS = {Role.PLANEACION.value, Role.ENLACE.value}


def program_page(view: View) -> View:
    """Resolve ``code``/``year`` to the institution (403 if not a member) and program (404)."""

    @wraps(view)
    def wrapper(
        request: HttpRequest, code: str, year: int, **kwargs: Any
    ) -> HttpResponse | FileResponse:
        institution = institution_for_user(request.user, code)
        program = program_or_404(institution=institution, year=year)
        return view(request, institution, program, **kwargs)

    return wrapper


def _context(
    request: HttpRequest, institution: Institution, program: AnnualProgram, **extra: Any
) -> dict:
    return institution_context(request, institution, "program", program=program, **extra)


# --- the documents: the acuerdo of approval, an adjustment's oficio ----------------------


def _document(field: FieldFile, missing: str) -> FileResponse:
    """A stored document as a download, to members of the institution only (the media
    folder is never served directly)."""
    if not field:
        raise Http404(missing)
    try:
        handle = field.open("rb")
    except OSError as exc:
        raise Http404(f"{missing} (el archivo no está disponible).") from exc
    response = FileResponse(handle, content_type="application/octet-stream")
    response["Content-Disposition"] = attachment(Path(field.name or "documento").name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
@program_page
def program_agreement_file(
    request: HttpRequest, institution: Institution, program: AnnualProgram
) -> FileResponse:
    return _document(program.agreement_file, "El programa no tiene documento del acuerdo.")


@login_required
@require_http_methods(["GET", "HEAD"])
@program_page
def adjustment_document(
    request: HttpRequest, institution: Institution, program: AnnualProgram, pk: int
) -> FileResponse:
    adj = adjustment_get(program=program, pk=pk)
    if adj is None:
        raise Http404("No existe esa solicitud de adecuación.")
    return _document(adj.document, "La solicitud no tiene documento de soporte.")


# --- approval and versions ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@program_page
def program_approval(
    request: HttpRequest, institution: Institution, program: AnnualProgram
) -> HttpResponse:
    """The program's life cycle: its state, the acuerdo, and the versions; Planeación moves
    it (to revisión, back, approved with the acuerdo, closed)."""
    may_edit = can(request.user, institution, Capability.EDIT_PROGRAM)
    approval = ApprovalForm()
    state_form = StateForm()
    status = 200
    if request.method == "POST":
        if not may_edit:
            return refusal_page(
                request,
                institution,
                "web/adjustment_denied.html",
                PermissionDenied(
                    "Solo Planeación registra la aprobación y el estado del programa."
                ),
                program=program,
            )
        action = request.POST.get("accion", "")
        actor = Actor.for_user(request.user)
        try:
            if action == "aprobar":
                approval = ApprovalForm(request.POST, request.FILES)
                if approval.is_valid():
                    version = program_approve(
                        actor=actor,
                        program=program,
                        agreement=approval.cleaned_data["agreement"],
                        approved_on=approval.cleaned_data["date"],
                        document=approval.cleaned_data["document"],
                    )
                    messages.success(
                        request,
                        f"Programa {program.year} aprobado: versión {version.number} congelada "
                        f"(SHA-256 {version.sha256[:12]}…).",
                    )
                    return HttpResponseRedirect(request.path)
                status = 422
            elif action in ("revision", "formulacion", "cerrar"):
                state_form = StateForm(request.POST)
                state_form.is_valid()
                reason = state_form.cleaned_data.get("reason", "")
                moves: dict[str, Callable[..., AnnualProgram]] = {
                    "revision": program_submit_review,
                    "formulacion": program_return,
                    "cerrar": program_close,
                }
                move = moves[action]
                move(actor=actor, program=program, reason=reason)
                messages.success(request, "Se cambió el estado del programa.")
                return HttpResponseRedirect(request.path)
        except ValidationError as exc:
            form_add_errors(
                approval if action == "aprobar" else state_form,
                exc,
                rename={"date": "date", "agreement": "agreement", "reason": "reason"},
            )
            status = 422
        except Conflict as exc:
            messages.error(request, exc.message)
            status = 409
    versions = version_list(program)
    context = _context(
        request,
        institution,
        program,
        may_edit=may_edit,
        approval=approval,
        state_form=state_form,
        versions=versions,
        next_states=TRANSITIONS[program.state],
        states=ProgramState,
        pending=adjustment_list(program=program, state=AdjustmentState.SOLICITADA).count(),
        # the review's observations still open: a warning, never a block (the Consejo decides)
        open_observations=(
            0 if program.targets_frozen else open_observation_count(program=program)
        ),
    )
    return render(request, "web/program_approval.html", context, status=status)


def _version_number(raw: str | None, default: int) -> int:
    try:
        return int(raw or default)
    except ValueError:
        return default


@login_required
@require_http_methods(["GET", "HEAD"])
@program_page
def program_versions(
    request: HttpRequest, institution: Institution, program: AnnualProgram
) -> HttpResponse:
    """Compare two versions (default: the baseline and the one in force)."""
    versions = version_list(program)
    if not versions:
        return render(
            request,
            "web/program_versions.html",
            _context(request, institution, program, versions=[]),
        )
    last = versions[-1].number
    a = _version_number(request.GET.get("de"), 1)
    b = _version_number(request.GET.get("a"), last)
    old, new = version_get(program, a), version_get(program, b)
    if old is None or new is None:
        raise Http404("No existe esa versión del programa.")
    changes = [
        {**c, "rows": _change_rows(c["fields"])} for c in version_diff(old.snapshot, new.snapshot)
    ]
    context = _context(
        request,
        institution,
        program,
        versions=versions,
        old=old,
        new=new,
        activity_changes=[c for c in changes if c["kind"] == "activities"],
        indicator_changes=[c for c in changes if c["kind"] == "indicators"],
    )
    return render(request, "web/program_versions.html", context)


def _change_rows(fields: dict[str, list[Any]]) -> list[tuple[str, str, str]]:
    """(what, before, after) for a person: a month or period per row, only those that
    changed."""
    rows: list[tuple[str, str, str]] = []
    for name, (before, after) in fields.items():
        if name == "monthly_targets":
            old = before or [None] * 12
            new = after or [None] * 12
            rows.extend(
                (MONTH_NAMES[i].capitalize(), _num(old[i]), _num(new[i]))
                for i in range(12)
                if old[i] != new[i]
            )
        elif name == "targets":
            old_t, new_t = before or {}, after or {}
            for period in sorted(set(old_t) | set(new_t), key=int):
                if old_t.get(period) != new_t.get(period):
                    label = "Meta anual" if period == "0" else f"Meta del periodo {period}"
                    rows.append((label, _num(old_t.get(period)), _num(new_t.get(period))))
        else:
            rows.append(
                (version_field(name), version_value(before, name), version_value(after, name))
            )
    return rows


# --- adjustment requests -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
@program_page
def adjustments(
    request: HttpRequest, institution: Institution, program: AnnualProgram
) -> HttpResponse:
    state = request.GET.get("estado", "")
    if state not in AdjustmentState.values:
        state = ""
    context = _context(
        request,
        institution,
        program,
        adjustments=list(adjustment_list(program=program, state=state)),
        state=state,
        states=AdjustmentState.choices,
        decider=decider_role(program),
        may_request=(program.targets_frozen and program.state == ProgramState.APROBADO)
        or bool(_budget_kinds(program)),
    )
    return render(request, "web/adjustments.html", context)


def _initial(activity: Activity) -> dict[str, Any]:
    months = {mt.month: mt.quantity for mt in activity.monthly_targets.all()}
    initial: dict[str, Any] = {
        "annual_target": ""
        if activity.annual_target is None
        else f"{activity.annual_target.normalize():f}",
        "description": activity.description,
        "unit": activity.unit.name if activity.unit else "",
    }
    for m in range(1, 13):
        initial[f"m{m}"] = "" if months.get(m) is None else f"{months[m].normalize():f}"
    return initial


def _activity_proposal(activity: Activity, form: ActivityAdjustmentForm) -> Proposal:
    kind = form.cleaned_data["kind"]
    proposal = Proposal(kind=kind, activity=activity)
    if kind in (AdjustmentKind.CALENDARIO, AdjustmentKind.META_ANUAL):
        proposal.annual_target = form.cleaned_data["annual_target"] or None
        proposal.monthly_targets = form.months()
    elif kind == AdjustmentKind.DESCRIPCION:
        proposal.description = form.cleaned_data["description"]
        proposal.unit = form.cleaned_data["unit"]
    return proposal


def _indicator_periods(indicator: Indicator) -> list[tuple[int, str]]:
    return [(0, "Meta anual"), *((p.number, p.label) for p in periods(indicator.frequency))]


FORM_FIELDS = {
    "monthly_targets": None,
    "annual_target": "annual_target",
    "description": "description",
    "unit": "unit",
    "justification": "justification",
    "key": "key",
    "node": "node",
    "area": "area",
}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@program_page
def adjustment_create(
    request: HttpRequest, institution: Institution, program: AnnualProgram
) -> HttpResponse:
    """A new request: choose what changes (?actividad=KEY, ?indicador=ID or ?alta=1), then
    propose the new values, prefilled with those in force. Planeación and the enlaces
    request; Revisión and Consulta do not."""
    if not (user_roles(request.user, institution) & REQUESTERS or request.user.is_superuser):
        return refusal_page(
            request,
            institution,
            "web/adjustment_denied.html",
            PermissionDenied(
                "Solo Planeación o el enlace de un área solicitan adecuaciones programáticas."
            ),
            program=program,
        )
    budget_kind = request.GET.get("presupuesto", "")
    if budget_kind in BUDGET_KINDS:
        return budget_request_page(request, institution, program, budget_kind)
    _note_not_approved(request, program)
    activity, indicator, alta = _subject(request, program)
    form = _request_form(request, institution, program, activity, indicator, alta)
    status = 200
    if request.method == "POST" and form is not None:
        status = 422
        if form.is_valid():
            try:
                adj = adjustment_request(
                    actor=Actor.for_user(request.user),
                    program=program,
                    proposal=_proposal(program, form, activity, indicator),
                    justification=form.cleaned_data["justification"],
                    document=form.cleaned_data.get("document"),
                )
            except ValidationError as exc:
                others = form_add_errors(form, exc, rename=_renames(form), keep_others=True)
                for message in others:
                    form.add_error(None, message)
            except PermissionDenied as exc:
                return refusal_page(
                    request, institution, "web/adjustment_denied.html", exc, program=program
                )
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(
                    request,
                    f"Solicitud de adecuación {adj.number} enviada: no cambia nada hasta que "
                    "se apruebe.",
                )
                return HttpResponseRedirect(
                    reverse("web:adjustment_detail", args=[institution.code, program.year, adj.pk])
                )
    context = _context(
        request,
        institution,
        program,
        form=form,
        activity=activity,
        indicator=indicator,
        alta=alta,
        activity_choices=_writable_activities(request, program),
        indicator_choices=_capturable_indicators(request, program),
        budget_kinds=_budget_kinds(program),
    )
    return render(request, "web/adjustment_form.html", context, status=status)


def _note_not_approved(request: HttpRequest, program: AnnualProgram) -> None:
    if not program.targets_frozen:
        messages.info(
            request,
            f"El programa {program.year} aún no está aprobado: sus metas se editan directamente.",
        )


def _budget_kinds(program: AnnualProgram) -> list[tuple[str, str]]:
    """The budget kinds one may request now: the program has a budget and is not closed."""
    if program.state == ProgramState.CERRADO or not has_budget(program):
        return []
    return [
        (k.value, k.label)
        for k in (AdjustmentKind.AMPLIACION, AdjustmentKind.REDUCCION, AdjustmentKind.TRASPASO)
    ]


def _request_form(
    request: HttpRequest,
    institution: Institution,
    program: AnnualProgram,
    activity: Activity | None,
    indicator: Indicator | None,
    alta: bool,
) -> Any:
    """The form for the chosen subject, prefilled with the values in force (None: the
    subject is still to be chosen)."""
    data, files = request.POST or None, request.FILES or None
    if activity is not None:
        initial = {**_initial(activity), "kind": request.GET.get("tipo", "calendario")}
        return ActivityAdjustmentForm(data, files, initial=initial)
    if indicator is not None:
        return IndicatorAdjustmentForm(
            data,
            files,
            periods=_indicator_periods(indicator),
            initial={f"t{t.period}": f"{t.value.normalize():f}" for t in indicator.targets.all()},
        )
    if alta:
        areas = Area.objects.filter(institution=institution).order_by("code")
        return AltaForm(
            data,
            files,
            nodes=_leaf_nodes(program),
            areas=[(a.code, f"{a.name} ({a.code})") for a in areas],
        )
    return None


def _renames(form: Any) -> dict[str, str | None]:
    names: dict[str, str | None] = {k: v for k, v in FORM_FIELDS.items() if v in form.fields}
    for m in range(1, 13):
        names[f"monthly_targets.{m}"] = f"m{m}"
    for name in form.fields:
        if name.startswith("t") and whole_number(name[1:]) is not None:
            names[f"targets.{name[1:]}"] = name
    return names


def _proposal(
    program: AnnualProgram, form: Any, activity: Activity | None, indicator: Indicator | None
) -> Proposal:
    if activity is not None:
        return _activity_proposal(activity, form)
    if indicator is not None:
        return Proposal(
            kind=AdjustmentKind.META_INDICADOR, indicator=indicator, targets=form.targets()
        )
    data = form.cleaned_data
    return Proposal(
        kind=AdjustmentKind.ALTA,
        key=data["key"],
        node=ProgramNode.objects.filter(program=program, pk=data["node"]).first(),
        area_code=data.get("area") or "",
        description=data["description"],
        unit=data.get("unit") or "",
        annual_target=data.get("annual_target") or None,
        monthly_targets=form.months(),
    )


def _subject(
    request: HttpRequest, program: AnnualProgram
) -> tuple[Activity | None, Indicator | None, bool]:
    key = request.GET.get("actividad", "")
    if key:
        activity = (
            Activity.objects.filter(program=program, key=key)
            .select_related("program__institution", "unit", "area", "node")
            .prefetch_related("monthly_targets")
            .first()
        )
        if activity is None:
            raise Http404(f"No existe la actividad {key} en el programa {program.year}.")
        return activity, None, False
    raw = request.GET.get("indicador", "")
    if raw:
        indicator = (
            Indicator.objects.filter(
                pk=whole_number(raw) or 0, row__mir__design__node__program=program
            )
            .prefetch_related("targets")
            .first()
        )
        if indicator is None:
            raise Http404("No existe ese indicador en las MIR del programa.")
        return None, indicator, False
    return None, None, request.GET.get("alta") == "1"


def _leaf_nodes(program: AnnualProgram) -> list[tuple[str, str]]:
    nodes = list(ProgramNode.objects.filter(program=program).order_by("order", "key"))
    parents = {n.parent_id for n in nodes if n.parent_id}
    return [(str(n.pk), f"{n.key} — {n.name[:80]}") for n in nodes if n.pk not in parents]


def _writable_activities(request: HttpRequest, program: AnnualProgram) -> list[Activity]:
    activities = (
        Activity.objects.filter(program=program).select_related("node", "area").order_by("key")
    )
    return [a for a in activities if can_access_activity(request.user, a, for_write=True)]


def _capturable_indicators(request: HttpRequest, program: AnnualProgram) -> list[Indicator]:
    indicators = (
        Indicator.objects.filter(
            row__mir__design__node__program=program, row__mir__state=ProgramState.APROBADO
        )
        .select_related("row")
        .order_by("row__mir", "row__order", "order")
    )
    return [
        i
        for i in indicators
        if can_capture_indicator(
            request.user, institution_id=program.institution_id, area_id=i.area_id
        )
    ]


@login_required
@require_http_methods(["GET", "HEAD"])
@program_page
def adjustment_detail(
    request: HttpRequest, institution: Institution, program: AnnualProgram, pk: int
) -> HttpResponse:
    adj = adjustment_get(program=program, pk=pk)
    if adj is None:
        raise Http404("No existe esa solicitud de adecuación.")
    context = _context(
        request,
        institution,
        program,
        adj=adj,
        rows=[] if adj.is_budget else _before_after(adj),
        **budget_detail_context(adj),
        may_decide=adj.state == AdjustmentState.SOLICITADA and can_decide(request.user, adj),
        decision=DecisionForm(),
    )
    return render(request, "web/adjustment_detail.html", context)


LABELS = {
    "key": "Clave",
    "node": "Nivel",
    "description": "Descripción",
    "unit": "Unidad de medida",
    "area": "Área",
    "annual_target": "Meta anual",
}


def _before_after(adj: AdjustmentRequest) -> list[tuple[str, str, str]]:
    """(what, before, after) rows for the page, written for a person: one per field, and
    one per month or period that changes."""
    rows: list[tuple[str, str, str]] = []
    before, after = adj.before or {}, adj.after or {}
    for name, label in LABELS.items():
        if name in after:
            rows.append(
                (label, version_value(before.get(name), name), version_value(after[name], name))
            )
    if "monthly_targets" in after:
        old = before.get("monthly_targets") or [None] * 12
        for i, value in enumerate(after["monthly_targets"]):
            if not before or old[i] != value:
                rows.append((MONTH_NAMES[i].capitalize(), _num(old[i]), _num(value)))
    if "targets" in after:
        old_t = before.get("targets", {})
        for period in sorted(set(old_t) | set(after["targets"]), key=int):
            if old_t.get(period) != after["targets"].get(period):
                label = "Meta anual" if period == "0" else f"Periodo {period}"
                rows.append((label, _num(old_t.get(period)), _num(after["targets"].get(period))))
    if adj.kind == AdjustmentKind.BAJA:
        rows.append(
            ("Actividad", f"{before.get('key')} — {before.get('description', '')}", "Dada de baja")
        )
    return rows


def _num(value: object) -> str:
    return version_value(value, "annual_target")


@login_required
@require_POST
@program_page
def adjustment_decide(
    request: HttpRequest, institution: Institution, program: AnnualProgram, pk: int
) -> HttpResponse:
    adj = adjustment_get(program=program, pk=pk)
    if adj is None:
        raise Http404("No existe esa solicitud de adecuación.")
    form = DecisionForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    actor = Actor.for_user(request.user)
    url = reverse("web:adjustment_detail", args=[institution.code, program.year, adj.pk])
    try:
        if request.POST.get("decision") == "aprobar":
            decided = adjustment_approve(actor=actor, adjustment=adj, reason=reason)
            messages.success(
                request,
                f"Adecuación {decided.number} aprobada y aplicada: "
                + (
                    f"el programa está ahora en la versión {decided.version.number}."
                    if decided.version is not None
                    else "el modificado del presupuesto ya cambió."
                ),
            )
        else:
            adjustment_reject(actor=actor, adjustment=adj, reason=reason)
            messages.success(request, f"Adecuación {adj.number} rechazada.")
    except PermissionDenied as exc:
        return refusal_page(
            request, institution, "web/adjustment_denied.html", exc, program=program
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(url)

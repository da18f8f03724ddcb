"""One activity: its detail page, edit form, calendar editor, creation and deletion.

Permissions are decided by ``rumbo.institutions.access`` only; the views put the answers
in the context as booleans. Writes go through ``rumbo.programs.services``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from rumbo.audit.selectors import object_history
from rumbo.audit.services import Actor
from rumbo.core.numbers import format_mx
from rumbo.imports.models import FindingStatus, QualityFinding
from rumbo.imports.selectors import FindingFilters, finding_list
from rumbo.institutions.access import (
    Capability,
    access_activity,
    activity_area_id,
    can,
    can_access_activity,
    institution_for_user,
    require,
)
from rumbo.institutions.models import Area, Institution
from rumbo.programs import services
from rumbo.programs.calendarize import SPREADERS, CalendarizeError, months_total
from rumbo.programs.models import (
    Activity,
    AnnualProgram,
    Beneficiary,
    MonthlyTarget,
    ProgramNode,
    UnitOfMeasure,
)
from rumbo.programs.selectors import ActivityRow, program_get
from rumbo.strategy.models import LineOfAction
from rumbo.strategy.selectors import line_of_action_list
from rumbo.web.forms.activity import (
    MODE_MANUAL,
    ActivityCreateForm,
    ActivityDeleteForm,
    ActivityForm,
    CalendarForm,
    month_field,
)
from rumbo.web.selectors import activity_level_name, node_level_name

from .common import institution_context

# --- reading one activity ------------------------------------------------------------------


@dataclass
class PathStep:
    level_name: str
    node: ProgramNode


@dataclass
class ActivityData:
    """Everything the activity pages show, read in a fixed number of queries."""

    institution: Institution
    program: AnnualProgram
    activity: Activity
    nodes: dict[int, ProgramNode]
    path: list[PathStep]
    level_name: str
    area: Area | None
    row: ActivityRow

    @property
    def months(self) -> list[Decimal | None]:
        return self.row.months


def _activity_data(institution: Institution, year: int, key: str) -> ActivityData:
    """The activity with its months, beneficiaries, alignment and path (5 queries)."""
    activity = (
        Activity.objects.filter(program__institution=institution, program__year=year, key=key)
        .select_related("program", "unit", "area")
        .prefetch_related(
            Prefetch("monthly_targets", queryset=MonthlyTarget.objects.order_by("month")),
            Prefetch("beneficiaries", queryset=Beneficiary.objects.order_by("order")),
            Prefetch(
                "lines_of_action",
                queryset=LineOfAction.objects.select_related(
                    "plan", "objective", "program"
                ).order_by("code"),
            ),
        )
        .first()
    )
    if activity is None:
        raise Http404("No existe esa actividad en el programa.")
    program = activity.program
    program.institution = institution  # spare a query wherever the program names it
    nodes = {n.pk: n for n in ProgramNode.objects.filter(program=program).select_related("area")}
    path: list[PathStep] = []
    node = nodes.get(activity.node_id)
    while node is not None:
        path.append(PathStep(level_name=node_level_name(program, node.depth), node=node))
        node = nodes.get(node.parent_id) if node.parent_id else None
    path.reverse()
    if path:
        activity.node = path[-1].node
    area_id = activity_area_id(activity, nodes)
    area = activity.area if activity.area_id is not None else None
    if area is None and area_id is not None:
        area = next(n.area for n in nodes.values() if n.area_id == area_id)
    months: list[Decimal | None] = [None] * 12
    for mt in activity.monthly_targets.all():
        months[mt.month - 1] = mt.quantity
    row = ActivityRow(
        activity=activity,
        months=months,
        beneficiaries=list(activity.beneficiaries.all()),
        line_codes=[line.code for line in activity.lines_of_action.all()],
    )
    return ActivityData(
        institution=institution,
        program=program,
        activity=activity,
        nodes=nodes,
        path=path,
        level_name=activity_level_name(program),
        area=area,
        row=row,
    )


def _open_findings(data: ActivityData) -> list[QualityFinding]:
    filters = FindingFilters(activity_id=data.activity.pk, status=FindingStatus.OPEN)
    return list(finding_list(institution=data.institution, filters=filters))


# --- permission answers ---------------------------------------------------------------------


class Denied(Exception):
    """Raised inside a view to answer 403 with the activity pages' explanation."""

    def __init__(self, message: str, data: ActivityData | None = None, *, by_area: bool) -> None:
        super().__init__(message)
        self.message = message
        self.data = data
        self.by_area = by_area  # refused because of the activity's area (an enlace's limit)


def explain_denial(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn ``Denied`` into a 403 page that says why and who may do it."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, year: int, **kwargs: Any) -> HttpResponse:
        institution = institution_for_user(request.user, code)  # 404 / 403 for outsiders
        try:
            return view(request, institution, year, **kwargs)
        except Denied as denied:
            context = institution_context(
                request,
                institution,
                "program",
                message=denied.message,
                data=denied.data,
                by_area=denied.by_area,
                program=denied.data.program if denied.data else None,
                year=year,
            )
            return render(request, "web/activity_denied.html", context, status=403)

    return wrapper


def _writable(request: HttpRequest, data: ActivityData) -> None:
    try:
        access_activity(request.user, data.activity, for_write=True, nodes=data.nodes)
    except PermissionDenied as exc:
        raise Denied(str(exc), data, by_area=True) from exc


def _structure(request: HttpRequest, institution: Institution, data: ActivityData | None) -> None:
    try:
        require(request.user, institution, Capability.EDIT_PROGRAM)
    except PermissionDenied as exc:
        raise Denied(str(exc), data, by_area=False) from exc


def _activity_url(data: ActivityData, name: str = "activity") -> str:
    return reverse(
        f"web:{name}", args=[data.institution.code, data.program.year, data.activity.key]
    )


def _page(request: HttpRequest, data: ActivityData, template: str, **extra: Any) -> HttpResponse:
    return render(
        request,
        template,
        institution_context(
            request,
            data.institution,
            "program",
            data=data,
            program=data.program,
            activity=data.activity,
            **extra,
        ),
    )


# --- detail -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
@explain_denial
def activity_detail(
    request: HttpRequest, institution: Institution, year: int, key: str
) -> HttpResponse:
    data = _activity_data(institution, year, key)
    access_activity(request.user, data.activity, for_write=False, nodes=data.nodes)
    return _page(
        request,
        data,
        "web/activity_detail.html",
        status=data.row.calendar_status,
        months_total=data.row.months_total,
        missing_months=sum(1 for m in data.months if m is None),
        findings=_open_findings(data),
        history=list(object_history(data.activity)),
        can_write=can_access_activity(
            request.user, data.activity, for_write=True, nodes=data.nodes
        ),
        can_structure=can(request.user, institution, Capability.EDIT_PROGRAM),
    )


# --- calendar editor ------------------------------------------------------------------------


@dataclass
class CalendarSums:
    total: Decimal
    annual: Decimal | None
    missing: int

    @property
    def mismatch(self) -> bool:
        return self.annual is not None and self.total != self.annual


def _lenient(value: str) -> Decimal | None:
    try:
        return services.quantity_parse(value, field="x")
    except ValidationError:
        return None


def _calendar_sums(form: CalendarForm) -> CalendarSums:
    """What the sum indicator shows; the same arithmetic as calendar.js."""
    months = [_lenient(v) for v in form.month_values()]
    annual = _lenient(form.raw("annual_target"))
    return CalendarSums(
        total=months_total(months), annual=annual, missing=sum(1 for m in months if m is None)
    )


def _calendar_initial(data: ActivityData) -> dict[str, Any]:
    fractions = any(m is not None and m != m.to_integral_value() for m in data.months)
    target = data.activity.annual_target
    initial: dict[str, Any] = {
        "annual_target": format_mx(target),
        "mode": MODE_MANUAL,
        "spread_months": [str(i) for i in range(1, 13)],
        "allow_fractions": fractions,
        "places": "2",
    }
    for number, value in enumerate(data.months, start=1):
        initial[month_field(number)] = format_mx(value)
    return initial


def _calculate(form: CalendarForm, request: HttpRequest) -> tuple[CalendarForm, bool]:
    """Fill the month inputs from the helper, without saving: (form to show, filled?)."""
    if not form.is_valid():
        return form, False
    mode, chosen, places = form.spread_settings()
    if mode == MODE_MANUAL:
        _check_quantities(form)  # nothing to fill: just check what was typed
        return form, False
    try:
        annual = services.quantity_parse(
            form.cleaned_data["annual_target"], field="annual_target", allow_none=False
        )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return form, False
    assert annual is not None  # noqa: S101 - allow_none=False
    try:
        spread = SPREADERS[mode](annual, chosen, places)
    except CalendarizeError as exc:
        field = {"months": "spread_months", "annual": "annual_target", "places": "places"}
        form.add_error(field[exc.field], exc.message)
        return form, False
    values = request.POST.copy()
    for number, quantity in enumerate(spread, start=1):
        values[month_field(number)] = format_mx(quantity)
    filled = CalendarForm(values)
    filled.is_valid()
    return filled, True


def _check_quantities(form: CalendarForm) -> None:
    try:
        services.quantity_parse(form.cleaned_data["annual_target"], field="annual_target")
        services.months_parse(form.month_values())
    except ValidationError as exc:
        form.add_service_errors(exc)


def _calendar_page(
    request: HttpRequest, data: ActivityData, form: CalendarForm, *, calculated: bool = False
) -> HttpResponse:
    template = (
        "web/_activity_calendar_form.html"
        if request.headers.get("HX-Request")
        else "web/activity_calendar.html"
    )
    return _page(
        request, data, template, form=form, sums=_calendar_sums(form), calculated=calculated
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@explain_denial
def activity_calendar(
    request: HttpRequest, institution: Institution, year: int, key: str
) -> HttpResponse:
    data = _activity_data(institution, year, key)
    _writable(request, data)
    if request.method != "POST":
        return _calendar_page(request, data, CalendarForm(initial=_calendar_initial(data)))
    form = CalendarForm(request.POST)
    if request.POST.get("accion") != "guardar":
        form, filled = _calculate(form, request)
        return _calendar_page(request, data, form, calculated=filled)
    if form.is_valid():
        try:
            result = services.activity_set_calendar(
                actor=Actor.for_user(request.user),
                activity=data.activity,
                months=form.month_values(),
                annual_target=form.cleaned_data["annual_target"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if result.changed:
                messages.success(request, f"Se guardó el calendario de {data.activity.key}.")
            else:
                messages.info(request, "El calendario no cambió; no había nada que guardar.")
            return _redirect(request, _activity_url(data))
    return _calendar_page(request, data, form)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that also works for htmx requests (full page navigation)."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


# --- edit, create, delete ---------------------------------------------------------------------


def _units(institution: Institution) -> QuerySet[UnitOfMeasure]:
    return UnitOfMeasure.objects.filter(institution=institution).order_by("name")


def _areas(request: HttpRequest, institution: Institution) -> QuerySet[Area] | None:
    """The areas to choose from, or None when the user may not reassign activities."""
    if not can(request.user, institution, Capability.EDIT_PROGRAM):
        return None
    return Area.objects.filter(institution=institution).order_by("name")


def _lines(program: AnnualProgram) -> list[LineOfAction]:
    return list(
        line_of_action_list(institution=program.institution, year=program.year).select_related(
            "objective", "program"
        )
    )


def _service_errors(form: ActivityForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@explain_denial
def activity_edit(
    request: HttpRequest, institution: Institution, year: int, key: str
) -> HttpResponse:
    data = _activity_data(institution, year, key)
    _writable(request, data)
    inherited = _inherited_area(data)
    kwargs: dict[str, Any] = {
        "units": _units(institution),
        "areas": _areas(request, institution),
        "lines": _lines(data.program),
        "inherited_area": inherited,
    }
    activity = data.activity
    if request.method != "POST":
        form = ActivityForm(
            initial={
                "description": activity.description,
                "unit": activity.unit_id,
                "area": activity.area_id,
                "lines_of_action": data.row.line_codes,
            },
            **kwargs,
        )
        return _page(request, data, "web/activity_edit.html", form=form)
    form = ActivityForm(request.POST, **kwargs)
    if form.is_valid():
        cd = form.cleaned_data
        changes: dict[str, Any] = {
            "description": cd["description"],
            "unit": cd["unit"],
            "lines_of_action": cd["lines_of_action"],
        }
        if "area" in form.fields:
            changes["area"] = cd["area"]
        try:
            result = services.activity_update(
                actor=Actor.for_user(request.user),
                activity=activity,
                reason=cd["reason"],
                **changes,
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            if result.changed:
                messages.success(request, f"Se guardaron los cambios de {activity.key}.")
            else:
                messages.info(request, "No había cambios que guardar.")
            return HttpResponseRedirect(_activity_url(data))
    return _page(request, data, "web/activity_edit.html", form=form)


def _inherited_area(data: ActivityData) -> Area | None:
    for step in reversed(data.path):
        if step.node.area_id is not None:
            return step.node.area
    return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@explain_denial
def activity_delete(
    request: HttpRequest, institution: Institution, year: int, key: str
) -> HttpResponse:
    data = _activity_data(institution, year, key)
    _structure(request, institution, data)
    form = ActivityDeleteForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.activity_delete(
            actor=Actor.for_user(request.user),
            activity=data.activity,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"Se eliminó la actividad {key}.")
        return HttpResponseRedirect(reverse("web:program", args=[institution.code, year]))
    return _page(request, data, "web/activity_delete.html", form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@explain_denial
def activity_create(request: HttpRequest, institution: Institution, year: int) -> HttpResponse:
    _structure(request, institution, None)
    program = program_get(institution=institution, year=year)
    if program is None:
        raise Http404("No hay programa anual para ese ejercicio.")
    program.institution = institution
    nodes = list(ProgramNode.objects.filter(program=program).order_by("depth", "order", "key"))
    parents = {n.parent_id for n in nodes if n.parent_id is not None}
    leaves = [
        (n, f"{node_level_name(program, n.depth)} {n.key} · {n.name[:80]}")
        for n in sorted(nodes, key=lambda n: n.key)
        if n.pk not in parents
    ]
    kwargs: dict[str, Any] = {
        "units": _units(institution),
        "areas": _areas(request, institution),
        "lines": _lines(program),
        "nodes": leaves,
    }
    context = institution_context(
        request,
        institution,
        "program",
        program=program,
        level_name=activity_level_name(program),
        has_leaves=bool(leaves),
    )
    if request.method != "POST":
        form = ActivityCreateForm(initial={"node": request.GET.get("nivel")}, **kwargs)
        return render(request, "web/activity_create.html", {**context, "form": form})
    form = ActivityCreateForm(request.POST, **kwargs)
    if form.is_valid():
        cd = form.cleaned_data
        node = next(n for n in nodes if n.pk == cd["node"])
        try:
            activity = services.activity_create(
                actor=Actor.for_user(request.user),
                program=program,
                node=node,
                key=cd["key"],
                description=cd["description"],
                unit=cd["unit"],
                area=cd.get("area"),
                annual_target=cd["annual_target"],
                lines_of_action=cd["lines_of_action"],
                reason=cd["reason"],
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, f"Se creó la actividad {activity.key}.")
            return HttpResponseRedirect(
                reverse("web:activity", args=[institution.code, year, activity.key])
            )
    return render(request, "web/activity_create.html", {**context, "form": form})

"""An indicator's ficha técnica with its measurements, the capture of one period, and
creating, editing and deleting indicators (Planeación, or the Enlace of the design's area).

A measurement belongs to the monthly capture of the indicator's area for the month that
closes its period: the page says which capture, its state and its window, and links to
it; the service holds every rule (``measurement_save``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from rumbo.audit.services import Actor
from rumbo.core.errors import error_messages, form_add_errors
from rumbo.core.forms import form_stale
from rumbo.core.numbers import to_json_number
from rumbo.core.versions import StaleVersion as EditConflict
from rumbo.indicators.forms import (
    DEFAULT_FREQUENCY,
    IndicatorForm,
    MeasurementForm,
    VariableInput,
    indicator_initial,
    measurement_values,
    target_rows,
    targets_for_service,
    targets_from_post,
    variable_rows,
    variables_for_service,
    variables_from_post,
)
from rumbo.indicators.formula import FormulaError, parse
from rumbo.indicators.lifecycle import MirFrozen
from rumbo.indicators.models import Indicator, Mir, MirRow
from rumbo.indicators.selectors import IndicatorDetail, indicator_detail
from rumbo.indicators.services import (
    indicator_create,
    indicator_delete,
    indicator_update,
    measurement_save,
)
from rumbo.institutions.access import can_capture_indicator, require_edit_design
from rumbo.institutions.models import Area
from rumbo.institutions.pages import institution_context
from rumbo.monitoring.cycle import lock_message
from rumbo.monitoring.errors import MonitoringConflict, StaleVersion
from rumbo.monitoring.windows import window_text
from rumbo.programs.lifecycle import TargetsFrozen

from .shared import design_for, indicator_for, may_edit, mir_of, row_of


def indicator_url(code: str, indicator_id: int) -> str:
    return reverse("web:indicator", args=[code, indicator_id])


def chart_data(detail: IndicatorDetail) -> dict[str, object]:
    """What the chart draws: the same targets and values the table prints."""
    return {
        "labels": [line.period.short_label for line in detail.lines],
        "targets": [to_json_number(line.target) for line in detail.lines],
        "values": [to_json_number(line.value) for line in detail.lines],
        "unit": detail.indicator.unit,
    }


@login_required
def indicator(request: HttpRequest, code: str, indicator_id: int) -> HttpResponse:
    institution, ind = indicator_for(request, code, indicator_id)
    detail = indicator_detail(ind)
    design = ind.row.mir.design
    context = institution_context(
        request,
        institution,
        "program",
        design=design,
        program=detail.program,
        detail=detail,
        ind=detail.indicator,
        chart=chart_data(detail),
        may_edit=may_edit(request, design),
        may_capture=can_capture_indicator(
            request.user, institution_id=institution.pk, area_id=ind.area_id
        ),
    )
    return render(request, "web/indicator.html", context)


# --- capture of one period -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def indicator_measure(
    request: HttpRequest, code: str, indicator_id: int, period: int
) -> HttpResponse:
    institution, ind = indicator_for(request, code, indicator_id)
    detail = indicator_detail(ind)
    line = detail.line(period)
    if line is None:
        raise Http404("Ese periodo no existe para la frecuencia del indicador.")
    may_capture = can_capture_indicator(
        request.user, institution_id=institution.pk, area_id=ind.area_id
    )
    try:
        names = list(parse(detail.indicator.formula).variables)
    except FormulaError:
        names = [v.name for v in detail.variables]
    described = {v.name: v for v in detail.variables}
    stored = line.measurement.values if line.measurement else {}
    typed: dict[str, str] = {n: str(stored.get(n, "")) for n in names}
    errors: list[str] = []
    field_errors: dict[str, list[str]] = {}
    conflict: StaleVersion | None = None
    status = 200
    if request.method == "POST":
        if not may_capture:
            raise PermissionDenied(
                "Solo Planeación o el enlace del área responsable pueden capturar este indicador."
            )
        form = MeasurementForm(request.POST)
        typed = measurement_values(request.POST, names)
        if form.is_valid():
            try:
                measurement_save(
                    actor=Actor.for_user(request.user),
                    user=request.user,
                    indicator=detail.indicator,
                    period=period,
                    values=typed,
                    comment=form.cleaned_data["comment"],
                    justification=form.cleaned_data["justification"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    field_errors.setdefault(field, []).extend(msgs)
                status = 400
            except MonitoringConflict as exc:
                errors.append(exc.message)
                conflict = exc if isinstance(exc, StaleVersion) else None
                status = 409
            else:
                messages.success(request, f"Se guardó la medición de {line.period.label.lower()}.")
                return HttpResponseRedirect(indicator_url(code, indicator_id) + "#mediciones")
        else:
            status = 400
    else:
        m = line.measurement
        form = MeasurementForm(
            initial={
                "comment": m.comment if m else "",
                "justification": m.justification if m else "",
                "version": m.version if m else None,
            }
        )
    readonly: list[str] = []
    if not may_capture:
        readonly.append(
            "Solo Planeación o el enlace del área responsable pueden capturar este indicador."
        )
    if not line.window.open:
        readonly.append(line.window.closed_message())
    if line.locked and line.report is not None:
        readonly.append(
            lock_message(
                line.report.state,
                month=line.month,
                year=detail.program.year,
                area=detail.indicator.area.code,
                hint="",
            )
        )
    inputs = [
        {
            "name": n,
            "value": typed.get(n, ""),
            "variable": described.get(n),
            "errors": field_errors.get(f"values.{n}", []),
        }
        for n in names
    ]
    design = detail.indicator.row.mir.design
    context = institution_context(
        request,
        institution,
        "program",
        design=design,
        program=detail.program,
        detail=detail,
        ind=detail.indicator,
        line=line,
        form=form,
        inputs=inputs,
        value_errors=field_errors.get("values", []),
        justification_errors=field_errors.get("justification", []),
        other_errors=[
            m
            for f, msgs in field_errors.items()
            if f not in ("values", "justification") and not f.startswith("values.")
            for m in msgs
        ],
        errors=errors,
        conflict=conflict,
        readonly=readonly,
        editable=not readonly,
        window_text=window_text(line.window),
        capture_url=reverse(
            "web:capture_grid",
            args=[code, detail.program.year, detail.indicator.area.code, line.month],
        ),
    )
    return render(request, "web/indicator_measure.html", context, status=status)


# --- create, edit, delete --------------------------------------------------------------------


def _areas(institution_id: int) -> list[Area]:
    return list(Area.objects.filter(institution_id=institution_id).order_by("name"))


def _form_page(
    request: HttpRequest,
    *,
    institution: Any,
    design: Any,
    row: MirRow,
    ind: Indicator | None,
) -> HttpResponse:
    require_edit_design(request.user, design)
    areas = _areas(institution.pk)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = IndicatorForm(request.POST, areas=areas)
        variables = variables_from_post(request.POST)
        typed_targets = targets_from_post(request.POST)
        frequency = request.POST.get("frequency", "")
        if form.is_valid():
            data = form.data_for_service()
            data["variables"] = variables_for_service(variables)
            data["targets"] = targets_for_service(frequency, typed_targets)
            actor = Actor.for_user(request.user)
            try:
                if ind is None:
                    saved = indicator_create(actor=actor, row=row, data=data)
                else:
                    saved = indicator_update(
                        actor=actor,
                        indicator=ind,
                        data=data,
                        version=form.cleaned_data.get("version"),
                    )
            except ValidationError as exc:
                errors.extend(form_add_errors(form, exc, keep_others=True))
            except PermissionDenied as exc:  # an Enlace naming another area
                form.add_error("area", str(exc))
                status = 403
            except TargetsFrozen as exc:
                errors.append(exc.message)
                status = 409
            except EditConflict as exc:  # someone saved in between: show what, answer 409
                form_stale(form, exc)
                status = 409
            else:
                messages.success(request, f"Se guardó el indicador «{saved.name}».")
                return HttpResponseRedirect(indicator_url(institution.code, saved.pk))
        status = status if status in (403, 409) else 400
    elif ind is not None:
        form = IndicatorForm(initial=indicator_initial(ind), areas=areas)
        variables = [
            VariableInput(i, v.name, v.description, v.unit, v.source)
            for i, v in enumerate(ind.variables.all(), start=1)
        ]
        typed_targets = {t.period: format(t.value.normalize(), "f") for t in ind.targets.all()}
        frequency = ind.frequency
    else:
        frequency = DEFAULT_FREQUENCY.get(row.level, "anual")  # type: ignore[call-overload]  # row.level is a Level value
        form = IndicatorForm(
            initial={"frequency": frequency, "area": design.node.area_id, "unit": "Porcentaje"},
            areas=areas,
        )
        variables, typed_targets = [], {}
    context = institution_context(
        request,
        institution,
        "program",
        design=design,
        program=design.node.program,
        row=row,
        ind=ind,
        form=form,
        errors=errors,
        variables=variable_rows(variables),
        targets=target_rows(frequency, typed_targets),
        frozen=_frozen_message(row.mir, "sus indicadores" if ind is None else None),
    )
    return render(request, "web/indicator_form.html", context, status=status)


def _frozen_message(mir: Mir, what: str | None) -> str:
    """What an approved (or closed) MIR's indicator pages say before anyone types."""
    if not mir.targets_frozen:
        return ""
    return MirFrozen(mir, what or "las metas de sus indicadores").message


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create_view(
    request: HttpRequest, code: str, design_id: int, row_id: int
) -> HttpResponse:
    institution, design = design_for(request, code, design_id)
    design.node.program.institution = institution  # loaded: spare the queries
    matrix = mir_of(design)
    matrix.design = design
    row = row_of(matrix, row_id)
    row.mir = matrix
    return _form_page(request, institution=institution, design=design, row=row, ind=None)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, code: str, indicator_id: int) -> HttpResponse:
    institution, ind = indicator_for(request, code, indicator_id)
    ind = Indicator.objects.prefetch_related("variables", "targets").get(pk=ind.pk)
    return _form_page(
        request, institution=institution, design=ind.row.mir.design, row=ind.row, ind=ind
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_delete_view(request: HttpRequest, code: str, indicator_id: int) -> HttpResponse:
    institution, ind = indicator_for(request, code, indicator_id)
    design = ind.row.mir.design
    require_edit_design(request.user, design)
    count = ind.measurements.count()
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            indicator_delete(
                actor=Actor.for_user(request.user),
                indicator=ind,
                reason=request.POST.get("motivo", ""),
            )
        except ValidationError as exc:
            errors = error_messages(exc)
            status = 400
        except TargetsFrozen as exc:
            errors = [exc.message]
            status = 409
        else:
            messages.success(request, f"Se eliminó el indicador «{ind.name}».")
            return HttpResponseRedirect(reverse("web:mir", args=[code, design.pk]))
    context = institution_context(
        request,
        institution,
        "program",
        design=design,
        program=design.node.program,
        ind=ind,
        measurement_count=count,
        errors=errors,
        frozen=_frozen_message(ind.row.mir, "sus indicadores"),
    )
    return render(request, "web/indicator_delete.html", context, status=status)

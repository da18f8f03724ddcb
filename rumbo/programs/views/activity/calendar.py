"""The activity's calendar editor: months by hand or spread by the helper, then saved."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_http_methods

from rumbo.audit.services import Actor
from rumbo.core.forms import form_stale
from rumbo.core.numbers import format_mx
from rumbo.core.versions import StaleVersion
from rumbo.institutions.models import Institution
from rumbo.programs import services
from rumbo.programs.calendarize import SPREADERS, CalendarizeError, months_total
from rumbo.programs.forms.activity import MODE_MANUAL, CalendarForm, month_field

from .base import (
    ActivityData,
    activity_url,
    adjustment_redirect,
    check_writable,
    explain_denial,
    load_activity,
    page,
)


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
        "version": data.activity.version,
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
    return page(
        request, data, template, form=form, sums=_calendar_sums(form), calculated=calculated
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@explain_denial
def activity_calendar(
    request: HttpRequest, institution: Institution, year: int, key: str
) -> HttpResponse:
    data = load_activity(institution, year, key)
    check_writable(request, data)
    if request.method != "POST":
        if data.program.targets_frozen:
            query = f"actividad={data.activity.key}&tipo=calendario"
            return adjustment_redirect(request, data.program, query, "su calendario")
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
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except StaleVersion as exc:  # someone saved in between: show what, answer 409
            form_stale(form, exc)
            response = _calendar_page(request, data, form)
            if not request.headers.get("HX-Request"):  # htmx swaps only a 2xx answer
                response.status_code = 409
            return response
        else:
            if result.changed:
                messages.success(request, f"Se guardó el calendario de {data.activity.key}.")
            else:
                messages.info(request, "El calendario no cambió; no había nada que guardar.")
            return _redirect(request, activity_url(data))
    return _calendar_page(request, data, form)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that also works for htmx requests (full page navigation)."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)

"""The budget kinds on the adjustment pages: the new request's movement rows with a
preview of each key × month's modificado before → after, and the detail's movements."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from rumbo.audit.services import Actor
from rumbo.core.errors import Conflict, error_items
from rumbo.core.periods import MONTH_NAMES
from rumbo.institutions.models import Institution
from rumbo.institutions.pages import institution_context, refusal_page
from rumbo.programs.models import AnnualProgram

from .budget import FROM, BudgetRow, budget_area, budget_propose, require_open
from .forms import BudgetAdjustmentForm
from .models import AdjustmentKind, AdjustmentRequest
from .selectors import budget_choices
from .services import Proposal, adjustment_request

ZERO = Decimal(0)


def budget_request_page(
    request: HttpRequest, institution: Institution, program: AnnualProgram, kind: str
) -> HttpResponse:
    """GET: the empty rows. POST «previsualizar»: the rows checked, each key × month's
    modificado before → after (nothing saved). POST «filas»: more rows. POST «enviar»:
    the request."""
    choices = budget_choices(program=program, user=request.user)
    action = request.POST.get("accion", "")
    form = BudgetAdjustmentForm(
        request.POST or None,
        request.FILES or None,
        kind=kind,
        keys=choices.keys,
        items=choices.items,
        sources=choices.sources,
        more=action == "filas",
    )
    preview: dict[str, Any] | None = None
    status = 200
    if request.method == "POST" and action != "filas":
        status = 422
        if form.is_valid():
            filled = form.filled()
            rows = [_row(kind, row.cleaned_data) for _, row in filled]
            try:
                if action == "previsualizar":
                    require_open(program)
                    budget_area(request.user, program, rows)
                    before, after = budget_propose(program, kind, rows)
                    preview = {"rows": movement_rows(before, after), **totals(after)}
                    status = 200
                else:
                    adj = adjustment_request(
                        actor=Actor.for_user(request.user),
                        program=program,
                        proposal=Proposal(kind=kind, movements=rows),
                        justification=form.cleaned_data["justification"],
                        document=form.cleaned_data.get("document"),
                    )
                    messages.success(
                        request,
                        f"Solicitud de adecuación {adj.number} enviada: el modificado no cambia "
                        "hasta que se apruebe.",
                    )
                    return HttpResponseRedirect(
                        reverse(
                            "web:adjustment_detail", args=[institution.code, program.year, adj.pk]
                        )
                    )
            except ValidationError as exc:
                _errors(form, filled, exc)
            except PermissionDenied as exc:
                return refusal_page(
                    request, institution, "web/adjustment_denied.html", exc, program=program
                )
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
    context = institution_context(
        request,
        institution,
        "program",
        program=program,
        form=form,
        kind=kind,
        kind_label=AdjustmentKind(kind).label,
        preview=preview,
        no_keys=not choices.keys,
    )
    return render(request, "web/adjustment_budget_form.html", context, status=status)


def _row(kind: str, data: dict[str, Any]) -> BudgetRow:
    side = data.get("side") or ("a" if kind == AdjustmentKind.AMPLIACION else FROM)
    return BudgetRow(
        side=side,
        key=data.get("key") or "",
        item=data.get("item") or "",
        source=data.get("source") or "",
        month=data.get("month") or "",
        amount=(data.get("amount") or "").strip(),
    )


def _errors(form: BudgetAdjustmentForm, filled: list, exc: ValidationError) -> None:
    """Each message beside its row (``movements.N`` is the N-th filled row), the rest on
    top of the form or beside its field."""
    for key, message in error_items(exc):
        if key.startswith("movements.") and key[10:].isdigit():
            position = int(key[10:]) - 1
            if 0 <= position < len(filled):
                filled[position][1].add_error(None, message)
                continue
        field = key if key in form.fields else None
        form.add_error(field, message)


def movement_rows(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """A request's movements for a page (no query): side, key, partida, fuente, month
    name, amount taken or given, and the month's modificado before → after."""
    old = before.get("movimientos", [])
    rows = []
    for i, m in enumerate(after.get("movimientos", [])):
        amount = Decimal(m["importe"])
        rows.append(
            {
                "side": "Se quita" if amount < 0 else "Se da",
                "key": m["clave"],
                "item": m["partida"],
                "source": m["fuente"],
                "month": MONTH_NAMES[int(m["mes"]) - 1].capitalize(),
                "amount": abs(amount),
                "taken": amount < 0,
                "before": Decimal(old[i]["modificado"]) if i < len(old) else ZERO,
                "after": Decimal(m["modificado"]),
            }
        )
    return rows


def totals(after: dict[str, Any]) -> dict[str, Decimal | None]:
    return {
        "taken": Decimal(after["quita"]) if after.get("quita") else None,
        "given": Decimal(after["da"]) if after.get("da") else None,
    }


def budget_detail_context(adj: AdjustmentRequest) -> dict[str, Any]:
    if not adj.is_budget:
        return {}
    return {"movements": movement_rows(adj.before or {}, adj.after or {}), **totals(adj.after)}

"""The institution's audit log: who changed what, when, before, after and why; filtered,
paginated and exportable (CSV with BOM for Excel, or XLSX). Planeación and Revisión
(``Capability.REVIEW_PROGRESS``); everybody else gets 403."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from openpyxl import Workbook

from rumbo.audit.forms import AuditFilterForm
from rumbo.audit.models import AuditEvent
from rumbo.audit.selectors import institution_log
from rumbo.core.exportfile import attachment, safe_csv_writer, xlsx_safe_row

from ..access import Capability, institution_for_user
from ..pages import institution_context

EVENTS_PER_PAGE = 50
HEADERS = ["Fecha", "Quién", "Acción", "Tipo", "Objeto", "Motivo", "Cambios", "Antes", "Después"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: str
    after: str


def _text(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def field_changes(event: AuditEvent) -> list[FieldChange]:
    """The fields whose value differs between ``before`` and ``after`` (all of a creation's)."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    names = [*before, *(k for k in after if k not in before)]
    return [
        FieldChange(name, _text(before.get(name)), _text(after.get(name)))
        for name in names
        if before.get(name) != after.get(name)
    ]


def _summary(event: AuditEvent) -> str:
    return "; ".join(f"{c.name}: {c.before} → {c.after}" for c in field_changes(event))


def _row(event: AuditEvent) -> list[str]:
    when = timezone.localtime(event.created_at)
    return [
        f"{when:%d/%m/%Y %H:%M}",
        event.actor_label,
        event.action,
        str(event.content_type.name) if event.content_type else "",
        event.object_repr,
        event.reason,
        _summary(event),
        "" if event.before is None else json.dumps(event.before, ensure_ascii=False),
        "" if event.after is None else json.dumps(event.after, ensure_ascii=False),
    ]


def _rows(events: Iterable[AuditEvent]) -> Iterator[list[str]]:
    for event in events:
        yield _row(event)


def _filename(code: str, ext: str) -> str:
    return f"bitacora-{code}-{timezone.localdate():%Y%m%d}.{ext}"


def _csv(code: str, events: Iterable[AuditEvent]) -> HttpResponse:
    buffer = io.StringIO()
    writer = safe_csv_writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(_rows(events))
    response = HttpResponse(
        buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = attachment(_filename(code, "csv"))
    return response


def _xlsx(code: str, events: Iterable[AuditEvent]) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Bitácora")
    sheet.append(HEADERS)
    for row in _rows(events):
        sheet.append(xlsx_safe_row(sheet, row))
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = attachment(_filename(code, "xlsx"))
    return response


@login_required
def audit_log(request: HttpRequest, code: str) -> HttpResponse:
    institution = institution_for_user(request.user, code, Capability.REVIEW_PROGRESS)
    form = AuditFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "start": data["desde"],
            "end": data["hasta"],
            "actor": data["actor"],
            "action_prefix": data["accion"],
            "object_text": data["objeto"],
        }
    events = institution_log(institution_id=institution.pk, **filters)
    valid = not form.errors
    export = request.GET.get("formato")
    if valid and export == "csv":
        return _csv(institution.code, events.iterator(chunk_size=2000))
    if valid and export == "xlsx":
        return _xlsx(institution.code, events.iterator(chunk_size=2000))
    if not valid:
        events = events.none()
    page = Paginator(events, EVENTS_PER_PAGE, allow_empty_first_page=True).get_page(
        request.GET.get("pagina")
    )
    rows = [(event, field_changes(event)) for event in page.object_list]
    return render(
        request,
        "web/audit_log.html",
        institution_context(request, institution, "audit", form=form, page=page, rows=rows),
        status=200 if valid else 400,
    )

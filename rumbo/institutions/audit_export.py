"""The bitácora's downloads (CSV, XLSX, PDF) of the events a page's filters chose, shown as
the page shows them (``rumbo.audit.display``): Spanish labels, values formatted, the
objects' current state. The CSV and XLSX also carry the data as recorded (JSON), for
whoever checks them with another tool."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from rumbo.audit.display import EventView, changes_text, event_views
from rumbo.audit.models import AuditEvent
from rumbo.core.exportfile import attachment, safe_csv_writer
from rumbo.core.pdf import css_string, html_to_pdf
from rumbo.core.xlsx import StreamedWorkbook

from .models import Institution

HEADERS = [
    "Fecha",
    "Quién",
    "Acción",
    "Tipo",
    "Objeto",
    "Estado actual",
    "Cambios",
    "Motivo",
    "Datos registrados antes (JSON)",
    "Datos registrados después (JSON)",
]
WIDTHS = [17, 28, 34, 22, 40, 14, 60, 36, 30, 30]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000  # events formatted at once (one query per kind of object each)
PDF_CSS = "institutions/audit_log_pdf.css"
# A PDF is for reading: beyond this many events the page asks to narrow the filters or to
# download the spreadsheet (WeasyPrint takes about a second per hundred rows).
PDF_MAX_EVENTS = 1000


def views_in_chunks(events: Iterable[AuditEvent]) -> Iterator[EventView]:
    """Every event as a view, formatted a chunk at a time (memory and queries bounded)."""
    iterator = iter(events)
    while chunk := list(islice(iterator, CHUNK)):
        yield from event_views(chunk)


def _raw(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False)


def row(view: EventView) -> list[str]:
    event = view.event
    return [
        view.when,
        view.who,
        view.action,
        view.object_type,
        view.object_label,
        view.state,
        changes_text(view),
        view.reason,
        _raw(event.before),
        _raw(event.after),
    ]


def filename(code: str, ext: str) -> str:
    return f"bitacora-{code}-{timezone.localdate():%Y%m%d}.{ext}"


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment(name)
    return response


def audit_csv(code: str, events: Iterable[AuditEvent]) -> HttpResponse:
    buffer = io.StringIO()
    writer = safe_csv_writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(row(view) for view in views_in_chunks(events))
    return _download(
        buffer.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", filename(code, "csv")
    )


def audit_xlsx(code: str, events: Iterable[AuditEvent]) -> HttpResponse:
    book = StreamedWorkbook()  # rows streamed; every text stays text, never a formula
    sheet = book.create_sheet("Bitácora")
    for column, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + column)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(HEADERS)
    for view in views_in_chunks(events):
        sheet.append(row(view))
    return _download(book.to_bytes(), XLSX_TYPE, filename(code, "xlsx"))


@lru_cache(maxsize=1)
def _pdf_css() -> str:
    path = finders.find(PDF_CSS)
    if not path:
        raise FileNotFoundError(f"{PDF_CSS} is missing from the static files")
    return Path(str(path)).read_text(encoding="utf-8")


def _pdf_page_texts(institution: Institution, generated: str) -> str:
    """The texts of the header and footer on every page (CSS strings, escaped)."""
    header = css_string(f"{institution.name}\nBitácora de cambios")
    footer = css_string(f"Generado el {generated}")
    return f"@page {{ @top-left {{ content: {header}; }} @bottom-left {{ content: {footer}; }} }}"


def audit_pdf(institution: Institution, events: Iterable[AuditEvent], filters: str) -> HttpResponse:
    """The filtered bitácora printed by ``rumbo.core.pdf`` (landscape, letter), its
    stylesheet a static file (no inline style anywhere)."""
    generated = f"{timezone.localtime():%d/%m/%Y %H:%M}"
    html = render_to_string(
        "web/audit_log_pdf.html",
        {
            "institution": institution,
            "views": list(views_in_chunks(events)),
            "filters": filters,
            "generated": generated,
        },
    )
    pdf = html_to_pdf(
        html,
        base_url=settings.BASE_DIR,
        stylesheets=[_pdf_css(), _pdf_page_texts(institution, generated)],
    )
    return _download(pdf, "application/pdf", filename(institution.code, "pdf"))

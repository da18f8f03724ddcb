"""Each report as HTML (the body its page shows) and as a PDF printed from that same body
(``rumbo.core.pdf``: Chromium, WeasyPrint without it), with a header (the institution's logo
and name, title, period) and a footer («Página X de Y», generation time) on every page as
``@page`` margin boxes, and the signature block (Elaboró, Revisó, Autorizó:
``rumbo.institutions.letterhead``) at the end."""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from rumbo.core.pdf import css_string, html_to_pdf
from rumbo.core.periods import MONTH_LABELS, MONTH_NAMES
from rumbo.institutions.letterhead import letterhead_for
from rumbo.monitoring.simulated import progress_simulated_note

from ..charts import month_bars_svg
from ..common import PRELIMINARY_NOTE
from ..monthly import MonthlyReport
from ..physical_financial import NO_BUDGET_NOTE, PhysicalFinancialReport
from ..quarterly import QuarterlyReport

BODIES = {
    "monthly": "web/reports/_monthly.html",
    "quarterly": "web/reports/_quarterly.html",
    "program": "web/reports/_program.html",
    "mir": "web/reports/_mir.html",
    "fisico-financiero": "web/reports/_physical_financial.html",
}
# Every report's tables are wide: all print in landscape.
ORIENTATION = dict.fromkeys(BODIES, "landscape")


def body_context(kind: str, report: Any, *, drill_url: str = "") -> dict[str, Any]:
    """What a report's body template needs besides the report (same for page and PDF).

    ``drill_url`` (the page only): the list of activities at the report's month and scope;
    the monthly report's light counts link to it with their light, area or state added."""
    context: dict[str, Any] = {
        "report": report,
        "body": BODIES[kind],
        "kind": kind,
        "preliminary_note": PRELIMINARY_NOTE,
        "simulated_note": "",
        "drill_url": drill_url,
        "no_budget_note": NO_BUDGET_NOTE,
    }
    if isinstance(report, QuarterlyReport):
        context["simulated_note"] = report.simulated_note
    if isinstance(report, MonthlyReport | PhysicalFinancialReport):
        context["simulated_note"] = progress_simulated_note(report.program)
    if isinstance(report, MonthlyReport):
        context["chart_svg"] = month_bars_svg(
            report.chart,
            title="Cumplimiento promedio y actividades en meta por mes, enero a "
            f"{MONTH_NAMES[report.month - 1]}",
        )
    if kind == "program":
        context["month_labels"] = list(zip(MONTH_LABELS, MONTH_NAMES, strict=True))
    return context


@lru_cache(maxsize=1)
def report_css() -> str:
    """The report tables' stylesheet: served to the page as a static file (the page's
    Content-Security-Policy allows no inline style) and written into the PDF's HTML."""
    path = finders.find("reports/report.css")
    if not path:
        raise FileNotFoundError("reports/report.css is missing from the static files")
    return Path(str(path)).read_text(encoding="utf-8")


def logo_box(logo_data_uri: str) -> str:
    """The logo as an SVG ``data:`` URI 30 × 17 mm that keeps its proportions: a margin
    box prints an image at its own size, so the box gives it the size."""
    if not logo_data_uri:
        return ""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="30mm" height="17mm" viewBox="0 0 300 170">'
        f'<image width="300" height="170" preserveAspectRatio="xMinYMax meet" '
        f'href="{logo_data_uri}" xlink:href="{logo_data_uri}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def report_pdf_html(kind: str, report: Any) -> str:
    """The HTML the PDF is printed from (its header and footer as CSS strings)."""
    context = body_context(kind, report)
    context["orientation"] = ORIENTATION[kind]
    context["report_css"] = report_css()
    letterhead = letterhead_for(report.header.institution)
    context["letterhead"] = letterhead
    context["logo_box"] = logo_box(letterhead.logo_data_uri)
    context["header_css"] = {
        "institution": css_string(report.header.institution.name),
        "title": css_string(report.header.title),
        "period": css_string(report.header.period),
        "generated": css_string(f"Generado el {report.header.generated_label}"),
    }
    return render_to_string("web/reports/pdf.html", context)


def report_pdf(kind: str, report: Any) -> bytes:
    return html_to_pdf(report_pdf_html(kind, report), base_url=settings.BASE_DIR)

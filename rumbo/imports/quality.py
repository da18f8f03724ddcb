"""Quality findings as the CLI and exports present them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from rumbo.institutions.models import Institution

from .findings import FINDING_CODES
from .models import QualityFinding


def findings_for_institution(
    *,
    institution: Institution,
    year: int | None = None,
    status: str | None = None,
    code: str | None = None,
) -> QuerySet[QualityFinding]:
    qs = QualityFinding.objects.filter(institution=institution)
    if year is not None:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if code:
        qs = qs.filter(code=code)
    return qs.order_by("source_file", "source_line", "code", "pk")


def finding_to_dict(f: QualityFinding) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity,
        "object": f.object_label,
        "source": {"file": f.source_file, "line": f.source_line},
        "message": f.message,
        "status": f.status,
    }


def finding_to_text(f: QualityFinding) -> str:
    where = f"{f.source_file}:{f.source_line}" if f.source_line else f.source_file
    label = FINDING_CODES[f.code].title if f.code in FINDING_CODES else f.code
    obj = f" [{f.object_label}]" if f.object_label else ""
    return f"{where}: {f.severity} {f.code} ({label}){obj}: {f.message} — {f.get_status_display()}"

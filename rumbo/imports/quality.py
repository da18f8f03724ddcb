"""Quality findings as the CLI and exports present them."""

from __future__ import annotations

from typing import Any

from .findings import FINDING_CODES
from .models import QualityFinding


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

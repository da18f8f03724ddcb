"""The one public function per report: pages, the CLI and the background queue all call
``build_report`` (keyword-only, JSON-serialisable arguments) and get an ``ExportFile``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rumbo.core.exportfile import ExportFile
from rumbo.jobs.progress import progress_step

from .common import DATA_FORMATS, FORMATS, KINDS, MONTH_KINDS, ReportError
from .mir import mir_report
from .monthly import monthly_report, monthly_report_json
from .physical_financial import physical_financial_report, physical_financial_report_json
from .program import program_report
from .quarterly import quarterly_report
from .render import xlsx
from .render.html import report_pdf

XLSX_WRITERS: dict[str, Callable[[Any], bytes]] = {
    "monthly": xlsx.monthly_xlsx,
    "quarterly": xlsx.quarterly_xlsx,
    "program": xlsx.program_xlsx,
    "mir": xlsx.mir_xlsx,
    "fisico-financiero": xlsx.physical_financial_xlsx,
}
JSON_WRITERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "monthly": monthly_report_json,
    "fisico-financiero": physical_financial_report_json,
}


def report_data(
    *,
    kind: str,
    institution: str,
    year: int,
    month: int | None = None,
    quarter: int | None = None,
    area: str | None = None,
    mir: int | None = None,
) -> Any:
    """The report's data (a dataclass), built once whatever it is rendered as."""
    _check_arguments(kind=kind, month=month, quarter=quarter, area=area, mir=mir)
    if kind == "monthly":
        return monthly_report(institution=institution, year=year, month=month, area=area)  # type: ignore[arg-type]  # None is refused inside
    if kind == "quarterly":
        return quarterly_report(institution=institution, year=year, quarter=quarter)  # type: ignore[arg-type]  # None is refused inside
    if kind == "program":
        return program_report(institution=institution, year=year)
    if kind == "fisico-financiero":
        return physical_financial_report(institution=institution, year=year, month=month)
    return mir_report(institution=institution, year=year, mir=mir)


def _check_arguments(
    *, kind: str, month: int | None, quarter: int | None, area: str | None, mir: int | None
) -> None:
    """Refuse a report that does not exist and an argument its report does not take."""
    if kind not in KINDS:
        raise ReportError(f"informe: {kind!r} no existe (se esperaba {', '.join(KINDS)})")
    if kind not in MONTH_KINDS and month is not None:
        raise ReportError(f"mes: el informe {kind} no admite mes (solo {' y '.join(MONTH_KINDS)})")
    if kind != "quarterly" and quarter is not None:
        raise ReportError(f"trimestre: el informe {kind} no admite trimestre (solo quarterly)")
    if kind != "monthly" and area is not None:
        raise ReportError(f"área: el informe {kind} no admite área (solo monthly)")
    if kind != "mir" and mir is not None:
        raise ReportError(f"mir: el informe {kind} no admite MIR (solo mir)")
    if mir is not None and (isinstance(mir, bool) or not isinstance(mir, int)):
        raise ReportError(f"mir: «{mir}» no es el número de una MIR (se esperaba un entero)")


def report_filename(
    *,
    kind: str,
    institution: str,
    year: int,
    month: int | None = None,
    quarter: int | None = None,
    area: str | None = None,
    mir: int | None = None,
    fmt: str,
) -> str:
    code = institution.strip().upper()
    if kind == "monthly":
        stem = f"{code}-informe-mensual-{year}-{month:02d}"
        if area:
            stem += f"-{area.strip().upper()}"
    elif kind == "quarterly":
        stem = f"{code}-informe-trimestral-{year}-T{quarter}"
    elif kind == "program":
        stem = f"{code}-programa-anual-{year}"
    elif kind == "fisico-financiero":
        stem = f"{code}-informe-fisico-financiero-{year}-{month:02d}"
    else:
        stem = f"{code}-mir-{year}" + (f"-{mir}" if mir is not None else "")
    return f"{stem}.{fmt}"


def build_report(
    *,
    kind: str,
    institution: str,
    year: int,
    month: int | None = None,
    quarter: int | None = None,
    area: str | None = None,
    mir: int | None = None,
    fmt: str,
) -> ExportFile:
    """Build one report as a file: ``kind`` monthly|quarterly|program|mir|fisico-financiero,
    ``fmt`` pdf|xlsx (or json for monthly and fisico-financiero: ``JSON_WRITERS``).

    Raises ``ReportError`` (a ``ValueError``, one Spanish line naming the argument) when
    the arguments do not name a report that can be built."""
    formats = FORMATS + DATA_FORMATS.get(kind, ())
    if fmt not in formats:
        raise ReportError(f"formato: {fmt!r} no existe (se esperaba {', '.join(formats)})")
    area = area or None
    progress_step(0, 2, "Reuniendo los datos")
    data = report_data(
        kind=kind,
        institution=institution,
        year=year,
        month=month,
        quarter=quarter,
        area=area,
        mir=mir,
    )
    progress_step(1, 2, f"Generando el {fmt.upper()}")
    if fmt == "json":
        text = json.dumps(JSON_WRITERS[kind](data), ensure_ascii=False, indent=2)
        content = (text + "\n").encode()
    else:
        content = XLSX_WRITERS[kind](data) if fmt == "xlsx" else report_pdf(kind, data)
    filename = report_filename(
        kind=kind,
        institution=institution,
        year=year,
        month=month,
        quarter=quarter,
        area=area,
        mir=mir,
        fmt=fmt,
    )
    return ExportFile(filename=filename, content=content)

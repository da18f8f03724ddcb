"""What every report shares: its errors, its header (institution, title, period, generation
time) and the resolution of the scope it is asked for (institution, program, area)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from rumbo.indicators.models import Mir
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.selectors import area_by_code
from rumbo.monitoring.models import PeriodState
from rumbo.programs.models import AnnualProgram
from rumbo.programs.versions import version_label

KINDS = ("monthly", "quarterly", "program", "mir", "fisico-financiero")
FORMATS = ("pdf", "xlsx")
# The machine-readable face: the monthly report's (docs/figures.md) and the
# physical-financial report's (docs/budget.md).
DATA_FORMATS = {"monthly": ("json",), "fisico-financiero": ("json",)}
# The reports of one month (``month`` required, ``--month`` / ``?mes=``).
MONTH_KINDS = ("monthly", "fisico-financiero")
NOT_CAPTURED = "sin captura"
STATE_LABELS = {
    PeriodState.APPROVED.value: "aprobado",
    PeriodState.SUBMITTED.value: "enviado",
    PeriodState.RETURNED.value: "devuelto",
    PeriodState.DRAFT.value: "borrador",
    NOT_CAPTURED: "sin captura",
}
PRELIMINARY_NOTE = (
    "Cifras preliminares: incluyen capturas que aún no están aprobadas (enviadas, devueltas,"
    " en borrador o sin captura). Solo las cifras marcadas como oficiales provienen de"
    " capturas aprobadas."
)

SIMULATED_MEASUREMENTS_NOTE = (
    "Datos simulados: las mediciones de {titles} las generó la demostración de Rumbo"
    " (rumbo demo); no son cifras reales."
)


def measurements_simulated_note(mirs: Iterable[Mir]) -> str:
    """The notice naming the MIRs (by design title) whose measurements are simulated; empty
    when none is. The MIRs' designs must be loaded."""
    titles = list(dict.fromkeys(f"«{m.design.title}»" for m in mirs if m.measurements_simulated))
    return SIMULATED_MEASUREMENTS_NOTE.format(titles=", ".join(titles)) if titles else ""


class ReportError(ValueError):
    """A report that cannot be built as asked: the message says which argument and why."""


@dataclass(frozen=True)
class ReportHeader:
    institution: Institution
    title: str  # «Informe mensual de avance programático»
    period: str  # «Ejercicio 2024 · octubre»
    generated_at: datetime  # local time
    version: str = ""  # which approved version of the program's targets it used

    @property
    def generated_label(self) -> str:
        """dd/mm/aaaa hh:mm, as the footer prints it."""
        return self.generated_at.strftime("%d/%m/%Y %H:%M")


def header(
    *, institution: Institution, title: str, period: str, program: AnnualProgram | None = None
) -> ReportHeader:
    return ReportHeader(
        institution=institution,
        title=title,
        period=period,
        generated_at=timezone.localtime(),
        version=version_label(program) if program is not None else "",
    )


def institution_get(code: str) -> Institution:
    institution = Institution.objects.filter(code=str(code).strip().upper()).first()
    if institution is None:
        raise ReportError(f"institución: no existe la institución {code}")
    return institution


def program_for(institution: Institution, year: int) -> AnnualProgram:
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ReportError(f"año: {year!r} no es un ejercicio válido (se esperaba AAAA)")
    program = AnnualProgram.objects.filter(institution=institution, year=year).first()
    if program is None:
        raise ReportError(f"{institution.code} no tiene programa anual {year}")
    program.institution = institution
    return program


def area_get(institution: Institution, code: str | None) -> Area | None:
    if code is None or not str(code).strip():
        return None
    area = area_by_code(institution=institution, code=str(code))  # provisional siglas too
    if area is None:
        raise ReportError(f"área: {institution.code} no tiene un área con siglas {code}")
    return area


def check_month(month: int | None, report: str = "mensual") -> int:
    if month is None:
        raise ReportError(f"mes: el informe {report} requiere el mes (1 a 12)")
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise ReportError(f"mes: {month!r} no es un mes válido (se esperaba 1 a 12)")
    return month


def check_quarter(quarter: int | None) -> int:
    if quarter is None:
        raise ReportError("trimestre: el informe trimestral requiere el trimestre (1 a 4)")
    if not isinstance(quarter, int) or not 1 <= quarter <= 4:
        raise ReportError(f"trimestre: {quarter!r} no es un trimestre válido (se esperaba 1 a 4)")
    return quarter

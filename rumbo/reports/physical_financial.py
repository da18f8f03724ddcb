"""Informe de avance físico-financiero: the data, built once, rendered four ways (page,
XLSX, PDF, JSON).

Every figure comes from ``rumbo.monitoring.physical_financial`` (the one definition:
physical from ``rumbo.monitoring.figures``, financial from ``rumbo.budget.figures``). Per
subprograma → proyecto (and the activities with budget lines of their own, with their cost
per unit of output): avance físico, avance financiero against the budget's calendar and of
the year, the gap and its semáforo, the momentos to date; the program's totals; the
method. Nine queries whatever the size of the program (pinned in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rumbo.core.numbers import to_json_number
from rumbo.core.periods import MONTH_NAMES
from rumbo.monitoring.physical_financial import (
    PhysicalFinancial,
    Row,
    physical_financial,
    row_json,
)
from rumbo.programs.models import AnnualProgram

from .common import ReportHeader, check_month, header, institution_get, program_for

KIND = "fisico-financiero"
TITLE = "Informe de avance físico-financiero"
NO_BUDGET_NOTE = (
    "El programa no tiene presupuesto cargado: el avance financiero y la brecha no se pueden"
    " calcular (cárgalo con «rumbo import presupuesto»)."
)


@dataclass
class PhysicalFinancialReport:
    header: ReportHeader
    program: AnnualProgram
    month: int
    figures: PhysicalFinancial

    @property
    def month_name(self) -> str:
        return MONTH_NAMES[self.month - 1]

    @property
    def rows(self) -> list[Row]:
        return self.figures.rows

    @property
    def total(self) -> Row:
        return self.figures.total

    @property
    def has_preliminary(self) -> bool:
        return any(r.state is not None and r.state.value != "oficial" for r in self.rows)

    @property
    def has_activities(self) -> bool:
        return any(r.is_activity for r in self.rows)


def physical_financial_report(
    *, institution: str, year: int, month: int | None
) -> PhysicalFinancialReport:
    """The physical-financial report of ``institution``'s annual program ``year`` at
    ``month`` (cumulative January–M)."""
    inst = institution_get(institution)
    month = check_month(month, "físico-financiero")
    program = program_for(inst, year)
    name = MONTH_NAMES[month - 1]
    return PhysicalFinancialReport(
        header=header(
            institution=inst,
            title=TITLE,
            period=f"Ejercicio {year} · {name} (acumulado enero–{name})",
            program=program,
        ),
        program=program,
        month=month,
        figures=physical_financial(program=program, month=month),
    )


def _row_json(row: Row) -> dict[str, Any]:
    """A line as the JSON face gives it: the API's fields and the rest of the momentos, the
    physical side's share of the year and state, and for an activity its cost per unit."""
    to_date = row.to_date
    out = row_json(row)
    out.update(
        {
            "kind": "actividad" if row.is_activity else ("programa" if not row.key else "nodo"),
            "physical_year_share": to_json_number(row.physical_year_share),
            "state": row.state.value if row.state is not None else None,
            "comprometido": to_json_number(to_date.comprometido),
            "ejercido": to_json_number(to_date.ejercido),
            "pagado": to_json_number(to_date.pagado),
            "modificado_anual": to_json_number(row.financial.annual.modificado),
        }
    )
    if not row.key:
        out["node"] = None  # the whole program
    if row.is_activity:
        out["unit"] = row.unit or None
        out["achieved_to_date"] = to_json_number(row.achieved_to_date)
        out["cost_per_unit"] = to_json_number(row.cost_per_unit)
    return out


def physical_financial_report_json(report: PhysicalFinancialReport) -> dict[str, Any]:
    """The report's data as JSON (docs/budget.md): the same figures as its page, XLSX and
    PDF and the API; numbers as JSON numbers or null."""
    return {
        "institution": report.header.institution.code,
        "year": report.program.year,
        "month": report.month,
        "version": report.program.version,
        "has_budget": report.figures.has_budget,
        "items": [_row_json(r) for r in report.rows],
        "total": _row_json(report.total),
        "method": report.figures.method,
        "cost_method": report.figures.cost_method,
    }

"""The rows of LGTAIP art. 70 fr. XXI: the budget assigned (a) and its exercise per
quarter (b), from ``rumbo.budget.figures`` (the one definition of financial figures).

- ``budget_assigned_rows`` (fr. XXI a, «Presupuesto asignado anual»): one row per
  capítulo del gasto with lines, its annual aprobado, beside the year's total aprobado.
- ``budget_exercise_rows`` (fr. XXI b, «Ejercicio de los egresos presupuestarios»): one
  row per concepto del gasto with lines, every momento accumulated from January to the
  quarter's last month; ampliación/(reducción) = modificado − aprobado, subejercicio =
  modificado − devengado. Only for a quarter whose three months are closed
  (``rumbo.budget.closing.last_closed_month``): otherwise ``PeriodRefused``.

Responsible area: the institution (a program's budget belongs to it as a whole).
"""

from __future__ import annotations

from datetime import date

from rumbo.budget.closing import last_closed_month
from rumbo.budget.figures import budget_figures
from rumbo.budget.selectors import chapter_names, concept_names
from rumbo.core.periods import MONTH_NAMES
from rumbo.institutions.models import Institution
from rumbo.programs.models import AnnualProgram
from rumbo.programs.selectors import program_get

from .selectors import PeriodRefused, ReportPeriod, Row, _base


def budget_assigned_rows(
    *, institution: Institution, period: ReportPeriod, today: date
) -> list[Row]:
    """fr. XXI a): the annual aprobado by capítulo (the same amounts for any period)."""
    program = program_get(institution=institution, year=period.year)
    if program is None:
        return []
    figures = budget_figures(program)
    by_chapter = figures.grouped(figures.rows, lambda r: r.chapter)
    if not by_chapter:
        return []
    names = chapter_names()
    total = figures.total(figures.rows).aprobado
    return [
        {
            **_base(period, today),
            "annual_total": total,
            "chapter": key,
            "chapter_name": names.get(key, ""),
            "assigned": moments.aprobado,
            "responsible": institution.name,
            "note": f"Presupuesto aprobado del ejercicio {period.year} (enero a diciembre), "
            "por capítulo del gasto; el presupuesto anual asignado es la suma de los capítulos.",
            "_record": f"Capítulo {key}",
        }
        for key, moments in by_chapter.items()
    ]


def quarter_refusal(program: AnnualProgram, period: ReportPeriod) -> str:
    """Why the quarter of ``period`` cannot be published yet (``""``: it can)."""
    if period.quarter is None:
        return (
            "Fr. XXI b) se informa por trimestre: elige un trimestre (1 a 4) cuyos tres meses "
            "estén cerrados."
        )
    closed = last_closed_month(program)
    if closed is not None and closed >= period.last_month:
        return ""
    names = [MONTH_NAMES[m - 1] for m in period.months]
    months = f"{', '.join(names[:-1])} y {names[-1]}"
    last = (
        f"el último mes cerrado es {MONTH_NAMES[closed - 1]}"
        if closed
        else "aún no hay meses cerrados"
    )
    return (
        f"El trimestre {period.quarter} de {period.year} no ha cerrado: {last} (un mes "
        f"cierra cuando tiene una captura aprobada). Fr. XXI b) se genera cuando {months} "
        "estén cerrados."
    )


def budget_exercise_rows(
    *, institution: Institution, period: ReportPeriod, today: date
) -> list[Row]:
    """fr. XXI b): every momento accumulated to the quarter's end, by concepto."""
    program = program_get(institution=institution, year=period.year)
    if program is None:
        return []
    refusal = quarter_refusal(program, period)
    if refusal:
        raise PeriodRefused(refusal)
    figures = budget_figures(program)
    rows = figures.select(months=range(1, period.last_month + 1))
    by_concept = figures.grouped(rows, lambda r: (r.chapter, r.concept))
    if not by_concept:
        return []
    chapters, concepts = chapter_names(), concept_names()
    note = (
        f"Cifras acumuladas del {period.year_start:%d/%m/%Y} al {period.end:%d/%m/%Y} "
        "(momentos contables al cierre del trimestre). Ampliación/(reducción) = modificado − "
        "aprobado; subejercicio = modificado − devengado."
    )
    return [
        {
            **_base(period, today),
            "chapter": chapter,
            "chapter_name": chapters.get(chapter, ""),
            "concept": concept,
            "concept_name": concepts.get(concept, ""),
            "approved": m.aprobado,
            "change": m.modificado - m.aprobado,
            "modified": m.modificado,
            "committed": m.comprometido,
            "accrued": m.devengado,
            "exercised": m.ejercido,
            "paid": m.pagado,
            "underspent": m.modificado - m.devengado,
            "responsible": institution.name,
            "note": note,
            "_record": f"Concepto {concept}",
        }
        for (chapter, concept), m in by_concept.items()
    ]


BUDGET_DATASETS = {
    "budget_assigned": budget_assigned_rows,
    "budget_exercise": budget_exercise_rows,
}

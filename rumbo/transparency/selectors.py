"""The rows of each transparency dataset, read from the live data for one period.

Each function returns plain dicts keyed by the dataset's fields (``formats.DATASET_FIELDS``);
the definition of a format then picks and orders the columns. Query counts are constant
whatever the number of rows (see the tests).

Only approved captures are published: a measurement or a month's progress counts only when
the area's capture of that month (``PeriodReport``) is approved.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from rumbo.adjustments.models import AdjustmentKind, AdjustmentRequest, AdjustmentState
from rumbo.core.numbers import format_mx
from rumbo.core.periods import MONTH_NAMES, Frequency, periods, quarter_period
from rumbo.indicators.models import Indicator, IndicatorTarget, IndicatorVariable, Measurement
from rumbo.indicators.selectors import annual_target
from rumbo.indicators.versions import approved_indicator_targets
from rumbo.institutions.models import Area, Institution
from rumbo.monitoring.figures import period_figure, program_figures
from rumbo.monitoring.models import PeriodReport, PeriodState
from rumbo.programs.models import (
    Activity,
    AnnualProgram,
    AreaObjective,
    ProgramNode,
    activity_area_id,
)

from .fixes import ANY_FIELD, INSTITUTION, Fix

Row = dict[str, Any]


class PeriodRefused(ValueError):
    """The format is not generated for this period (a quarter not closed yet, a quarterly
    format asked for the whole year); ``str()`` says why and what to choose, in Spanish."""


@dataclass(frozen=True)
class ReportPeriod:
    """The period a format reports: a quarter of the year, or the whole year."""

    year: int
    quarter: int | None = None

    def __post_init__(self) -> None:
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise ValueError(f"trimestre inválido: {self.quarter} (se esperaba 1 a 4)")

    @property
    def first_month(self) -> int:
        return 1 if self.quarter is None else quarter_period(self.quarter).first_month

    @property
    def last_month(self) -> int:
        return 12 if self.quarter is None else quarter_period(self.quarter).last_month

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def year_start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def label(self) -> str:
        return f"{self.year}" if self.quarter is None else f"{self.year}-T{self.quarter}"

    @property
    def months(self) -> range:
        return range(self.first_month, self.last_month + 1)


def _base(period: ReportPeriod, today: date) -> Row:
    return {
        "year": period.year,
        "period_start": period.start,
        "period_end": period.end,
        "updated_on": today,
        "validated_on": today,
    }


def _home_page(institution: Institution) -> str:
    domains = list(institution.web_domains or [])
    if not domains:
        return ""
    domain = str(domains[0]).strip().rstrip("/")
    return domain if domain.startswith(("http://", "https://")) else f"https://{domain}"


def _approved(program_ids: list[int], months: list[int]) -> set[tuple[int, int, int]]:
    """(program id, area id, month) of the approved captures."""
    return set(
        PeriodReport.objects.filter(
            program_id__in=program_ids, month__in=months, state=PeriodState.APPROVED
        ).values_list("program_id", "area_id", "month")
    )


# ---------------------------------------------------------------- fr. IV: objectives


def area_objective_rows(
    *, institution: Institution, period: ReportPeriod, today: date
) -> list[Row]:
    """The institution's imported fr. IV rows of the year (``AreaObjective``); when it has
    none, rows derived from its annual program (one per activity, see docs)."""
    objectives = list(
        AreaObjective.objects.filter(institution=institution, year=period.year)
        .select_related("area")
        .order_by("row_number")
    )
    home = _home_page(institution)
    if not objectives:
        return _objectives_from_program(institution=institution, period=period, today=today)
    return [
        {
            **_base(period, today),
            "area": o.area.name,
            "objective": o.objective,
            "indicator": o.indicator,
            "goal": o.goal,
            "unit": o.unit,
            "hyperlink": o.hyperlink or home,
            "responsible": o.responsible or o.area.name,
            "note": o.note,
            "_record": f"Fila {o.row_number} de los objetivos importados",
            "_fix": {
                ANY_FIELD: Fix("area_objective", (o.pk,)),
                **({} if o.hyperlink or home else {"hyperlink": INSTITUTION}),
            },
        }
        for o in objectives
    ]


def _program_parts(
    institution: Institution, year: int
) -> tuple[AnnualProgram | None, list[Activity], dict[int, ProgramNode], dict[int, Area]]:
    program = AnnualProgram.objects.filter(institution=institution, year=year).first()
    if program is None:
        return None, [], {}, {}
    nodes = {n.pk: n for n in ProgramNode.objects.filter(program=program)}
    activities = list(
        Activity.objects.filter(program=program)
        .select_related("unit")
        .order_by("node__order", "order", "pk")
    )
    areas = {a.pk: a for a in Area.objects.filter(institution=institution)}
    return program, activities, nodes, areas


def _root(node: ProgramNode, nodes: dict[int, ProgramNode]) -> ProgramNode:
    while node.parent_id is not None and node.parent_id in nodes:
        node = nodes[node.parent_id]
    return node


def _objectives_from_program(
    *, institution: Institution, period: ReportPeriod, today: date
) -> list[Row]:
    program, activities, nodes, areas = _program_parts(institution, period.year)
    if program is None:
        return []
    home = _home_page(institution)
    rows = []
    for a in activities:
        area = areas.get(activity_area_id(a, nodes) or 0)
        root = _root(nodes[a.node_id], nodes)
        unit = a.unit.name if a.unit else ""
        rows.append(
            {
                **_base(period, today),
                "area": area.name if area else "",
                "objective": root.objective or root.name,
                "indicator": a.description,
                "goal": f"{format_mx(a.annual_target)} {unit}".strip()
                if a.annual_target is not None
                else "",
                "unit": unit,
                "hyperlink": home,
                "responsible": area.name if area else "",
                "note": f"Fila derivada de la actividad {a.key} del {program.name}.",
                "_record": f"Actividad {a.key}",
                "_fix": {
                    ANY_FIELD: Fix("activity", (period.year, a.key)),
                    "goal": Fix("activity_calendar", (period.year, a.key)),
                    "hyperlink": INSTITUTION,
                },
            }
        )
    return rows


# ---------------------------------------------------------------- fr. V / fr. VI: indicators


def _meta(targets: dict[int, Decimal], indicator: Indicator) -> Decimal | None:
    """The annual meta; without one, the meta of the year's last period with a meta."""
    annual = annual_target(targets, indicator)
    if annual is not None:
        return annual
    return targets[max(targets)] if targets else None


def _last_indicator_adjustments(indicator_ids: list[int]) -> dict[int, AdjustmentRequest]:
    """Indicator id → its last approved meta adjustment. One query."""
    out: dict[int, AdjustmentRequest] = {}
    for adj in (
        AdjustmentRequest.objects.filter(
            indicator_id__in=indicator_ids,
            kind=AdjustmentKind.META_INDICADOR,
            state=AdjustmentState.APROBADA,
        )
        .select_related("version")
        .order_by("decided_at", "pk")
    ):
        assert adj.indicator_id is not None  # noqa: S101 - filtered on it
        out[adj.indicator_id] = adj
    return out


def _metas(
    ind: Indicator,
    targets: dict[int, Decimal],
    baseline: dict[int, dict[int, Decimal]] | None,
    adjustment: AdjustmentRequest | None,
) -> tuple[Decimal | None, Decimal | None, str]:
    """(metas programadas, metas ajustadas, the note): programmed is the meta as approved
    (version 1, or the version its MIR's later approval froze); adjusted, the meta in force
    where an approved adjustment changed it."""
    current = _meta(targets, ind)
    if baseline is None:
        return (
            current,
            None,
            ("Metas ajustadas: el programa aún no está aprobado; la meta es la programada."),
        )
    original_targets = baseline.get(ind.pk)
    if original_targets is None:
        return (
            current,
            None,
            ("Metas ajustadas: la MIR del indicador aún no está aprobada; la meta es la vigente."),
        )
    original = _meta(original_targets, ind)
    if original == current:
        return (
            original,
            None,
            "Metas ajustadas: sin adecuaciones aprobadas; la meta es la aprobada.",
        )
    if adjustment is not None and adjustment.decided_at is not None:
        version = f", versión {adjustment.version.number}" if adjustment.version else ""
        note = (
            f"Metas ajustadas: adecuación {adjustment.number} aprobada el "
            f"{timezone.localtime(adjustment.decided_at):%d/%m/%Y}{version}."
        )
    else:
        note = "Metas ajustadas: la meta vigente difiere de la aprobada."
    return original, current, note


def indicator_rows(*, institution: Institution, period: ReportPeriod, today: date) -> list[Row]:
    """The MIR indicators of the institution's program designs of the year, with their
    annual meta and the last approved result of a period closed by the end of ``period``."""
    indicators = list(
        Indicator.objects.filter(
            row__mir__design__node__program__institution=institution,
            row__mir__design__node__program__year=period.year,
        )
        .select_related("area", "row__mir__design__node")
        .prefetch_related(
            Prefetch("variables", queryset=IndicatorVariable.objects.order_by("order", "pk")),
            Prefetch("targets", queryset=IndicatorTarget.objects.order_by("period")),
        )
        .order_by("row__mir__design__node__order", "row__order", "row__pk", "order", "pk")
    )
    if not indicators:
        return []
    measurements: dict[int, dict[int, Measurement]] = defaultdict(dict)
    for m in Measurement.objects.filter(indicator__in=indicators, value__isnull=False):
        measurements[m.indicator_id][m.period] = m
    program_ids = sorted({i.row.mir.design.node.program_id for i in indicators})
    approved = _approved(program_ids, list(range(1, period.last_month + 1)))
    baselines = approved_indicator_targets(program_ids)
    adjustments = _last_indicator_adjustments([i.pk for i in indicators])
    rows = []
    for ind in indicators:
        node = ind.row.mir.design.node
        targets = {t.period: t.value for t in ind.targets.all()}
        last = None
        for p in periods(ind.frequency):
            found = measurements[ind.pk].get(p.number)
            if (
                found is not None
                and p.last_month <= period.last_month
                and (node.program_id, ind.area_id, p.last_month) in approved
            ):
                last = (p, found)
        sources = [v.source for v in ind.variables.all() if v.source]
        programmed, adjusted, adjusted_note = _metas(
            ind, targets, baselines.get(node.program_id), adjustments.get(ind.pk)
        )
        notes = [adjusted_note]
        if last is None:
            notes.append(f"Avance: sin resultado aprobado al {period.end:%d/%m/%Y}.")
        else:
            notes.append(
                f"Avance: resultado aprobado del periodo {last[0].label} de {period.year}."
            )
        rows.append(
            {
                **_base(period, today),
                "program": ind.row.mir.design.title or node.name,
                "objective": ind.row.summary,
                "name": ind.name,
                "dimension": ind.get_dimension_display() if ind.dimension else "",
                "definition": ind.definition,
                "method": ind.formula_as_printed or ind.formula,
                "unit": ind.unit,
                "frequency": Frequency(ind.frequency).label,
                "baseline": ind.baseline_value,
                "targets": programmed,
                "adjusted_targets": adjusted,
                "progress": last[1].value if last else None,
                "direction": ind.get_direction_display(),
                "source": ind.row.verification or "; ".join(sources),
                "responsible": ind.area.name,
                "note": " ".join(notes),
                "_record": f"Indicador «{ind.name}»",
                "_fix": {
                    ANY_FIELD: Fix("indicator", (ind.pk,)),
                    "objective": Fix("mir_row", (ind.row.mir.design_id, ind.row_id)),
                    "source": Fix("mir_row", (ind.row.mir.design_id, ind.row_id)),
                    "program": Fix("design", (ind.row.mir.design_id,)),
                },
            }
        )
    return rows


# ---------------------------------------------------------------- CDMX art. 121 fr. XXII b)


def poa_rows(*, institution: Institution, period: ReportPeriod, today: date) -> list[Row]:
    """Per POA activity: its program and area, unit, annual target, and programmed and
    achieved in the period (``rumbo.monitoring.figures.period_figure``) — achieved only
    when the activity's figures at the period's end are official (every capture of its
    area up to that month approved)."""
    program = AnnualProgram.objects.filter(institution=institution, year=period.year).first()
    if program is None:
        return []
    last = program_figures(program=program, month=period.last_month)
    nodes, areas = last.nodes, last.areas
    before = {}
    if period.first_month > 1:
        before = {r.activity.pk: r.figure for r in last.at(period.first_month - 1)}
    at_end = {r.activity.pk: r for r in last.rows}
    activities = sorted(
        (r.activity for r in last.rows), key=lambda a: (nodes[a.node_id].order, a.order, a.pk)
    )
    rows = []
    for a in activities:
        row = at_end[a.pk]
        area = areas.get(row.area_id or 0)
        root = _root(nodes[a.node_id], nodes)
        figure = period_figure(before.get(a.pk), row.figure)
        note = ""
        if figure.achieved is None:
            captures = last.captures.get(row.area_id, {})
            missing = [
                m
                for m in range(1, period.last_month + 1)
                if captures.get(m) != PeriodState.APPROVED
            ]
            names = ", ".join(calendar_month(m) for m in missing)
            note = f"Meses sin captura aprobada: {names}; el avance no se publica."
        rows.append(
            {
                **_base(period, today),
                "program": root.name,
                "area": area.name if area else "",
                "key": a.key,
                "activity": a.description,
                "unit": a.unit.name if a.unit else "",
                "annual_target": a.annual_target,
                "programmed": figure.programmed,
                "achieved": figure.achieved,
                "percent": figure.percent,
                "responsible": area.name if area else "",
                "note": note,
            }
        )
    return rows


def calendar_month(month: int) -> str:
    return MONTH_NAMES[month - 1]


NO_INFORMATION = {
    "area_objectives": "la institución no tiene objetivos institucionales ni programa anual "
    "registrados para el ejercicio",
    "indicators": "la institución no tiene indicadores de una Matriz de Indicadores para "
    "Resultados registrados para el ejercicio",
    "poa_activities": "la institución no tiene actividades del programa anual registradas para "
    "el ejercicio",
    "budget_assigned": "la institución no tiene presupuesto registrado para el ejercicio",
    "budget_exercise": "la institución no tiene presupuesto registrado para el ejercicio",
}


def no_information_row(
    *, dataset: str, institution: Institution, period: ReportPeriod, today: date
) -> Row:
    """The one row a format carries when the period generated no information (SIPOT)."""
    return {
        **_base(period, today),
        "responsible": institution.name,
        "note": "En el periodo que se informa no se generó información: "
        f"{NO_INFORMATION[dataset]}.",
    }


DATASETS = {
    "area_objectives": area_objective_rows,
    "indicators": indicator_rows,
    "poa_activities": poa_rows,
}

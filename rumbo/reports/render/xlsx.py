"""Each report as an XLSX workbook (see ``sheet.SheetWriter`` for the shared layout)."""

from __future__ import annotations

from rumbo.core.numbers import format_mx
from rumbo.core.periods import MONTH_LABELS
from rumbo.institutions.letterhead import signers_of
from rumbo.monitoring.figures import LIGHTS, Summary
from rumbo.monitoring.physical_financial import PhysicalFinancial
from rumbo.monitoring.simulated import progress_simulated_note

from ..common import PRELIMINARY_NOTE
from ..mir import MirReport
from ..monthly import MonthlyReport
from ..physical_financial import NO_BUDGET_NOTE, PhysicalFinancialReport
from ..program import ProgramReport
from ..quarterly import QuarterlyReport
from .sheet import (
    GROUP_FILL,
    PRELIMINARY_FILL,
    CellValue,
    Column,
    LightCell,
    Percent,
    SheetWriter,
    new_workbook,
    workbook_bytes,
)


def monthly_xlsx(report: MonthlyReport) -> bytes:
    wb, ws = new_workbook("Avance")
    signers = signers_of(report.header.institution)
    month = report.month_name
    columns = [
        Column("Clave", 12),
        Column("Descripción", 60, wrap=True),
        Column("Área", 10),
        Column("Unidad de medida", 16, wrap=True),
        Column("Meta anual", 12),
        Column(f"Programado en {month}", 13),
        Column(f"Programado acumulado a {month}", 14),
        Column(f"Alcanzado en {month}", 13),
        Column(f"Alcanzado acumulado a {month}", 14),
        Column("% acumulado", 11),
        Column("Semáforo", 22),
        Column("Estatus de la cifra", 13),
        Column("Justificación de la variación", 50, wrap=True),
        Column("Meta anual original (versión 1)", 14),
        Column(f"Programado acumulado original a {month}", 16),
    ]
    sheet = SheetWriter(ws, report.header, columns)
    if simulated := progress_simulated_note(report.program):
        sheet.note(simulated, bold=True)
    if report.has_preliminary:
        sheet.note(PRELIMINARY_NOTE)
    sheet.header()
    for line in report.lines:
        if line.node is not None:
            sheet.row(
                [line.node.key, f"{line.level_name}: {line.node.name}"],
                bold=True,
                fill=GROUP_FILL,
                indent=line.depth,
            )
            continue
        a = line.activity
        if a is None:  # pragma: no cover - a line is a node or an activity
            continue
        sheet.row(
            [
                a.key,
                a.description,
                a.area_code,
                a.unit,
                a.annual_target,
                a.programmed,
                a.programmed_cumulative,
                a.achieved,
                a.achieved_cumulative,
                Percent(a.percent),
                LightCell(a.light, a.light_label),
                a.state.label,
                a.justification,
                a.original_annual_target,
                a.original_programmed_cumulative,
            ],
            fill=None if a.official else PRELIMINARY_FILL,
            indent=line.depth,
        )
    sheet.signatures(signers)

    summary = wb.create_sheet("Resumen")
    columns = [
        Column("Área", 12),
        Column("Nombre", 45, wrap=True),
        Column(f"Estado de la captura de {month}", 16),
        Column("Estatus de las cifras", 14),
        Column("Actividades", 12),
        Column("Verde", 8),
        Column("Amarillo", 9),
        Column("Rojo", 8),
        Column("Gris", 8),
        Column("En meta (verde ÷ calificadas)", 14),
        Column("Cumplimiento promedio", 14),
    ]
    sheet = SheetWriter(summary, report.header, columns)
    sheet.note(report.method)
    sheet.header()

    def summary_cells(s: Summary) -> list[CellValue]:
        return [
            s.activities,
            *[s.lights[light] for light in LIGHTS],
            Percent(s.on_track),
            Percent(s.average_compliance),
        ]

    for area in report.areas:
        sheet.row(
            [area.code, area.name, area.state_label, area.status_label,
             *summary_cells(area.summary)],
            fill=None if area.official else PRELIMINARY_FILL,
        )  # fmt: skip
    for state, totals in report.state_totals:
        sheet.row(
            [f"Total de cifras en estado {state.label.lower()}", "", "", state.label,
             *summary_cells(totals)],
            bold=True,
        )  # fmt: skip
    sheet.row(["Total", "", "", "", *summary_cells(report.totals)], bold=True)
    sheet.blank()
    sheet.note("Cumplimiento promedio y actividades en meta por mes (acumulado)", bold=True)
    sheet.row(["Mes", "", "", "", "", "", "", "", "", "En meta", "Cumplimiento promedio"],
              bold=True)  # fmt: skip
    for bar in report.chart:
        sheet.row(
            [bar.label, "", "", "", "", "", "", "", "", Percent(bar.on_track),
             Percent(bar.average_compliance)]
        )  # fmt: skip
    units = report.totals.units
    if units:
        sheet.blank()
        sheet.note("Cantidades por unidad de medida (solo se suman cantidades de la misma unidad)",
                   bold=True)  # fmt: skip
        sheet.row(["Unidad de medida", "", "", "", "Actividades", "Programado acumulado",
                   "Alcanzado acumulado", "% acumulado"], bold=True)  # fmt: skip
        for u in units:
            sheet.row([u.unit or "(sin unidad)", "", "", "", u.activities, u.programmed_to_date,
                       u.achieved_to_date, Percent(u.percent)])  # fmt: skip
    if report.physical_financial is not None:
        sheet = SheetWriter(
            wb.create_sheet("Físico-financiero"), report.header, PHYSICAL_FINANCIAL_COLUMNS
        )
        physical_financial_rows(sheet, report.physical_financial)
    return workbook_bytes(wb)


PHYSICAL_FINANCIAL_COLUMNS = [
    Column("Clave", 12),
    Column("Nivel y nombre", 50, wrap=True),
    Column("Avance físico", 11),
    Column("Avance físico (% del año)", 12),
    Column("Estatus de la cifra", 13),
    Column("Avance financiero (vs. calendario)", 13),
    Column("Avance financiero (% del año)", 13),
    Column("Brecha (puntos porcentuales)", 12),
    Column("Semáforo de la brecha", 12),
    Column("Modificado anual", 16),
    Column("Modificado a la fecha", 16),
    Column("Comprometido a la fecha", 16),
    Column("Devengado a la fecha", 16),
    Column("Ejercido a la fecha", 16),
    Column("Pagado a la fecha", 16),
    Column("Unidad de medida", 14, wrap=True),
    Column("Alcanzado acumulado", 12),
    Column("Costo por unidad (pesos)", 14),
]


def physical_financial_rows(sheet: SheetWriter, figures: PhysicalFinancial) -> None:
    """The header and one row per node, activity and the program's total (the report's
    sheet and the monthly workbook's «Físico-financiero» sheet)."""
    sheet.header()
    for r in [*figures.rows, figures.total]:
        total = r is figures.total
        t = r.to_date
        sheet.row(
            [
                r.key if not total else "Total",
                f"{r.level}: {r.name}",
                Percent(r.physical_percent),
                Percent(r.physical_year_share),
                r.state.label if r.state is not None else "",
                Percent(r.financial_percent),
                Percent(r.financial_year_share),
                r.gap,
                LightCell(r.gap_light, r.gap_light.label),
                r.financial.annual.modificado,
                t.modificado,
                t.comprometido,
                t.devengado,
                t.ejercido,
                t.pagado,
                r.unit if r.is_activity else "",
                r.achieved_to_date if r.is_activity else None,
                r.cost_per_unit,
            ],
            bold=total or (r.depth == 0 and not r.is_activity),
            fill=GROUP_FILL if r.depth == 0 and not r.is_activity and not total else None,
            indent=r.depth,
        )
    sheet.blank()
    sheet.note(figures.method)
    if any(r.is_activity for r in figures.rows):
        sheet.note(figures.cost_method)


def physical_financial_xlsx(report: PhysicalFinancialReport) -> bytes:
    wb, ws = new_workbook("Físico-financiero")
    sheet = SheetWriter(ws, report.header, PHYSICAL_FINANCIAL_COLUMNS)
    if simulated := progress_simulated_note(report.program):
        sheet.note(simulated, bold=True)
    if not report.figures.has_budget:
        sheet.note(NO_BUDGET_NOTE, bold=True)
    if report.has_preliminary:
        sheet.note(PRELIMINARY_NOTE)
    physical_financial_rows(sheet, report.figures)
    sheet.signatures(signers_of(report.header.institution))
    return workbook_bytes(wb)


def quarterly_xlsx(report: QuarterlyReport) -> bytes:
    wb, ws = new_workbook("Indicadores")
    columns = [
        Column("Programa", 28, wrap=True),
        Column("Nivel", 12),
        Column("Clave", 8),
        Column("Indicador", 40, wrap=True),
        Column("Método de cálculo", 32, wrap=True),
        Column("Frecuencia", 12),
        Column("Dimensión", 12),
        Column("Sentido", 12),
        Column("Línea base", 12),
        Column("Meta anual", 11),
        Column("Periodo", 22),
        Column("Meta del periodo", 11),
        Column("Valor", 11),
        Column("Cumplimiento", 12),
        Column("Semáforo", 22),
        Column("Tendencia", 30, wrap=True),
        Column("Estado de la captura", 13),
        Column("Estatus de la cifra", 14),
        Column("Área responsable", 12),
    ]
    sheet = SheetWriter(ws, report.header, columns)
    if report.simulated_note:
        sheet.note(report.simulated_note, bold=True)
    if report.has_preliminary:
        sheet.note(PRELIMINARY_NOTE)
    sheet.header()
    for ln in report.lines:
        ind = ln.indicator
        sheet.row(
            [
                ln.design_title,
                ln.level,
                ln.row_code,
                ind.name,
                ind.formula_as_printed or ind.formula,
                ind.get_frequency_display(),
                ind.get_dimension_display(),
                ind.get_direction_display(),
                ln.baseline,
                ln.annual,
                ln.period_label,
                ln.target,
                ln.value,
                Percent(ln.grade.ratio),
                LightCell(ln.light, ln.light_label),
                ln.trend_label,
                ln.state_label,
                ln.status_label,
                ind.area.code,
            ],
            fill=PRELIMINARY_FILL if ln.period is not None and not ln.official else None,
        )
    sheet.blank()
    sheet.row(["Semáforo", *[f"{light.label}: {n}" for light, n in report.lights.items]], bold=True)
    sheet.signatures(signers_of(report.header.institution))
    return workbook_bytes(wb)


def program_xlsx(report: ProgramReport) -> bytes:
    wb, ws = new_workbook("Programa")
    columns = [
        Column("Clave", 12),
        Column("Descripción", 60, wrap=True),
        Column("Área", 10),
        Column("Unidad de medida", 16, wrap=True),
        Column("Meta anual", 11),
        *[Column(m, 8) for m in MONTH_LABELS],
        Column("Beneficiarios", 36, wrap=True),
        Column("Líneas de acción", 14, wrap=True),
    ]
    sheet = SheetWriter(ws, report.header, columns)
    sheet.header()
    for line in report.lines:
        if line.node is not None:
            sheet.row(
                [
                    line.node.key,
                    f"{line.level_name}: {line.node.name}",
                    line.area_code,
                    line.unit_note,
                    line.annual_total,
                    *(line.month_totals or []),
                ],
                bold=True,
                fill=GROUP_FILL,
                indent=line.depth,
            )
            continue
        row = line.row
        if row is None:  # pragma: no cover - a line is a node or an activity
            continue
        sheet.row(
            [
                row.key,
                row.description,
                line.area_code,
                row.unit or "",
                row.annual_target,
                *row.months,
                line.beneficiaries,
                line.lines_of_action,
            ],
            indent=line.depth,
        )
    sheet.row(
        ["Total", f"{format_mx(report.activity_count)} actividades", "", report.unit_note,
         report.annual_total, *(report.month_totals or [])],
        bold=True,
    )  # fmt: skip
    sheet.signatures(signers_of(report.header.institution))
    return workbook_bytes(wb)


def mir_xlsx(report: MirReport) -> bytes:
    wb, ws = new_workbook("MIR")
    columns = [
        Column("Nivel", 14),
        Column("Resumen narrativo", 50, wrap=True),
        Column("Indicadores", 45, wrap=True),
        Column("Medios de verificación", 40, wrap=True),
        Column("Supuestos", 40, wrap=True),
    ]
    sheet = SheetWriter(ws, report.header, columns)
    sheet.header()
    for section in report.sections:
        sheet.row([section.title], bold=True, fill=GROUP_FILL)
        for line in section.detail.lines:
            r = line.row
            indicators = "\n".join(
                f"{il.indicator.name}: {il.indicator.formula_as_printed or il.indicator.formula}"
                for il in line.indicators
            )
            label = f"{r.get_level_display()} {r.code}".strip()
            sheet.row([label, r.summary, indicators, r.verification, r.assumptions])
    sheet.signatures(signers_of(report.header.institution))

    fichas = wb.create_sheet("Fichas técnicas")
    columns = [Column("Campo", 30), Column("Valor", 90, wrap=True)]
    sheet = SheetWriter(fichas, report.header, columns)
    sheet.header(freeze=False)
    for section in report.sections:
        for ficha in section.fichas:
            ind, il = ficha.line.indicator, ficha.line
            sheet.row([f"{ficha.level} {ficha.row_code}".strip(), ind.name], bold=True,
                      fill=GROUP_FILL)  # fmt: skip
            fields: list[tuple[str, object]] = [
                ("Programa", section.title),
                ("Definición", ind.definition),
                ("Método de cálculo", ind.formula_as_printed or ind.formula),
                ("Tipo de fórmula", ind.get_formula_type_display()),
                ("Unidad de medida", ind.unit),
                ("Tipo", ind.get_kind_display()),
                ("Dimensión", ind.get_dimension_display()),
                ("Frecuencia de medición", ind.get_frequency_display()),
                ("Sentido", ind.get_direction_display()),
                ("Comportamiento de la meta", ind.get_accumulation_display()),
                ("Línea base", ind.baseline_value),
                ("Año de la línea base", ind.baseline_year),
                ("Meta anual", il.annual),
                ("Área responsable", ind.area.name),
                (
                    "Semáforo (verde / amarillo, %)",
                    f"verde {format_mx(ficha.bands.green_low)}–{format_mx(ficha.bands.green_high)}"
                    f" · amarillo {format_mx(ficha.bands.yellow_low)}–"
                    f"{format_mx(ficha.bands.yellow_high)}",
                ),
            ]
            for v in ind.variables.all():
                fields.append(
                    (f"Variable {v.name}", f"{v.description} ({v.unit}). Fuente: {v.source}")
                )
            for p, target in il.period_targets:
                fields.append((f"Meta {p.label}", target))
            for name, value in fields:
                sheet.row([name, value])  # type: ignore[list-item]  # text or number
            sheet.blank()
    return workbook_bytes(wb)

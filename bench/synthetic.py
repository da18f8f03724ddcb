"""A synthetic annual program of any size, built with bulk inserts (for benches and tests).

Shapes it like the IEEM program: subprograms with an area, projects, activities with
several units, monthly targets (some months missing, some calendars that do not add up),
alignment to the lines of action of the plan in force, and a few activities of an area
other than their subprogram's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rumbo.institutions.models import Area, Institution
from rumbo.programs.models import (
    Activity,
    AnnualProgram,
    MonthlyTarget,
    ProgramNode,
    UnitOfMeasure,
)
from rumbo.strategy.models import LineOfAction, StrategicPlan

UNITS = ["Reporte", "Solicitud", "Evento", "Sesión", "Casilla"]


@dataclass
class SyntheticProgram:
    program: AnnualProgram
    areas: list[Area]
    units: list[UnitOfMeasure]
    lines: list[LineOfAction]
    activities: int


def synthetic_program(
    *,
    institution: Institution,
    year: int = 2024,
    activities: int = 318,
    subprograms: int = 13,
    projects_per_subprogram: int = 6,
) -> SyntheticProgram:
    """Add a program of ``activities`` activities (a constant number of queries per call)."""
    areas = Area.objects.bulk_create(
        Area(
            institution=institution,
            name=f"Unidad sintética {i}",
            code=f"US{i}",
            normalized_name=f"unidad sintetica {i} {year}",
        )
        for i in range(subprograms)
    )
    units = [UnitOfMeasure(institution=institution, name=n, normalized=n.lower()) for n in UNITS]
    units = UnitOfMeasure.objects.bulk_create(units)
    plan = StrategicPlan.objects.create(
        institution=institution,
        name=f"Plan sintético {year}",
        start_year=year - 1,
        end_year=year + 2,
    )
    lines = LineOfAction.objects.bulk_create(
        LineOfAction(plan=plan, code=f"{o}.{n}", text=f"Línea {o}.{n}", order=o * 10 + n)
        for o in range(1, 4)
        for n in range(1, 4)
    )
    program = AnnualProgram.objects.create(
        institution=institution, year=year, name=f"Programa Anual de Actividades {year}"
    )
    roots = ProgramNode.objects.bulk_create(
        ProgramNode(
            program=program,
            depth=0,
            key=f"{s + 1:02d}",
            name=f"Subprograma sintético {s + 1}",
            area=areas[s],
            objective=f"Objetivo general del subprograma {s + 1}.",
            legal_framework="Código Electoral del Estado de México, artículo 196.",
            order=s,
        )
        for s in range(subprograms)
    )
    projects = ProgramNode.objects.bulk_create(
        ProgramNode(
            program=program,
            parent=root,
            depth=1,
            key=f"{root.key}{p + 1:02d}",
            name=f"Proyecto sintético {root.key}{p + 1:02d}",
            order=p,
        )
        for root in roots
        for p in range(projects_per_subprogram)
    )
    rows = []
    for i in range(activities):
        project = projects[i % len(projects)]
        target = None if i % 97 == 5 else Decimal(12 + i % 7)
        rows.append(
            Activity(
                program=program,
                node=project,
                key=f"{project.key}{i // len(projects) + 1:03d}",
                description=f"Elaboración del informe sintético número {i} de seguimiento",
                unit=units[i % len(units)],
                area=areas[(i + 1) % len(areas)] if i % 29 == 3 else None,
                annual_target=target,
                order=i,
            )
        )
    created = Activity.objects.bulk_create(rows)
    months = []
    for i, activity in enumerate(created):
        target = int(activity.annual_target or 12)
        for month in range(1, 13):
            if i % 31 == 7 and month == 5:
                continue  # an unknown month: the calendar is incomplete
            quantity = target // 12 + (target % 12 if month == 12 else 0)
            quantity += 1 if i % 37 == 11 and month == 1 else 0  # months that do not add up
            months.append(MonthlyTarget(activity=activity, month=month, quantity=quantity))
    MonthlyTarget.objects.bulk_create(months, batch_size=2000)
    through = Activity.lines_of_action.through
    through.objects.bulk_create(
        [
            through(activity_id=a.pk, lineofaction_id=lines[i % len(lines)].pk)
            for i, a in enumerate(created)
            if i % 5 != 4
        ],
        batch_size=2000,
    )
    return SyntheticProgram(
        program=program, areas=areas, units=units, lines=lines, activities=len(created)
    )


def synthetic_progress(*, program: AnnualProgram, months: int = 10) -> int:
    """Add progress for January–``months`` to every activity of ``program`` (bulk inserts):
    a mix of on-target, short, over and missing months, and each area's monthly capture
    (some sent late, one returned). Returns the number of entries."""
    from datetime import UTC, datetime

    from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry

    factors = [Decimal(1), Decimal("0.85"), Decimal("1.3"), Decimal("0.5"), Decimal(1), None]
    entries = []
    targets = MonthlyTarget.objects.filter(activity__program=program, month__lte=months)
    for i, (activity_id, month, quantity) in enumerate(
        targets.values_list("activity_id", "month", "quantity").order_by("activity_id", "month")
    ):
        factor = factors[(activity_id + month + i // 12) % len(factors)]
        if factor is None:
            continue  # not reported
        entries.append(
            ProgressEntry(
                activity_id=activity_id, month=month, achieved=(quantity * factor).quantize(1)
            )
        )
    ProgressEntry.objects.bulk_create(entries, batch_size=2000)
    area_ids = sorted(
        {n.area_id for n in ProgramNode.objects.filter(program=program) if n.area_id is not None}
    )
    reports = []
    for month in range(1, months + 1):
        closes = datetime(program.year + (month == 12), month % 12 + 1, 10, 18, tzinfo=UTC)
        for k, area_id in enumerate(area_ids):
            late = (k + month) % 4 == 0
            returned = (k + month) % 9 == 0
            reports.append(
                PeriodReport(
                    program=program,
                    area_id=area_id,
                    month=month,
                    state=PeriodState.RETURNED if returned else PeriodState.APPROVED,
                    submitted_at=closes.replace(day=14 if late else 8),
                )
            )
    PeriodReport.objects.bulk_create(reports)
    return len(entries)

"""The demo's approved program: the Consejo's approval (a demo acuerdo), two approved
adjustment requests and one pending, so a new user sees the whole cycle; and, once the
simulated budget is loaded, two approved adecuaciones presupuestarias (idempotent).

The requests are made by the enlace of an area for that area's activities and decided by
Planeación; they re-target only November and December, months the simulated capture
leaves open."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from rumbo.audit.services import Actor
from rumbo.budget.figures import budget_figures
from rumbo.institutions.access import can_write_for_area
from rumbo.programs.access import can_access_activity
from rumbo.programs.lifecycle import program_approve
from rumbo.programs.models import Activity, AnnualProgram, ProgramState, node_area_id

from .budget import FROM, TO, BudgetRow
from .models import BUDGET_KINDS, AdjustmentKind, AdjustmentRequest
from .services import Proposal, adjustment_approve, adjustment_request

DEMO_AGREEMENT = "IEEM/CG/DEMO/2024 (acuerdo de demostración)"
OPEN_MONTHS = (11, 12)  # never approved by the simulated capture (January–October)


@dataclass
class DemoApproval:
    approved_now: bool = False
    requests: list[str] = field(default_factory=list)

    def to_text(self, program: AnnualProgram) -> str:
        head = (
            f"Programa {program.institution.code} {program.year}: aprobado con el {DEMO_AGREEMENT}"
            if self.approved_now
            else f"Programa {program.institution.code} {program.year}: ya estaba aprobado"
        )
        lines = [head + f"; versión en vigor {program.version}."]
        lines.extend(f"  {line}" for line in self.requests)
        return "\n".join(lines)


def _candidates(program: AnnualProgram, enlace: AbstractBaseUser) -> list[Activity]:
    """The enlace's activities with a numeric annual target and a December target, by key."""
    activities = (
        Activity.objects.filter(program=program, annual_target__isnull=False)
        .select_related("node", "area", "program__institution")
        .prefetch_related("monthly_targets")
        .order_by("key")
    )
    out = []
    for activity in activities:
        months = {mt.month: mt.quantity for mt in activity.monthly_targets.all()}
        if months.get(12) is not None and can_access_activity(enlace, activity, for_write=True):
            out.append(activity)
    return out


def _months(activity: Activity) -> list[Decimal | None]:
    months: list[Decimal | None] = [None] * 12
    for mt in activity.monthly_targets.all():
        months[mt.month - 1] = mt.quantity
    return months


def demo_approval_ensure(
    *,
    program: AnnualProgram,
    planeacion: AbstractBaseUser,
    enlace: AbstractBaseUser,
) -> DemoApproval:
    result = DemoApproval()
    if program.state in (ProgramState.FORMULACION, ProgramState.REVISION):
        program_approve(
            actor=Actor(user=planeacion, label=f"{planeacion.get_username()} (demostración)"),
            program=program,
            agreement=DEMO_AGREEMENT,
            approved_on=date(program.year, 1, 26),
        )
        result.approved_now = True
    if AdjustmentRequest.objects.filter(program=program).exclude(kind__in=BUDGET_KINDS).exists():
        return result
    activities = _candidates(program, enlace)
    if len(activities) < 3:
        return result
    asks = Actor(user=enlace, label=f"{enlace.get_username()} (demostración)")
    decides = Actor(user=planeacion, label=f"{planeacion.get_username()} (demostración)")

    first, second, third = activities[:3]
    months = _months(first)
    moved = months[11] or Decimal(0)
    months[10], months[11] = (months[10] or Decimal(0)) + moved, Decimal(0)
    calendar = adjustment_request(
        actor=asks,
        program=program,
        proposal=Proposal(kind="calendario", activity=first, monthly_targets=months),
        justification=(
            "Se adelanta a noviembre lo programado en diciembre: el periodo vacacional de fin "
            "de año cierra las oficinas (datos de demostración)."
        ),
    )
    adjustment_approve(
        actor=decides, adjustment=calendar, reason="Procede; no cambia la meta anual."
    )
    result.requests.append(f"Adecuación {calendar.number} (calendario de {first.key}): aprobada.")

    target = second.annual_target or Decimal(0)
    months = _months(second)
    months[11] = (months[11] or Decimal(0)) + 1
    annual = adjustment_request(
        actor=asks,
        program=program,
        proposal=Proposal(
            kind="meta_anual", activity=second, annual_target=target + 1, monthly_targets=months
        ),
        justification=(
            "Se suma una entrega en diciembre por la solicitud del Consejo General (datos de "
            "demostración)."
        ),
    )
    adjustment_approve(actor=decides, adjustment=annual, reason="Procede con el oficio de soporte.")
    result.requests.append(f"Adecuación {annual.number} (meta anual de {second.key}): aprobada.")

    months = _months(third)
    months[11] = (months[11] or Decimal(0)) + 2
    pending = adjustment_request(
        actor=asks,
        program=program,
        proposal=Proposal(kind="calendario", activity=third, monthly_targets=months),
        justification=(
            "Dos eventos más en diciembre por el convenio con el INE (datos de demostración)."
        ),
    )
    result.requests.append(f"Adecuación {pending.number} (calendario de {third.key}): pendiente.")
    program.refresh_from_db()
    return result


BUDGET_MONTH = 11  # after the simulated capture's last month: nothing devengado yet
FROM_ITEM, TO_ITEM, SOURCE = "21101", "33401", "11"  # partidas of every demo proyecto
CENTS = Decimal("0.01")


def _budget_projects(program: AnnualProgram, enlace: AbstractBaseUser) -> list[tuple[str, Decimal]]:
    """The enlace's proyectos with a budget, by key, with their modificado of
    ``FROM_ITEM`` in ``BUDGET_MONTH``."""
    figures = budget_figures(program)
    by_key = figures.by_key_month()
    out = []
    for node in sorted(figures.nodes.values(), key=lambda n: n.key):
        if node.depth != 1:
            continue
        if not can_write_for_area(
            enlace, program.institution_id, node_area_id(node, figures.nodes)
        ):
            continue
        month = by_key.get((node.pk, None, FROM_ITEM, SOURCE), {}).get(BUDGET_MONTH)
        if month is not None and month.modificado > 0:
            out.append((node.key, month.modificado))
    return out


def demo_budget_adjustments_ensure(
    *,
    program: AnnualProgram,
    planeacion: AbstractBaseUser,
    enlace: AbstractBaseUser,
) -> list[str]:
    """Two approved adecuaciones presupuestarias on the simulated budget (idempotent): a
    traspaso of half of a proyecto's November «materiales y útiles de oficina» to its
    «servicios de capacitación», and an ampliación of $250,000.00 to another proyecto's
    December capacitación; asked by the enlace, approved by Planeación."""
    if AdjustmentRequest.objects.filter(program=program, kind__in=BUDGET_KINDS).exists():
        return ["Adecuaciones presupuestarias de demostración: ya estaban."]
    projects = _budget_projects(program, enlace)
    if len(projects) < 2:
        return ["Adecuaciones presupuestarias de demostración: no hay presupuesto simulado."]
    asks = Actor(user=enlace, label=f"{enlace.get_username()} (demostración)")
    decides = Actor(user=planeacion, label=f"{planeacion.get_username()} (demostración)")
    (first, modified), (second, _) = projects[:2]
    half = (modified / 2).quantize(CENTS)
    traspaso = adjustment_request(
        actor=asks,
        program=program,
        proposal=Proposal(
            kind=AdjustmentKind.TRASPASO,
            movements=[
                BudgetRow(FROM, first, FROM_ITEM, SOURCE, BUDGET_MONTH, half),
                BudgetRow(TO, first, TO_ITEM, SOURCE, BUDGET_MONTH, half),
            ],
        ),
        justification=(
            "La capacitación de noviembre a los órganos desconcentrados cuesta más de lo "
            "previsto; la compra de materiales de oficina alcanza con la mitad (datos "
            "simulados para demostración)."
        ),
    )
    adjustment_approve(actor=decides, adjustment=traspaso, reason="Procede; no cambia el total.")
    ampliacion = adjustment_request(
        actor=asks,
        program=program,
        proposal=Proposal(
            kind=AdjustmentKind.AMPLIACION,
            movements=[BudgetRow(TO, second, TO_ITEM, SOURCE, 12, Decimal("250000.00"))],
        ),
        justification=(
            "Ampliación autorizada por el Consejo General para la capacitación de diciembre "
            "(datos simulados para demostración)."
        ),
    )
    adjustment_approve(actor=decides, adjustment=ampliacion, reason="Procede con el acuerdo.")
    return [
        f"Adecuación {traspaso.number} (traspaso presupuestal en {first}): aprobada.",
        f"Adecuación {ampliacion.number} (ampliación presupuestal de {second}): aprobada.",
    ]

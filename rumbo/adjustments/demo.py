"""The demo's approved program: the Consejo's approval (a demo acuerdo), two approved
adjustment requests and one pending, so a new user sees the whole cycle (idempotent).

The requests are made by the enlace of an area for that area's activities and decided by
Planeación; they re-target only November and December, months the simulated capture
leaves open."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from rumbo.audit.services import Actor
from rumbo.programs.access import can_access_activity
from rumbo.programs.lifecycle import program_approve
from rumbo.programs.models import Activity, AnnualProgram, ProgramState

from .models import AdjustmentRequest
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
    if AdjustmentRequest.objects.filter(program=program).exists():
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

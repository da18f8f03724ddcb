"""Simulated monthly progress for the demonstration (``rumbo demo``), clearly labelled.

Everything is written through the monitoring services with ``today=`` set to a day of the
simulated calendar, so capture windows apply exactly as in real use: on-time captures
happen on the 3rd of the following month; late ones after the close day, through a
``WindowExtension`` granted with the reason «Captura tardía (datos simulados de
demostración)». Every comment and justification starts with «[Simulado]», and the actors
are labelled «… (simulado)». The services stamp rows with the wall clock, so afterwards
the timestamps of the simulated rows (entries and period submissions/decisions) are set
to their simulated day — the audit events keep the true time they were recorded.

Values are deterministic (a hash of the activity key and month, no random generator), so
every run builds the same data; a program that already has any monthly capture is left
untouched, which makes loading idempotent. (A program whose months entered the capture
cycle without activity progress — an older demo that loaded only its MIR's measurements —
is left untouched too, and the result says so: those months may be approved, hence locked.)

A month that also needs what another app adds to the capture (the MIR's indicators whose
period closes that month, ``monitoring.cycle.period_content``) cannot be sent before that
is captured: its progress is saved on time and the month stays in borrador, for the app
that captures the rest to send it (``rumbo.indicators.demo`` does, after this load, on
the same simulated day).

The program is flagged ``progress_simulated`` (audited), so that every page, download and
API answer that shows its progress says the figures are simulated. The flag is set also
when the captures were already there: they were written by an earlier run of the demo,
perhaps from before the flag existed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from rumbo.audit.services import Actor, audit_record
from rumbo.core.periods import MONTH_NAMES
from rumbo.core.semaforo import Light, grade
from rumbo.institutions.models import Area
from rumbo.programs.models import Activity, AnnualProgram, MonthlyTarget

from .bands import bands_for_activities
from .cycle import period_content
from .figures import capture_grade
from .models import PeriodReport, ProgressEntry
from .selectors import area_activities, policy_for
from .services import (
    ProgressRow,
    period_approve,
    period_return,
    period_submit,
    progress_save_many,
    window_extend,
)
from .windows import window_dates

SIMULATED = "[Simulado]"
LATE_REASON = "Captura tardía (datos simulados de demostración)"
COMMENT = f"{SIMULATED} Avance capturado para la demostración."
APPROVED = f"{SIMULATED} Sin observaciones."
RETURNED = (
    f"{SIMULATED} Revisar las justificaciones: deben explicar la causa de la variación "
    "y la acción para recuperarla."
)
JUSTIFICATIONS = {
    (Light.YELLOW, "below"): f"{SIMULATED} Retraso menor por la carga de trabajo del periodo.",
    (Light.RED, "below"): (
        f"{SIMULATED} Se reprogramaron actividades por falta de insumos de otras áreas."
    ),
    (Light.YELLOW, "above"): f"{SIMULATED} Se atendieron solicitudes adicionales no previstas.",
    (Light.RED, "above"): (
        f"{SIMULATED} Demanda muy superior a la prevista; se ajustará la programación."
    ),
}

# Per activity, a steady behaviour; per month, a factor from that behaviour's list.
_BEHAVIOURS = (
    (60, ("1", "0.97", "1.04", "1", "0.95", "1.06", "1.02")),  # on track
    (80, ("0.85", "0.9", "0.82", "0.88", "0.95")),  # somewhat behind
    (90, ("1.15", "1.12", "1.18", "1.05")),  # ahead of plan
    (100, ("0.5", "0.6", "0.7", "0.4", "0.8")),  # struggling
)


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def simulated_achieved(key: str, month: int, programmed: Decimal) -> Decimal:
    """What the demo says activity ``key`` achieved in ``month`` (deterministic)."""
    bucket = _hash(key) % 100
    factors = next(f for limit, f in _BEHAVIOURS if bucket < limit)
    factor = Decimal(factors[_hash(f"{key}:{month}") % len(factors)])
    value = programmed * factor
    step = Decimal(1) if programmed == programmed.to_integral_value() else Decimal("0.01")
    return max(value.quantize(step, rounding=ROUND_HALF_UP), Decimal(0))


@dataclass
class DemoProgress:
    """What the load did (or that it found the data already there)."""

    already_loaded: bool = False
    without_progress: bool = False  # already in the capture cycle, but without progress
    entries: int = 0
    periods: Counter[str] = field(default_factory=Counter)
    lights: Counter[Light] = field(default_factory=Counter)
    late: int = 0
    waiting: int = 0  # area × months left in borrador: other content of the month is due

    def to_text(self, code: str, year: int, last_month: int) -> str:
        if self.without_progress:
            return (
                f"Avance simulado de {code} {year}: no se carga, porque el programa ya tiene "
                "meses en el ciclo de captura sin avance de sus actividades (de una "
                "demostración anterior). Para verlo, borra la base de datos de la "
                "demostración y vuelve a ejecutar rumbo demo."
            )
        if self.already_loaded:
            return f"Avance simulado de {code} {year}: ya estaba cargado; no se cambió nada."
        waiting = (
            f"; {self.waiting} meses de un área quedan en borrador hasta capturar los "
            "indicadores de su periodo"
            if self.waiting
            else ""
        )
        states = ", ".join(f"{n} {state}" for state, n in sorted(self.periods.items()))
        return (
            f"Avance simulado de {code} {year} (enero a {MONTH_NAMES[last_month - 1]}, datos "
            f"de demostración): {self.entries} capturas mensuales — "
            f"{self.lights[Light.GREEN]} en verde, {self.lights[Light.YELLOW]} en amarillo, "
            f"{self.lights[Light.RED]} en rojo; {self.late} capturas tardías con prórroga; "
            f"periodos: {states}{waiting}."
        )


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass(frozen=True)
class _Plan:
    """What happens to one area × month."""

    late: bool
    review: str  # "approve", "return", "return_then_approve", "submit_only", "draft"


def _plan(area_index: int, month: int, last_month: int) -> _Plan:
    late = (area_index + month) % 9 == 0
    if month == last_month:
        review = ("draft", "submit_only", "approve")[area_index % 3]
    elif (area_index, month) == (1, last_month - 1):
        review = "return"
    elif (area_index, month) == (2, 4):
        review = "return_then_approve"
    else:
        review = "approve"
    return _Plan(late=late, review=review)


def _rows(
    activities: list[Activity],
    month: int,
    targets: dict[int, dict[int, Decimal]],
    achieved: dict[int, dict[int, Decimal]],
    result: DemoProgress,
) -> list[ProgressRow]:
    bands = bands_for_activities(activities)
    rows = []
    for activity in activities:
        programmed = targets[activity.pk].get(month)
        if not programmed or programmed <= 0:
            continue
        value = simulated_achieved(activity.key, month, programmed)
        achieved[activity.pk][month] = value
        month_grade = grade(programmed=programmed, achieved=value, bands=bands[activity.pk])
        cum_grade = capture_grade(
            month, targets[activity.pk], achieved[activity.pk], bands[activity.pk]
        )
        result.lights[month_grade.light] += 1
        justification = ""
        worst = next((g for g in (cum_grade, month_grade) if g.needs_justification), None)
        if worst is not None:
            side = "above" if (worst.ratio or Decimal(0)) > 100 else "below"
            justification = JUSTIFICATIONS[(worst.light, side)]
        rows.append(
            ProgressRow(
                activity=activity,
                month=month,
                achieved=value,
                comment=COMMENT,
                justification=justification,
                version=None,
            )
        )
    return rows


@transaction.atomic
def demo_progress_load(
    *,
    program: AnnualProgram,
    capturer: AbstractBaseUser,
    reviewer: AbstractBaseUser,
    last_month: int = 10,
) -> DemoProgress:
    """Simulated progress of ``program`` from January to ``last_month`` (see module doc).

    ``capturer`` must be able to capture and submit for every area (Planeación);
    ``reviewer`` to approve and return (Revisión or Planeación).
    """
    result = DemoProgress()
    _flag_simulated(program, capturer)
    if PeriodReport.objects.filter(program=program).exists():
        result.already_loaded = True
        result.without_progress = not ProgressEntry.objects.filter(
            activity__program=program
        ).exists()
        return result
    institution = program.institution
    year = program.year
    close_day = policy_for(institution).close_day
    capture_actor = Actor(user=capturer, label=f"{capturer.get_username()} (simulado)")
    review_actor = Actor(user=reviewer, label=f"{reviewer.get_username()} (simulado)")
    areas = list(Area.objects.filter(institution=institution).order_by("code"))
    by_area = {area.pk: area_activities(program=program, area=area) for area in areas}
    ids = [a.pk for acts in by_area.values() for a in acts]
    targets: dict[int, dict[int, Decimal]] = {pk: {} for pk in ids}
    for activity_id, month, quantity in MonthlyTarget.objects.filter(
        activity_id__in=ids, month__lte=last_month
    ).values_list("activity_id", "month", "quantity"):
        targets[activity_id][month] = quantity
    achieved: dict[int, dict[int, Decimal]] = {pk: {} for pk in ids}
    for month in range(1, last_month + 1):
        opens, closes = window_dates(year=year, month=month, close_day=close_day)
        for index, area in enumerate(areas):
            rows = _rows(by_area[area.pk], month, targets, achieved, result)
            if not rows:
                continue
            plan = _plan(index, month, last_month)
            # Another app's content of the month is still due: the month stays in
            # borrador for that app to send it, on time (its captures are not made late).
            waiting = any(content.errors for content in period_content(program, area, month))
            day = min(opens + timedelta(days=2), closes)
            last_open = closes
            if plan.late and not waiting:
                last_open = closes + timedelta(days=10)
                window_extend(
                    actor=capture_actor,
                    institution=institution,
                    year=year,
                    month=month,
                    area=area,
                    until=last_open,
                    reason=LATE_REASON,
                    today=closes + timedelta(days=1),
                )
                day = closes + timedelta(days=5)
                result.late += 1
            entries = progress_save_many(actor=capture_actor, user=capturer, rows=rows, today=day)
            ProgressEntry.objects.filter(pk__in=[e.pk for e in entries]).update(
                created_at=_at(day, 10), updated_at=_at(day, 10)
            )
            result.entries += len(entries)
            if waiting:
                result.waiting += 1
                continue
            _review(
                plan,
                program=program,
                area=area,
                month=month,
                day=day,
                last_open=last_open,
                capture=(capture_actor, capturer),
                review=(review_actor, reviewer),
            )
    for state in PeriodReport.objects.filter(program=program).values_list("state", flat=True):
        result.periods[state] += 1
    return result


def _flag_simulated(program: AnnualProgram, user: AbstractBaseUser) -> None:
    """Mark the program's progress as simulated (once; audited when it changes)."""
    if program.progress_simulated:
        return
    AnnualProgram.objects.filter(pk=program.pk).update(progress_simulated=True)
    program.progress_simulated = True
    audit_record(
        actor=Actor(user=user, label=f"{user.get_username()} (simulado)"),
        institution_id=program.institution_id,
        action="program.simulated",
        obj=program,
        before={"progress_simulated": False},
        after={"progress_simulated": True},
        reason="Avance simulado de demostración (rumbo demo).",
    )


def _review(
    plan: _Plan,
    *,
    program: AnnualProgram,
    area: Area,
    month: int,
    day: date,
    last_open: date,
    capture: tuple[Actor, AbstractBaseUser],
    review: tuple[Actor, AbstractBaseUser],
) -> None:
    """Submit, then approve or return, as ``plan`` says; timestamps on the simulated days."""
    if plan.review == "draft":
        return
    period = PeriodReport.objects.filter(program=program, area=area, month=month)
    period_submit(
        actor=capture[0], user=capture[1], today=day, program=program, area=area, month=month
    )
    submitted = _at(day, 13)
    decided = _at(day + timedelta(days=3), 11)
    if plan.review == "submit_only":
        period.update(submitted_at=submitted)
        return
    if plan.review in ("return", "return_then_approve"):
        period_return(
            actor=review[0],
            user=review[1],
            reason=RETURNED,
            program=program,
            area=area,
            month=month,
        )
        if plan.review == "return":
            period.update(submitted_at=submitted, decided_at=decided)
            return
        day = min(day + timedelta(days=4), last_open)
        period_submit(
            actor=capture[0], user=capture[1], today=day, program=program, area=area, month=month
        )
        submitted = _at(day, 13)
        decided = _at(day + timedelta(days=2), 11)
    period_approve(
        actor=review[0], user=review[1], comment=APPROVED, program=program, area=area, month=month
    )
    period.update(submitted_at=submitted, decided_at=decided)

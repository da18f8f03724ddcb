"""Simulated indicator measurements for the demonstration (``rumbo demo``), clearly labelled.

The same approach as ``rumbo.monitoring.demo``: everything goes through the services —
``measurement_save`` for each period of each indicator of a design, then ``period_submit``
by the capturer and ``period_approve`` by the reviewer — with ``today=`` set to the 3rd of
the month after the period closes, so capture windows apply as in real use. Every comment
and approval starts with «[Simulado]», the actors are labelled «… (simulado)», and the
timestamps of the simulated rows are set to their simulated day afterwards (audit events
keep the true time they were recorded).

Values are deterministic (a hash of the indicator and period, no random generator): each
indicator gets a steady behaviour (on track, somewhat behind, struggling) and each period a
factor of its target from that behaviour; the variables are whole numbers found by
evaluating the indicator's own formula. A design whose indicators already hold any
measurement is left untouched, which makes loading idempotent.

An area's month is sent only when everything in it is captured: when the program's
activities of that area have progress due that month and the demo has not simulated it
(``rumbo.monitoring.demo`` simulates up to its last month, the MIR every period of the
year), the measurements stay captured and the month in borrador; the result says which.

The design's MIR is flagged ``measurements_simulated`` (audited), so that every page,
download and API answer that shows its measurements says they are simulated; also when
the measurements were already there (written by an earlier run of the demo, perhaps from
before the flag existed).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rumbo.audit.services import Actor, audit_record
from rumbo.core.periods import MONTH_NAMES, Frequency, period_closing_in
from rumbo.core.semaforo import Bands, Direction, Light, grade
from rumbo.institutions.models import Area
from rumbo.monitoring.models import PeriodReport
from rumbo.monitoring.selectors import policy_for
from rumbo.monitoring.services import period_approve, period_submit
from rumbo.monitoring.windows import window_dates
from rumbo.programs.models import AnnualProgram

from .formula import Formula, FormulaError, parse
from .models import FormulaType, Indicator, Measurement, Mir, ProgramDesign
from .selectors import bands_for_indicators, period_target
from .services import measurement_save

SIMULATED = "[Simulado]"
COMMENT = f"{SIMULATED} Medición capturada para la demostración."
APPROVED = f"{SIMULATED} Sin observaciones."
JUSTIFICATIONS = {
    (Light.YELLOW, "below"): f"{SIMULATED} Menos respuestas o acciones de las previstas.",
    (Light.RED, "below"): (
        f"{SIMULATED} Las actividades del periodo se reprogramaron; se recuperarán en el siguiente."
    ),
    (Light.YELLOW, "above"): f"{SIMULATED} Resultado superior a la meta prevista.",
    (Light.RED, "above"): f"{SIMULATED} Resultado muy superior a la meta; se ajustará.",
}
QUANTUM = Decimal("0.0001")  # what measurement_save keeps

# Per indicator a steady behaviour; per period, a factor of the target from its list.
_BEHAVIOURS = (
    (35, ("1", "0.97", "1.03", "1.05", "0.95")),  # on track
    (60, ("0.93", "0.86", "0.88", "1", "0.83")),  # somewhat behind
    (100, ("0.72", "0.85", "0.65", "0.9", "0.78")),  # struggling
)
# Whole-number sizes of the variables other than the first (encuestas, acciones…).
_SIZES = (40, 48, 60, 75, 80, 96, 120)
_NO_TARGET = Decimal(80)


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _wanted(indicator: Indicator, number: int, target: Decimal | None) -> Decimal:
    key = f"{indicator.row.code}:{indicator.order}:{indicator.name}"
    bucket = _hash(key) % 100
    factors = next(f for limit, f in _BEHAVIOURS if bucket < limit)
    factor = Decimal(factors[_hash(f"{key}:{number}") % len(factors)])
    if indicator.direction == Direction.DESCENDING and factor:
        factor = 1 / factor
    value = (target if target is not None else _NO_TARGET) * factor
    if indicator.formula_type == FormulaType.PERCENT:
        value = min(value, Decimal(100))
    return value


def simulated_values(
    indicator: Indicator, formula: Formula, number: int, target: Decimal | None
) -> dict[str, Decimal] | None:
    """Whole-number variables whose formula value comes closest to the simulated result.

    The variables after the first get a size from a hash; the first is searched from 0 to
    four times the largest size. ``None`` when no value can be computed (e.g. a formula
    that divides by the first variable and nothing else works).
    """
    names = formula.variables
    if not names:
        return None
    key = f"{indicator.row.code}:{indicator.order}:{number}"
    values = {n: Decimal(_SIZES[_hash(f"{key}:{n}") % len(_SIZES)]) for n in names[1:]}
    wanted = _wanted(indicator, number, target)
    best: tuple[Decimal, dict[str, Decimal]] | None = None
    for candidate in range(4 * int(max(values.values(), default=Decimal(100))) + 1):
        trial = {**values, names[0]: Decimal(candidate)}
        try:
            result = formula.evaluate(trial)
        except FormulaError:
            continue
        distance = abs(result - wanted)
        if best is None or distance < best[0]:
            best = (distance, trial)
    return best[1] if best else None


@dataclass
class DemoMeasurements:
    """What the load did (or that it found the data already there)."""

    already_loaded: bool = False
    measurements: int = 0
    skipped: int = 0
    lights: Counter[Light] = field(default_factory=Counter)
    periods: Counter[str] = field(default_factory=Counter)
    unsent: list[tuple[str, int]] = field(default_factory=list)  # (area code, month)

    def to_text(self, title: str) -> str:
        if self.already_loaded:
            return f"Mediciones simuladas de «{title}»: ya estaban cargadas; no se cambió nada."
        states = ", ".join(f"{n} {state}" for state, n in sorted(self.periods.items()))
        skipped = f"; {self.skipped} sin simular" if self.skipped else ""
        unsent = ""
        if self.unsent:
            months = ", ".join(f"{code} {MONTH_NAMES[m - 1]}" for code, m in self.unsent)
            unsent = (
                f"; sin enviar, porque el mes aún no está completo (avance de las "
                f"actividades por capturar): {months}"
            )
        return (
            f"Mediciones simuladas de «{title}» (datos de demostración): "
            f"{self.measurements} mediciones — {self.lights[Light.GREEN]} en verde, "
            f"{self.lights[Light.YELLOW]} en amarillo, {self.lights[Light.RED]} en rojo"
            f"{skipped}; periodos: {states or 'ninguno'}{unsent}."
        )


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _justification(
    indicator: Indicator, value: Decimal, target: Decimal | None, bands: Bands
) -> str:
    result = grade(
        programmed=target, achieved=value, bands=bands, direction=Direction(indicator.direction)
    )
    if not result.needs_justification:
        return ""
    side = "above" if (result.ratio or Decimal(0)) > 100 else "below"
    return JUSTIFICATIONS[(result.light, side)]


@transaction.atomic
def demo_measurements_load(
    *,
    design: ProgramDesign,
    capturer: AbstractBaseUser,
    reviewer: AbstractBaseUser,
) -> DemoMeasurements:
    """Simulated measurements of every period of the year for ``design``'s indicators.

    ``capturer`` must be able to capture and submit for the indicators' areas (their Enlace
    or Planeación); ``reviewer`` to approve (Revisión or Planeación).
    """
    result = DemoMeasurements()
    _flag_simulated(design, capturer)
    indicators = list(
        Indicator.objects.filter(row__mir__design=design)
        .select_related("row__mir", "area")
        .prefetch_related("targets")
        .order_by("row__order", "order", "pk")
    )
    if Measurement.objects.filter(indicator__in=indicators).exists():
        result.already_loaded = True
        return result
    program = design.node.program
    close_day = policy_for(program.institution).close_day
    capture_actor = Actor(user=capturer, label=f"{capturer.get_username()} (simulado)")
    review_actor = Actor(user=reviewer, label=f"{reviewer.get_username()} (simulado)")
    bands = bands_for_indicators(indicators)
    formulas = {i.pk: parse(i.formula) for i in indicators}
    for month in range(1, 13):
        due: dict[int, list[tuple[Indicator, int]]] = defaultdict(list)
        for indicator in indicators:
            closing = period_closing_in(Frequency(indicator.frequency), month)
            if closing is not None:
                due[indicator.area_id].append((indicator, closing.number))
        if not due:
            continue
        opens, closes = window_dates(year=program.year, month=month, close_day=close_day)
        day = min(opens + timedelta(days=2), closes)
        for items in due.values():
            area = items[0][0].area
            saved = []
            for indicator, number in items:
                targets = {t.period: t.value for t in indicator.targets.all()}
                target = period_target(targets, indicator, number)
                values = simulated_values(indicator, formulas[indicator.pk], number, target)
                if values is None:
                    result.skipped += 1
                    continue
                value = formulas[indicator.pk].evaluate(values).quantize(QUANTUM)
                bands_of = bands[indicator.pk]
                entry = measurement_save(
                    actor=capture_actor,
                    user=capturer,
                    indicator=indicator,
                    period=number,
                    values={k: str(v) for k, v in values.items()},
                    comment=COMMENT,
                    justification=_justification(indicator, value, target, bands_of),
                    version=None,
                    today=day,
                )
                saved.append(entry.pk)
                light = grade(
                    programmed=target,
                    achieved=entry.value,
                    bands=bands_of,
                    direction=Direction(indicator.direction),
                ).light
                result.lights[light] += 1
            if not saved:
                continue
            result.measurements += len(saved)
            Measurement.objects.filter(pk__in=saved).update(
                created_at=_at(day, 10), updated_at=_at(day, 10)
            )
            sent = _submit_and_approve(
                program=program,
                area=area,
                month=month,
                day=day,
                capture=(capture_actor, capturer),
                review=(review_actor, reviewer),
            )
            if not sent:
                result.unsent.append((area.code, month))
    for state in PeriodReport.objects.filter(program=program).values_list("state", flat=True):
        result.periods[state] += 1
    return result


def _flag_simulated(design: ProgramDesign, user: AbstractBaseUser) -> None:
    """Mark the design's MIR as holding simulated measurements (audited when it changes)."""
    mir = Mir.objects.filter(design=design, measurements_simulated=False).first()
    if mir is None:
        return
    Mir.objects.filter(pk=mir.pk).update(measurements_simulated=True)
    audit_record(
        actor=Actor(user=user, label=f"{user.get_username()} (simulado)"),
        institution_id=design.node.program.institution_id,
        action="mir.simulated",
        obj=mir,
        before={"measurements_simulated": False},
        after={"measurements_simulated": True},
        reason="Mediciones simuladas de demostración (rumbo demo).",
    )


def _submit_and_approve(
    *,
    program: AnnualProgram,
    area: Area,
    month: int,
    day: date,
    capture: tuple[Actor, AbstractBaseUser],
    review: tuple[Actor, AbstractBaseUser],
) -> bool:
    """Send and approve the month; False (nothing changed) when it cannot be sent yet
    because its activities' progress is missing (``period_submit``'s ValidationError)."""
    try:
        period_submit(
            actor=capture[0], user=capture[1], today=day, program=program, area=area, month=month
        )
    except ValidationError:
        return False
    period_approve(
        actor=review[0],
        user=review[1],
        comment=APPROVED,
        program=program,
        area=area,
        month=month,
    )
    PeriodReport.objects.filter(program=program, area=area, month=month).update(
        submitted_at=_at(day, 13), decided_at=_at(day + timedelta(days=3), 11)
    )
    return True

"""Simulated measurements of the demo: through the services, graded, labelled, idempotent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.core.semaforo import Direction, Light, grade
from rumbo.design.loader import import_design
from rumbo.design.models import ProgramDesign
from rumbo.design.services import program_from_design
from rumbo.indicators.demo import SIMULATED, demo_measurements_load, simulated_values
from rumbo.indicators.formula import parse
from rumbo.indicators.models import Indicator, Measurement, Mir
from rumbo.indicators.selectors import bands_for_indicators, period_target
from rumbo.institutions.models import Area, Institution
from rumbo.institutions.services import user_ensure
from rumbo.monitoring.models import PeriodReport, PeriodState


@pytest.fixture
def vinculacion(db, samples_dir: Path):  # type: ignore[no-untyped-def]
    import_design(
        samples_dir / "iecm_vinculacion_2024.json", institution_code="IECM", actor=Actor.cli()
    )
    design = ProgramDesign.objects.select_related("node__program").get()
    institution = Institution.objects.get(code="IECM")
    dvoe = Area.objects.get(institution=institution, code="DVOE")
    capturer, _ = user_ensure(
        username="enlace_dvoe",
        password="x",
        institution=institution,
        role="enlace",
        area=dvoe,
        actor=Actor.cli(),
    )
    reviewer, _ = user_ensure(
        username="revisor_iecm",
        password="x",
        institution=institution,
        role="revisor",
        area=None,
        actor=Actor.cli(),
    )
    return design, capturer, reviewer


def test_every_period_is_measured_graded_and_approved(vinculacion) -> None:  # type: ignore[no-untyped-def]
    design, capturer, reviewer = vinculacion
    result = demo_measurements_load(design=design, capturer=capturer, reviewer=reviewer)
    assert not result.already_loaded
    # 2 annual indicators × 1 period + 5 quarterly × 4 periods
    assert result.measurements == Measurement.objects.count() == 22
    assert result.skipped == 0
    assert all(result.lights[light] > 0 for light in (Light.GREEN, Light.YELLOW, Light.RED))
    assert sum(result.lights.values()) == 22
    reports = list(PeriodReport.objects.filter(program=design.node.program))
    assert sorted(r.month for r in reports) == [3, 6, 9, 12]
    assert {r.state for r in reports} == {PeriodState.APPROVED}
    assert all(r.comment.startswith(SIMULATED) for r in reports)
    assert all(r.submitted_at and r.submitted_at.date() < date(2025, 2, 1) for r in reports)

    measurements = Measurement.objects.select_related("indicator").prefetch_related(
        "indicator__targets"
    )
    bands = bands_for_indicators(Indicator.objects.all())
    lights = []
    for m in measurements:
        indicator = m.indicator
        values = {k: Decimal(v) for k, v in m.values.items()}
        assert m.value is not None
        assert parse(indicator.formula).evaluate(values).quantize(m.value) == m.value
        assert m.comment.startswith(SIMULATED)
        target = period_target(
            {t.period: t.value for t in indicator.targets.all()}, indicator, m.period
        )
        g = grade(
            programmed=target,
            achieved=m.value,
            bands=bands[indicator.pk],
            direction=Direction(indicator.direction),
        )
        lights.append(g.light)
        assert bool(m.justification) == g.needs_justification
        assert not m.justification or m.justification.startswith(SIMULATED)
        assert m.updated_by == capturer
        assert m.created_at.year in (2024, 2025) and m.created_at.date() <= date(2025, 1, 31)
    assert sorted(lights) == sorted(result.lights.elements())


def test_loading_twice_changes_nothing(vinculacion) -> None:  # type: ignore[no-untyped-def]
    design, capturer, reviewer = vinculacion
    demo_measurements_load(design=design, capturer=capturer, reviewer=reviewer)
    stored = list(Measurement.objects.order_by("pk").values_list("pk", "values", "version"))
    again = demo_measurements_load(design=design, capturer=capturer, reviewer=reviewer)
    assert again.already_loaded
    assert "ya estaban cargadas" in again.to_text(design.title)
    assert list(Measurement.objects.order_by("pk").values_list("pk", "values", "version")) == stored


def test_values_are_deterministic_and_follow_the_formula(vinculacion) -> None:  # type: ignore[no-untyped-def]
    indicator = Indicator.objects.get(row__code="C3")
    formula = parse(indicator.formula)
    first = simulated_values(indicator, formula, 2, None)
    assert first is not None
    assert simulated_values(indicator, formula, 2, None) == first
    assert set(first) == set(formula.variables)
    assert all(v == v.to_integral_value() and v >= 0 for v in first.values())
    # a percentage never passes 100 even when the target asks for more
    high = simulated_values(indicator, formula, 1, Decimal(150))
    assert high is not None and formula.evaluate(high) <= 100


def test_an_indicator_without_a_usable_formula_is_skipped(vinculacion) -> None:  # type: ignore[no-untyped-def]
    indicator = Indicator.objects.get(row__code="C3")
    assert (
        simulated_values(
            indicator, parse("100 / (gestiones_atendidas - gestiones_atendidas)"), 1, None
        )
        is None
    )
    assert simulated_values(indicator, parse("42"), 1, None) is None


def test_the_demo_flags_the_mir_as_simulated(vinculacion) -> None:  # type: ignore[no-untyped-def]
    design, capturer, reviewer = vinculacion
    assert not Mir.objects.get(design=design).measurements_simulated
    demo_measurements_load(design=design, capturer=capturer, reviewer=reviewer)
    assert Mir.objects.get(design=design).measurements_simulated
    assert AuditEvent.objects.filter(action="mir.simulated").count() == 1
    again = demo_measurements_load(design=design, capturer=capturer, reviewer=reviewer)
    assert again.already_loaded
    assert AuditEvent.objects.filter(action="mir.simulated").count() == 1


def test_a_month_whose_activities_have_no_progress_is_not_sent(vinculacion) -> None:  # type: ignore[no-untyped-def]
    """With the cronograma's activities in the program and no simulated progress, every
    month with an indicator due (3, 6, 9, 12) has activities programmed and nothing
    captured for them: the measurements are stored, the months stay in borrador."""
    design, capturer, reviewer = vinculacion
    program_from_design(actor=Actor.cli(), design=design)
    result = demo_measurements_load(design=design, capturer=capturer, reviewer=reviewer)
    assert result.measurements == Measurement.objects.count() == 22
    assert result.unsent == [("DVOE", 3), ("DVOE", 6), ("DVOE", 9), ("DVOE", 12)]
    states = set(
        PeriodReport.objects.filter(program=design.node.program).values_list("month", "state")
    )
    assert states == {(m, PeriodState.DRAFT) for m in (3, 6, 9, 12)}
    assert "sin enviar, porque el mes aún no está completo" in result.to_text(design.title)

"""The program × month summary stays equal to a fresh computation after any sequence of the
events that change approved figures, each through its service (no rebuild in between)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rumbo.audit.services import Actor
from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry
from rumbo.monitoring.services.periods import (
    CaptureRef,
    period_approve,
    period_approve_many,
    period_reopen,
)
from rumbo.monitoring.services.policy import bands_clear_activity, bands_set_activity
from rumbo.opendata.models import ProgramMonthSummary
from rumbo.opendata.summary import FIGURES, program_month_figures, summary_rebuild
from tests.factories import Demo

from .conftest import publish

pytestmark = pytest.mark.django_db

MONTHS = (1, 2, 3, 4)
STEP = st.tuples(
    st.sampled_from(["approve", "reopen", "approve_two", "bands"]),
    st.integers(0, 1),  # area: SE or DO
    st.sampled_from(MONTHS),
    st.integers(1, 20),  # the day of the next month the capture was sent (close day: 10)
    st.integers(0, 500),  # what 010101 / 020101 achieved that month
)


def stored(program_id: int) -> list[tuple[object, ...]]:
    return [
        (r["month"], *(r[name] for name in FIGURES))
        for r in ProgramMonthSummary.objects.filter(program_id=program_id)
        .order_by("month")
        .values("month", *FIGURES)
    ]


def fresh(demo: Demo) -> list[tuple[object, ...]]:
    return [(f.month, *f.values()) for f in program_month_figures(demo.program)]


def _sent(demo: Demo, area, month: int, day: int, achieved: int) -> PeriodReport:  # type: ignore[no-untyped-def]
    """Set up a sent capture (the test's shortcut: the submit service needs an open
    window) with an entry for the area's first activity."""
    activity = demo.activity_full if area == demo.area_se else demo.activity_otra
    ProgressEntry.objects.update_or_create(
        activity=activity, month=month, defaults={"achieved": Decimal(achieved)}
    )
    report, _ = PeriodReport.objects.update_or_create(
        program=demo.program,
        area=area,
        month=month,
        defaults={
            "state": PeriodState.SUBMITTED,
            "submitted_at": datetime(2024, month + 1, day, 18, tzinfo=UTC),
        },
    )
    return report


def _approve(demo: Demo, actor: Actor, area, month: int, day: int, achieved: int) -> None:  # type: ignore[no-untyped-def]
    current = PeriodReport.objects.filter(program=demo.program, area=area, month=month).first()
    if current is not None and current.state == PeriodState.APPROVED:
        return
    _sent(demo, area, month, day, achieved)
    period_approve(actor=actor, user=actor.user, program=demo.program, area=area, month=month)


def _approve_two(demo: Demo, actor: Actor, month: int, day: int, achieved: int) -> None:
    refs = []
    for area in (demo.area_se, demo.area_otra):
        current = PeriodReport.objects.filter(program=demo.program, area=area, month=month).first()
        if current is None or current.state != PeriodState.APPROVED:
            report = _sent(demo, area, month, day, achieved)
            refs.append(CaptureRef(report_id=report.pk, version=report.version))
    if refs:
        period_approve_many(actor=actor, user=actor.user, captures=refs)


def _reopen(demo: Demo, actor: Actor, area, month: int) -> None:  # type: ignore[no-untyped-def]
    current = PeriodReport.objects.filter(program=demo.program, area=area, month=month).first()
    if current is not None and current.state == PeriodState.APPROVED:
        period_reopen(
            actor=actor,
            user=actor.user,
            program=demo.program,
            area=area,
            month=month,
            reason="Corrección.",
        )


def _bands(demo: Demo, actor: Actor, achieved: int) -> None:
    """Widen or clear 010101's own bands (its semáforo, so the share on track): green
    from 2 % to 1,000 %."""
    if achieved % 2:
        bands_set_activity(
            actor=actor,
            activity=demo.activity_full,
            yellow_low=1,
            green_low=2,
            green_high=1000,
            yellow_high=2000,
        )
    else:
        bands_clear_activity(actor=actor, activity=demo.activity_full)


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_summary_follows_every_event(demo: Demo) -> None:
    publish(demo.program)
    actor = Actor.for_user(demo.users["planeacion"])
    areas = (demo.area_se, demo.area_otra)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(steps=st.lists(STEP, min_size=1, max_size=8))
    def run(steps: list[tuple[str, int, int, int, int]]) -> None:
        PeriodReport.objects.filter(program=demo.program).delete()
        ProgressEntry.objects.filter(activity__program=demo.program).delete()
        bands_clear_activity(actor=actor, activity=demo.activity_full)
        summary_rebuild()
        for action, a, month, day, achieved in steps:
            area = areas[a]
            if action == "approve":
                _approve(demo, actor, area, month, day, achieved)
            elif action == "approve_two":
                _approve_two(demo, actor, month, day, achieved)
            elif action == "reopen":
                _reopen(demo, actor, area, month)
            else:
                _bands(demo, actor, achieved)
            assert stored(demo.program.pk) == fresh(demo), steps

    run()


def test_the_fresh_computation_is_not_trivial(demo: Demo) -> None:
    """The property above compares something: approving January makes it non-null."""
    publish(demo.program)
    actor = Actor.for_user(demo.users["planeacion"])
    summary_rebuild()
    assert all(row[1:] == (None,) * 4 for row in stored(demo.program.pk))
    _approve(demo, actor, demo.area_se, 1, 5, 340)
    january = stored(demo.program.pk)[0]
    # 010101 340 of 340 (100 %), 010103 and 010104 0 of 1 (0 %), 010102 grey.
    assert january == (1, Decimal("33.33"), Decimal("33.33"), Decimal(100), Decimal(100))


def test_rebuild_command_restores_a_damaged_summary(demo: Demo, capsys) -> None:  # type: ignore[no-untyped-def]
    publish(demo.program)
    actor = Actor.for_user(demo.users["planeacion"])
    _approve(demo, actor, demo.area_se, 1, 5, 340)
    ProgramMonthSummary.objects.filter(month=1).update(average_compliance=Decimal(1))
    ProgramMonthSummary.objects.filter(month=2).delete()
    assert stored(demo.program.pk) != fresh(demo)
    call_command("rumbo_opendata", "rebuild-summary")
    assert "1 programas publicados" in capsys.readouterr().out
    assert stored(demo.program.pk) == fresh(demo)
    assert stored(demo.program.pk)[0][1] == Decimal("33.33")


def test_an_approved_adjustment_rewrites_the_summary(demo: Demo) -> None:
    """An «alta» in the approved program, with SE's January approved: a new SE activity
    programmed 1 in January, nothing achieved, joins January's figures."""
    from datetime import date

    from rumbo.adjustments.services import Proposal, adjustment_approve, adjustment_request
    from rumbo.programs.lifecycle import program_approve

    publish(demo.program)
    planeacion = Actor.for_user(demo.users["planeacion"])
    program_approve(
        actor=planeacion,
        program=demo.program,
        agreement="IEEM/CG/01/2024",
        approved_on=date(2024, 1, 9),
    )
    _approve(demo, planeacion, demo.area_se, 1, 5, 300)
    # 300 of 340 = 88.24 %; 010103 and 010104 0 of 1: (88.24 + 0 + 0) ÷ 3 = 29.41.
    assert stored(demo.program.pk)[0][1] == Decimal("29.41")
    request = adjustment_request(
        actor=Actor.for_user(demo.users["enlace_se"]),
        program=demo.program,
        proposal=Proposal(
            kind="alta",
            key="010105",
            node=demo.project,
            area_code="SE",
            description="Actividad nueva",
            unit="Reporte",
            annual_target="12",
            monthly_targets=[1] * 12,
        ),
        justification="Se agrega.",
    )
    adjustment_approve(actor=planeacion, adjustment=request)
    # 010105: 0 of 1 (red). (88.24 + 0 + 0 + 0) ÷ 4 = 22.06.
    assert stored(demo.program.pk)[0][1] == Decimal("22.06")
    assert stored(demo.program.pk) == fresh(demo)

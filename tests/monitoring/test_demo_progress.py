"""`rumbo demo` loads simulated progress for IEEM 2024: a mix of colours, late captures
through extensions, a returned period, October partly in borrador; and only once."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils.timezone import localtime

from rumbo.audit.models import AuditEvent
from rumbo.core.semaforo import Light, grade
from rumbo.indicators.models import Indicator
from rumbo.monitoring.bands import bands_for_activities
from rumbo.monitoring.demo import LATE_REASON, SIMULATED, demo_progress_load, simulated_achieved
from rumbo.monitoring.demo_window import OPEN_REASON
from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry, WindowExtension
from rumbo.monitoring.windows import window_dates
from rumbo.programs.models import Activity, MonthlyTarget


def _snapshot() -> tuple[int, ...]:
    return (
        ProgressEntry.objects.count(),
        PeriodReport.objects.count(),
        WindowExtension.objects.count(),
        AuditEvent.objects.count(),
        sum(ProgressEntry.objects.values_list("version", flat=True)),
        sum(PeriodReport.objects.values_list("version", flat=True)),
    )


@pytest.mark.django_db(transaction=True)
def test_demo_loads_simulated_progress_once() -> None:
    out = io.StringIO()
    call_command("rumbo_demo", stdout=out)
    assert "Avance simulado de IEEM 2024 (enero a octubre" in out.getvalue()

    entries = list(
        ProgressEntry.objects.filter(
            activity__program__institution__code="IEEM", activity__program__year=2024
        ).select_related("activity", "activity__program")
    )
    assert entries
    assert {e.month for e in entries} == set(range(1, 11))
    assert all(e.comment.startswith(SIMULATED) for e in entries)
    assert all(not e.justification or e.justification.startswith(SIMULATED) for e in entries)

    targets = {
        (a, m): q
        for a, m, q in MonthlyTarget.objects.filter(
            activity_id__in={e.activity_id for e in entries}
        ).values_list("activity_id", "month", "quantity")
    }
    bands = bands_for_activities(Activity.objects.filter(pk__in={e.activity_id for e in entries}))
    lights = Counter(
        grade(
            programmed=targets[(e.activity_id, e.month)],
            achieved=e.achieved,
            bands=bands[e.activity_id],
        ).light
        for e in entries
    )
    assert lights[Light.GREEN] > lights[Light.YELLOW] > 0
    assert lights[Light.RED] > 0
    assert lights[Light.GREY] == 0
    # Non-green months carry a justification.
    for e in entries:
        g = grade(
            programmed=targets[(e.activity_id, e.month)],
            achieved=e.achieved,
            bands=bands[e.activity_id],
        )
        if g.needs_justification:
            assert e.justification, (e.activity.key, e.month)

    reports = PeriodReport.objects.filter(program__institution__code="IEEM", program__year=2024)
    states = Counter(reports.values_list("state", flat=True))
    assert states[PeriodState.APPROVED] > sum(states.values()) * 0.8  # most are approved
    returned = reports.get(state=PeriodState.RETURNED)
    assert returned.comment.startswith(SIMULATED)
    october = Counter(reports.filter(month=10).values_list("state", flat=True))
    assert october[PeriodState.DRAFT] > 0
    assert set(reports.filter(state=PeriodState.DRAFT).values_list("month", flat=True)) == {10}

    # Late captures: each under an extension with the simulated reason, after the close day.
    # (The demo's open month for newcomers is a prórroga of its own, tested in tests/cli.)
    extensions = list(
        WindowExtension.objects.filter(institution__code="IEEM").exclude(reason=OPEN_REASON)
    )
    assert extensions
    for ext in extensions:
        assert ext.reason == LATE_REASON
        _, closes = window_dates(year=ext.year, month=ext.month, close_day=10)
        assert ext.until > closes
        late = reports.get(area=ext.area, month=ext.month)
        assert late.submitted_at is not None
        assert closes < localtime(late.submitted_at).date() <= ext.until
    late_areas = [e.area_id for e in extensions if e.month == 1]
    on_time = reports.filter(month=1).exclude(area_id__in=late_areas)
    assert on_time
    assert all(localtime(r.submitted_at).date() <= date(2024, 2, 10) for r in on_time)
    # (the IECM's program, made from its design's cronograma, has late captures of its own)
    assert AuditEvent.objects.filter(
        action="window.extend", reason=LATE_REASON, institution__code="IEEM"
    ).count() == len(extensions)
    assert AuditEvent.objects.filter(action="period.return").exists()

    before = _snapshot()
    again = io.StringIO()
    call_command("rumbo_demo", stdout=again)
    assert "ya estaba cargado" in again.getvalue()
    assert _snapshot() == before


def test_simulated_values_are_deterministic_and_sized_like_the_target() -> None:
    first = [simulated_achieved("010203", m, Decimal(10)) for m in range(1, 13)]
    assert first == [simulated_achieved("010203", m, Decimal(10)) for m in range(1, 13)]
    assert all(v == v.to_integral_value() and v >= 0 for v in first)
    assert simulated_achieved("010203", 1, Decimal("0.25")).as_tuple().exponent >= -2


@pytest.mark.django_db
def test_the_demo_flags_the_program_as_simulated_once(demo) -> None:  # type: ignore[no-untyped-def]
    """The flag, not the «[Simulado]» texts, is what every public face reads."""
    Indicator.objects.all().delete()  # no measurement due: the months can be sent
    users = demo.users
    program = demo.program
    assert not program.progress_simulated
    demo_progress_load(
        program=program, capturer=users["planeacion"], reviewer=users["revisor"], last_month=2
    )
    program.refresh_from_db()
    assert program.progress_simulated
    assert AuditEvent.objects.filter(action="program.simulated").count() == 1
    demo_progress_load(
        program=program, capturer=users["planeacion"], reviewer=users["revisor"], last_month=2
    )
    assert AuditEvent.objects.filter(action="program.simulated").count() == 1


@pytest.mark.django_db
def test_progress_loaded_before_the_flag_existed_is_flagged_on_the_next_run(demo) -> None:  # type: ignore[no-untyped-def]
    PeriodReport.objects.create(program=demo.program, area=demo.area_se, month=1)
    result = demo_progress_load(
        program=demo.program, capturer=demo.users["planeacion"], reviewer=demo.users["revisor"]
    )
    assert result.already_loaded
    demo.program.refresh_from_db()
    assert demo.program.progress_simulated


@pytest.mark.django_db
def test_months_in_the_cycle_without_progress_are_left_alone_and_said(demo) -> None:  # type: ignore[no-untyped-def]
    """An older demo sent the months of a MIR's indicators without activity progress:
    those months may be locked, so nothing is loaded and the result says why."""
    PeriodReport.objects.create(
        program=demo.program, area=demo.area_se, month=3, state=PeriodState.APPROVED
    )
    result = demo_progress_load(
        program=demo.program, capturer=demo.users["planeacion"], reviewer=demo.users["revisor"]
    )
    assert result.already_loaded and result.without_progress
    assert not ProgressEntry.objects.exists()
    assert "sin avance de sus actividades" in result.to_text("IEEM", 2024, 10)
    ProgressEntry.objects.create(activity=demo.activity_full, month=1, achieved=1)
    again = demo_progress_load(
        program=demo.program, capturer=demo.users["planeacion"], reviewer=demo.users["revisor"]
    )
    assert again.already_loaded and not again.without_progress


@pytest.mark.django_db
def test_a_month_with_indicators_due_stays_in_borrador_for_them(demo) -> None:  # type: ignore[no-untyped-def]
    """The demo design has a monthly indicator of SE (a11) and a trimestral one (c1): every
    SE month has an indicator due, so none can be sent before its measurements; DO's
    months (its semestral indicator closes in June) are sent otherwise."""
    result = demo_progress_load(
        program=demo.program,
        capturer=demo.users["planeacion"],
        reviewer=demo.users["revisor"],
        last_month=2,
    )
    se = PeriodReport.objects.filter(program=demo.program, area=demo.area_se)
    assert set(se.values_list("month", "state")) == {
        (1, PeriodState.DRAFT),
        (2, PeriodState.DRAFT),
    }
    assert result.waiting == 2
    assert ProgressEntry.objects.filter(activity__program=demo.program, month=2).exists()
    assert "2 meses de un área quedan en borrador" in result.to_text("IEEM", 2024, 2)

"""Progress capture and the period workflow through their services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.institutions.access import forget_grants
from rumbo.monitoring.errors import GridRejected, PeriodLocked, StaleVersion, WindowClosed
from rumbo.monitoring.models import (
    ActivityBands,
    MonitoringPolicy,
    PeriodReport,
    PeriodState,
    ProgressEntry,
    WindowExtension,
)
from rumbo.monitoring.services import (
    ProgressRow,
    bands_clear_activity,
    bands_set_activity,
    bands_set_institution,
    period_approve,
    period_reopen,
    period_return,
    period_submit,
    progress_save,
    progress_save_many,
    window_extend,
)
from tests.factories import ActivityFactory, measure_indicator

JAN_OPEN = date(2024, 2, 5)  # January's window is open (1–10 February)
JAN_CLOSED = date(2024, 2, 11)


@pytest.fixture(autouse=True)
def _due_indicators_measured(demo):
    """Sending an area's month also needs its due indicator measurements: the SE
    monthly indicator of the demo design is measured (green) in the months sent here."""
    for period in (1, 2, 4):
        measure_indicator(demo.design.ind_a11, period)


def save(demo, persona: str, activity, achieved, *, month: int = 1, version=None, **kw):
    user = demo.users[persona]
    kw.setdefault("today", JAN_OPEN)
    return progress_save(
        actor=Actor.for_user(user),
        user=user,
        activity=activity,
        month=month,
        achieved=achieved,
        version=version,
        **kw,
    )


# --- progress_save: access ------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("planeacion", True),
        ("enlace_se", True),
        ("enlace_otra", False),
        ("revisor", False),
        ("consulta", False),
        ("ajeno", False),
    ],
)
def test_who_may_capture_an_se_activity(demo, persona: str, allowed: bool) -> None:
    if allowed:
        entry = save(demo, persona, demo.activity_full, "340")
        assert entry.achieved == Decimal(340) and entry.version == 1
    else:
        with pytest.raises(PermissionDenied):
            save(demo, persona, demo.activity_full, "340")
        assert not ProgressEntry.objects.exists()


def test_an_enlace_captures_its_own_area_only(demo) -> None:
    with pytest.raises(PermissionDenied):
        save(demo, "enlace_se", demo.activity_otra, "0", month=4, today=date(2024, 5, 2))
    entry = save(demo, "enlace_otra", demo.activity_otra, "1", month=4, today=date(2024, 5, 2))
    assert entry.version == 1


# --- progress_save: window ------------------------------------------------------------


def test_capture_outside_the_window_is_refused(demo) -> None:
    with pytest.raises(WindowClosed) as exc:
        save(demo, "enlace_se", demo.activity_full, "340", today=JAN_CLOSED)
    assert "10/02/2024" in exc.value.message
    with pytest.raises(WindowClosed):
        save(demo, "planeacion", demo.activity_full, "340", today=date(2024, 1, 31))


def test_an_extension_lets_that_area_capture_late(demo) -> None:
    window_extend(
        actor=Actor.for_user(demo.users["planeacion"]),
        institution=demo.institution,
        year=2024,
        month=1,
        area=demo.area_se,
        until=date(2024, 2, 20),
        reason="Cambio de titular del área",
        today=JAN_CLOSED,
    )
    assert save(demo, "enlace_se", demo.activity_full, "340", today=date(2024, 2, 20))
    with pytest.raises(WindowClosed):
        save(demo, "enlace_se", demo.activity_full, "340", version=1, today=date(2024, 2, 21))


def test_december_is_captured_in_january(demo) -> None:
    why = "Solo se capturó diciembre"  # cumulative 330 of 4,060: red
    entry = save(
        demo,
        "enlace_se",
        demo.activity_full,
        "330",
        month=12,
        today=date(2025, 1, 3),
        justification=why,
    )
    assert entry.month == 12
    with pytest.raises(WindowClosed):
        save(demo, "enlace_se", demo.activity_full, "330", month=12, today=date(2024, 12, 31))


# --- progress_save: lock and optimistic version ---------------------------------------


def test_saving_creates_the_period_in_borrador_and_audits(demo) -> None:
    entry = save(demo, "enlace_se", demo.activity_full, "340", comment="  Sin novedad ")
    report = PeriodReport.objects.get()
    assert (report.area, report.month, report.state) == (demo.area_se, 1, PeriodState.DRAFT)
    assert entry.comment == "Sin novedad"
    event = AuditEvent.objects.get(action="progress.create")
    assert event.before is None and event.after["achieved"] == "340"
    save(demo, "enlace_se", demo.activity_full, "341", version=1)
    event = AuditEvent.objects.get(action="progress.update")
    assert event.before["achieved"] == "340" and event.after["achieved"] == "341"
    assert event.after["version"] == 2


@pytest.mark.parametrize("state", [PeriodState.SUBMITTED, PeriodState.APPROVED])
def test_a_sent_or_approved_period_is_locked(demo, state: PeriodState) -> None:
    PeriodReport.objects.create(program=demo.program, area=demo.area_se, month=1, state=state)
    with pytest.raises(PeriodLocked):
        save(demo, "planeacion", demo.activity_full, "340")


def test_a_returned_period_can_be_corrected(demo) -> None:
    PeriodReport.objects.create(
        program=demo.program, area=demo.area_se, month=1, state=PeriodState.RETURNED
    )
    assert save(demo, "enlace_se", demo.activity_full, "340").version == 1


def test_the_second_editor_gets_a_conflict_with_both_values(demo) -> None:
    save(demo, "enlace_se", demo.activity_full, "340")  # both loaded version 1 after this
    save(demo, "planeacion", demo.activity_full, "338", version=1, justification="")
    with pytest.raises(StaleVersion) as exc:
        save(demo, "enlace_se", demo.activity_full, "339", version=1)
    conflict = exc.value
    assert (conflict.current, conflict.submitted) == (2, 1)
    assert conflict.current_values["achieved"] == "338"
    assert conflict.submitted_values["achieved"] == "339"
    assert "338" in conflict.message and "339" in conflict.message
    assert ProgressEntry.objects.get().achieved == Decimal(338)


def test_creating_what_already_exists_is_a_conflict(demo) -> None:
    save(demo, "enlace_se", demo.activity_full, "340")
    with pytest.raises(StaleVersion) as exc:
        save(demo, "planeacion", demo.activity_full, "300", version=None)
    assert (exc.value.current, exc.value.submitted) == (1, None)
    with pytest.raises(StaleVersion):
        save(demo, "planeacion", demo.activity_mismatch, "1", version=3)


def test_an_unchanged_save_keeps_the_version(demo) -> None:
    save(demo, "enlace_se", demo.activity_full, "340")
    assert save(demo, "enlace_se", demo.activity_full, "340.0", version=1).version == 1
    assert AuditEvent.objects.filter(action__startswith="progress.").count() == 1


# --- progress_save: values and the justification rule ---------------------------------


@pytest.mark.parametrize("value", ["", None, "-1", "abc", "1.23456"])
def test_achieved_must_be_a_quantity(demo, value) -> None:
    with pytest.raises(ValidationError) as exc:
        save(demo, "enlace_se", demo.activity_full, value)
    assert "achieved" in exc.value.message_dict


@pytest.mark.parametrize(
    ("achieved", "needs"),
    [
        ("306", False),  # 90 %: green edge
        ("305", True),  # 89.7 %: yellow
        ("272", True),  # 80 %: yellow edge
        ("271", True),  # red
        ("374", False),  # 110 %: green edge
        ("375", True),  # 110.3 %: yellow
        ("408", True),  # 120 %
        ("0", True),
    ],
)
def test_justification_follows_the_default_bands(demo, achieved: str, needs: bool) -> None:
    if needs:
        with pytest.raises(ValidationError) as exc:
            save(demo, "enlace_se", demo.activity_full, achieved)
        assert "justificación" in exc.value.message_dict["justification"][0]
        assert save(demo, "enlace_se", demo.activity_full, achieved, justification="Retraso")
    else:
        assert save(demo, "enlace_se", demo.activity_full, achieved)


def test_justification_follows_the_cumulative_not_the_month(demo) -> None:
    save(demo, "enlace_se", demo.activity_full, "300", justification="Paro de labores")
    # February alone is 111.8 % (yellow); January + February is 680 / 680 (green).
    entry = save(demo, "enlace_se", demo.activity_full, "380", month=2, today=date(2024, 3, 4))
    assert entry.justification == ""


def test_nothing_programmed_needs_no_justification(demo) -> None:
    assert save(demo, "enlace_se", demo.activity_fraction, "0")  # 0 programmed: grey


def test_institution_bands_and_activity_overrides_decide(demo) -> None:
    MonitoringPolicy.objects.create(
        institution=demo.institution, yellow_low=85, green_low=95, green_high=105, yellow_high=115
    )
    with pytest.raises(ValidationError):  # 92.6 %: yellow under ±5/±15
        save(demo, "enlace_se", demo.activity_full, "315")
    ActivityBands.objects.create(
        activity=demo.activity_full, yellow_low=50, green_low=60, green_high=140, yellow_high=150
    )
    assert save(demo, "enlace_se", demo.activity_full, "210")  # 61.8 %: green by override


# --- progress_save_many -----------------------------------------------------------------


def rows_for(demo, values: dict[str, str], justification: dict[str, str] | None = None):
    acts = {
        a.key: a
        for a in (
            demo.activity_full,
            demo.activity_fraction,
            demo.activity_missing,
            demo.activity_mismatch,
        )
    }
    justification = justification or {}
    return [
        ProgressRow(acts[k], 1, v, justification=justification.get(k, ""))
        for k, v in values.items()
    ]


def test_the_grid_saves_every_row_or_none(demo) -> None:
    user = demo.users["enlace_se"]
    bad = rows_for(demo, {"010101": "100", "010102": "0", "010103": "x", "010104": "1"})
    with pytest.raises(GridRejected) as exc:
        progress_save_many(actor=Actor.for_user(user), user=user, rows=bad, today=JAN_OPEN)
    problems = {(r.key, r.field) for r in exc.value.rows}
    assert problems == {("010101", "justification"), ("010103", "achieved")}
    assert "010103.achieved" in exc.value.message_dict
    assert not ProgressEntry.objects.exists()
    assert not PeriodReport.objects.exists()

    good = rows_for(demo, {"010101": "340", "010102": "0", "010103": "1", "010104": "1"})
    saved = progress_save_many(actor=Actor.for_user(user), user=user, rows=good, today=JAN_OPEN)
    assert [e.version for e in saved] == [1, 1, 1, 1]
    assert ProgressEntry.objects.count() == 4
    assert AuditEvent.objects.filter(action="progress.create").count() == 4


def test_grid_conflicts_and_forbidden_rows_are_reported_by_row(demo) -> None:
    save(demo, "enlace_se", demo.activity_full, "340")
    user = demo.users["enlace_se"]
    rows = [
        ProgressRow(demo.activity_full, 1, "341", version=None),  # stale: it is at version 1
        ProgressRow(demo.activity_otra, 1, "0"),  # another area's
        ProgressRow(demo.activity_mismatch, 13, "1"),
    ]
    with pytest.raises(GridRejected) as exc:
        progress_save_many(actor=Actor.for_user(user), user=user, rows=rows, today=JAN_OPEN)
    fields = [(r.index, r.key, r.field) for r in exc.value.rows]
    assert fields == [(0, "010101", "version"), (1, "020101", "activity"), (2, "010104", "month")]
    assert isinstance(exc.value.conflicts[0], StaleVersion)
    assert ProgressEntry.objects.get().achieved == Decimal(340)


def _grid_selects(demo, n: int) -> int:
    activities = [
        ActivityFactory(node=demo.project, key=f"9{n:02d}{i:03d}", months=[10] * 12)
        for i in range(n)
    ]
    user = demo.users["enlace_se"]
    forget_grants(user)
    rows = [ProgressRow(a, 1, "10") for a in activities]
    with CaptureQueriesContext(connection) as ctx:
        progress_save_many(actor=Actor.for_user(user), user=user, rows=rows, today=JAN_OPEN)
    return sum(1 for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT"))


def test_grid_reads_cost_the_same_for_5_and_40_rows(demo) -> None:
    few = _grid_selects(demo, 5)
    ProgressEntry.objects.all().delete()
    PeriodReport.objects.all().delete()
    many = _grid_selects(demo, 40)
    # activities, nodes, targets, entries, policy, extensions, two for bands, the
    # membership, and the period's row locked (created when missing: an INSERT, no SELECT).
    assert few == many == 10


# --- the period workflow ----------------------------------------------------------------


def capture_january(demo) -> None:
    user = demo.users["enlace_se"]
    rows = rows_for(demo, {"010101": "340", "010103": "1", "010104": "1"})
    progress_save_many(actor=Actor.for_user(user), user=user, rows=rows, today=JAN_OPEN)


def act(fn, demo, persona: str, **kw):
    user = demo.users[persona]
    kw.setdefault("area", demo.area_se)
    kw.setdefault("month", 1)
    return fn(actor=Actor.for_user(user), user=user, program=demo.program, **kw)


def submit(demo, persona: str = "enlace_se", **kw):
    kw.setdefault("today", JAN_OPEN)
    return act(period_submit, demo, persona, **kw)


def test_an_empty_or_incomplete_capture_cannot_be_sent(demo) -> None:
    with pytest.raises(ValidationError) as exc:
        submit(demo)
    assert "nada que enviar" in str(exc.value.message_dict["entries"])
    save(demo, "enlace_se", demo.activity_full, "340")
    with pytest.raises(ValidationError) as exc:
        submit(demo)
    message = exc.value.message_dict["entries"][0]
    assert "010103" in message and "010104" in message
    assert "010102" not in message  # nothing programmed in January


def test_submit_rechecks_justifications_against_current_bands(demo) -> None:
    capture_january(demo)
    ActivityBands.objects.create(
        activity=demo.activity_full, yellow_low=100, green_low=110, green_high=120, yellow_high=130
    )
    with pytest.raises(ValidationError) as exc:
        submit(demo)
    assert "justificación de: 010101" in exc.value.message_dict["entries"][0]


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("enlace_se", True),
        ("planeacion", True),
        ("enlace_otra", False),
        ("revisor", False),
        ("consulta", False),
    ],
)
def test_who_may_submit(demo, persona: str, allowed: bool) -> None:
    capture_january(demo)
    if allowed:
        report = submit(demo, persona)
        assert report.state == PeriodState.SUBMITTED and report.version == 2
        assert report.submitted_by == demo.users[persona]
    else:
        with pytest.raises(PermissionDenied):
            submit(demo, persona)


def test_submit_needs_an_open_window(demo) -> None:
    capture_january(demo)
    with pytest.raises(WindowClosed):
        submit(demo, today=JAN_CLOSED)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("revisor", True),
        ("planeacion", True),
        ("enlace_se", False),
        ("consulta", False),
        ("ajeno", False),
    ],
)
def test_who_may_approve_and_return(demo, persona: str, allowed: bool) -> None:
    capture_january(demo)
    submit(demo)
    if allowed:
        report = act(period_return, demo, persona, reason="Falta evidencia")
        assert report.state == PeriodState.RETURNED and report.comment == "Falta evidencia"
        submit(demo)
        report = act(period_approve, demo, persona)
        assert report.state == PeriodState.APPROVED and report.decided_by == demo.users[persona]
    else:
        with pytest.raises(PermissionDenied):
            act(period_approve, demo, persona)
        with pytest.raises(PermissionDenied):
            act(period_return, demo, persona, reason="x")


def test_the_whole_cycle_with_audit(demo) -> None:
    capture_january(demo)
    assert submit(demo).version == 2
    with pytest.raises(ValidationError) as exc:
        act(period_return, demo, "revisor", reason="  ")
    assert "reason" in exc.value.message_dict
    act(period_return, demo, "revisor", reason="Revisar la cifra de enero")
    entry = ProgressEntry.objects.get(activity=demo.activity_full, month=1)
    save(demo, "enlace_se", demo.activity_full, "339", version=entry.version)  # correct
    submit(demo)
    report = act(period_approve, demo, "revisor", comment="Correcto")
    assert report.version == 5
    with pytest.raises(PeriodLocked):
        save(demo, "enlace_se", demo.activity_full, "340", version=2)
    with pytest.raises(PermissionDenied):
        act(period_reopen, demo, "revisor", reason="x")
    with pytest.raises(ValidationError):
        act(period_reopen, demo, "planeacion", reason="")
    report = act(period_reopen, demo, "planeacion", reason="Error de captura detectado")
    assert report.state == PeriodState.DRAFT and report.version == 6
    assert save(demo, "enlace_se", demo.activity_full, "340", version=2).version == 3
    events = list(
        AuditEvent.objects.filter(action__startswith="period.")
        .order_by("id")
        .values_list("action", "reason", "before__state", "after__state")
    )
    assert events == [
        ("period.submit", "", "borrador", "enviado"),
        ("period.return", "Revisar la cifra de enero", "enviado", "devuelto"),
        ("period.submit", "", "devuelto", "enviado"),
        ("period.approve", "Correcto", "enviado", "aprobado"),
        ("period.reopen", "Error de captura detectado", "aprobado", "borrador"),
    ]


@pytest.mark.parametrize(
    ("fn", "persona", "kw", "state_word"),
    [
        (period_approve, "revisor", {}, "borrador"),
        (period_return, "revisor", {"reason": "x"}, "borrador"),
        (period_reopen, "planeacion", {"reason": "x"}, "borrador"),
    ],
)
def test_invalid_transitions_name_the_current_state(demo, fn, persona, kw, state_word) -> None:
    capture_january(demo)
    with pytest.raises(ValidationError) as exc:
        act(fn, demo, persona, **kw)
    assert state_word in exc.value.message_dict["state"][0]


def test_sending_twice_or_reopening_a_sent_capture_is_refused(demo) -> None:
    capture_january(demo)
    submit(demo)
    with pytest.raises(ValidationError) as exc:
        submit(demo)
    assert "la captura está enviada" in exc.value.message_dict["state"][0]
    with pytest.raises(ValidationError):
        act(period_reopen, demo, "planeacion", reason="x")
    with pytest.raises(ValidationError) as exc:
        act(period_approve, demo, "revisor", month=2)
    assert "sin captura" in exc.value.message_dict["state"][0]


def test_a_transition_on_a_stale_version_is_a_conflict(demo) -> None:
    capture_january(demo)
    submit(demo)
    with pytest.raises(StaleVersion) as exc:
        act(period_approve, demo, "revisor", version=1)
    assert (exc.value.current, exc.value.submitted) == (2, 1)


# --- windows and bands ------------------------------------------------------------------


def test_window_extend_validates_and_audits(demo) -> None:
    actor = Actor.cli()
    with pytest.raises(ValidationError) as exc:
        window_extend(
            actor=actor,
            institution=demo.institution,
            year=2024,
            month=13,
            area=demo.area_se,
            until=date(2024, 2, 1),
            reason=" ",
            today=date(2024, 2, 11),
        )
    assert set(exc.value.message_dict) == {"month", "until", "reason"}
    other_area = demo.other_institution.areas.create(name="Otra", code="OT")
    with pytest.raises(ValidationError) as exc:
        window_extend(
            actor=actor,
            institution=demo.institution,
            year=2024,
            month=1,
            area=other_area,
            until=date(2024, 2, 20),
            reason="x",
            today=date(2024, 2, 11),
        )
    assert "area" in exc.value.message_dict
    ext = window_extend(
        actor=actor,
        institution=demo.institution,
        year=2024,
        month=1,
        until=date(2024, 2, 11),
        reason="Falla del sistema",
        today=date(2024, 2, 11),
    )
    assert ext.area is None and ext.created_by.startswith("cli:")
    event = AuditEvent.objects.get(action="window.extend")
    assert event.reason == "Falla del sistema" and event.after["until"] == "2024-02-11"
    assert WindowExtension.objects.count() == 1


def test_bands_are_validated_and_audited(demo) -> None:
    actor = Actor.for_user(demo.users["planeacion"])
    with pytest.raises(ValidationError) as exc:
        bands_set_institution(
            actor=actor,
            institution=demo.institution,
            yellow_low=90,
            green_low=80,
            green_high=110,
            yellow_high=120,
        )
    assert "bands" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        bands_set_institution(
            actor=actor,
            institution=demo.institution,
            yellow_low="-1",
            green_low="x",
            green_high="1.234",
            yellow_high=120,
        )
    assert set(exc.value.message_dict) == {"yellow_low", "green_low", "green_high"}
    policy = bands_set_institution(
        actor=actor,
        institution=demo.institution,
        yellow_low="85",
        green_low="95",
        green_high="105",
        yellow_high="115",
        reason="Perfil ±5/±15",
    )
    assert policy.bands.green_low == Decimal(95)
    event = AuditEvent.objects.get(action="bands.set_institution")
    assert event.before is None and event.after["green_low"] == "95"

    bands_set_activity(
        actor=actor,
        activity=demo.activity_full,
        yellow_low=70,
        green_low=80,
        green_high=120,
        yellow_high=130,
        reason="Actividad estacional",
    )
    assert ActivityBands.objects.get().reason == "Actividad estacional"
    assert bands_clear_activity(actor=actor, activity=demo.activity_full, reason="Ya no aplica")
    assert not bands_clear_activity(actor=actor, activity=demo.activity_full)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["bands.set_institution", "bands.set_activity", "bands.clear_activity"]

"""The approved program: version 1 frozen with a digest anyone can recompute, direct
edits of its targets refused, and the adjustment request as the one way to change them.

Expected values are computed here, independently: the canonical JSON and its SHA-256 by
hand (json + hashlib), the targets in force by reading the tables."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from rumbo.adjustments.models import AdjustmentPolicy, AdjustmentRequest, AdjustmentState
from rumbo.adjustments.services import (
    Proposal,
    adjustment_approve,
    adjustment_reject,
    adjustment_request,
)
from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.core.errors import Conflict
from rumbo.indicators.services.indicators import indicator_update
from rumbo.monitoring.models import PeriodReport, PeriodState
from rumbo.programs.lifecycle import TargetsFrozen, program_approve
from rumbo.programs.models import (
    FrozenError,
    MonthlyTarget,
    ProgramState,
    ProgramVersion,
)
from rumbo.programs.services import activity_create, activity_set_calendar, activity_update

pytestmark = pytest.mark.django_db


def actor(demo, name: str) -> Actor:
    return Actor.for_user(demo.users[name])


def approve(demo) -> ProgramVersion:
    return program_approve(
        actor=actor(demo, "planeacion"),
        program=demo.program,
        agreement="IEEM/CG/01/2024",
        approved_on=date(2024, 1, 15),
    )


def months_in_db(activity) -> list[Decimal | None]:
    out: list[Decimal | None] = [None] * 12
    for month, quantity in MonthlyTarget.objects.filter(activity=activity).values_list(
        "month", "quantity"
    ):
        out[month - 1] = quantity
    return out


# --- approval and the frozen version -----------------------------------------------------


def test_approval_freezes_version_1_whose_digest_recomputes(demo):
    version = approve(demo)
    demo.program.refresh_from_db()
    assert demo.program.state == ProgramState.APROBADO
    assert demo.program.version == 1
    assert version.number == 1
    # The canonical JSON, spelled out independently: keys sorted, no spaces, UTF-8.
    stored = ProgramVersion.objects.get(pk=version.pk).snapshot
    canonical = json.dumps(stored, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == version.sha256
    # The snapshot holds what the tables hold.
    activities = {a["key"]: a for a in stored["activities"]}
    full = demo.activity_full
    assert Decimal(activities[full.key]["annual_target"]) == full.annual_target
    assert [
        None if m is None else Decimal(m) for m in activities[full.key]["monthly_targets"]
    ] == months_in_db(full)
    indicator = demo.design.ind_c1
    frozen = {i["key"]: i for i in stored["indicators"]}[str(indicator.pk)]
    assert {int(p): Decimal(v) for p, v in frozen["targets"].items()} == {
        t.period: t.value for t in indicator.targets.all()
    }


def test_a_frozen_version_cannot_be_changed_or_deleted(demo):
    version = approve(demo)
    version.reason = "otra cosa"
    with pytest.raises(FrozenError):
        version.save()
    with pytest.raises(FrozenError):
        ProgramVersion.objects.filter(pk=version.pk).update(reason="otra cosa")
    with pytest.raises(FrozenError):
        ProgramVersion.objects.filter(pk=version.pk).delete()
    with pytest.raises(FrozenError):
        version.delete()
    # Not even plain SQL: the database refuses it.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE programs_programversion SET sha256 = %s WHERE id = %s", ["0" * 64, version.pk]
        )
    stored = ProgramVersion.objects.get(pk=version.pk)
    assert stored.sha256 == version.sha256
    assert stored.reason.startswith("Aprobación del programa: acuerdo IEEM/CG/01/2024")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger on PostgreSQL")
def test_postgresql_refuses_deleting_a_version_by_sql(demo):
    version = approve(demo)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM programs_programversion WHERE id = %s", [version.pk])
    assert ProgramVersion.objects.filter(pk=version.pk).exists()


def test_approval_needs_agreement_and_a_sane_date(demo):
    with pytest.raises(ValidationError) as exc:
        program_approve(
            actor=actor(demo, "planeacion"), program=demo.program, agreement=" ", approved_on=None
        )
    assert set(exc.value.message_dict) == {"agreement", "date"}
    with pytest.raises(ValidationError) as exc:
        program_approve(
            actor=actor(demo, "planeacion"),
            program=demo.program,
            agreement="X",
            approved_on=date(2019, 1, 1),
        )
    assert "2023 o 2024" in exc.value.message_dict["date"][0]
    with pytest.raises(PermissionDenied):
        program_approve(
            actor=actor(demo, "enlace_se"),
            program=demo.program,
            agreement="X",
            approved_on=date(2024, 1, 2),
        )
    assert not ProgramVersion.objects.exists()


# --- tampering refused -------------------------------------------------------------------


def test_the_enlace_cannot_rewrite_approved_months_or_the_annual_target(demo):
    approve(demo)
    activity = demo.activity_full
    before = months_in_db(activity)
    zeroed = [0 if m in (2, 5, 8) else v for m, v in enumerate(before, start=1)]
    with pytest.raises(TargetsFrozen) as exc:
        activity_set_calendar(
            actor=actor(demo, "enlace_se"),
            activity=activity,
            months=zeroed,
            annual_target=Decimal("9"),
            reason="ajuste",
        )
    assert "solicitud de adecuación" in exc.value.message
    assert months_in_db(activity) == before


def test_planeacion_cannot_recalendarize_directly_either(demo):
    approve(demo)
    activity = demo.activity_full
    with pytest.raises(TargetsFrozen):
        activity_update(actor=actor(demo, "planeacion"), activity=activity, annual_target="1")
    with pytest.raises(TargetsFrozen):
        activity_create(
            actor=actor(demo, "planeacion"),
            program=demo.program,
            node=demo.project,
            key="999999",
            description="Nueva",
        )
    # Sending the values it already has is no change, and other fields still move.
    activity_update(
        actor=actor(demo, "planeacion"), activity=activity, annual_target=activity.annual_target
    )


def test_an_indicator_meta_cannot_be_set_to_the_measured_value_after_approval(demo):
    approve(demo)
    indicator = demo.design.ind_c1
    before = {t.period: t.value for t in indicator.targets.all()}
    with pytest.raises(TargetsFrozen):
        indicator_update(
            actor=actor(demo, "enlace_se"),
            indicator=indicator,
            data={"targets": {str(p): "87.5" for p in before}},
        )
    assert {t.period: t.value for t in indicator.targets.all()} == before


# --- the adjustment request ---------------------------------------------------------------


def test_an_enlace_requests_planeacion_approves_and_version_2_holds_the_change(demo):
    approve(demo)
    activity = demo.activity_full
    old = months_in_db(activity)
    new = list(old)
    new[11] = (old[11] or Decimal(0)) + 5
    request = adjustment_request(
        actor=actor(demo, "enlace_se"),
        program=demo.program,
        proposal=Proposal(kind="calendario", activity=activity, monthly_targets=new),
        justification="Se suman 5 eventos en diciembre por el convenio con el INE.",
    )
    assert request.state == AdjustmentState.SOLICITADA
    assert months_in_db(activity) == old  # nothing applied yet
    with pytest.raises(PermissionDenied):  # the requester does not decide
        adjustment_approve(actor=actor(demo, "enlace_se"), adjustment=request)
    with pytest.raises(PermissionDenied):  # nor does the revisor, under the default policy
        adjustment_approve(actor=actor(demo, "revisor"), adjustment=request)
    decided = adjustment_approve(actor=actor(demo, "planeacion"), adjustment=request)
    assert decided.state == AdjustmentState.APROBADA
    assert months_in_db(activity) == new
    demo.program.refresh_from_db()
    assert demo.program.version == 2
    v2 = ProgramVersion.objects.get(program=demo.program, number=2)
    assert v2.adjustment_id == request.pk
    frozen = {a["key"]: a for a in v2.snapshot["activities"]}[activity.key]
    assert Decimal(frozen["monthly_targets"][11]) == new[11]
    v1 = ProgramVersion.objects.get(program=demo.program, number=1)
    assert {a["key"]: a for a in v1.snapshot["activities"]}[activity.key]["monthly_targets"][
        11
    ] == (None if old[11] is None else format(old[11].normalize(), "f"))
    # The request and the decision are in the activity's history.
    actions = set(
        AuditEvent.objects.filter(
            object_id=activity.pk, content_type__model="activity"
        ).values_list("action", flat=True)
    )
    assert {"adjustment.request", "adjustment.approve", "activity.adjust"} <= actions
    with pytest.raises(Conflict):  # decided once
        adjustment_reject(actor=actor(demo, "planeacion"), adjustment=request, reason="no")


def test_the_policy_can_give_the_decision_to_the_revisor(demo):
    approve(demo)
    AdjustmentPolicy.objects.create(institution=demo.institution, decider="revisor")
    request = adjustment_request(
        actor=actor(demo, "planeacion"),
        program=demo.program,
        proposal=Proposal(kind="meta_anual", activity=demo.activity_full, annual_target="5000"),
        justification="Meta ajustada.",
    )
    with pytest.raises(PermissionDenied):
        adjustment_approve(actor=actor(demo, "planeacion"), adjustment=request)
    rejected = adjustment_reject(
        actor=actor(demo, "revisor"), adjustment=request, reason="Sin oficio de soporte."
    )
    assert rejected.state == AdjustmentState.RECHAZADA
    assert rejected.decision_reason == "Sin oficio de soporte."
    demo.activity_full.refresh_from_db()
    assert demo.activity_full.annual_target != Decimal("5000")
    assert ProgramVersion.objects.filter(program=demo.program).count() == 1


def test_an_enlace_asks_only_for_its_own_area(demo):
    approve(demo)
    with pytest.raises(PermissionDenied):
        adjustment_request(
            actor=actor(demo, "enlace_se"),
            program=demo.program,
            proposal=Proposal(kind="meta_anual", activity=demo.activity_otra, annual_target="1"),
            justification="x",
        )
    assert not AdjustmentRequest.objects.exists()


def test_a_month_whose_capture_is_approved_is_not_retargeted_until_reopened(demo):
    approve(demo)
    activity = demo.activity_full
    PeriodReport.objects.create(
        program=demo.program, area=demo.area_se, month=2, state=PeriodState.APPROVED
    )
    old = months_in_db(activity)
    new = list(old)
    new[1] = Decimal(0)
    with pytest.raises(ValidationError) as exc:
        adjustment_request(
            actor=actor(demo, "enlace_se"),
            program=demo.program,
            proposal=Proposal(kind="calendario", activity=activity, monthly_targets=new),
            justification="Febrero en cero.",
        )
    assert "febrero" in exc.value.message_dict["monthly_targets"][0]
    assert "reabre" in exc.value.message_dict["monthly_targets"][0]


def test_a_request_whose_before_is_stale_is_not_applied(demo):
    approve(demo)
    activity = demo.activity_full
    first = adjustment_request(
        actor=actor(demo, "enlace_se"),
        program=demo.program,
        proposal=Proposal(kind="meta_anual", activity=activity, annual_target="5000"),
        justification="Primera.",
    )
    second = adjustment_request(
        actor=actor(demo, "enlace_se"),
        program=demo.program,
        proposal=Proposal(kind="meta_anual", activity=activity, annual_target="6000"),
        justification="Segunda.",
    )
    adjustment_approve(actor=actor(demo, "planeacion"), adjustment=second)
    with pytest.raises(Conflict) as exc:
        adjustment_approve(actor=actor(demo, "planeacion"), adjustment=first)
    assert "cambió después de la solicitud 1" in exc.value.message
    activity.refresh_from_db()
    assert activity.annual_target == Decimal("6000")
    assert AdjustmentRequest.objects.get(pk=first.pk).state == AdjustmentState.SOLICITADA


def test_an_indicator_meta_adjustment_makes_the_next_version(demo):
    approve(demo)
    indicator = demo.design.ind_c1
    request = adjustment_request(
        actor=actor(demo, "enlace_se"),
        program=demo.program,
        proposal=Proposal(kind="meta_indicador", indicator=indicator, targets={"1": "87.5"}),
        justification="Meta del primer trimestre ajustada por el calendario electoral.",
    )
    adjustment_approve(actor=actor(demo, "planeacion"), adjustment=request)
    assert indicator.targets.get(period=1).value == Decimal("87.5")
    v2 = ProgramVersion.objects.get(program=demo.program, number=2)
    assert {i["key"]: i for i in v2.snapshot["indicators"]}[str(indicator.pk)]["targets"][
        "1"
    ] == "87.5"


def test_requests_need_an_approved_program(demo):
    with pytest.raises(Conflict):
        adjustment_request(
            actor=actor(demo, "planeacion"),
            program=demo.program,
            proposal=Proposal(kind="meta_anual", activity=demo.activity_full, annual_target="1"),
            justification="x",
        )

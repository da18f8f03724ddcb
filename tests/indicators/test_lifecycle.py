"""A MIR's own life cycle: its moves and who may make them, the freeze that follows its
approval (not its program's), the program's approval and close carrying its MIRs along,
and a MIR approved after its program freezing the program's next version.

Expected values are worked out here: the canonical JSON and its SHA-256 by hand (json +
hashlib), the targets by reading the table with plain SQL."""

from __future__ import annotations

import hashlib
import importlib
import json
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from rumbo.adjustments.models import AdjustmentRequest
from rumbo.adjustments.services import Proposal, adjustment_approve, adjustment_request
from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.core.errors import Conflict
from rumbo.indicators.lifecycle import (
    MirFrozen,
    mir_approve,
    mir_close,
    mir_next_states,
    mir_return,
    mir_submit_review,
)
from rumbo.indicators.models import Indicator, Mir, ProgramDesign
from rumbo.indicators.services import (
    indicator_create,
    indicator_delete,
    indicator_update,
    mir_ensure,
    mir_row_create,
    mir_row_delete,
)
from rumbo.programs.lifecycle import TargetsFrozen, program_approve, program_close
from rumbo.programs.models import AnnualProgram, ProgramState, ProgramVersion
from tests.factories import Demo, ProgramNodeFactory

pytestmark = pytest.mark.django_db


def actor(demo: Demo, name: str) -> Actor:
    return Actor.for_user(demo.users[name])


def fresh(mir: Mir) -> Mir:
    return Mir.objects.select_related("design__node__program__institution").get(pk=mir.pk)


def approve_program(demo: Demo, agreement: str = "IEEM/CG/01/2024") -> ProgramVersion:
    return program_approve(
        actor=actor(demo, "planeacion"),
        program=demo.program,
        agreement=agreement,
        approved_on=date(2024, 1, 15),
    )


def targets_sql(indicator_id: int) -> dict[int, Decimal]:
    """An indicator's targets read with plain SQL, not through the models."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT period, value FROM indicators_indicatortarget WHERE indicator_id = %s",
            [indicator_id],
        )
        return {int(p): Decimal(str(v)) for p, v in cursor.fetchall()}


def new_mir(demo: Demo, title: str = "Programa de Vinculación 2024") -> tuple[Mir, Indicator]:
    """A second design (on a new subprogram of area OTRA) whose MIR has one componente with
    one trimestral indicator (targets T1–T4 = 10, 20, 30, 40), built through the services."""
    node = ProgramNodeFactory(program=demo.program, area=demo.area_otra, key="09")
    design = ProgramDesign.objects.create(node=node, title=title)
    mir = mir_ensure(actor=actor(demo, "planeacion"), design=design)
    row = mir_row_create(
        actor=actor(demo, "planeacion"),
        mir=mir,
        level="componente",
        code="C1",
        summary="Pláticas de vinculación impartidas.",
    )
    indicator = indicator_create(
        actor=actor(demo, "planeacion"),
        row=row,
        data={
            "name": "Porcentaje de pláticas impartidas",
            "formula": "impartidas / programadas * 100",
            "kind": "gestion",
            "frequency": "trimestral",
            "area": demo.area_otra.pk,
            "variables": [
                {"name": "impartidas", "description": "Pláticas impartidas"},
                {"name": "programadas", "description": "Pláticas programadas"},
            ],
            "targets": {"1": "10", "2": "20", "3": "30", "4": "40"},
        },
    )
    return fresh(mir), indicator


# --- the moves and who may make them -----------------------------------------------------


def test_the_area_sends_it_planeacion_returns_approves_and_closes(demo: Demo) -> None:
    mir = fresh(demo.design.mir)
    assert mir.state == ProgramState.FORMULACION
    mir_submit_review(actor=actor(demo, "enlace_se"), mir=mir, reason="Lista para revisar.")
    assert fresh(mir).state == ProgramState.REVISION
    mir_return(actor=actor(demo, "planeacion"), mir=mir, reason="Falta el supuesto del Fin.")
    assert fresh(mir).state == ProgramState.FORMULACION
    mir_submit_review(actor=actor(demo, "enlace_se"), mir=mir)
    version = mir_approve(
        actor=actor(demo, "planeacion"),
        mir=mir,
        agreement=" IEEM/CG/07/2024 ",
        approved_on=date(2024, 2, 1),
    )
    assert version is None  # the program is en formulación: no version yet
    stored = fresh(mir)
    assert (stored.state, stored.agreement, stored.approved_on) == (
        ProgramState.APROBADO,
        "IEEM/CG/07/2024",
        date(2024, 2, 1),
    )
    assert (mir.state, mir.agreement) == (ProgramState.APROBADO, "IEEM/CG/07/2024")
    mir_close(actor=actor(demo, "planeacion"), mir=mir)
    assert fresh(mir).state == ProgramState.CERRADO
    # One audit event per move, in words.
    events = list(
        AuditEvent.objects.filter(object_id=mir.pk, action__startswith="mir.")
        .order_by("pk")
        .values_list("action", "before", "after", "reason", "actor_label")
    )
    assert [e[0] for e in events] == [
        "mir.review",
        "mir.return",
        "mir.review",
        "mir.approve",
        "mir.close",
    ]
    assert events[0][1:] == (
        {"state": "formulacion"},
        {"state": "revision"},
        "Lista para revisar.",
        "enlace_se",
    )
    assert events[1][3] == "Falta el supuesto del Fin."
    assert events[2][3] == "La MIR «Programa de Seguimiento 2024» se envió a revisión."
    assert events[3][2] == {
        "state": "aprobado",
        "agreement": "IEEM/CG/07/2024",
        "approved_on": "01/02/2024",
    }
    assert events[3][3] == (
        "La MIR «Programa de Seguimiento 2024» se aprobó con el acuerdo IEEM/CG/07/2024 del "
        "01/02/2024; el programa 2024 está «En formulación»."
    )
    assert events[4][1:3] == ({"state": "aprobado"}, {"state": "cerrado"})


def test_who_may_make_each_move(demo: Demo) -> None:
    mir = fresh(demo.design.mir)
    # Nobody outside the design's area sends it; consulta and revisor do not either.
    for name in ("enlace_otra", "consulta", "revisor"):
        with pytest.raises(PermissionDenied):
            mir_submit_review(actor=actor(demo, name), mir=mir)
        assert mir_next_states(demo.users[name], mir) == []
    assert mir_next_states(demo.users["enlace_se"], mir) == ["revision"]
    assert mir_next_states(demo.users["planeacion"], mir) == ["revision", "aprobado"]
    # The area's enlace may not approve its own MIR, nor return or close it.
    with pytest.raises(PermissionDenied) as exc:
        mir_approve(
            actor=actor(demo, "enlace_se"), mir=mir, agreement="X", approved_on=date(2024, 1, 2)
        )
    assert "Solo Planeación" in str(exc.value)
    mir_submit_review(actor=actor(demo, "enlace_se"), mir=mir)
    with pytest.raises(PermissionDenied):
        mir_return(actor=actor(demo, "enlace_se"), mir=mir, reason="Me arrepentí.")
    assert fresh(mir).state == ProgramState.REVISION
    assert not AuditEvent.objects.exclude(action="mir.review").exists()


def test_moves_the_state_does_not_allow_are_409(demo: Demo) -> None:
    mir = fresh(demo.design.mir)
    planeacion = actor(demo, "planeacion")
    with pytest.raises(Conflict) as exc:
        mir_close(actor=planeacion, mir=mir)
    assert exc.value.message == (
        "La MIR «Programa de Seguimiento 2024» está «En formulación»; no puede pasar a «Cerrado»."
    )
    with pytest.raises(Conflict):
        mir_return(actor=planeacion, mir=mir, reason="No está en revisión.")
    mir_approve(actor=planeacion, mir=mir, agreement="A/1", approved_on=date(2024, 1, 2))
    with pytest.raises(Conflict):
        mir_approve(actor=planeacion, mir=mir, agreement="A/2", approved_on=date(2024, 1, 3))
    with pytest.raises(Conflict):
        mir_submit_review(actor=planeacion, mir=mir)
    assert fresh(mir).agreement == "A/1"


def test_return_needs_observations_and_approval_a_sane_acuerdo(demo: Demo) -> None:
    mir = fresh(demo.design.mir)
    planeacion = actor(demo, "planeacion")
    mir_submit_review(actor=planeacion, mir=mir)
    with pytest.raises(ValidationError) as exc:
        mir_return(actor=planeacion, mir=mir, reason="  ")
    assert set(exc.value.message_dict) == {"reason"}
    with pytest.raises(ValidationError) as exc:
        mir_approve(actor=planeacion, mir=mir, agreement="", approved_on=None)
    assert set(exc.value.message_dict) == {"agreement", "date"}
    with pytest.raises(ValidationError) as exc:
        mir_approve(actor=planeacion, mir=mir, agreement="A/1", approved_on=date(2022, 12, 31))
    assert exc.value.message_dict["date"] == [
        "Una MIR del programa 2024 se aprueba en 2023 o 2024, no el 31/12/2022."
    ]
    stored = fresh(mir)
    assert (stored.state, stored.agreement, stored.approved_on) == ("revision", "", None)


# --- the freeze follows the MIR ----------------------------------------------------------


def test_an_approved_mir_refuses_indicator_writes_even_before_its_program(demo: Demo) -> None:
    d = demo.design
    mir_approve(
        actor=actor(demo, "planeacion"),
        mir=fresh(d.mir),
        agreement="IEEM/CG/07/2024",
        approved_on=date(2024, 2, 1),
    )
    before = targets_sql(d.ind_c1.pk)
    with pytest.raises(MirFrozen) as exc:
        indicator_update(
            actor=actor(demo, "planeacion"), indicator=d.ind_c1, data={"targets": {"1": "99"}}
        )
    assert isinstance(exc.value, TargetsFrozen)  # what the pages and the API already catch
    assert exc.value.message.startswith(
        "La MIR «Programa de Seguimiento 2024» está aprobada (acuerdo IEEM/CG/07/2024 del "
        "01/02/2024): las metas de sus indicadores no se editan directamente."
    )
    assert "meta_indicador" in exc.value.message and "cuando se apruebe el programa 2024" in (
        exc.value.message
    )
    assert exc.value.extra()["kind"] == "meta_indicador"
    assert exc.value.extra()["mir"] == d.mir.pk
    with pytest.raises(MirFrozen):
        indicator_create(
            actor=actor(demo, "planeacion"),
            row=d.c2,
            data={"name": "Otro", "formula": "1", "kind": "gestion", "frequency": "anual"},
        )
    with pytest.raises(MirFrozen):
        indicator_delete(actor=actor(demo, "planeacion"), indicator=d.ind_c2)
    with pytest.raises(MirFrozen):
        mir_row_delete(actor=actor(demo, "planeacion"), row=d.c2)  # it holds ind_c2
    assert targets_sql(d.ind_c1.pk) == before
    assert Indicator.objects.filter(pk=d.ind_c2.pk).exists()
    # The ficha's words still change (as under an approved program before), and so do the
    # targets when they are sent unchanged.
    indicator_update(
        actor=actor(demo, "enlace_se"),
        indicator=d.ind_c1,
        data={
            "definition": "Informes entregados al Consejo.",
            "targets": {str(p): str(v) for p, v in before.items()},
        },
    )
    assert Indicator.objects.get(pk=d.ind_c1.pk).definition == "Informes entregados al Consejo."


def test_a_closed_mir_says_nothing_changes_any_more(demo: Demo) -> None:
    approve_program(demo)
    mir = fresh(demo.design.mir)
    mir_close(actor=actor(demo, "planeacion"), mir=mir)
    with pytest.raises(MirFrozen) as exc:
        indicator_delete(actor=actor(demo, "planeacion"), indicator=demo.design.ind_c2)
    assert "Está cerrada: ya no cambian, tampoco por adecuación." in exc.value.message


def test_a_mir_en_formulacion_under_an_approved_program_stays_editable(demo: Demo) -> None:
    approve_program(demo)
    mir, indicator = new_mir(demo)  # begun after the program's approval
    assert mir.state == ProgramState.FORMULACION
    indicator_update(
        actor=actor(demo, "enlace_otra"), indicator=indicator, data={"targets": {"1": "12"}}
    )
    assert targets_sql(indicator.pk) == {1: Decimal(12)}
    indicator_delete(actor=actor(demo, "planeacion"), indicator=indicator)
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    # Its targets are not in version 1: they were not approved.
    v1 = ProgramVersion.objects.get(program=demo.program, number=1)
    assert str(indicator.pk) not in {i["key"] for i in v1.snapshot["indicators"]}


# --- with the program ---------------------------------------------------------------------


def test_the_programs_approval_approves_its_mirs_with_its_acuerdo(demo: Demo) -> None:
    d = demo.design
    other, other_indicator = new_mir(demo)  # en formulación before the program's approval
    mir_submit_review(actor=actor(demo, "planeacion"), mir=other)
    version = approve_program(demo)
    for mir in (fresh(d.mir), fresh(other)):
        assert (mir.state, mir.agreement, mir.approved_on) == (
            ProgramState.APROBADO,
            "IEEM/CG/01/2024",
            date(2024, 1, 15),
        )
    # Version 1 holds every indicator of both MIRs with the targets in the table.
    frozen = {i["key"]: i for i in version.snapshot["indicators"]}
    ids = [d.ind_fin, d.ind_proposito, d.ind_c1, d.ind_c2, d.ind_a11, other_indicator]
    assert set(frozen) == {str(i.pk) for i in ids}
    for ind in ids:
        assert {int(p): Decimal(v) for p, v in frozen[str(ind.pk)]["targets"].items()} == (
            targets_sql(ind.pk)
        )
    # One audit event per MIR, in words, before the program's own.
    events = AuditEvent.objects.filter(action="mir.approve").order_by("object_id")
    assert [(e.object_id, e.before, e.reason) for e in events] == [
        (
            d.mir.pk,
            {"state": "formulacion"},
            "Aprobada con el programa 2024: acuerdo IEEM/CG/01/2024 del 15/01/2024.",
        ),
        (
            other.pk,
            {"state": "revision"},
            "Aprobada con el programa 2024: acuerdo IEEM/CG/01/2024 del 15/01/2024.",
        ),
    ]
    assert events[0].after == {
        "state": "aprobado",
        "agreement": "IEEM/CG/01/2024",
        "approved_on": "15/01/2024",
    }
    assert events[0].actor_label == "planeacion"
    assert (
        AuditEvent.objects.get(action="program.approve").pk
        > AuditEvent.objects.filter(action="mir.approve").order_by("-pk")[0].pk
    )


def test_a_mir_approved_before_keeps_its_own_acuerdo(demo: Demo) -> None:
    mir_approve(
        actor=actor(demo, "planeacion"),
        mir=fresh(demo.design.mir),
        agreement="IEEM/CEVINC/03/2023",
        approved_on=date(2023, 12, 5),
    )
    approve_program(demo)
    stored = fresh(demo.design.mir)
    assert (stored.agreement, stored.approved_on) == ("IEEM/CEVINC/03/2023", date(2023, 12, 5))
    assert AuditEvent.objects.filter(action="mir.approve").count() == 1


def test_the_programs_close_closes_all_its_mirs(demo: Demo) -> None:
    approve_program(demo)
    late, _ = new_mir(demo)  # never approved
    program_close(actor=actor(demo, "planeacion"), program=demo.program)
    assert fresh(demo.design.mir).state == ProgramState.CERRADO
    assert fresh(late).state == ProgramState.CERRADO
    events = AuditEvent.objects.filter(action="mir.close").order_by("object_id")
    assert [(e.object_id, e.before, e.reason) for e in events] == [
        (demo.design.mir.pk, {"state": "aprobado"}, "Cerrada con el programa 2024."),
        (late.pk, {"state": "formulacion"}, "Cerrada con el programa 2024."),
    ]
    # A MIR begun after the close is closed from the start.
    node = ProgramNodeFactory(program=demo.program, key="10")
    created = ProgramDesign.objects.create(node=node, title="Tardío")
    design = ProgramDesign.objects.select_related("node__program").get(pk=created.pk)
    assert mir_ensure(actor=actor(demo, "planeacion"), design=design).state == "cerrado"


def test_a_mir_approved_after_its_program_freezes_the_next_version(demo: Demo) -> None:
    approve_program(demo)
    mir, indicator = new_mir(demo)
    indicator_update(
        actor=actor(demo, "planeacion"), indicator=indicator, data={"targets": {"0": "100"}}
    )
    version = mir_approve(
        actor=actor(demo, "planeacion"),
        mir=mir,
        agreement="IEEM/CG/30/2024",
        approved_on=date(2024, 3, 8),
    )
    assert version is not None and version.number == 2
    assert AnnualProgram.objects.get(pk=demo.program.pk).version == 2
    stored = ProgramVersion.objects.get(program=demo.program, number=2)
    assert stored.reason == (
        "Aprobación de la MIR «Programa de Vinculación 2024»: acuerdo IEEM/CG/30/2024 del "
        "08/03/2024."
    )
    # The SHA-256 recomputed by hand over the canonical JSON.
    canonical = json.dumps(
        stored.snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == stored.sha256
    # Version 2 holds its targets as the table has them; version 1 did not have it.
    item = {i["key"]: i for i in stored.snapshot["indicators"]}[str(indicator.pk)]
    assert targets_sql(indicator.pk) == {0: Decimal(100)}
    assert item == {
        "key": str(indicator.pk),
        "mir": "09",
        "row": "C1",
        "name": "Porcentaje de pláticas impartidas",
        "unit": "Porcentaje",
        "frequency": "trimestral",
        "targets": {"0": "100"},
    }
    v1 = ProgramVersion.objects.get(program=demo.program, number=1)
    assert str(indicator.pk) not in {i["key"] for i in v1.snapshot["indicators"]}
    assert {k: v for k, v in stored.snapshot.items() if k != "indicators"} == {
        k: v for k, v in v1.snapshot.items() if k != "indicators"
    }
    event = AuditEvent.objects.get(action="mir.approve", object_id=mir.pk)
    assert event.after["program_version"] == 2 and event.after["sha256"] == stored.sha256
    assert event.reason.endswith("congela la versión 2 del programa 2024.")


# --- adjustment requests need an approved MIR ---------------------------------------------


def test_a_meta_adjustment_needs_the_mir_approved(demo: Demo) -> None:
    approve_program(demo)
    mir, indicator = new_mir(demo)
    request = {
        "actor": actor(demo, "enlace_otra"),  # the indicator is of area OTRA
        "program": demo.program,
        "justification": "Se reprograman las pláticas.",
    }
    with pytest.raises(Conflict) as exc:
        adjustment_request(
            **request,
            proposal=Proposal(kind="meta_indicador", indicator=indicator, targets={"1": "5"}),
        )
    assert exc.value.message == (
        "La MIR «Programa de Vinculación 2024» está en formulación: edita la meta del "
        "indicador «Porcentaje de pláticas impartidas» directamente; la solicitud de "
        "adecuación es para las metas de una MIR aprobada."
    )
    mir_approve(
        actor=actor(demo, "planeacion"), mir=mir, agreement="A/9", approved_on=date(2024, 3, 1)
    )
    adjustment = adjustment_request(
        **request,
        proposal=Proposal(kind="meta_indicador", indicator=indicator, targets={"1": "5"}),
    )
    # Closed between the request and its decision: the decision is refused whole.
    mir_close(actor=actor(demo, "planeacion"), mir=mir)
    with pytest.raises(Conflict) as exc:
        adjustment_approve(actor=actor(demo, "planeacion"), adjustment=adjustment)
    assert "cerrada: ya no admite adecuaciones" in exc.value.message
    assert targets_sql(indicator.pk) == {
        1: Decimal(10),
        2: Decimal(20),
        3: Decimal(30),
        4: Decimal(40),
    }
    assert AdjustmentRequest.objects.get(pk=adjustment.pk).state == "solicitada"
    with pytest.raises(Conflict):
        adjustment_request(
            **request,
            proposal=Proposal(kind="meta_indicador", indicator=indicator, targets={"1": "6"}),
        )


# --- the migration ------------------------------------------------------------------------


def test_the_migration_gives_mirs_of_approved_programs_their_programs_acuerdo(
    demo: Demo,
) -> None:
    migration = importlib.import_module("rumbo.indicators.migrations.0004_mir_life_cycle")
    other, _ = new_mir(demo)
    AnnualProgram.objects.filter(pk=demo.program.pk).update(
        state="aprobado", agreement="IEEM/CG/01/2024", approved_on=date(2024, 1, 15)
    )
    migration.mirs_follow_their_program(global_apps, None)
    for mir in (fresh(demo.design.mir), fresh(other)):
        assert (mir.state, mir.agreement, mir.approved_on) == (
            "aprobado",
            "IEEM/CG/01/2024",
            date(2024, 1, 15),
        )
    migration.mirs_back_to_formulacion(global_apps, None)
    assert set(Mir.objects.values_list("state", "agreement", "approved_on")) == {
        ("formulacion", "", None)
    }
    # A program en formulación leaves its MIRs as they are.
    AnnualProgram.objects.filter(pk=demo.program.pk).update(state="formulacion")
    migration.mirs_follow_their_program(global_apps, None)
    assert set(Mir.objects.values_list("state", flat=True)) == {"formulacion"}

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rumbo.audit.models import AuditEvent
from rumbo.audit.selectors import object_history
from rumbo.audit.services import Actor
from rumbo.programs.models import Activity, MonthlyTarget
from rumbo.programs.services import (
    activity_create,
    activity_delete,
    activity_set_calendar,
    activity_update,
    months_parse,
    node_create,
    program_create,
    quantity_parse,
    unit_get_or_create,
)
from tests.factories import Demo


@pytest.fixture
def actor(demo: Demo) -> Actor:
    return Actor.for_user(demo.users["planeacion"])


def months_of(activity: Activity) -> dict[int, Decimal]:
    return dict(MonthlyTarget.objects.filter(activity=activity).values_list("month", "quantity"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1,234.5", Decimal("1234.5")), (12, Decimal(12)), (0.25, Decimal("0.25")), ("", None)],
)
def test_quantity_parse_accepts_es_mx_text_and_numbers(value, expected):
    assert quantity_parse(value, field="x") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "negativa"),
        (-1, "negativa"),
        ("doce", "no es una cantidad"),
        ("1.00001", "4 decimales"),
        (True, "valor lógico"),
        ("99999999999", "demasiado grande"),
        (float("nan"), "no es una cantidad"),
    ],
)
def test_quantity_parse_rejects_bad_values_naming_the_field(value, message):
    with pytest.raises(ValidationError) as exc:
        quantity_parse(value, field="annual_target")
    assert message in exc.value.message_dict["annual_target"][0]


def test_months_parse_names_each_bad_month():
    with pytest.raises(ValidationError) as exc:
        months_parse([1, 1, "x", 1, 1, 1, 1, 1, 1, 1, 1, -2])
    assert set(exc.value.message_dict) == {"months.3", "months.12"}
    with pytest.raises(ValidationError):
        months_parse([1] * 11)


def test_set_calendar_writes_only_changes_and_audits_before_after(demo: Demo, actor: Actor):
    activity = demo.activity_missing  # month 5 unknown, target 12
    result = activity_set_calendar(
        actor=actor, activity=activity, months=[1] * 12, reason="Se completa mayo"
    )
    assert result.changed
    assert months_of(activity) == {m: Decimal(1) for m in range(1, 13)}
    event = object_history(activity).get()
    assert event.action == "activity.calendar"
    assert event.actor_label == "planeacion"
    assert event.reason == "Se completa mayo"
    assert event.before == {"monthly_targets": [1, 1, 1, 1, None, 1, 1, 1, 1, 1, 1, 1]}
    assert event.after == {"monthly_targets": [1] * 12}


def test_unchanged_update_writes_no_event(demo: Demo, actor: Actor):
    activity = demo.activity_full
    result = activity_update(
        actor=actor,
        activity=activity,
        description=activity.description,
        annual_target="4,060",
    )
    assert not result.changed
    assert not object_history(activity).exists()


def test_update_clears_month_and_sets_fields(demo: Demo, actor: Actor):
    activity = demo.activity_fraction
    unit = unit_get_or_create(actor=actor, institution=demo.institution, name="Informe")
    result = activity_update(
        actor=actor,
        activity=activity,
        description="Informe anual",
        unit=unit,
        annual_target=None,
        months=[None, 0, "0.5", 0, 0, "0.25", 0, 0, "0.25", 0, 0, 0],
        lines_of_action=["1.2", "1.1"],
    )
    activity.refresh_from_db()
    assert activity.annual_target is None
    assert 1 not in months_of(activity)
    assert months_of(activity)[3] == Decimal("0.5")
    assert result.after["lines_of_action"] == ["1.1", "1.2"]
    assert result.after["unit"] == "Informe"
    assert set(result.before) == {
        "description",
        "unit",
        "annual_target",
        "monthly_targets",
        "lines_of_action",
    }


def test_lines_must_belong_to_the_plan_in_force(demo: Demo, actor: Actor):
    # LA-1 belongs to the 2020-2023 plan; the program is 2024.
    with pytest.raises(ValidationError) as exc:
        activity_update(actor=actor, activity=demo.activity_full, lines_of_action=["LA-1"])
    assert "LA-1" in exc.value.message_dict["lines_of_action"][0]


def test_failed_update_leaves_nothing_half_written(demo: Demo, actor: Actor):
    activity = demo.activity_full
    before = months_of(activity)
    with pytest.raises(ValidationError):
        activity_update(
            actor=actor, activity=activity, description="Nueva", months=[1] * 11 + ["x"]
        )
    activity.refresh_from_db()
    assert activity.description == "Atención de solicitudes de información pública"
    assert months_of(activity) == before
    assert not AuditEvent.objects.filter(action__startswith="activity").exists()


def test_only_planeacion_reassigns_an_activity_area(demo: Demo, actor: Actor):
    """The service itself refuses, whatever page or endpoint called it."""
    activity = demo.activity_full  # inherits SE from its node; the enlace of SE writes it
    enlace = Actor.for_user(demo.users["enlace_se"])
    with pytest.raises(PermissionDenied) as exc:
        activity_update(actor=enlace, activity=activity, area=demo.area_otra, description="X")
    assert str(exc.value) == "Solo Planeación puede modificar la estructura del programa."
    activity.refresh_from_db()
    assert activity.area_id is None
    assert activity.description == "Atención de solicitudes de información pública"
    assert not AuditEvent.objects.filter(action__startswith="activity").exists()
    # Sending the area it already has is no reassignment; Planeación (or the CLI) may move it.
    assert activity_update(actor=enlace, activity=activity, area=None, description="X").changed
    moved = activity_update(actor=actor, activity=activity, area=demo.area_otra)
    assert moved.activity.area_id == demo.area_otra.pk
    back = activity_update(actor=Actor.cli(), activity=activity, area=None)
    assert back.activity.area_id is None


def test_create_and_delete_activity_are_audited(demo: Demo, actor: Actor):
    activity = activity_create(
        actor=actor,
        program=demo.program,
        node=demo.project,
        key="010199",
        description="Nueva actividad",
        annual_target="3",
        months=[1, 1, 1] + [0] * 9,
    )
    assert months_of(activity) == {m: Decimal(1 if m <= 3 else 0) for m in range(1, 13)}
    with pytest.raises(ValidationError) as exc:
        activity_create(
            actor=actor, program=demo.program, node=demo.subprogram, key="010199", description="x"
        )
    assert "Ya existe" in exc.value.message_dict["key"][0]
    activity_id = activity.pk
    activity_delete(actor=actor, activity=activity, reason="Duplicada")
    assert not Activity.objects.filter(pk=activity_id).exists()
    actions = list(
        AuditEvent.objects.filter(object_id=activity_id, action__startswith="activity")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["activity.create", "activity.delete"]


def test_activities_hang_from_the_last_level(demo: Demo, actor: Actor):
    with pytest.raises(ValidationError) as exc:
        activity_create(
            actor=actor, program=demo.program, node=demo.subprogram, key="X1", description="x"
        )
    assert "último nivel" in exc.value.message_dict["node"][0]


def test_program_and_nodes_from_scratch(demo: Demo, actor: Actor):
    program = program_create(
        actor=actor, institution=demo.institution, year=2025, name="", level_names=None
    )
    assert program.name == "Programa Anual de Actividades 2025"
    with pytest.raises(ValidationError):
        program_create(actor=actor, institution=demo.institution, year=2025, name="x")
    sub = node_create(actor=actor, program=program, parent=None, key="01", name="Presidencia")
    project = node_create(actor=actor, program=program, parent=sub, key="0101", name="Agenda")
    assert project.depth == 1
    with pytest.raises(ValidationError) as exc:
        node_create(actor=actor, program=program, parent=project, key="010101", name="x")
    assert "último" in exc.value.message_dict["parent"][0]
    assert AuditEvent.objects.filter(action="node.create").count() == 2

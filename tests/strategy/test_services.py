"""Writes of strategic plans: validation, refusal to orphan elements, and the audit trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.core.versions import StaleVersion
from rumbo.strategy import services
from rumbo.strategy.models import LineOfAction, StrategicObjective, StrategicPlan, SwotItem
from tests.factories import (
    GeneralProgramFactory,
    InstitutionFactory,
    LineOfActionFactory,
    PolicyFactory,
    StrategicObjectiveFactory,
    StrategicPlanFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(demo) -> Actor:
    return Actor.for_user(demo.users["planeacion"])


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_plan_create_cleans_saves_and_audits(demo, actor):
    plan = services.plan_create(
        actor=actor,
        institution=demo.institution,
        name="  Plan   General 2027-2030 ",
        start_year="2027",
        end_year=2030,
        mission=" Organizar elecciones. ",
    )
    assert (plan.name, plan.start_year, plan.end_year) == ("Plan General 2027-2030", 2027, 2030)
    assert plan.mission == "Organizar elecciones."
    event = AuditEvent.objects.get(action="plan.create", object_id=plan.pk)
    assert event.after["start_year"] == 2027
    assert event.actor == demo.users["planeacion"]


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("", 2030, "start_year", "Escribe un año de cuatro cifras (por ejemplo, 2024)."),
        (1989, 2030, "start_year", "El año debe estar entre 1990 y 2100."),
        (2027, 2101, "end_year", "El año debe estar entre 1990 y 2100."),
        (2030, 2027, "end_year", "El año final no puede ser anterior al año inicial."),
        (2023, 2026, "start_year", "Ya existe un plan con vigencia 2023–2026."),
        ("dos mil", 2030, "start_year", "Escribe un año de cuatro cifras (por ejemplo, 2024)."),
    ],
)
def test_plan_years_are_validated(demo, actor, start, end, field, message):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            actor=actor, institution=demo.institution, name="Plan", start_year=start, end_year=end
        )
    assert errors_of(exc)[field] == [message]
    assert StrategicPlan.objects.filter(institution=demo.institution).count() == 2


def test_plan_name_is_required(demo, actor):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            actor=actor, institution=demo.institution, name="  ", start_year=2027, end_year=2030
        )
    assert errors_of(exc)["name"] == ["El nombre del plan es obligatorio."]


def test_the_same_period_in_another_institution_is_fine(demo, actor):
    other = InstitutionFactory(code="IEPC")
    plan = services.plan_create(
        actor=actor, institution=other, name="Plan", start_year=2023, end_year=2026
    )
    assert plan.institution == other


def test_plan_update_audits_only_the_changed_fields(demo, actor):
    plan = demo.plan_new
    old_mission = plan.mission
    assert services.plan_update(actor=actor, plan=plan, mission="Nueva misión.")
    plan.refresh_from_db()
    assert plan.mission == "Nueva misión."
    event = AuditEvent.objects.get(action="plan.update", object_id=plan.pk)
    assert event.before == {"mission": old_mission}
    assert event.after == {"mission": "Nueva misión."}
    assert not services.plan_update(actor=actor, plan=plan, mission="Nueva misión.")
    assert AuditEvent.objects.filter(action="plan.update").count() == 1


def test_plan_update_keeps_its_own_period_and_refuses_anothers(demo, actor):
    plan = demo.plan_new
    assert not services.plan_update(actor=actor, plan=plan, start_year=2023, end_year=2026)
    with pytest.raises(ValidationError) as exc:
        services.plan_update(actor=actor, plan=plan, start_year=2020, end_year=2023)
    assert "start_year" in errors_of(exc)
    plan.refresh_from_db()
    assert (plan.start_year, plan.end_year) == (2023, 2026)


def test_elements_are_created_in_order_with_parents_and_audited(demo, actor):
    plan = demo.plan_new
    objective = services.objective_create(actor=actor, plan=plan, code="OE2", text="Educar.")
    line = services.line_of_action_create(
        actor=actor, plan=plan, code="2.1", text=" Talleres. ", objective=objective
    )
    assert line.text == "Talleres."
    assert line.order > 0
    assert objective.order > StrategicObjective.objects.get(plan=plan, code="OE1").order
    event = AuditEvent.objects.get(action="line_of_action.create", object_id=line.pk)
    assert event.after == {"code": "2.1", "text": "Talleres.", "objective": "OE2", "program": None}


@pytest.mark.parametrize(
    ("code", "text", "field", "message"),
    [
        ("", "Texto", "code", "La clave es obligatoria."),
        ("1.1", "Texto", "code", "Ya existe una línea de acción con la clave 1.1 en este plan."),
        ("X" * 21, "Texto", "code", "La clave admite hasta 20 caracteres."),
        ("9.9", "   ", "text", "El texto es obligatorio."),
    ],
)
def test_element_codes_and_texts_are_validated(demo, actor, code, text, field, message):
    with pytest.raises(ValidationError) as exc:
        services.line_of_action_create(actor=actor, plan=demo.plan_new, code=code, text=text)
    assert errors_of(exc)[field] == [message]
    assert LineOfAction.objects.filter(plan=demo.plan_new).count() == 2


def test_codes_are_unique_per_plan_not_per_institution(demo, actor):
    line = services.line_of_action_create(
        actor=actor, plan=demo.plan_old, code="1.1", text="Otra línea."
    )
    assert line.plan == demo.plan_old


def test_a_parent_from_another_plan_is_refused(demo, actor):
    foreign = StrategicObjective.objects.get(plan=demo.plan_old)
    with pytest.raises(ValidationError) as exc:
        services.line_of_action_create(
            actor=actor, plan=demo.plan_new, code="9.1", text="Texto", objective=foreign
        )
    assert errors_of(exc)["objective"] == ["Ese elemento pertenece a otro plan."]


def test_update_changes_code_text_and_parent(demo, actor):
    line = LineOfAction.objects.get(plan=demo.plan_new, code="1.2")
    objective = services.objective_create(actor=actor, plan=demo.plan_new, code="OE2", text="X.")
    assert services.line_of_action_update(actor=actor, line=line, code="2.1", objective=objective)
    line.refresh_from_db()
    assert (line.code, line.objective, line.text) == ("2.1", objective, "Capacitar al personal.")
    event = AuditEvent.objects.get(action="line_of_action.update")
    assert event.before == {"code": "1.2", "objective": "OE1"}
    assert event.after == {"code": "2.1", "objective": "OE2"}


def test_update_to_an_existing_code_is_refused(demo, actor):
    line = LineOfAction.objects.get(plan=demo.plan_new, code="1.2")
    with pytest.raises(ValidationError):
        services.line_of_action_update(actor=actor, line=line, code="1.1")
    line.refresh_from_db()
    assert line.code == "1.2"


def test_deleting_an_objective_with_lines_is_refused(demo, actor):
    objective = StrategicObjective.objects.get(plan=demo.plan_new, code="OE1")
    with pytest.raises(ValidationError) as exc:
        services.objective_delete(actor=actor, objective=objective)
    assert errors_of(exc)["__all__"] == [
        "No se puede eliminar OE1: tiene 2 líneas de acción. "
        "Muévelos a otro elemento o elimínalos primero."
    ]
    assert StrategicObjective.objects.filter(pk=objective.pk).exists()


def test_deleting_a_line_with_aligned_activities_is_refused(demo, actor):
    line = LineOfAction.objects.get(plan=demo.plan_new, code="1.1")
    demo.activity_full.lines_of_action.add(line)
    with pytest.raises(ValidationError) as exc:
        services.line_of_action_delete(actor=actor, line=line)
    assert "tiene 1 actividad alineada" in errors_of(exc)["__all__"][0]
    assert LineOfAction.objects.filter(pk=line.pk).exists()


def test_deleting_policy_and_program_with_children_is_refused(demo, actor):
    policy = PolicyFactory(plan=demo.plan_new, code="P9")
    program = GeneralProgramFactory(plan=demo.plan_new, policy=policy, code="G9")
    with pytest.raises(ValidationError) as exc:
        services.policy_delete(actor=actor, policy=policy)
    assert "1 programa general" in errors_of(exc)["__all__"][0]
    StrategicObjectiveFactory(plan=demo.plan_new, program=program, code="OE9")
    LineOfActionFactory(plan=demo.plan_new, program=program, code="9.9")
    with pytest.raises(ValidationError) as exc:
        services.general_program_delete(actor=actor, program=program)
    assert "1 objetivo y 1 línea de acción" in errors_of(exc)["__all__"][0]


def test_deleting_a_leaf_is_audited_with_what_it_was(demo, actor):
    line = LineOfAction.objects.get(plan=demo.plan_new, code="1.2")
    pk = line.pk
    services.line_of_action_delete(actor=actor, line=line)
    assert not LineOfAction.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="line_of_action.delete")
    assert event.object_id == pk
    assert event.before["code"] == "1.2"
    assert event.institution == demo.institution


def test_policy_and_program_round_trip(demo, actor):
    plan = StrategicPlanFactory(institution=demo.institution, start_year=2027, end_year=2030)
    policy = services.policy_create(actor=actor, plan=plan, code="1", name="Democracia")
    program = services.general_program_create(
        actor=actor, plan=plan, code="1.1", name="Educación", policy=policy
    )
    assert services.policy_update(actor=actor, policy=policy, name="Democracia plena")
    assert services.general_program_update(actor=actor, program=program, policy=None)
    program.refresh_from_db()
    assert program.policy is None
    services.general_program_delete(actor=actor, program=program)
    services.policy_delete(actor=actor, policy=policy)
    actions = list(
        AuditEvent.objects.filter(institution=demo.institution)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "policy.create",
        "general_program.create",
        "policy.update",
        "general_program.update",
        "general_program.delete",
        "policy.delete",
    ]


def test_swot_items(demo, actor):
    plan = demo.plan_new
    item = services.swot_item_create(actor=actor, plan=plan, kind="amenaza", text="Recortes.")
    assert item.order == 2  # after the demo's threat
    assert services.swot_item_update(actor=actor, item=item, kind="debilidad")
    item.refresh_from_db()
    assert (item.kind, item.order) == ("debilidad", 2)
    with pytest.raises(ValidationError) as exc:
        services.swot_item_create(actor=actor, plan=plan, kind="riesgo", text="")
    assert set(errors_of(exc)) == {"kind", "text"}
    services.swot_item_delete(actor=actor, item=item)
    assert SwotItem.objects.filter(plan=plan).count() == 4
    assert [
        e.action for e in AuditEvent.objects.filter(action__startswith="swot_item").order_by("pk")
    ] == ["swot_item.create", "swot_item.update", "swot_item.delete"]


def test_a_stale_element_update_is_refused_and_one_without_version_changes_what_it_sends(
    demo,
) -> None:
    actor = Actor.for_user(demo.users["planeacion"])
    line = LineOfAction.objects.get(plan=demo.plan_new, code="1.2")
    objective_id = line.objective_id
    LineOfAction.objects.filter(pk=line.pk).update(code="1.9", version=2)
    with pytest.raises(StaleVersion) as caught:
        services.line_of_action_update(actor=actor, line=line, text="Lo mío.", version=1)
    assert (caught.value.current, caught.value.submitted) == (2, 1)
    assert caught.value.current_values["code"] == "1.9"
    # No version: the stale object in hand does not overwrite the code saved meanwhile.
    assert services.line_of_action_update(actor=actor, line=line, text="Lo mío.")
    stored = LineOfAction.objects.get(pk=line.pk)
    assert (stored.code, stored.text, stored.version) == ("1.9", "Lo mío.", 3)
    assert stored.objective_id == objective_id

"""Design services: validation before saving, one audit event per write, refusals write nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.design import services
from rumbo.design.models import (
    Alternative,
    PopulationFigure,
    ProgramDesign,
    Risk,
    ScheduleAction,
    Stakeholder,
    TreeNode,
)
from rumbo.programs.models import Activity, ProgramNode
from tests.factories import AnnualProgramFactory, ProgramNodeFactory

pytestmark = pytest.mark.django_db

ACTOR = Actor(user=None, label="prueba")


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


@pytest.fixture
def design(demo) -> ProgramDesign:
    return demo.design.design


@pytest.fixture
def events():
    """How many audit events were written since the test started."""
    start = AuditEvent.objects.count()
    return lambda: AuditEvent.objects.count() - start


def tree(design, kind="problema"):
    return {n.role + ":" + n.text: n for n in TreeNode.objects.filter(design=design, tree=kind)}


# --- designs ---------------------------------------------------------------------------------


def test_design_create_on_a_free_top_level_node_is_audited(demo, events):
    node = ProgramNode.objects.get(program=demo.program, key="02")
    design = services.design_create(
        actor=ACTOR, institution=demo.institution, node=node, title="  Programa  de Organización "
    )
    assert design.title == "Programa de Organización"
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.after["node"], event.institution_id) == (
        "design.create",
        "02",
        demo.institution.pk,
    )
    assert events() == 1


@pytest.mark.parametrize("case", ["child", "designed", "other_institution", "no_title"])
def test_design_create_refusals_write_nothing(demo, events, case):
    node = ProgramNode.objects.get(program=demo.program, key="02")
    title = "Diseño"
    if case == "child":
        node = demo.project
    elif case == "designed":
        node = demo.subprogram
    elif case == "other_institution":
        program = AnnualProgramFactory(institution=demo.other_institution, year=2024)
        node = ProgramNodeFactory(program=program, key="01", name="Otro")
    else:
        title = "   "
    count = ProgramDesign.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.design_create(actor=ACTOR, institution=demo.institution, node=node, title=title)
    assert set(errors_of(exc)) == ({"title"} if case == "no_title" else {"node"})
    assert ProgramDesign.objects.count() == count
    assert events() == 0


def test_design_update_audits_only_what_changed(design, events):
    changed = services.design_update(
        actor=ACTOR,
        design=design,
        changes={"title": design.title, "diagnosis": "Nuevo diagnóstico.\r\nSegundo renglón."},
    )
    assert changed
    event = AuditEvent.objects.latest("pk")
    assert event.before.keys() == {"diagnosis"}
    assert event.after == {"diagnosis": "Nuevo diagnóstico.\nSegundo renglón."}
    assert not services.design_update(actor=ACTOR, design=design, changes={"title": design.title})
    assert events() == 1
    with pytest.raises(ValidationError):
        services.design_update(actor=ACTOR, design=design, changes={"node": 3})


# --- stakeholders, alternatives, population ---------------------------------------------------


@pytest.mark.parametrize("bad", [0, 6, "x", "2.5", True])
def test_stakeholder_scores_are_one_to_five(design, events, bad):
    count = Stakeholder.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.stakeholder_create(
            actor=ACTOR, design=design, data={"actor": "Partidos", "power": bad}
        )
    assert "power" in errors_of(exc)
    assert Stakeholder.objects.count() == count and events() == 0


def test_stakeholder_create_update_delete(design, events):
    s = services.stakeholder_create(
        actor=ACTOR,
        design=design,
        data={"actor": "Partidos políticos", "power": "4", "involvement": 3, "position": ""},
    )
    assert (s.power, s.involvement, s.position, s.order) == (4, 3, None, 3)
    assert services.stakeholder_update(actor=ACTOR, stakeholder=s, changes={"importance": 5})
    services.stakeholder_delete(actor=ACTOR, stakeholder=s)
    actions = list(AuditEvent.objects.order_by("-pk").values_list("action", flat=True)[:3])
    assert actions == ["stakeholder.delete", "stakeholder.update", "stakeholder.create"]
    assert events() == 3
    with pytest.raises(ValidationError) as exc:
        services.stakeholder_create(actor=ACTOR, design=design, data={"actor": ""})
    assert "actor" in errors_of(exc)


def test_choosing_an_alternative_unmarks_the_previous_one(design, events):
    first = Alternative.objects.get(design=design, chosen=True)
    other = Alternative.objects.get(design=design, chosen=False)
    services.alternative_update(actor=ACTOR, alternative=other, changes={"chosen": True})
    first.refresh_from_db()
    assert not first.chosen
    assert list(Alternative.objects.filter(design=design, chosen=True)) == [other]
    assert events() == 2  # the change and the unmarking


def test_population_figures_parse_es_mx_numbers_and_need_a_source(design, events):
    figure = services.population_create(
        actor=ACTOR,
        design=design,
        data={"label": "Ciudadanía", "value": "1,234,567.5", "source": "INE", "cutoff": "2024"},
    )
    assert figure.value == Decimal("1234567.50")
    assert not services.population_update(
        actor=ACTOR, figure=figure, changes={"value": "1234567.5"}
    )
    for data, field in [
        ({"label": "X", "value": "10", "source": ""}, "source"),
        ({"label": "X", "value": "diez", "source": "S"}, "value"),
        ({"label": "X", "value": "1.234", "source": "S"}, "value"),
        ({"label": "X", "value": "-1", "source": "S"}, "value"),
        ({"label": "", "value": "1", "source": "S"}, "label"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.population_create(actor=ACTOR, design=design, data=data)
        assert field in errors_of(exc), data
    assert PopulationFigure.objects.filter(design=design).count() == 2
    assert events() == 1


# --- trees -----------------------------------------------------------------------------------


def test_a_cause_hangs_from_the_core_or_another_cause(design, events):
    nodes = tree(design)
    core = nodes["central:Acuerdos atendidos con retraso"]
    effect = nodes["efecto:Incumplimientos ante el Consejo"]
    cause = services.tree_node_create(
        actor=ACTOR,
        design=design,
        data={"tree": "problema", "role": "causa", "parent": core, "text": "Falta de personal"},
    )
    assert cause.order == 2  # after the existing first-level cause
    with pytest.raises(ValidationError) as exc:
        services.tree_node_create(
            actor=ACTOR,
            design=design,
            data={"tree": "problema", "role": "causa", "parent": effect, "text": "Mal"},
        )
    assert "otra causa" in errors_of(exc)["parent"][0]
    with pytest.raises(ValidationError) as exc:
        services.tree_node_create(
            actor=ACTOR,
            design=design,
            data={"tree": "problema", "role": "efecto", "parent": cause, "text": "Mal"},
        )
    assert "otro efecto" in errors_of(exc)["parent"][0]
    assert events() == 1


def test_tree_parent_must_be_of_the_same_design_and_tree(demo, design, events):
    objective_core = tree(design, "objetivo")["central:Acuerdos atendidos en plazo"]
    with pytest.raises(ValidationError) as exc:
        services.tree_node_create(
            actor=ACTOR,
            design=design,
            data={"tree": "problema", "role": "causa", "parent": objective_core, "text": "X"},
        )
    assert "mismo árbol" in errors_of(exc)["parent"][0]
    other = services.design_create(
        actor=ACTOR, node=ProgramNode.objects.get(program=demo.program, key="02"), title="Otro"
    )
    with pytest.raises(ValidationError):
        services.tree_node_create(
            actor=ACTOR,
            design=other,
            data={"tree": "objetivo", "role": "causa", "parent": objective_core, "text": "X"},
        )
    with pytest.raises(ValidationError) as exc:
        services.tree_node_create(
            actor=ACTOR, design=design, data={"tree": "problema", "role": "causa", "text": "X"}
        )
    assert "cuelga" in errors_of(exc)["parent"][0]
    assert events() == 1  # only the other design's creation


def test_one_central_per_tree(design, demo):
    with pytest.raises(ValidationError) as exc:
        services.tree_node_create(
            actor=ACTOR, design=design, data={"tree": "problema", "role": "central", "text": "Otro"}
        )
    assert "ya tiene" in errors_of(exc)["role"][0]
    other = services.design_create(
        actor=ACTOR, node=ProgramNode.objects.get(program=demo.program, key="02"), title="Otro"
    )
    core = services.tree_node_create(
        actor=ACTOR, design=other, data={"tree": "problema", "role": "central", "text": "Centro"}
    )
    assert core.parent is None and core.order == 1


def test_no_cycles_and_no_role_change_with_children(design):
    nodes = tree(design)
    cause = nodes["causa:Sin seguimiento sistemático"]
    sub = nodes["causa:Sin seguimiento sistemático (detalle)"]
    with pytest.raises(ValidationError) as exc:
        services.tree_node_update(actor=ACTOR, node=cause, changes={"parent": sub})
    assert "debajo" in errors_of(exc)["parent"][0]
    with pytest.raises(ValidationError) as exc:
        services.tree_node_update(actor=ACTOR, node=cause, changes={"parent": cause})
    assert "sí mismo" in errors_of(exc)["parent"][0]
    with pytest.raises(ValidationError) as exc:
        services.tree_node_update(actor=ACTOR, node=cause, changes={"role": "efecto"})
    assert "1 elemento debajo" in errors_of(exc)["role"][0]
    with pytest.raises(ValidationError) as exc:
        services.tree_node_update(actor=ACTOR, node=sub, changes={"tree": "objetivo"})
    assert "tree" in errors_of(exc)
    cause.refresh_from_db()
    assert cause.parent == nodes["central:Acuerdos atendidos con retraso"]


def test_deleting_a_box_with_children_is_refused_with_the_count(design, events):
    nodes = tree(design)
    core = nodes["central:Acuerdos atendidos con retraso"]
    with pytest.raises(ValidationError) as exc:
        services.tree_node_delete(actor=ACTOR, node=core)
    assert "2 elementos cuelgan" in errors_of(exc)["__all__"][0]
    sub = nodes["causa:Sin seguimiento sistemático (detalle)"]
    services.tree_node_delete(actor=ACTOR, node=sub, reason="Repetido")
    assert not TreeNode.objects.filter(pk=sub.pk).exists()
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.reason, event.object_id) == ("tree_node.delete", "Repetido", sub.pk)
    assert events() == 1
    assert TreeNode.objects.filter(pk=core.pk).exists()


# --- risks and cronograma ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"risk": "R", "impact": 3}, "probability"),
        ({"risk": "R", "probability": 6, "impact": 3}, "probability"),
        ({"risk": "R", "probability": 2, "impact": "0"}, "impact"),
        ({"risk": "", "probability": 2, "impact": 2}, "risk"),
        ({"risk": "R", "probability": 2, "impact": 2, "treatment": "ignorar"}, "treatment"),
    ],
)
def test_risk_refusals(design, events, data, field):
    count = Risk.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.risk_create(actor=ACTOR, design=design, data=data)
    assert field in errors_of(exc)
    assert Risk.objects.count() == count and events() == 0


def test_risk_create_and_update(design, events):
    risk = services.risk_create(
        actor=ACTOR, design=design, data={"risk": "Recorte", "probability": "3", "impact": "5"}
    )
    assert (risk.probability, risk.impact, risk.treatment, risk.order) == (3, 5, "reducir", 3)
    services.risk_update(actor=ACTOR, risk=risk, changes={"impact": 2, "treatment": "aceptar"})
    event = AuditEvent.objects.latest("pk")
    assert event.before == {"impact": 5, "treatment": "reducir"}
    assert events() == 2


def test_schedule_months_are_sorted_and_validated(demo, design, events):
    action = services.schedule_action_create(
        actor=ACTOR,
        design=design,
        data={"description": "Capacitar", "months": ["12", 3, "1"], "component": demo.design.a11},
    )
    assert action.months == [1, 3, 12]
    for months in [[0], [13], [3, 3], ["marzo"], "1,2"]:
        with pytest.raises(ValidationError) as exc:
            services.schedule_action_create(
                actor=ACTOR, design=design, data={"description": "X", "months": months}
            )
        assert "months" in errors_of(exc), months
    assert events() == 1


def test_schedule_links_stay_inside_the_design(demo, design, events):
    other = services.design_create(
        actor=ACTOR, node=ProgramNode.objects.get(program=demo.program, key="02"), title="Otro"
    )
    for data, field in [
        ({"component": demo.design.c1}, "component"),  # the MIR of another design
        (
            {
                "activity": Activity.objects.create(
                    program=AnnualProgramFactory(institution=demo.institution, year=2025),
                    node=ProgramNodeFactory(
                        program=AnnualProgramFactory(institution=demo.institution, year=2026),
                        key="9",
                    ),
                    key="9",
                    description="Otra",
                )
            },
            "activity",
        ),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.schedule_action_create(
                actor=ACTOR, design=other, data={"description": "X", **data}
            )
        assert field in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        services.schedule_action_create(
            actor=ACTOR, design=design, data={"description": "X", "component": demo.design.fin}
        )
    assert "component" in errors_of(exc)
    ok = services.schedule_action_create(
        actor=ACTOR,
        design=design,
        data={"description": "Con actividad", "activity": demo.activity_full},
    )
    assert ok.activity == demo.activity_full and ok.months == []
    services.schedule_action_delete(actor=ACTOR, action=ok)
    assert not ScheduleAction.objects.filter(pk=ok.pk).exists()
    assert events() == 3  # other design, create, delete

"""MIR rows and indicators through their services: validation, refusals, audit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.indicators.models import (
    ActivityMirLink,
    Indicator,
    IndicatorTarget,
    Measurement,
    Mir,
    MirRow,
)
from rumbo.indicators.services import (
    activity_mir_link_set,
    indicator_create,
    indicator_delete,
    indicator_update,
    mir_ensure,
    mir_row_create,
    mir_row_delete,
    mir_row_update,
)
from tests.factories import ActivityFactory, AnnualProgramFactory, ProgramNodeFactory

ACTOR = Actor(user=None, label="test")


def _data(demo, **over):
    data = {
        "name": "Porcentaje de sesiones atendidas",
        "formula": "atendidas / solicitadas * 100",
        "kind": "gestion",
        "dimension": "eficacia",
        "frequency": "trimestral",
        "area": demo.area_se,
        "variables": [
            {"name": "atendidas", "description": "Sesiones atendidas", "source": "Actas"},
            {"name": "solicitadas", "description": "Sesiones solicitadas", "source": "Oficios"},
        ],
        "targets": {1: "80", 2: "85", 3: "1,234.5", 4: "95"},
    }
    data.update(over)
    return data


# --- MIR and rows ---------------------------------------------------------------------


def test_mir_ensure_creates_once_and_audits(demo) -> None:
    design = demo.design.design
    assert mir_ensure(actor=ACTOR, design=design) == demo.design.mir  # already there
    Mir.objects.all().delete()
    mir = mir_ensure(actor=ACTOR, design=design)
    assert mir_ensure(actor=ACTOR, design=design) == mir
    assert AuditEvent.objects.filter(action="mir.create").count() == 1


def test_row_create_appends_and_audits(demo) -> None:
    d = demo.design
    row = mir_row_create(
        actor=ACTOR, mir=d.mir, level="actividad", parent=d.c2, summary="Instalación de casillas."
    )
    assert row.order == 6  # after the last row (C2 has order 5)
    assert row.parent == d.c2
    event = AuditEvent.objects.get(action="mir_row.create")
    assert event.after["parent"] == "C2" and event.after["level"] == "actividad"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"level": "meta", "summary": "x"}, "level"),
        ({"level": "actividad", "summary": "x"}, "parent"),
        ({"level": "fin", "summary": "x", "parent": "c1"}, "parent"),
        ({"level": "actividad", "summary": "x", "parent": "a11"}, "parent"),
        ({"level": "componente", "summary": "   "}, "summary"),
        ({"level": "componente", "summary": "x", "code": "C" * 21}, "code"),
        ({"level": "componente", "summary": "x", "order": -1}, "order"),
    ],
)
def test_row_create_refuses_invalid(demo, kwargs, field) -> None:
    d = demo.design
    for key in ("parent",):
        if key in kwargs:
            kwargs[key] = getattr(d, kwargs[key])
    before = MirRow.objects.count()
    with pytest.raises(ValidationError) as exc:
        mir_row_create(actor=ACTOR, mir=d.mir, **kwargs)
    assert field in exc.value.message_dict
    assert MirRow.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_row_parent_must_be_of_the_same_mir(demo) -> None:
    # A second design (on the DO subprogram) with its own componente.
    from rumbo.design.models import ProgramDesign

    other_design = ProgramDesign.objects.create(
        node=demo.activity_otra.node.parent, title="Documentación"
    )
    other = mir_ensure(actor=ACTOR, design=other_design)
    comp = mir_row_create(actor=ACTOR, mir=other, level="componente", summary="Boletas.")
    with pytest.raises(ValidationError) as exc:
        mir_row_create(
            actor=ACTOR, mir=demo.design.mir, level="actividad", parent=comp, summary="x"
        )
    assert "misma MIR" in exc.value.message_dict["parent"][0]


def test_row_update_audits_only_changed_fields(demo) -> None:
    d = demo.design
    mir_row_update(actor=ACTOR, row=d.c2, changes={"assumptions": "Hay material electoral."})
    event = AuditEvent.objects.get(action="mir_row.update")
    assert event.before == {"assumptions": ""}
    assert event.after == {"assumptions": "Hay material electoral."}
    mir_row_update(actor=ACTOR, row=d.c2, changes={"assumptions": "Hay material electoral."})
    assert AuditEvent.objects.filter(action="mir_row.update").count() == 1  # no-op: no audit


def test_row_update_moves_an_actividad_and_refuses_demoting_a_parent(demo) -> None:
    d = demo.design
    row = mir_row_update(actor=ACTOR, row=d.a11, changes={"parent": d.c2})
    assert row.parent_id == d.c2.pk
    with pytest.raises(ValidationError) as exc:
        mir_row_update(actor=ACTOR, row=d.c2, changes={"level": "proposito"})
    assert "1 actividad" in exc.value.message_dict["level"][0]
    # An actividad promoted to componente drops its parent.
    promoted = mir_row_update(actor=ACTOR, row=d.a11, changes={"level": "componente"})
    assert promoted.parent_id is None and promoted.level == "componente"


def test_row_delete_refused_with_counts_then_allowed(demo) -> None:
    d = demo.design
    Measurement.objects.create(indicator=d.ind_a11, period=1, values={}, value=Decimal(90))
    Measurement.objects.create(indicator=d.ind_a11, period=2, values={}, value=Decimal(90))
    with pytest.raises(ValidationError) as exc:
        mir_row_delete(actor=ACTOR, row=d.c1)
    messages = exc.value.message_dict["__all__"]
    assert any("1 actividad" in m for m in messages)
    assert any("«Porcentaje de informes mensuales» tiene 2 medición" in m for m in messages)
    with pytest.raises(ValidationError):
        mir_row_delete(actor=ACTOR, row=d.a11)
    assert MirRow.objects.filter(pk=d.a11.pk).exists()
    Measurement.objects.all().delete()
    mir_row_delete(actor=ACTOR, row=d.a11, reason="Se fusiona")
    event = AuditEvent.objects.get(action="mir_row.delete")
    assert event.before["indicators"] == ["Porcentaje de informes mensuales"]
    assert event.reason == "Se fusiona"
    assert not Indicator.objects.filter(pk=d.ind_a11.pk).exists()


# --- indicators -----------------------------------------------------------------------


def test_indicator_create_with_variables_and_targets(demo) -> None:
    ind = indicator_create(actor=ACTOR, row=demo.design.c2, data=_data(demo))
    assert [v.name for v in ind.variables.all()] == ["atendidas", "solicitadas"]
    assert {t.period: t.value for t in ind.targets.all()}[3] == Decimal("1234.5")
    assert ind.unit == "Porcentaje" and ind.direction == "ascendente"
    event = AuditEvent.objects.get(action="indicator.create")
    assert event.after["targets"]["3"] == 1234.5
    assert event.after["area"] == "SE"


@pytest.mark.parametrize(
    ("over", "field", "fragment"),
    [
        ({"name": ""}, "name", "obligatorio"),
        ({"frequency": "quincenal"}, "frequency", "frecuencia"),
        ({"kind": "otro"}, "kind", "tipo"),
        ({"dimension": "belleza"}, "dimension", "dimensión"),
        ({"direction": "lateral"}, "direction", "ascendente"),
        ({"baseline_year": 1800}, "baseline_year", "1990"),
        ({"baseline_year": 2030}, "baseline_year", "2024"),
        ({"baseline_value": "-3"}, "baseline_value", "negativa"),
        ({"cremaa_clear": 6}, "cremaa_clear", "1 a 5"),
        ({"cremaa_marginal": "0"}, "cremaa_marginal", "1 a 5"),
        ({"unit": "x" * 61}, "unit", "60"),
        ({"formula": "atendidas / (solicitadas"}, "formula", ""),
        ({"formula": "atendidas / otras * 100"}, "formula", "otras"),
        ({"formula": "__import__('os')"}, "formula", ""),
        (
            {"variables": [{"name": "a b", "description": "x"}], "formula": "1"},
            "variables",
            "no es un nombre",
        ),
        (
            {
                "variables": [
                    {"name": "a", "description": "x"},
                    {"name": "a", "description": "y"},
                ],
                "formula": "a",
            },
            "variables",
            "dos veces",
        ),
        ({"variables": [{"name": "a", "description": ""}], "formula": "a"}, "variables", "a"),
        ({"targets": {5: "10"}}, "targets", "0 (meta anual) o de 1 a 4"),
        ({"targets": {1: "-1"}}, "targets.1", "negativa"),
        ({"targets": {1: "mucho"}}, "targets.1", "no es una cantidad"),
    ],
)
def test_indicator_create_refuses(demo, over, field, fragment) -> None:
    before = Indicator.objects.count()
    with pytest.raises(ValidationError) as exc:
        indicator_create(actor=ACTOR, row=demo.design.c2, data=_data(demo, **over))
    assert field in exc.value.message_dict, exc.value.message_dict
    assert fragment in exc.value.message_dict[field][0]
    assert Indicator.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_indicator_area_of_another_institution_refused(demo) -> None:
    from tests.factories import AreaFactory

    foreign = AreaFactory(institution=demo.other_institution, name="Ajena", code="AJ")
    with pytest.raises(ValidationError) as exc:
        indicator_create(actor=ACTOR, row=demo.design.c2, data=_data(demo, area=foreign.pk))
    assert "institución" in exc.value.message_dict["area"][0]


def test_indicator_update_audits_only_changed_fields(demo) -> None:
    ind = demo.design.ind_c1
    indicator_update(
        actor=ACTOR, indicator=ind, data={"name": ind.name, "definition": "Informes al Consejo."}
    )
    event = AuditEvent.objects.get(action="indicator.update")
    assert event.before == {"definition": ""}
    assert event.after == {"definition": "Informes al Consejo."}
    indicator_update(actor=ACTOR, indicator=ind, data={"targets": {1: "80", 2: "86"}})
    event = AuditEvent.objects.filter(action="indicator.update").latest("pk")
    assert event.before == {"targets": {"1": 80, "2": 85, "3": 90, "4": 95}}
    assert event.after == {"targets": {"1": 80, "2": 86}}


def test_indicator_update_frequency_checks_targets_and_measurements(demo) -> None:
    ind = demo.design.ind_c1  # trimestral, targets 1–4
    with pytest.raises(ValidationError) as exc:
        indicator_update(actor=ACTOR, indicator=ind, data={"frequency": "semestral"})
    assert "3, 4" in exc.value.message_dict["targets"][0]
    indicator_update(
        actor=ACTOR, indicator=ind, data={"frequency": "semestral", "targets": {1: 80, 2: 95}}
    )
    assert IndicatorTarget.objects.filter(indicator=ind).count() == 2
    Measurement.objects.create(indicator=ind, period=1, values={}, value=Decimal(80))
    with pytest.raises(ValidationError) as exc:
        indicator_update(
            actor=ACTOR, indicator=ind, data={"frequency": "anual", "targets": {1: 90}}
        )
    assert "Ya hay mediciones" in exc.value.message_dict["frequency"][0]
    with pytest.raises(ValidationError) as exc:
        indicator_update(
            actor=ACTOR,
            indicator=ind,
            data={"variables": [{"name": "x", "description": "x"}], "formula": "x"},
        )
    assert "realizadas" in exc.value.message_dict["variables"][0]


def test_indicator_formula_change_must_use_declared_variables(demo) -> None:
    ind = demo.design.ind_c1
    with pytest.raises(ValidationError) as exc:
        indicator_update(actor=ACTOR, indicator=ind, data={"formula": "hechas / programadas"})
    assert "hechas" in exc.value.message_dict["formula"][0]
    updated = indicator_update(
        actor=ACTOR, indicator=ind, data={"formula": "pct = programadas - realizadas"}
    )
    assert updated.formula == "pct = programadas - realizadas"


def test_indicator_delete_refused_with_measurements(demo) -> None:
    ind = demo.design.ind_c2
    Measurement.objects.create(indicator=ind, period=1, values={}, value=Decimal(50))
    with pytest.raises(ValidationError) as exc:
        indicator_delete(actor=ACTOR, indicator=ind, reason="x")
    assert "1 medición" in exc.value.message_dict["__all__"][0]
    Measurement.objects.all().delete()
    indicator_delete(actor=ACTOR, indicator=ind, reason="Duplicado")
    event = AuditEvent.objects.get(action="indicator.delete")
    assert event.before["name"] == ind.name and event.reason == "Duplicado"


# --- POA activity ↔ MIR row -----------------------------------------------------------


def test_activity_link_set_change_clear(demo) -> None:
    d = demo.design
    activity_mir_link_set(actor=ACTOR, activity=demo.activity_full, row=d.a11)
    assert ActivityMirLink.objects.get(activity=demo.activity_full).row == d.a11
    activity_mir_link_set(actor=ACTOR, activity=demo.activity_full, row=d.c2)
    activity_mir_link_set(actor=ACTOR, activity=demo.activity_full, row=d.c2)  # no-op
    activity_mir_link_set(actor=ACTOR, activity=demo.activity_full, row=None)
    assert not ActivityMirLink.objects.exists()
    events = AuditEvent.objects.filter(action="activity.mir_link").order_by("pk")
    assert [(e.before["mir_row"], e.after["mir_row"]) for e in events] == [
        (None, "A1.1"),
        ("A1.1", "C2"),
        ("C2", None),
    ]


def test_activity_link_refuses_other_program_and_fin(demo) -> None:
    d = demo.design
    program = AnnualProgramFactory(institution=demo.institution, year=2025)
    node = ProgramNodeFactory(program=program, key="01", name="SE 2025", area=demo.area_se)
    stranger = ActivityFactory(node=node, key="010101", description="Otra")
    with pytest.raises(ValidationError) as exc:
        activity_mir_link_set(actor=ACTOR, activity=stranger, row=d.a11)
    assert "mismo programa" in exc.value.message_dict["row"][0]
    with pytest.raises(ValidationError):
        activity_mir_link_set(actor=ACTOR, activity=demo.activity_full, row=d.fin)
    assert not ActivityMirLink.objects.exists()

"""A design's cronograma becomes the activities of its annual program (program_from_design).

The design is built here with three actions — months [1, 2, 3], [6] and [] — and every
expected figure is worked out by hand from them.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.cli import usage
from rumbo.design.models import ScheduleAction
from rumbo.design.services import program_from_design
from rumbo.imports.models import FindingStatus, QualityFinding
from rumbo.indicators.models import ActivityMirLink, Level, Mir, MirRow, ProgramDesign
from rumbo.institutions.models import AreaAlias, Role
from rumbo.programs.lifecycle import TargetsFrozen
from rumbo.programs.models import (
    Activity,
    MonthlyTarget,
    ProgramNode,
    ProgramState,
    UnitOfMeasure,
)
from rumbo.programs.services import activity_update
from tests.factories import (
    AnnualProgramFactory,
    AreaFactory,
    InstitutionFactory,
    MembershipFactory,
    ProgramNodeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CLI = Actor(user=None, label="cli:prueba")
IECM_LEVELS = ["Programa", "Actividad institucional", "Acción"]


@pytest.fixture
def world():
    inst = InstitutionFactory(code="IECM", name="Instituto Electoral de la Ciudad de México")
    dvoe = AreaFactory(
        institution=inst, name="Dirección de Vinculación con Organismos Externos", code="DVOE"
    )
    other = AreaFactory(institution=inst, name="Unidad Técnica de Comunicación", code="UTC")
    program = AnnualProgramFactory(institution=inst, year=2024, level_names=IECM_LEVELS)
    node = ProgramNodeFactory(program=program, key="VINC", name="Vinculación", area=dvoe)
    design = ProgramDesign.objects.create(node=node, title="Programa de Vinculación 2024")
    mir = Mir.objects.create(design=design)
    c1 = MirRow.objects.create(
        mir=mir, level=Level.COMPONENTE, code="C1", order=1, summary="Vínculos  establecidos"
    )
    actions = [
        # accents, case and spacing differ from the area's canonical name: still the same
        ScheduleAction.objects.create(
            design=design,
            order=1,
            number="1",
            component=c1,
            description="Reuniones con organizaciones",
            months=[1, 2, 3],
            months_simulated=True,
            responsible="direccion de vinculacion  con organismos externos",
        ),
        ScheduleAction.objects.create(
            design=design,
            order=2,
            number="2",
            component=c1,
            description="Materiales digitales",
            months=[6],
            responsible="Coordinación Inexistente",
        ),
        ScheduleAction.objects.create(
            design=design, order=3, number="1", description="Seguimiento", months=[]
        ),
    ]
    return {
        "inst": inst,
        "dvoe": dvoe,
        "other": other,
        "program": program,
        "node": node,
        "design": design,
        "c1": c1,
        "actions": actions,
    }


def months_of(activity: Activity) -> list[Decimal | None]:
    months: list[Decimal | None] = [None] * 12
    for month, quantity in MonthlyTarget.objects.filter(activity=activity).values_list(
        "month", "quantity"
    ):
        months[month - 1] = quantity
    return months


def census(program) -> dict[str, int]:
    return {
        "nodes": ProgramNode.objects.filter(program=program).count(),
        "activities": Activity.objects.filter(program=program).count(),
        "months": MonthlyTarget.objects.filter(activity__program=program).count(),
        "links": ActivityMirLink.objects.filter(activity__program=program).count(),
        "units": UnitOfMeasure.objects.filter(institution=program.institution).count(),
        "findings": QualityFinding.objects.filter(institution=program.institution).count(),
        "open": QualityFinding.objects.filter(
            institution=program.institution, status=FindingStatus.OPEN
        ).count(),
        "events": AuditEvent.objects.count(),
    }


def test_three_actions_give_the_hand_worked_activities_targets_and_links(world):
    result = program_from_design(actor=CLI, design=world["design"])

    node = world["node"]
    groups = {n.key: n for n in ProgramNode.objects.filter(program=world["program"], depth=1)}
    assert set(groups) == {"VINC-C1", "VINC-SC"}
    assert all(g.parent_id == node.pk and g.area_id is None for g in groups.values())
    assert groups["VINC-C1"].name == "Vínculos establecidos"
    assert groups["VINC-SC"].name == "Acciones sin componente de la MIR"

    acts = {a.key: a for a in Activity.objects.filter(program=world["program"])}
    assert list(acts) == ["VINC-C1-1", "VINC-C1-2", "VINC-1"]  # cronograma order
    one, two, three = acts["VINC-C1-1"], acts["VINC-C1-2"], acts["VINC-1"]
    zero, unit = Decimal(0), Decimal(1)
    assert months_of(one) == [unit] * 3 + [zero] * 9
    assert months_of(two) == [zero] * 5 + [unit] + [zero] * 6
    assert months_of(three) == [zero] * 12
    assert (one.annual_target, two.annual_target, three.annual_target) == (3, 1, 0)
    assert {a.node_id for a in (one, two)} == {groups["VINC-C1"].pk}
    assert three.node_id == groups["VINC-SC"].pk
    assert {a.unit.name for a in acts.values()} == {"Acción realizada"}
    assert [a.description for a in acts.values()] == [
        "Reuniones con organizaciones",
        "Materiales digitales",
        "Seguimiento",
    ]
    # the matched responsible is the activity's own area; the others inherit VINC's
    assert (one.area_id, two.area_id, three.area_id) == (world["dvoe"].pk, None, None)
    # only the action whose months are simulated gives a simulated calendar
    assert (one.calendar_simulated, two.calendar_simulated, three.calendar_simulated) == (
        True,
        False,
        False,
    )
    linked = dict(ScheduleAction.objects.values_list("pk", "activity__key"))
    assert [linked[a.pk] for a in world["actions"]] == ["VINC-C1-1", "VINC-C1-2", "VINC-1"]
    links = dict(ActivityMirLink.objects.values_list("activity__key", "row_id"))
    assert links == {"VINC-C1-1": world["c1"].pk, "VINC-C1-2": world["c1"].pk}

    findings = {
        (f.code, f.object_id, f.status)
        for f in QualityFinding.objects.filter(institution=world["inst"])
    }
    assert findings == {
        ("area_unresolved", two.pk, FindingStatus.OPEN),
        ("schedule_no_months", three.pk, FindingStatus.OPEN),
    }
    message = QualityFinding.objects.get(code="area_unresolved").message
    assert "«Coordinación Inexistente»" in message and "(DVOE)" in message

    assert result.activities_created == ["VINC-C1-1", "VINC-C1-2", "VINC-1"]
    assert (result.monthly_targets, result.mir_links, result.simulated_calendars) == (36, 2, 1)
    text = result.to_text()
    assert "Se creó en el programa IECM 2024" in text
    assert "  Actividad institucional: 2" in text and "  Acción:" in text
    assert "Calendarios simulados: 1" in text
    summary = AuditEvent.objects.get(action="program.from_design")
    assert summary.actor_label == "cli:prueba"
    assert summary.after["activities_created"] == ["VINC-C1-1", "VINC-C1-2", "VINC-1"]
    assert AuditEvent.objects.filter(action="activity.create").count() == 3
    assert AuditEvent.objects.filter(action="activity.mir_link").count() == 2
    assert AuditEvent.objects.filter(action="schedule_action.update").count() == 3


def test_running_it_again_changes_nothing(world):
    program_from_design(actor=CLI, design=world["design"])
    before = census(world["program"])
    again = program_from_design(actor=CLI, design=world["design"])
    assert census(world["program"]) == before
    assert not again.changed and again.already_linked == ["VINC-C1-1", "VINC-C1-2", "VINC-1"]
    assert again.to_text().startswith(
        "Programa IECM 2024 desde el cronograma de «Programa de Vinculación 2024»: sin cambios "
        "(3 de 3 acciones ya tienen su acción en el programa)."
    )


def test_the_area_finding_closes_when_the_activity_gets_its_own_area(world):
    program_from_design(actor=CLI, design=world["design"])
    two = Activity.objects.get(key="VINC-C1-2")
    activity_update(actor=CLI, activity=two, area=world["other"])
    program_from_design(actor=CLI, design=world["design"])
    finding = QualityFinding.objects.get(code="area_unresolved")
    assert finding.status == FindingStatus.RESOLVED
    assert QualityFinding.objects.get(code="schedule_no_months").status == FindingStatus.OPEN


def test_a_known_spelling_or_the_siglas_name_the_area(world):
    AreaAlias.objects.create(
        institution=world["inst"], area=world["other"], alias="Coordinación Inexistente"
    )
    ScheduleAction.objects.filter(pk=world["actions"][2].pk).update(responsible="utc")
    program_from_design(actor=CLI, design=world["design"])
    areas = dict(Activity.objects.values_list("key", "area__code"))
    assert areas == {"VINC-C1-1": "DVOE", "VINC-C1-2": "UTC", "VINC-1": "UTC"}
    assert not QualityFinding.objects.filter(code="area_unresolved").exists()


def test_a_dry_run_says_what_it_would_create_and_writes_nothing(world):
    before = census(world["program"])
    result = program_from_design(actor=CLI, design=world["design"], dry_run=True)
    assert census(world["program"]) == before
    assert not ScheduleAction.objects.filter(activity__isnull=False).exists()
    assert result.to_text().startswith(
        "Simulación (no se guardó nada): se crearía en el programa IECM 2024"
    )
    assert result.activities_created == ["VINC-C1-1", "VINC-C1-2", "VINC-1"]


def test_a_two_level_program_hangs_the_activities_from_the_design_node(world):
    program = world["program"]
    program.level_names = ["Programa", "Acción"]
    program.save()
    program_from_design(actor=CLI, design=world["design"])
    assert ProgramNode.objects.filter(program=program).count() == 1
    assert set(Activity.objects.values_list("node_id", flat=True)) == {world["node"].pk}


@pytest.mark.parametrize("case", ["same_key", "key_taken"])
def test_a_key_it_cannot_make_is_refused_and_nothing_is_written(world, case):
    if case == "same_key":
        ScheduleAction.objects.filter(pk=world["actions"][1].pk).update(number="1")
    else:
        group = ProgramNodeFactory(program=world["program"], parent=world["node"], key="OTRO")
        Activity.objects.create(
            program=world["program"], node=group, key="VINC-1", description="Otra actividad"
        )
    before = census(world["program"])
    with pytest.raises(ValidationError) as exc:
        program_from_design(actor=CLI, design=world["design"])
    message = " ".join(exc.value.message_dict["key"])
    assert ("VINC-C1-1" if case == "same_key" else "VINC-1") in message
    assert census(world["program"]) == before


def test_an_approved_program_gets_no_new_activity(world):
    program = world["program"]
    program.state = ProgramState.APROBADO
    program.version = 1
    program.save()
    with pytest.raises(TargetsFrozen):
        program_from_design(actor=CLI, design=world["design"])
    assert not Activity.objects.filter(program=program).exists()


def test_a_user_needs_to_be_planeacion(world):
    enlace = UserFactory()
    MembershipFactory(user=enlace, institution=world["inst"], role=Role.ENLACE, area=world["dvoe"])
    with pytest.raises(PermissionDenied):
        program_from_design(actor=Actor.for_user(enlace), design=world["design"])
    planner = UserFactory()
    MembershipFactory(user=planner, institution=world["inst"], role=Role.PLANEACION)
    result = program_from_design(actor=Actor.for_user(planner), design=world["design"])
    assert len(result.activities_created) == 3


def test_editing_a_simulated_calendar_clears_the_flag_and_says_so(world):
    program_from_design(actor=CLI, design=world["design"])
    one = Activity.objects.get(key="VINC-C1-1")
    activity_update(actor=CLI, activity=one, months=[1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    one.refresh_from_db()
    assert not one.calendar_simulated
    event = AuditEvent.objects.filter(action="activity.update").latest("pk")
    assert (event.before["calendar_simulated"], event.after["calendar_simulated"]) == (True, False)


# --- the command -----------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("rumbo_program", *args, stdout=out)
    return out.getvalue()


def test_cli_previews_then_creates_then_changes_nothing(world):
    args = ("from-design", "--institution", "iecm", "--year", "2024")
    preview = run(*args, "--dry-run")
    assert preview.startswith("Simulación (no se guardó nada): se crearía en el programa IECM")
    assert not Activity.objects.exists()
    created = run(*args, "--design", str(world["design"].pk))
    assert created.startswith("Se creó en el programa IECM 2024")
    assert "«Coordinación Inexistente»" in created  # the finding is printed
    assert Activity.objects.count() == 3
    assert AuditEvent.objects.get(action="program.from_design").actor_label.startswith("cli:")
    assert "sin cambios" in run(*args)
    assert Activity.objects.count() == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--institution", "IECM"), "--year: falta (lo pide «from-design»)"),
        (("--institution", "IECM", "--year", "2023"), "IECM no tiene programa anual 2023"),
        (("--institution", "IECM", "--year", "2024", "--design", "0"), "no tiene el diseño 0"),
        (("--institution", "IECM", "--year", "20x4"), "año inválido"),
    ],
)
def test_cli_refusals(world, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run("from-design", *args)


def test_cli_says_why_a_design_cannot_be_made_and_writes_nothing(world):
    ScheduleAction.objects.filter(pk=world["actions"][1].pk).update(number="1")
    with pytest.raises(CommandError, match="darían la misma clave VINC-C1-1"):
        run("from-design", "--institution", "IECM", "--year", "2024")
    assert not Activity.objects.exists() and not ProgramNode.objects.filter(depth=1).exists()


def test_copy_still_needs_its_years(world):
    with pytest.raises(CommandError, match=re.escape("--from: falta (lo pide «copy»)")):
        run("copy", "--institution", "IECM", "--to", "2025")


def test_rumbo_lists_from_design():
    assert "program from-design --institution CLAVE --year AAAA [--design ID]" in usage()

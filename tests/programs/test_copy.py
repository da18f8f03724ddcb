"""`program_copy` / `rumbo program copy`: a program year as the starting point of another."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rumbo.adjustments.models import AdjustmentRequest
from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.cli import usage
from rumbo.design.models import (
    Alternative,
    PopulationFigure,
    ProgramDesign,
    Risk,
    ScheduleAction,
    Stakeholder,
    TreeNode,
)
from rumbo.imports.models import QualityFinding
from rumbo.indicators.models import (
    ActivityMirLink,
    Indicator,
    IndicatorBands,
    IndicatorTarget,
    IndicatorVariable,
    Measurement,
    Mir,
    MirRow,
)
from rumbo.monitoring.models import ActivityBands, Evidence, PeriodReport, ProgressEntry
from rumbo.opendata.models import Publication
from rumbo.programs.copy import program_copy, retitle
from rumbo.programs.models import (
    Activity,
    AnnualProgram,
    Beneficiary,
    MonthlyTarget,
    ProgramNode,
    ProgramState,
    ProgramVersion,
)
from rumbo.programs.versions import version_freeze
from rumbo.strategy.models import LineOfAction
from tests.factories import (
    ActivityFactory,
    BeneficiaryFactory,
    Demo,
    LineOfActionFactory,
    ProgramNodeFactory,
    StrategicPlanFactory,
    build_design,
    measure_indicator,
)

CLI = Actor.cli()
# A copy with one design: a SELECT and an INSERT per table, one INSERT per level of each
# tree (program 2, design trees 3, MIR 2), the checks, the savepoints and the audit event.
COPY_QUERIES = 53


# --- the world ---------------------------------------------------------------------------


def enrich(demo: Demo) -> None:
    """The demo program with what a copy must carry (alignment, MIR links, bands,
    beneficiaries, a cronograma action on an activity) and what it must not (progress,
    measurements, a period report, an approved version, findings — the demo has those)."""
    d = demo.design
    line_new = LineOfAction.objects.get(plan=demo.plan_new, code="1.1")
    line_old = LineOfAction.objects.get(plan=demo.plan_old, code="LA-1")
    demo.activity_full.lines_of_action.add(line_new, line_old)
    demo.activity_otra.lines_of_action.add(line_old)
    ActivityMirLink.objects.create(activity=demo.activity_full, row=d.a11)
    ActivityMirLink.objects.create(activity=demo.activity_fraction, row=d.c1)
    ActivityBands.objects.create(
        activity=demo.activity_full,
        yellow_low=Decimal(50),
        green_low=Decimal(80),
        green_high=Decimal(120),
        yellow_high=Decimal(150),
        reason="Actividad a demanda",
    )
    IndicatorBands.objects.create(
        indicator=d.ind_c1,
        yellow_low=Decimal(60),
        green_low=Decimal(85),
        green_high=Decimal(110),
        yellow_high=Decimal(130),
        reason="Meta exigente",
    )
    BeneficiaryFactory(activity=demo.activity_full, description="Ciudadanía", quantity="1,200")
    BeneficiaryFactory(activity=demo.activity_full, description="Partidos", quantity="S/C")
    ScheduleAction.objects.create(
        design=d.design,
        component=d.a11,
        activity=demo.activity_full,
        order=3,
        description="Atender las solicitudes",
        months=[1, 6, 12],
    )
    measure_indicator(d.ind_c1, 1)
    ProgressEntry.objects.create(activity=demo.activity_full, month=1, achieved=Decimal(340))
    PeriodReport.objects.create(program=demo.program, area=demo.area_se, month=1)
    version_freeze(program=demo.program, user=None, reason="Línea base", at=timezone.now())


def census(program: AnnualProgram) -> dict[str, int]:
    """What hangs from ``program``, counted with plain ORM counts (not the copy's)."""
    activities = Activity.objects.filter(program=program)
    designs = ProgramDesign.objects.filter(node__program=program)
    indicators = Indicator.objects.filter(row__mir__design__in=designs)
    counts = {
        f"nodes.{depth}": ProgramNode.objects.filter(program=program, depth=depth).count()
        for depth in (0, 1)
    }
    counts.update(
        activities=activities.count(),
        monthly_targets=MonthlyTarget.objects.filter(activity__in=activities).count(),
        beneficiaries=Beneficiary.objects.filter(activity__in=activities).count(),
        lines_of_action=Activity.lines_of_action.through.objects.filter(
            activity__in=activities
        ).count(),
        activity_bands=ActivityBands.objects.filter(activity__in=activities).count(),
        designs=designs.count(),
        stakeholders=Stakeholder.objects.filter(design__in=designs).count(),
        alternatives=Alternative.objects.filter(design__in=designs).count(),
        population_figures=PopulationFigure.objects.filter(design__in=designs).count(),
        risks=Risk.objects.filter(design__in=designs).count(),
        tree_nodes=TreeNode.objects.filter(design__in=designs).count(),
        mirs=Mir.objects.filter(design__in=designs).count(),
        mir_rows=MirRow.objects.filter(mir__design__in=designs).count(),
        indicators=indicators.count(),
        indicator_variables=IndicatorVariable.objects.filter(indicator__in=indicators).count(),
        indicator_targets=IndicatorTarget.objects.filter(indicator__in=indicators).count(),
        indicator_bands=IndicatorBands.objects.filter(indicator__in=indicators).count(),
        mir_links=ActivityMirLink.objects.filter(activity__in=activities).count(),
        schedule_actions=ScheduleAction.objects.filter(design__in=designs).count(),
    )
    return counts


# What the copy never makes: rows of these models are what happened in a year.
NOT_COPIED: tuple[type[models.Model], ...] = (
    ProgressEntry,
    Evidence,
    PeriodReport,
    Measurement,
    QualityFinding,
    ProgramVersion,
    AdjustmentRequest,
    Publication,
)


def totals(*extra: type[models.Model]) -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (*NOT_COPIED, *extra)}


def fields(obj: models.Model, *skip: str) -> dict[str, Any]:
    """A row's values without its id and the ids that point into its own program."""
    out = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.attname in skip or f.name in ("created_at", "updated_at"):
            continue
        out[f.attname] = getattr(obj, f.attname)
    return out


def content(model: type[models.Model], design: ProgramDesign) -> list[str]:
    """A design's rows of ``model``, as comparable text, in no particular order."""
    rows = model._default_manager.filter(design=design)
    return sorted(repr(fields(x, "design_id", "parent_id")) for x in rows)


def copy(demo: Demo, to_year: int = 2025, **kwargs: Any):
    return program_copy(
        actor=CLI, institution=demo.institution, from_year=2024, to_year=to_year, **kwargs
    )


# --- what the copy makes -------------------------------------------------------------------


def test_the_copy_has_the_source_plan_en_formulacion(demo: Demo) -> None:
    enrich(demo)
    source = census(demo.program)
    before = totals()

    result = copy(demo)

    new = AnnualProgram.objects.get(institution=demo.institution, year=2025)
    assert result.program == new and not result.dry_run
    copied = census(new)
    # LA-1 belongs to the 2020-2023 plan, not in force in 2025: dropped twice; 1.1 kept.
    assert copied == {**source, "lines_of_action": source["lines_of_action"] - 2}
    assert copied == {c.key: c.number for c in result.counts}
    assert source["designs"] == 1 and source["mir_links"] == 2 and source["indicator_bands"] == 1
    assert (new.state, new.version, new.progress_simulated) == (ProgramState.FORMULACION, 0, False)
    assert (new.agreement, new.approved_on, new.source_file, str(new.agreement_file)) == (
        "",
        None,
        "",
        "",
    )
    assert new.name == "Programa Anual de Actividades 2025"
    assert new.level_names == demo.program.level_names
    assert ProgramDesign.objects.get(node__program=new).title == "Programa de Seguimiento 2025"
    # Nothing of what happened in 2024 came along.
    assert totals() == before
    assert not ProgressEntry.objects.filter(activity__program=new).exists()
    assert not Activity.objects.filter(program=new).exclude(calendar_as_printed="").exists()


def test_an_approved_mir_is_copied_en_formulacion(demo: Demo) -> None:
    from datetime import date

    Mir.objects.filter(design__node__program=demo.program).update(
        state="aprobado", agreement="IEEM/CG/01/2024", approved_on=date(2024, 1, 15)
    )
    copy(demo)
    copied = Mir.objects.get(design__node__program__year=2025)
    assert (copied.state, copied.agreement, copied.approved_on) == ("formulacion", "", None)


def test_nodes_and_activities_keep_their_tree_areas_units_and_targets(demo: Demo) -> None:
    enrich(demo)
    copy(demo)
    new = AnnualProgram.objects.get(institution=demo.institution, year=2025)

    def tree(program: AnnualProgram) -> dict[str, Any]:
        nodes = {
            n.key: (n.parent.key if n.parent else None, n.depth, n.name, n.area_id, n.objective)
            for n in ProgramNode.objects.filter(program=program).select_related("parent")
        }
        activities = {
            a.key: (
                a.node.key,
                a.area_id,
                a.description,
                a.unit_id,
                a.annual_target,
                a.order,
                dict(a.monthly_targets.values_list("month", "quantity")),
                list(a.beneficiaries.values_list("description", "quantity", "order")),
                getattr(getattr(a, "bands", None), "bands", None),
            )
            for a in Activity.objects.filter(program=program).select_related("node", "bands")
        }
        return {"nodes": nodes, "activities": activities}

    assert tree(new) == tree(demo.program)
    assert tree(new)["activities"]["010103"][6].keys() == set(range(1, 13)) - {5}  # unknown stays
    kept = Activity.objects.get(program=new, key="010101").lines_of_action.all()
    assert [line.code for line in kept] == ["1.1"]


def test_mirs_are_copied_with_indicators_and_linked_to_the_copied_activities(
    demo: Demo,
) -> None:
    enrich(demo)
    copy(demo)
    new = AnnualProgram.objects.get(institution=demo.institution, year=2025)
    mir = Mir.objects.get(design__node__program=new)
    assert mir.design.node.key == demo.subprogram.key and mir.pk != demo.design.mir.pk

    def rows(m: Mir) -> dict[str, Any]:
        return {
            r.code: (r.level, r.parent.code if r.parent else None, fields(r, "mir_id", "parent_id"))
            for r in MirRow.objects.filter(mir=m).select_related("parent")
        }

    def indicators(m: Mir) -> dict[str, Any]:
        out = {}
        for i in Indicator.objects.filter(row__mir=m).select_related("row"):
            out[i.name] = (
                i.row.code,
                fields(i, "row_id"),
                [fields(v, "indicator_id") for v in i.variables.order_by("order")],
                dict(i.targets.values_list("period", "value")),
                fields(i.bands, "indicator_id") if hasattr(i, "bands") else None,
            )
        return out

    assert rows(mir) == rows(demo.design.mir)
    assert indicators(mir) == indicators(demo.design.mir)
    assert indicators(mir)["Porcentaje de informes entregados"][4]["reason"] == "Meta exigente"
    assert not Measurement.objects.filter(indicator__row__mir=mir).exists()
    links = {
        link.activity.key: (link.row.code, link.row.mir_id)
        for link in ActivityMirLink.objects.filter(activity__program=new).select_related(
            "activity", "row"
        )
    }
    assert links == {"010101": ("A1.1", mir.pk), "010102": ("C1", mir.pk)}
    actions = ScheduleAction.objects.filter(design=mir.design).select_related(
        "component", "activity"
    )
    assert {(a.description, a.component.code if a.component else None) for a in actions} == {
        (a.description, a.component.code if a.component else None)
        for a in ScheduleAction.objects.filter(design=demo.design.design).select_related(
            "component"
        )
    }
    assert {a.component.mir_id for a in actions if a.component} == {mir.pk}
    [with_activity] = [a for a in actions if a.activity_id]
    assert with_activity.activity.program_id == new.pk and with_activity.activity.key == "010101"
    for model in (Stakeholder, Alternative, PopulationFigure, Risk, TreeNode):
        assert content(model, mir.design) == content(model, demo.design.design)
    core = TreeNode.objects.get(design=mir.design, tree="problema", role="central")
    assert (
        core.children.get(role="causa").children.get().text
        == "Sin seguimiento sistemático (detalle)"
    )


def test_without_targets_leaves_every_target_blank(demo: Demo) -> None:
    enrich(demo)
    source = census(demo.program)
    result = copy(demo, with_targets=False)
    new = AnnualProgram.objects.get(institution=demo.institution, year=2025)
    copied = census(new)
    assert copied == {
        **source,
        "lines_of_action": source["lines_of_action"] - 2,
        "monthly_targets": 0,
        "indicator_targets": 0,
    }
    assert not Activity.objects.filter(program=new, annual_target__isnull=False).exists()
    assert set(
        Beneficiary.objects.filter(activity__program=new).values_list("quantity", flat=True)
    ) == {""}
    assert result.with_targets is False and "sin metas" in result.to_text()
    # The fichas stay: baseline, formula, frequency.
    fin = Indicator.objects.get(row__mir__design__node__program=new, row__code="F")
    assert (fin.baseline_value, fin.baseline_year, fin.frequency) == (Decimal(70), 2023, "anual")


def test_lines_of_a_plan_not_in_force_are_dropped_and_listed(demo: Demo) -> None:
    enrich(demo)
    result = copy(demo, to_year=2027)  # the 2023-2026 plan ends: no plan in force
    assert result.count("lines_of_action") == 0
    assert sorted((d.activity, d.code) for d in result.dropped_lines) == [
        ("010101", "1.1"),
        ("010101", "LA-1"),
        ("020101", "LA-1"),
    ]
    text = result.to_text()
    assert "Líneas de acción que no se copian (3; no hay plan vigente en 2027)" in text
    assert "020101: LA-1 (Plan General de Desarrollo 2020-2023)" in text

    newer = StrategicPlanFactory(institution=demo.institution, start_year=2028, end_year=2030)
    LineOfActionFactory(plan=newer, code="1.1", text="Otra línea con la misma clave.")
    result = program_copy(actor=CLI, institution=demo.institution, from_year=2024, to_year=2028)
    assert result.count("lines_of_action") == 0  # same code, another plan: not the same line
    assert len(result.dropped_lines) == 3 and "el plan vigente en 2028 es" in result.to_text()


def test_dry_run_changes_nothing_and_says_what_a_copy_would_make(demo: Demo) -> None:
    enrich(demo)
    before = totals(AnnualProgram, ProgramNode, Activity, MonthlyTarget, Mir, AuditEvent)
    preview = copy(demo, dry_run=True)
    assert totals(AnnualProgram, ProgramNode, Activity, MonthlyTarget, Mir, AuditEvent) == before
    assert preview.program is None and preview.dry_run
    assert preview.to_text().startswith("Simulación (no se guardó nada)")
    done = copy(demo)
    assert done.counts == preview.counts and done.dropped_lines == preview.dropped_lines


def test_one_audit_event_says_who_from_to_counts_and_targets(demo: Demo) -> None:
    enrich(demo)
    before = AuditEvent.objects.count()
    result = program_copy(
        actor=Actor.for_user(demo.users["planeacion"]),
        institution=demo.institution,
        from_year=2024,
        to_year=2025,
        with_targets=False,
    )
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.actor_id, event.object_id) == (
        "program.copy",
        demo.users["planeacion"].pk,
        result.program.pk,
    )
    assert event.after["from"] == 2024 and event.after["to"] == 2025
    assert event.after["with_targets"] is False
    assert event.after["counts"]["activities"] == 5
    assert {d["line"] for d in event.after["lines_dropped"]} == {"LA-1"}


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_year", "to_year", "field", "message"),
    [
        (2024, 2101, "to_year", "El ejercicio 2101 está fuera de rango (de 1990 a 2100)."),
        (1989, 2024, "from_year", "El ejercicio 1989 está fuera de rango (de 1990 a 2100)."),
        (2023, 2025, "from_year", "IEEM no tiene programa anual 2023 que copiar."),
        (2024, 2024, "to_year", "El ejercicio de destino es el mismo que el de origen."),
    ],
)
def test_refusals_say_why(demo: Demo, from_year, to_year, field, message) -> None:
    before = AnnualProgram.objects.count()
    with pytest.raises(ValidationError) as exc:
        program_copy(actor=CLI, institution=demo.institution, from_year=from_year, to_year=to_year)
    assert exc.value.message_dict == {field: [message]}
    assert AnnualProgram.objects.count() == before


def test_an_existing_program_is_never_overwritten(demo: Demo) -> None:
    copy(demo)
    activities = Activity.objects.count()
    with pytest.raises(ValidationError, match="IEEM ya tiene programa anual 2025"):
        copy(demo)
    assert Activity.objects.count() == activities


def test_only_who_may_edit_the_program_copies_it(demo: Demo) -> None:
    for name in ("consulta", "enlace_se", "revisor", "ajeno"):
        with pytest.raises(PermissionDenied):
            program_copy(
                actor=Actor.for_user(demo.users[name]),
                institution=demo.institution,
                from_year=2024,
                to_year=2025,
            )
    assert not AnnualProgram.objects.filter(year=2025).exists()


def test_retitle_changes_the_year_alone_not_a_range() -> None:
    assert retitle("Programa Anual 2024", 2024, 2025) == "Programa Anual 2025"
    assert retitle("PGD 2023-2024 y 2024-2027", 2024, 2025) == "PGD 2023-2024 y 2024-2027"
    assert retitle("Meta 120240", 2024, 2025) == "Meta 120240"


# --- queries ---------------------------------------------------------------------------------


def grow(demo: Demo, activities: int) -> None:
    """A second subprogram with its projects, ``activities`` more activities, a second
    design with its MIR (same tree shapes) and links to it."""
    sub = ProgramNodeFactory(program=demo.program, key="09", name="Grande", area=demo.area_otra)
    projects = [
        ProgramNodeFactory(program=demo.program, parent=sub, key=f"09{p:02d}") for p in range(4)
    ]
    made = [
        ActivityFactory(
            node=projects[i % 4], key=f"09{i % 4:02d}{i:02d}", annual_target=Decimal(24)
        )
        for i in range(activities)
    ]
    for a in made[::3]:
        BeneficiaryFactory(activity=a, quantity="10")
    design = build_design(sub, demo.area_otra, demo.area_se)
    for a in made[::2]:
        ActivityMirLink.objects.create(activity=a, row=design.a11)
    line = LineOfAction.objects.get(plan=demo.plan_new, code="1.2")
    for a in made[::4]:
        a.lines_of_action.add(line)


def copy_queries(demo: Demo, to_year: int) -> int:
    ContentType.objects.get_for_model(AnnualProgram)  # the audit's content type, cached
    with CaptureQueriesContext(connection) as queries:
        copy(demo, to_year=to_year)
    return len(queries)


def test_the_copy_takes_the_same_queries_for_a_small_and_a_larger_program(demo: Demo) -> None:
    enrich(demo)
    small = census(demo.program)
    small_queries = copy_queries(demo, 2025)
    # SQLite splits an INSERT every 999 parameters (Django's limit), PostgreSQL does not:
    # on SQLite the larger program stays under one batch per table.
    grow(demo, 20 if connection.vendor == "sqlite" else 400)
    large = census(demo.program)
    assert large["activities"] >= 5 * small["activities"] and large["mirs"] == 2
    assert copy_queries(demo, 2026) == small_queries == COPY_QUERIES
    assert census(AnnualProgram.objects.get(institution=demo.institution, year=2026)) == {
        **large,
        "lines_of_action": large["lines_of_action"] - 2,
    }


# --- the command -----------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("rumbo_program", *args, stdout=out)
    return out.getvalue()


def count_line(text: str, label: str) -> int:
    match = re.search(rf"^  {re.escape(label)}:\s+([\d,]+)$", text, re.M)
    assert match, text
    return int(match.group(1).replace(",", ""))


def test_cli_copy_prints_what_it_created(demo: Demo) -> None:
    enrich(demo)
    text = run("copy", "--institution", "ieem", "--from", "2024", "--to", "2025")
    new = AnnualProgram.objects.get(institution=demo.institution, year=2025)
    assert text.startswith(
        "Copia completada: se creó el programa IEEM 2025 a partir del 2024 (con metas), "
        "en formulación, versión 0."
    )
    assert (
        count_line(text, "Subprograma") == ProgramNode.objects.filter(program=new, depth=0).count()
    )
    assert count_line(text, "Proyecto") == 2
    assert count_line(text, "Actividad") == Activity.objects.filter(program=new).count() == 5
    assert count_line(text, "MIR") == 1 and count_line(text, "indicadores") == 5
    assert "MIR «Programa de Seguimiento 2025»: 5 renglones, 5 indicadores" in text
    assert "010101: LA-1 (Plan General de Desarrollo 2020-2023)" in text
    assert (
        AuditEvent.objects.filter(action="program.copy", actor_label__startswith="cli:").count()
        == 1
    )


def test_cli_dry_run_and_without_targets(demo: Demo) -> None:
    text = run(
        "copy",
        "--institution",
        "IEEM",
        "--from",
        "2024",
        "--to",
        "2025",
        "--dry-run",
        "--without-targets",
    )
    assert text.startswith("Simulación (no se guardó nada): se crearía el programa IEEM 2025")
    assert "(sin metas)" in text and count_line(text, "metas mensuales") == 0
    assert count_line(text, "Actividad") == 5
    assert not AnnualProgram.objects.filter(year=2025).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--institution", "XX", "--from", "2024", "--to", "2025"),
            "no existe la institución 'XX'",
        ),
        (("--institution", "IEEM", "--from", "2024", "--to", "3000"), "año fuera de rango: 3000"),
        (("--institution", "IEEM", "--from", "dos mil", "--to", "2025"), "año inválido"),
        (
            ("--institution", "IEEM", "--from", "2022", "--to", "2025"),
            "IEEM no tiene programa anual 2022 que copiar.",
        ),
        (
            ("--institution", "IEEM", "--from", "2024", "--to", "2024"),
            "El ejercicio de destino es el mismo que el de origen.",
        ),
    ],
)
def test_cli_refusals(demo: Demo, args, message) -> None:
    with pytest.raises(CommandError, match=re.escape(message)):
        run("copy", *args)


def test_cli_refuses_a_year_that_already_has_a_program(demo: Demo) -> None:
    run("copy", "--institution", "IEEM", "--from", "2024", "--to", "2025")
    with pytest.raises(CommandError, match="IEEM ya tiene programa anual 2025"):
        run("copy", "--institution", "IEEM", "--from", "2024", "--to", "2025")


def test_rumbo_lists_the_program_command() -> None:
    assert "program      programa anual: program copy --institution CLAVE" in usage()

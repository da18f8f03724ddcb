"""factory_boy factories with readable defaults, and a small demo institution for page tests.

``ActivityFactory(months=[...])`` takes twelve values (``None`` = month unknown, no row);
without ``months`` the annual target is spread evenly over the twelve months.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from rumbo.design.models import (
    Alternative,
    PopulationFigure,
    ProgramDesign,
    Risk,
    ScheduleAction,
    Stakeholder,
    TreeNode,
)
from rumbo.imports.findings import FINDING_CODES
from rumbo.imports.models import QualityFinding
from rumbo.indicators.models import (
    Indicator,
    IndicatorTarget,
    IndicatorVariable,
    Measurement,
    Mir,
    MirRow,
)
from rumbo.institutions.models import Area, Institution, Membership, Role
from rumbo.programs.models import (
    Activity,
    AnnualProgram,
    AreaObjective,
    Beneficiary,
    MonthlyTarget,
    ProgramNode,
    UnitOfMeasure,
)
from rumbo.strategy.models import (
    GeneralProgram,
    LineOfAction,
    Policy,
    StrategicObjective,
    StrategicPlan,
    SwotItem,
    SwotKind,
)

PASSWORD = "clave-de-prueba-2024"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("code",)

    code = "IEEM"
    name = "Instituto Electoral del Estado de México"
    short_name = "IEEM"
    web_domains = factory.LazyFunction(lambda: ["ieem.org.mx"])


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Dirección de Área {n}")
    code = factory.Sequence(lambda n: f"DA{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"usuario{n}")
    first_name = "Ana"
    last_name = "Pérez"
    email = factory.LazyAttribute(lambda u: f"{u.username}@ejemplo.mx")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = Role.CONSULTA
    area = None


class UnitOfMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitOfMeasure
        django_get_or_create = ("institution", "name")

    institution = factory.SubFactory(InstitutionFactory)
    name = "Reporte"


class AnnualProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualProgram

    institution = factory.SubFactory(InstitutionFactory)
    year = 2024
    name = factory.LazyAttribute(lambda p: f"Programa Anual de Actividades {p.year}")
    level_names = factory.LazyFunction(lambda: ["Subprograma", "Proyecto", "Actividad"])


class ProgramNodeFactory(factory.django.DjangoModelFactory):
    """A subprogram by default; pass ``parent=`` for a project (depth follows the parent)."""

    class Meta:
        model = ProgramNode

    program = factory.LazyAttribute(
        lambda n: n.parent.program if n.parent else AnnualProgramFactory()
    )
    parent = None
    depth = factory.LazyAttribute(lambda n: n.parent.depth + 1 if n.parent else 0)
    key = factory.Sequence(lambda n: f"N{n:04d}")
    name = factory.Sequence(lambda n: f"Subprograma de prueba {n}")
    area = None
    objective = ""
    legal_framework = ""
    order = factory.Sequence(int)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    node = factory.SubFactory(ProgramNodeFactory)
    program = factory.LazyAttribute(lambda a: a.node.program)
    key = factory.Sequence(lambda n: f"A{n:05d}")
    description = factory.Sequence(lambda n: f"Elaboración del informe mensual número {n}")
    unit = factory.LazyAttribute(
        lambda a: UnitOfMeasureFactory(institution=a.node.program.institution)
    )
    annual_target = Decimal(12)
    order = factory.Sequence(int)

    @factory.post_generation
    def months(obj, create: bool, extracted: list[Decimal | int | str | None] | None, **_: Any):
        """Twelve monthly quantities (None = unknown); default: the annual target / 12."""
        if not create:
            return
        if extracted is None:
            share = obj.annual_target / 12
            extracted = [share] * 12
        if len(extracted) != 12:
            raise ValueError("months needs twelve values (None for an unknown month)")
        MonthlyTarget.objects.bulk_create(
            MonthlyTarget(activity=obj, month=i, quantity=Decimal(str(q)))
            for i, q in enumerate(extracted, start=1)
            if q is not None
        )


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiary

    activity = factory.SubFactory(ActivityFactory)
    description = "Ciudadanía"
    quantity = "S/C"
    order = factory.Sequence(int)


class AreaObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaObjective

    institution = factory.SubFactory(InstitutionFactory)
    year = 2024
    row_number = factory.Sequence(lambda n: n + 1)
    area = factory.SubFactory(AreaFactory, institution=factory.SelfAttribute("..institution"))
    area_as_printed = factory.LazyAttribute(lambda o: o.area.name)
    objective = "Garantizar la organización de los procesos electorales"
    indicator = "Porcentaje de actividades realizadas"
    goal = "100"
    unit = "Porcentaje"


class StrategicPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicPlan

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.LazyAttribute(
        lambda p: f"Plan General de Desarrollo {p.start_year}-{p.end_year}"
    )
    start_year = 2023
    end_year = 2026
    mission = "Organizar elecciones libres, auténticas y periódicas."
    vision = "Ser un órgano electoral confiable y cercano a la ciudadanía."


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    plan = factory.SubFactory(StrategicPlanFactory)
    code = factory.Sequence(lambda n: f"PG{n + 1}")
    name = "Fortalecimiento de la democracia"
    order = factory.Sequence(int)


class GeneralProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GeneralProgram

    plan = factory.SubFactory(StrategicPlanFactory)
    policy = None
    code = factory.Sequence(lambda n: f"P{n + 1}")
    name = "Programa general de participación ciudadana"
    order = factory.Sequence(int)


class StrategicObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicObjective

    plan = factory.SubFactory(StrategicPlanFactory)
    program = None
    code = factory.Sequence(lambda n: f"OE{n + 1}")
    text = "Fortalecer la confianza ciudadana en las elecciones."
    order = factory.Sequence(int)


class LineOfActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LineOfAction

    plan = factory.SubFactory(StrategicPlanFactory)
    objective = None
    program = None
    code = factory.Sequence(lambda n: f"{n + 1}.1")
    text = "Impulsar la educación cívica en las escuelas."
    order = factory.Sequence(int)


class SwotItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SwotItem

    plan = factory.SubFactory(StrategicPlanFactory)
    kind = SwotKind.FORTALEZA
    text = "Personal con experiencia en procesos electorales."
    order = factory.Sequence(int)


class QualityFindingFactory(factory.django.DjangoModelFactory):
    """A finding; pass ``concerns=<object>`` to bind it to a saved model instance."""

    class Meta:
        model = QualityFinding

    class Params:
        concerns = None

    institution = factory.SubFactory(InstitutionFactory)
    year = 2024
    source_file = "003_f85b278706467e27.txt"
    source_line = factory.Sequence(lambda n: n + 10)
    code = "sum_mismatch"
    severity = factory.LazyAttribute(lambda f: FINDING_CODES[f.code].severity)
    message = "Los meses suman 11; la cantidad anual es 12."
    content_type = factory.LazyAttribute(
        lambda f: ContentType.objects.get_for_model(f.concerns) if f.concerns else None
    )
    object_id = factory.LazyAttribute(lambda f: f.concerns.pk if f.concerns else None)
    object_label = factory.LazyAttribute(lambda f: str(f.concerns) if f.concerns else "")
    fingerprint = factory.Sequence(lambda n: f"fp{n:08d}")


# ---------------------------------------------------------------------------------------
# A small, realistic institution shared by page and browser tests.


@dataclass
class Demo:
    institution: Institution
    other_institution: Institution
    area_se: Area
    area_otra: Area
    program: AnnualProgram
    subprogram: ProgramNode
    project: ProgramNode
    activity_full: Activity  # 4,060 spread over twelve months
    activity_fraction: Activity  # quarterly 0.25 steps that add up to 1
    activity_missing: Activity  # one month lost in the OCR: flagged, "—"
    activity_mismatch: Activity  # months add up to 11 of 12: flagged
    activity_otra: Activity  # another area's activity
    plan_new: StrategicPlan  # 2023-2026: objectives with lines only
    plan_old: StrategicPlan  # 2020-2023: policy → program → objective → line
    users: dict[str, Any]
    design: DesignDemo


@dataclass
class DesignDemo:
    """A program design on the SE subprogram: trees, MIR with indicators, risks, cronograma."""

    design: ProgramDesign
    mir: Mir
    fin: MirRow
    proposito: MirRow
    c1: MirRow  # has actividad a11
    c2: MirRow  # no actividades (the checker flags it); its indicator belongs to DO
    a11: MirRow
    ind_fin: Indicator  # anual
    ind_proposito: Indicator  # anual
    ind_c1: Indicator  # trimestral, targets T1–T4, area SE
    ind_c2: Indicator  # semestral, area DO
    ind_a11: Indicator  # mensual, area SE


def _indicator(
    row: MirRow, area: Area, name: str, frequency: str, targets: dict[int, str], **extra: Any
) -> Indicator:
    indicator = Indicator.objects.create(
        row=row,
        name=name,
        formula="realizadas / programadas * 100",
        formula_type="porcentaje",
        unit="Porcentaje",
        kind=extra.pop("kind", "gestion"),
        dimension=extra.pop("dimension", "eficacia"),
        frequency=frequency,
        area=area,
        **extra,
    )
    IndicatorVariable.objects.create(
        indicator=indicator,
        name="realizadas",
        description="Acciones realizadas",
        unit="Acción",
        source="Informe trimestral de actividades",
        order=1,
    )
    IndicatorVariable.objects.create(
        indicator=indicator,
        name="programadas",
        description="Acciones programadas",
        unit="Acción",
        source="Programa anual",
        order=2,
    )
    for period, value in targets.items():
        IndicatorTarget.objects.create(indicator=indicator, period=period, value=Decimal(value))
    return indicator


def measure_indicator(
    indicator: Indicator, period: int, realizadas: str = "1", programadas: str = "1"
) -> Measurement:
    """A measurement stored without the service (green by default: 1 of 1 = 100 %)."""
    value = Decimal(realizadas) / Decimal(programadas) * 100
    return Measurement.objects.create(
        indicator=indicator,
        period=period,
        values={"realizadas": realizadas, "programadas": programadas},
        value=value,
    )


def build_design(sub: ProgramNode, se: Area, do: Area) -> DesignDemo:
    design = ProgramDesign.objects.create(
        node=sub,
        title="Programa de Seguimiento 2024",
        problem_statement="Los acuerdos del Consejo General se atienden con retraso.",
        diagnosis="En 2023 el 30 % de los acuerdos se cumplió fuera de plazo.",
        population_description="Áreas del Instituto obligadas por los acuerdos.",
    )
    Stakeholder.objects.create(
        design=design,
        order=1,
        actor="Consejo General",
        interests="Cumplimiento oportuno",
        position=5,
        power=5,
        involvement=4,
        importance=5,
    )
    Stakeholder.objects.create(
        design=design,
        order=2,
        actor="Direcciones",
        position=3,
        power=2,
        involvement=3,
        importance=4,
    )
    for tree, core_text, cause, effect in (
        (
            "problema",
            "Acuerdos atendidos con retraso",
            "Sin seguimiento sistemático",
            "Incumplimientos ante el Consejo",
        ),
        (
            "objetivo",
            "Acuerdos atendidos en plazo",
            "Seguimiento sistemático implantado",
            "Cumplimiento ante el Consejo",
        ),
    ):
        core = TreeNode.objects.create(design=design, tree=tree, role="central", text=core_text)
        c = TreeNode.objects.create(
            design=design, tree=tree, role="causa", parent=core, text=cause, order=1
        )
        TreeNode.objects.create(
            design=design, tree=tree, role="causa", parent=c, text=f"{cause} (detalle)", order=1
        )
        TreeNode.objects.create(
            design=design, tree=tree, role="efecto", parent=core, text=effect, order=1
        )
    Alternative.objects.create(
        design=design,
        order=1,
        title="Tablero de seguimiento",
        actions="Diseñar el tablero\nCapacitar a las áreas",
        chosen=True,
    )
    Alternative.objects.create(design=design, order=2, title="Reuniones semanales")
    PopulationFigure.objects.create(
        design=design,
        order=1,
        label="Áreas obligadas",
        value=Decimal(13),
        unit="áreas",
        source="Estructura orgánica",
        cutoff="2024",
    )
    mir = Mir.objects.create(design=design)
    fin = MirRow.objects.create(
        mir=mir,
        level="fin",
        order=1,
        code="F",
        summary="Contribuir a la certeza institucional mediante el cumplimiento de acuerdos.",
        verification="Actas del Consejo General",
        assumptions="El Consejo sesiona con normalidad.",
    )
    proposito = MirRow.objects.create(
        mir=mir,
        level="proposito",
        order=2,
        code="P",
        summary="Las áreas del Instituto cumplen los acuerdos en plazo.",
        verification="Informe de seguimiento",
        assumptions="Las áreas cuentan con recursos.",
    )
    c1 = MirRow.objects.create(
        mir=mir,
        level="componente",
        order=3,
        code="C1",
        summary="Seguimiento de acuerdos realizado.",
        verification="Informe trimestral",
        assumptions="Las áreas reportan a tiempo.",
    )
    c2 = MirRow.objects.create(
        mir=mir,
        level="componente",
        order=5,
        code="C2",
        summary="Casillas instaladas.",
        verification="Reporte de la Dirección de Organización",
        assumptions="",
    )
    a11 = MirRow.objects.create(
        mir=mir,
        level="actividad",
        parent=c1,
        order=4,
        code="A1.1",
        summary="Elaboración del informe mensual de acuerdos.",
        verification="Informe mensual",
        assumptions="Se recibe la información de las áreas.",
    )
    ind_fin = _indicator(
        fin,
        se,
        "Porcentaje de acuerdos cumplidos",
        "anual",
        {1: "90"},
        kind="estrategico",
        baseline_value=Decimal(70),
        baseline_year=2023,
    )
    ind_prop = _indicator(
        proposito, se, "Porcentaje de acuerdos en plazo", "anual", {1: "85"}, kind="estrategico"
    )
    ind_c1 = _indicator(
        c1,
        se,
        "Porcentaje de informes entregados",
        "trimestral",
        {1: "80", 2: "85", 3: "90", 4: "95"},
    )
    ind_c2 = _indicator(
        c2, do, "Porcentaje de casillas instaladas", "semestral", {1: "50", 2: "100"}
    )
    ind_a11 = _indicator(
        a11,
        se,
        "Porcentaje de informes mensuales",
        "mensual",
        {m: "100" for m in range(1, 13)},
        dimension="eficiencia",
    )
    Risk.objects.create(
        design=design,
        order=1,
        risk="Retraso en la información de las áreas",
        cause="Carga de trabajo",
        effect="Informe incompleto",
        probability=4,
        impact=3,
        owner="Secretaría Ejecutiva",
        controls="Recordatorios",
        treatment="reducir",
        follow_up="Mensual",
    )
    Risk.objects.create(
        design=design,
        order=2,
        risk="Cambio de prioridades del Consejo",
        probability=2,
        impact=5,
        treatment="aceptar",
    )
    ScheduleAction.objects.create(
        design=design,
        component=c1,
        order=1,
        number="1",
        description="Solicitar información a las áreas",
        months=[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        responsible="SE",
    )
    ScheduleAction.objects.create(
        design=design,
        component=c1,
        order=2,
        number="2",
        description="Presentar el informe trimestral",
        months=[3, 6, 9, 12],
        responsible="SE",
    )
    return DesignDemo(
        design=design,
        mir=mir,
        fin=fin,
        proposito=proposito,
        c1=c1,
        c2=c2,
        a11=a11,
        ind_fin=ind_fin,
        ind_proposito=ind_prop,
        ind_c1=ind_c1,
        ind_c2=ind_c2,
        ind_a11=ind_a11,
    )


def build_demo() -> Demo:
    """IEEM 2024 with two subprograms, two plans, findings, and the six personas."""
    ieem = InstitutionFactory()
    other = InstitutionFactory(code="IECM", name="Instituto Electoral de la Ciudad de México")
    se = AreaFactory(institution=ieem, name="Secretaría Ejecutiva", code="SE")
    do = AreaFactory(institution=ieem, name="Dirección de Organización", code="DO")
    report = UnitOfMeasureFactory(institution=ieem, name="Reporte")
    event = UnitOfMeasureFactory(institution=ieem, name="Evento")

    program = AnnualProgramFactory(institution=ieem, year=2024)
    sub = ProgramNodeFactory(
        program=program,
        key="01",
        name="Secretaría Ejecutiva",
        area=se,
        objective="Coordinar las actividades de las áreas del Instituto.",
        legal_framework="Código Electoral del Estado de México, artículo 196.",
        order=1,
    )
    project = ProgramNodeFactory(
        program=program, parent=sub, key="0101", name="Seguimiento de acuerdos", order=1
    )
    full = ActivityFactory(
        node=project,
        key="010101",
        description="Atención de solicitudes de información pública",
        unit=report,
        annual_target=Decimal(4060),
        months=[340, 340, 340, 340, 340, 340, 340, 340, 340, 340, 330, 330],
        order=1,
    )
    fraction = ActivityFactory(
        node=project,
        key="010102",
        description="Elaboración del informe anual de actividades",
        unit=report,
        annual_target=Decimal(1),
        months=[0, 0, "0.25", 0, 0, "0.25", 0, 0, "0.25", 0, 0, "0.25"],
        order=2,
    )
    missing = ActivityFactory(
        node=project,
        key="010103",
        description="Sesiones de la Junta General",
        unit=event,
        annual_target=Decimal(12),
        months=[1, 1, 1, 1, None, 1, 1, 1, 1, 1, 1, 1],
        order=3,
    )
    mismatch = ActivityFactory(
        node=project,
        key="010104",
        description="Reuniones de coordinación con las juntas distritales",
        unit=event,
        annual_target=Decimal(12),
        months=[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0],
        order=4,
    )
    sub_do = ProgramNodeFactory(
        program=program,
        key="02",
        name="Dirección de Organización",
        area=do,
        objective="Organizar los procesos electorales locales.",
        order=2,
    )
    project_do = ProgramNodeFactory(
        program=program, parent=sub_do, key="0201", name="Documentación electoral", order=1
    )
    otra = ActivityFactory(
        node=project_do,
        key="020101",
        description="Diseño de la documentación electoral",
        unit=report,
        annual_target=Decimal(2),
        months=[0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0],
        order=1,
    )

    QualityFindingFactory(
        institution=ieem,
        code="missing_months",
        concerns=missing,
        source_line=120,
        message="Se leyeron 11 valores mensuales; falta uno.",
    )
    QualityFindingFactory(
        institution=ieem,
        code="sum_mismatch",
        concerns=mismatch,
        source_line=131,
        message="Los meses suman 11; la cantidad anual es 12.",
    )
    QualityFindingFactory(
        institution=ieem,
        code="area_alias",
        source_file="000_19180f02e9762917.txt",
        source_line=44,
        message="«DEOEyG» se identificó como Dirección de Organización.",
        object_label="DEOEyG",
    )
    QualityFindingFactory(institution=other, code="suspicious_link", message="iccm.mx")

    plan_new = StrategicPlanFactory(institution=ieem, start_year=2023, end_year=2026)
    swot = {
        SwotKind.FORTALEZA: "Personal con experiencia en procesos electorales.",
        SwotKind.OPORTUNIDAD: "Interés ciudadano en la participación digital.",
        SwotKind.DEBILIDAD: "Sistemas informáticos que no se comunican entre sí.",
        SwotKind.AMENAZA: "Reducción del presupuesto asignado.",
    }
    for kind, text in swot.items():
        SwotItemFactory(plan=plan_new, kind=kind, text=text, order=1)
    oe1 = StrategicObjectiveFactory(
        plan=plan_new, code="OE1", text="Organizar procesos electorales confiables."
    )
    LineOfActionFactory(plan=plan_new, objective=oe1, code="1.1", text="Modernizar la logística.")
    LineOfActionFactory(plan=plan_new, objective=oe1, code="1.2", text="Capacitar al personal.")

    plan_old = StrategicPlanFactory(
        institution=ieem,
        start_year=2020,
        end_year=2023,
        name="Plan General de Desarrollo 2020-2023",
    )
    policy = PolicyFactory(plan=plan_old, code="1", name="Democracia y participación")
    prog_a = GeneralProgramFactory(
        plan=plan_old, policy=policy, code="1.1", name="Educación cívica"
    )
    prog_b = GeneralProgramFactory(
        plan=plan_old, policy=policy, code="1.2", name="Participación ciudadana"
    )
    obj_a = StrategicObjectiveFactory(
        plan=plan_old, program=prog_a, code="OE-A", text="Ampliar la cultura cívica."
    )
    LineOfActionFactory(
        plan=plan_old, program=prog_a, objective=obj_a, code="LA-1", text="Talleres escolares."
    )
    LineOfActionFactory(
        plan=plan_old, program=prog_b, objective=obj_a, code="LA-2", text="Consultas juveniles."
    )

    AreaObjectiveFactory.create_batch(3, institution=ieem, year=2024, area=se)
    AreaObjectiveFactory(institution=ieem, year=2023, area=do, row_number=1)

    users = {
        "planeacion": MembershipFactory(
            user=UserFactory(username="planeacion"), institution=ieem, role=Role.PLANEACION
        ).user,
        "enlace_se": MembershipFactory(
            user=UserFactory(username="enlace_se"), institution=ieem, role=Role.ENLACE, area=se
        ).user,
        "enlace_otra": MembershipFactory(
            user=UserFactory(username="enlace_otra"), institution=ieem, role=Role.ENLACE, area=do
        ).user,
        "revisor": MembershipFactory(
            user=UserFactory(username="revisor"), institution=ieem, role=Role.REVISOR
        ).user,
        "consulta": MembershipFactory(
            user=UserFactory(username="consulta"), institution=ieem, role=Role.CONSULTA
        ).user,
        "fiscalizacion": MembershipFactory(
            user=UserFactory(username="fiscalizacion"), institution=ieem, role=Role.FISCALIZACION
        ).user,
        "ajeno": MembershipFactory(
            user=UserFactory(username="ajeno"), institution=other, role=Role.PLANEACION
        ).user,
    }
    return Demo(
        institution=ieem,
        other_institution=other,
        area_se=se,
        area_otra=do,
        program=program,
        subprogram=sub,
        project=project,
        activity_full=full,
        activity_fraction=fraction,
        activity_missing=missing,
        activity_mismatch=mismatch,
        activity_otra=otra,
        plan_new=plan_new,
        plan_old=plan_old,
        users=users,
        design=build_design(sub, se, do),
    )

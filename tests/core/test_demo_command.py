"""`rumbo demo` loads the IECM vinculación design, its demo users and simulated measurements,
and makes the IECM's annual program from the design's cronograma, with simulated progress."""

from __future__ import annotations

import html
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.urls import reverse

from rumbo.design.models import ProgramDesign, ScheduleAction
from rumbo.imports.models import ImportRun, QualityFinding
from rumbo.indicators.models import ActivityMirLink, Indicator, Measurement
from rumbo.institutions.models import Membership
from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry
from rumbo.monitoring.simulated import SIMULATED_PROGRESS_NOTE
from rumbo.programs.models import Activity, MonthlyTarget, ProgramNode, ProgramState


def _unlabelled_in_the_bitacora() -> set[tuple[str, str]]:
    """(what, model) of every action and before/after key the demo recorded that the
    bitácora would show raw (a label goes in rumbo/<app>/audit_labels.py). The keys of an
    indicator's ``values`` are its variables' own names."""
    from rumbo.audit.display import known_field
    from rumbo.audit.labels import action_label
    from rumbo.audit.models import AuditEvent

    missing = set()
    for event in AuditEvent.objects.select_related("content_type").iterator():
        model = event.content_type.model_class() if event.content_type else None
        label = model._meta.label_lower if model else ""
        if action_label(event.action, label) is None:
            missing.add((event.action, label))
        for values in (event.before, event.after):
            for key, value in (values or {}).items():
                if not known_field(key, model):
                    missing.add((key, label))
                if isinstance(value, dict) and key != "values":
                    missing |= {(f"{key}.{k}", label) for k in value if not known_field(k, model)}
    return missing


@pytest.mark.django_db(transaction=True)
def test_demo_loads_the_vinculacion_design_and_its_measurements_once() -> None:
    out = io.StringIO()
    call_command("rumbo_demo", stdout=out)
    text = out.getvalue()
    assert "Importación completada: diseno · iecm_vinculacion_2024.json · IECM · 2024" in text
    assert "Mediciones simuladas de «Programa Específico de Vinculación 2024»" in text
    design = ProgramDesign.objects.select_related("node__program__institution", "node__area").get(
        node__program__institution__code="IECM"
    )
    assert design.node.program.year == 2024
    dvoe = design.node.area
    assert dvoe is not None and dvoe.parent is not None
    assert (dvoe.code, dvoe.parent.code) == ("DVOE", "SE")
    assert Indicator.objects.filter(row__mir__design=design).count() == 7
    enlace = Membership.objects.select_related("area").get(user__username="enlace_dvoe")
    assert (enlace.role, enlace.area_id, enlace.institution.code) == ("enlace", dvoe.pk, "IECM")
    revisor = Membership.objects.get(user__username="revisor_iecm")
    assert (revisor.role, revisor.area_id, revisor.institution.code) == ("revisor", None, "IECM")
    program = design.node.program
    # The months whose indicators are due (trimestral: March, June, September; December
    # also anual) are sent with the measurements; December, with no simulated progress of
    # the activities (the demo stops in October), stays in borrador.
    reports = PeriodReport.objects.filter(program=program, area=dvoe)
    approved = set(reports.filter(state=PeriodState.APPROVED).values_list("month", flat=True))
    assert {3, 6, 9} <= approved
    assert reports.get(month=12).state == PeriodState.DRAFT
    measurements = list(Measurement.objects.order_by("pk").values_list("pk", "value", "version"))
    assert len(measurements) == 22
    assert not _unlabelled_in_the_bitacora()

    out = io.StringIO()
    call_command("rumbo_demo", stdout=out)
    assert "ya estaban cargadas; no se cambió nada" in out.getvalue()
    assert ProgramDesign.objects.filter(node__program__institution__code="IECM").count() == 1
    assert list(Measurement.objects.order_by("pk").values_list("pk", "value", "version")) == (
        measurements
    )
    run = ImportRun.objects.filter(kind="diseno").latest("created_at")
    assert run.summary["resultado"] == "sin cambios" and not run.summary["created"]


def _light_counts(html: str) -> dict[str, int]:
    """The dashboard's «Actividades por semáforo» table: light → count."""
    rows = re.findall(
        r'<tr data-light="(\w+)">.*?<td class="num" data-col="count">(.*?)</td>', html, re.S
    )
    return {light: int(re.sub(r"<[^>]+>", "", cell).replace(",", "")) for light, cell in rows}


@pytest.mark.django_db(transaction=True)
def test_demo_gives_the_iecm_a_program_from_its_cronograma_with_simulated_progress(
    client,
) -> None:
    out = io.StringIO()
    call_command("rumbo_demo", stdout=out)
    text = out.getvalue()
    design = ProgramDesign.objects.select_related("node__program").get(
        node__program__institution__code="IECM", node__program__year=2024, node__key="VINC"
    )
    program = design.node.program
    # What the cronograma holds, read straight from its table.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(DISTINCT component_id), "
            "SUM(CASE WHEN months_simulated THEN 1 ELSE 0 END) "
            "FROM design_scheduleaction WHERE design_id = %s",
            [design.pk],
        )
        actions, components, simulated = cursor.fetchone()
    months = sum(
        len(m)
        for m in ScheduleAction.objects.filter(design=design).values_list("months", flat=True)
    )
    assert actions > 0 and components > 0

    activities = Activity.objects.filter(program=program)
    assert activities.count() == actions
    assert ScheduleAction.objects.filter(design=design, activity__isnull=True).count() == 0
    assert ProgramNode.objects.filter(program=program, parent=design.node).count() == components
    assert MonthlyTarget.objects.filter(activity__program=program).aggregate(s=Sum("quantity"))[
        "s"
    ] == Decimal(months)
    assert activities.filter(calendar_simulated=True).count() == simulated
    assert ActivityMirLink.objects.filter(activity__program=program).count() == actions
    assert (program.state, program.version) == (ProgramState.FORMULACION, 0)
    assert program.progress_simulated
    entry_months = set(
        ProgressEntry.objects.filter(activity__program=program).values_list("month", flat=True)
    )
    assert entry_months == set(range(1, 11))  # January to October, the demo's last month
    assert f"Se creó en el programa IECM 2024, desde el cronograma de «{design.title}»" in text
    assert "Avance simulado de IECM 2024 (enero a octubre" in text

    # The IECM's dashboard shows a semáforo of every activity, and says what is simulated.
    client.force_login(get_user_model().objects.get(username="planeacion_iecm"))
    response = client.get(reverse("web:dashboard", args=["IECM", 2024]))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    lights = _light_counts(page)
    assert sum(lights.values()) == actions and lights["verde"] > 0
    assert SIMULATED_PROGRESS_NOTE in page
    assert f"Calendarios simulados: {simulated} de las {actions} actividades" in page
    assert "Semáforo y cumplimiento por programa" in page

    def census() -> tuple[int, ...]:
        return (
            ProgramNode.objects.filter(program=program).count(),
            activities.count(),
            MonthlyTarget.objects.filter(activity__program=program).count(),
            ProgressEntry.objects.filter(activity__program=program).count(),
            PeriodReport.objects.filter(program=program).count(),
            QualityFinding.objects.filter(institution=program.institution).count(),
        )

    before = census()
    again = io.StringIO()
    call_command("rumbo_demo", stdout=again)
    assert census() == before
    assert "sin cambios" in again.getvalue()
    assert "Avance simulado de IECM 2024: ya estaba cargado" in again.getvalue()

"""`rumbo demo` loads the IECM vinculación design, its demo users and simulated measurements."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from rumbo.design.models import ProgramDesign
from rumbo.imports.models import ImportRun
from rumbo.indicators.models import Indicator, Measurement
from rumbo.institutions.models import Membership
from rumbo.monitoring.models import PeriodReport, PeriodState


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
    states = set(PeriodReport.objects.filter(program=program).values_list("state", flat=True))
    assert states == {PeriodState.APPROVED}
    measurements = list(Measurement.objects.order_by("pk").values_list("pk", "value", "version"))
    assert len(measurements) == 22

    out = io.StringIO()
    call_command("rumbo_demo", stdout=out)
    assert "ya estaban cargadas; no se cambió nada" in out.getvalue()
    assert ProgramDesign.objects.filter(node__program__institution__code="IECM").count() == 1
    assert list(Measurement.objects.order_by("pk").values_list("pk", "value", "version")) == (
        measurements
    )
    run = ImportRun.objects.filter(kind="diseno").latest("created_at")
    assert run.summary["resultado"] == "sin cambios" and not run.summary["created"]

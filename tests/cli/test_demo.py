from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from rumbo.imports.models import ImportRun, QualityFinding
from rumbo.institutions.models import Membership
from rumbo.programs.models import Activity, AreaObjective
from rumbo.strategy.models import StrategicPlan


@pytest.mark.django_db(transaction=True)
def test_demo_loads_everything_prints_logins_and_is_idempotent() -> None:
    out = io.StringIO()
    call_command("rumbo_demo", stdout=out)
    text = out.getvalue()
    for username in ("planeacion", "enlace_se", "enlace_otra", "revisor", "consulta"):
        assert username in text
    assert "http://127.0.0.1:8000/" in text
    counts = (
        Activity.objects.filter(program__institution__code="IEEM", program__year=2024).count(),
        AreaObjective.objects.filter(institution__code="IECM", year=2024).count(),
        StrategicPlan.objects.filter(institution__code="IECM").count(),
    )
    assert counts == (318, 139, 2)
    findings = QualityFinding.objects.count()
    memberships = Membership.objects.count()
    user = get_user_model().objects.get(username="enlace_se")
    assert user.check_password("rumbo-demo-2024")
    assert Membership.objects.get(user=user).area.name == "Secretaría Ejecutiva"

    call_command("rumbo_demo", stdout=io.StringIO())
    assert (
        Activity.objects.filter(program__institution__code="IEEM", program__year=2024).count(),
        AreaObjective.objects.filter(institution__code="IECM", year=2024).count(),
        StrategicPlan.objects.filter(institution__code="IECM").count(),
    ) == counts
    assert QualityFinding.objects.count() == findings
    assert Membership.objects.count() == memberships
    last_runs = ImportRun.objects.order_by("-created_at")[:4]
    assert all(not run.summary["created"] and not run.summary["updated"] for run in last_runs)

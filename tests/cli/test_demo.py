from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rumbo.adjustments.models import AdjustmentRequest
from rumbo.audit.models import AuditEvent
from rumbo.budget.models import BudgetLine, BudgetMovement
from rumbo.imports.models import ImportRun, QualityFinding
from rumbo.institutions.models import Institution, Membership
from rumbo.monitoring.demo_window import OPEN_REASON
from rumbo.monitoring.models import ProgressEntry, WindowExtension
from rumbo.notifications.models import Notification
from rumbo.programs.models import Activity, AreaObjective
from rumbo.strategy.models import StrategicPlan


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the demo's logo is written there


@pytest.mark.django_db(transaction=True)
def test_demo_loads_everything_prints_logins_and_is_idempotent() -> None:
    out = io.StringIO()
    call_command("rumbo_demo", "--port", "8123", stdout=out)
    text = out.getvalue()
    for username in ("planeacion", "enlace_se", "enlace_otra", "revisor", "consulta"):
        assert username in text
    # The port served, in «tú»; never the default one when another was asked for.
    assert "Entra en http://127.0.0.1:8123/ con cualquiera de ellos." in text
    assert "127.0.0.1:8000" not in text and "Entre en" not in text
    until = timezone.localdate() + timedelta(days=30)
    # The simulated months end in October: November is the first without approvals.
    assert f"Captura abierta en IEEM: noviembre 2024, hasta el {until:%d/%m/%Y}." in text
    counts = (
        Activity.objects.filter(program__institution__code="IEEM", program__year=2024).count(),
        AreaObjective.objects.filter(institution__code="IECM", year=2024).count(),
        StrategicPlan.objects.filter(institution__code="IECM").count(),
    )
    assert counts == (318, 139, 2)
    findings = QualityFinding.objects.count()
    ieem = Institution.objects.get(code="IEEM")
    assert ieem.logo.name.endswith(".png")
    with ieem.logo.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    assert ieem.prepared_by_name == "Ana Ejemplo Ruiz (demostración)"
    assert ieem.authorized_by_position == "Secretaria Ejecutiva"
    # The simulated history told the revisor of every sent month: read, so the header's
    # count starts at zero for a newcomer (the avisos are still listed).
    revisor = get_user_model().objects.get(username="revisor")
    assert Notification.objects.filter(recipient=revisor).count() > 100
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    # two approved adecuaciones presupuestarias: asked by the enlace, decided by Planeación
    budget_requests = list(
        AdjustmentRequest.objects.filter(kind__in=["traspaso", "ampliacion"]).order_by("number")
    )
    assert [(a.kind, a.state, a.requested_label, a.decided_label) for a in budget_requests] == [
        ("traspaso", "aprobada", "enlace_se (demostración)", "planeacion (demostración)"),
        ("ampliacion", "aprobada", "enlace_se (demostración)", "planeacion (demostración)"),
    ]
    assert "simulados para demostración" in budget_requests[0].justification
    ledger = sorted(BudgetMovement.objects.values_list("amount", flat=True))
    assert len(ledger) == 3 and ledger[0] == -ledger[1] and ledger[2] == Decimal("250000.00")
    modified = list(BudgetLine.objects.order_by("pk").values_list("pk", "modificado"))
    memberships = Membership.objects.count()
    user = get_user_model().objects.get(username="enlace_se")
    assert user.check_password("rumbo-demo-2024")
    assert Membership.objects.get(user=user).area.name == "Secretaría Ejecutiva"

    out = io.StringIO()
    call_command("rumbo_demo", stdout=out)
    assert "Entra en http://127.0.0.1:8000/" in out.getvalue()  # the default port
    assert (
        Activity.objects.filter(program__institution__code="IEEM", program__year=2024).count(),
        AreaObjective.objects.filter(institution__code="IECM", year=2024).count(),
        StrategicPlan.objects.filter(institution__code="IECM").count(),
    ) == counts
    assert QualityFinding.objects.count() == findings
    assert Membership.objects.count() == memberships
    # the re-import of the simulated budget kept the adecuaciones, none was asked again
    assert AdjustmentRequest.objects.filter(kind__in=["traspaso", "ampliacion"]).count() == 2
    assert BudgetMovement.objects.count() == 3
    assert list(BudgetLine.objects.order_by("pk").values_list("pk", "modificado")) == modified
    last_runs = ImportRun.objects.order_by("-created_at")[:4]
    assert all(not run.summary["created"] and not run.summary["updated"] for run in last_runs)
    # The letterhead was left as it was, and the open month's prórroga kept.
    assert AuditEvent.objects.filter(action="institution.letterhead_update").count() == 1
    extensions = WindowExtension.objects.filter(reason=OPEN_REASON, institution__code="IEEM")
    assert [(e.year, e.month, e.area_id, e.until) for e in extensions] == [
        (2024, 11, None, timezone.localdate() + timedelta(days=30))
    ]
    _enlace_captures_the_open_month()


def _enlace_captures_the_open_month() -> None:
    """enlace_se opens its area's November grid, finds it open, and saves a figure."""
    client = Client()
    assert client.login(username="enlace_se", password="rumbo-demo-2024")
    grid = reverse("web:capture_grid", args=["IEEM", 2024, "SE", 11])
    html = client.get(grid).content.decode()
    until = timezone.localdate() + timedelta(days=30)
    assert f"prorrogada hasta {until:%d/%m/%Y}" in html
    assert f"(prórroga: {OPEN_REASON})" in html
    fields = re.findall(r'name="avance-(\d+)"', html)
    assert fields, "the November grid of SE offers no field to capture"
    pk = fields[0]
    data = {
        "accion": "guardar",
        f"avance-{pk}": "1",
        f"justificacion-{pk}": "Prueba de captura en la demostración.",
        f"comentario-{pk}": "",
        f"version-{pk}": "",
    }
    response = client.post(grid, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = ProgressEntry.objects.get(activity_id=int(pk), month=11)
    assert entry.achieved == 1

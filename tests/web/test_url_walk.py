"""Every URL of the web application × every persona, from one table.

The table must name every URL pattern of the ``web`` namespace: a new page without an
access expectation fails ``test_the_table_covers_every_page``. GET pages must answer
200 to those allowed and 403 to the others; POST-only endpoints must answer 403 to
those not allowed and write nothing (the audit trail stays empty).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.imports.models import QualityFinding
from rumbo.institutions.models import Membership
from rumbo.jobs.models import ExportJob, JobState
from rumbo.jobs.services import export_path
from rumbo.monitoring.evidence import evidence_path
from rumbo.monitoring.models import Evidence, ProgressEntry
from rumbo.programs.models import AreaObjective, UnitOfMeasure
from rumbo.web.urls import urlpatterns
from tests.factories import Demo

pytestmark = pytest.mark.django_db

# fiscalizacion (oversight) reads everything consulta reads, plus evidence and the
# bitácora; it is in no set of a writing page.
EVERYONE = {"planeacion", "enlace_se", "enlace_otra", "revisor", "consulta", "fiscalizacion"}
PLANEACION = {"planeacion"}
ALL_PERSONAS = [*sorted(EVERYONE), "ajeno"]  # ajeno: planeación of another institution


@dataclass(frozen=True)
class Page:
    args: Callable[[Demo], list[object]]
    allowed: set[str]
    method: str = "get"
    denied: int = 403  # what the others get (404: the object is theirs only, unseen by others)
    ok: int = 200  # what those allowed get (302: a page that sends on, like opening an aviso)


def _ieem(*rest: Callable[[Demo], object]) -> Callable[[Demo], list[object]]:
    return lambda d: ["IEEM", *(f(d) for f in rest)]


YEAR = lambda d: 2024  # noqa: E731
SE_ACTIVITY = lambda d: d.activity_full.key  # noqa: E731  (area SE)
ENLACE_SE = lambda d: d.users["enlace_se"].pk  # noqa: E731


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # evidence files are written under it


def _se_evidence(d: Demo) -> int:
    """An evidence file of an SE activity, stored without the service (no audit event)."""
    entry = ProgressEntry.objects.create(activity=d.activity_full, month=1, achieved=1)
    evidence = Evidence.objects.create(
        entry=entry,
        original_name="informe.pdf",
        storage_name="IEEM/00/walk.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
    )
    path = evidence_path(evidence.storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n")
    return evidence.pk


def _planeacion_job(d: Demo) -> str:
    """A finished export of the Planeación persona, stored without the service (no audit)."""
    job = ExportJob.objects.create(
        institution=d.institution,
        requested_by=d.users["planeacion"],
        kind="program",
        params={"year": 2024, "fmt": "csv"},
        label="Programa anual 2024 (CSV)",
        state=JobState.DONE,
        progress=100,
        filename="IEEM-programa-2024.csv",
        size=3,
    )
    path = export_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"a;b")
    return str(job.token)


def _se_adjustment(d: Demo) -> int:
    """A pending adjustment request of an SE activity by enlace_se, stored without the
    service (no audit event)."""
    from rumbo.adjustments.models import AdjustmentRequest

    return AdjustmentRequest.objects.create(
        program=d.program,
        number=1,
        kind="meta_anual",
        activity=d.activity_full,
        activity_key=d.activity_full.key,
        area_code="SE",
        before={"annual_target": "4060"},
        after={"annual_target": "4100"},
        justification="Recorrido de la tabla.",
        requested_by=d.users["enlace_se"],
        requested_label="enlace_se",
    ).pk


def _agreement_file(d: Demo) -> int:
    """The program's acuerdo document, stored without the service."""
    from django.core.files.base import ContentFile

    d.program.agreement_file.save("acuerdo.pdf", ContentFile(b"%PDF-1.4 acuerdo"), save=True)
    return 2024


def _logo(d: Demo) -> str:
    """IEEM's logo (a real PNG's first bytes suffice to be served), stored without the
    service."""
    from django.core.files.base import ContentFile

    d.institution.logo.save("ieem.png", ContentFile(b"\x89PNG\r\n\x1a\nlogo"), save=True)
    return "IEEM"


def _adjustment_document(d: Demo) -> int:
    from django.core.files.base import ContentFile

    from rumbo.adjustments.models import AdjustmentRequest

    adj = AdjustmentRequest.objects.get(pk=_se_adjustment(d))
    adj.document.save("oficio.pdf", ContentFile(b"%PDF-1.4 oficio"), save=True)
    return adj.pk


def _enlace_se_token(d: Demo) -> int:
    """An API token of enlace_se, stored without the service (no audit event)."""
    from datetime import timedelta

    from django.utils import timezone

    from rumbo.accounts.models import ApiToken

    return ApiToken.objects.create(
        user=d.users["enlace_se"],
        name="walk",
        prefix="rumbo_walk",
        key_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=1),
    ).pk


def _enlace_se_notification(d: Demo) -> int:
    """An aviso of enlace_se, stored without the service (no e-mail)."""
    from rumbo.notifications.models import Notification

    return Notification.objects.create(
        recipient=d.users["enlace_se"],
        institution=d.institution,
        kind="capture_returned",
        title="Captura devuelta: enero 2024 · SE",
        url="/i/IEEM/programa/2024/captura/SE/1/",
        key="walk",
    ).pk


def _se_observation(d: Demo) -> int:
    """An open observation of Planeación on an SE activity, stored without the service (no
    audit event)."""
    from rumbo.programs.models import ActivityObservation

    return ActivityObservation.objects.create(
        activity=d.activity_full,
        text="Revisa el calendario de noviembre.",
        author=d.users["planeacion"],
        author_label="planeacion",
    ).pk


def _specific_item(d: Demo) -> int:
    """A partida específica of IEEM, stored without the service (no audit event)."""
    from rumbo.budget.models import GenericItem, SpecificItem
    from rumbo.budget.services import cog_load

    cog_load()
    return SpecificItem.objects.create(
        institution=d.institution,
        generic=GenericItem.objects.get(key="211"),
        key="21101",
        name="Materiales y útiles de oficina",
        unreviewed=True,
    ).pk


def _funding_source(d: Demo) -> int:
    """A fuente de financiamiento of IEEM, stored without the service (no audit event)."""
    from rumbo.budget.models import FundingSource

    return FundingSource.objects.create(
        institution=d.institution, key="11", name="Recursos fiscales"
    ).pk


PAGES: dict[str, Page] = {
    "home": Page(lambda d: [], EVERYONE | {"ajeno"}),
    "pending": Page(lambda d: [], EVERYONE | {"ajeno"}),
    "pending_count": Page(lambda d: [], EVERYONE | {"ajeno"}),
    # whoever approves captures somewhere (Planeación, Revisión); each capture is checked again
    "pending_approve": Page(lambda d: [], {"planeacion", "revisor", "ajeno"}, "post"),
    "api_tokens": Page(lambda d: [], EVERYONE | {"ajeno"}),
    "api_token_revoke": Page(lambda d: [_enlace_se_token(d)], {"enlace_se"}, "post", denied=404),
    "notifications": Page(lambda d: [], EVERYONE | {"ajeno"}),
    "notifications_badge": Page(lambda d: [], EVERYONE | {"ajeno"}),
    "notifications_mark_read": Page(lambda d: [], EVERYONE | {"ajeno"}, "post"),
    "notifications_email": Page(lambda d: [], EVERYONE | {"ajeno"}, "post"),
    "notification_open": Page(
        lambda d: [_enlace_se_notification(d)], {"enlace_se"}, denied=404, ok=302
    ),
    "institution": Page(_ieem(), EVERYONE),
    "jobs": Page(_ieem(), EVERYONE),
    "job_create": Page(_ieem(), EVERYONE, "post"),
    "job": Page(_ieem(_planeacion_job), PLANEACION),
    "job_download": Page(_ieem(_planeacion_job), PLANEACION),
    "institution_create": Page(lambda d: [], PLANEACION | {"ajeno"}),
    "institution_edit": Page(_ieem(), PLANEACION),
    "institution_logo": Page(lambda d: [_logo(d)], EVERYONE),
    "areas": Page(_ieem(), EVERYONE),
    "area_edit": Page(_ieem(lambda d: d.area_se.pk), PLANEACION),
    "units": Page(_ieem(), EVERYONE),
    "unit_edit": Page(
        _ieem(lambda d: UnitOfMeasure.objects.get(institution=d.institution, name="Reporte").pk),
        PLANEACION,
    ),
    "program_create": Page(_ieem(), PLANEACION),
    "program": Page(_ieem(YEAR), EVERYONE),
    "program_section": Page(_ieem(YEAR, lambda d: d.subprogram.pk), EVERYONE),
    "node_create": Page(_ieem(YEAR), PLANEACION),
    "activity": Page(_ieem(YEAR, SE_ACTIVITY), EVERYONE),
    "activity_edit": Page(_ieem(YEAR, SE_ACTIVITY), {"planeacion", "enlace_se"}),
    "activity_calendar": Page(_ieem(YEAR, SE_ACTIVITY), {"planeacion", "enlace_se"}),
    "activity_delete": Page(_ieem(YEAR, SE_ACTIVITY), PLANEACION),
    # en formulación an enlace proposes activities of its own area
    "activity_create": Page(_ieem(YEAR), {"planeacion", "enlace_se", "enlace_otra"}),
    "program_observations": Page(_ieem(YEAR), EVERYONE),
    "observation_create": Page(_ieem(YEAR, SE_ACTIVITY), PLANEACION, "post"),
    "observation_answer": Page(_ieem(YEAR, _se_observation), {"enlace_se"}, "post"),
    "observation_resolve": Page(_ieem(YEAR, _se_observation), PLANEACION, "post"),
    "program_template": Page(_ieem(YEAR), EVERYONE),
    "program_approval": Page(_ieem(YEAR), EVERYONE),
    "program_versions": Page(_ieem(YEAR), EVERYONE),
    "program_agreement_file": Page(_ieem(_agreement_file), EVERYONE),
    "adjustment_document": Page(_ieem(YEAR, _adjustment_document), EVERYONE),
    "adjustments": Page(_ieem(YEAR), EVERYONE),
    "adjustment_create": Page(_ieem(YEAR), {"planeacion", "enlace_se", "enlace_otra"}),
    "adjustment_detail": Page(_ieem(YEAR, _se_adjustment), EVERYONE),
    "adjustment_decide": Page(_ieem(YEAR, _se_adjustment), PLANEACION, "post"),
    "program_upload": Page(_ieem(YEAR), PLANEACION),
    "program_upload_confirm": Page(_ieem(YEAR), PLANEACION, "post"),
    "budget_template": Page(_ieem(YEAR), EVERYONE),
    "budget_upload": Page(_ieem(YEAR), PLANEACION),
    "budget_upload_apply": Page(_ieem(YEAR), PLANEACION, "post"),
    "budget_items": Page(_ieem(), EVERYONE),
    "budget_items_review": Page(_ieem(), PLANEACION, "post"),
    "budget_item_edit": Page(_ieem(_specific_item), PLANEACION),
    "budget_source_create": Page(_ieem(), PLANEACION, "post"),
    "budget_source_edit": Page(_ieem(_funding_source), PLANEACION),
    "plan_create": Page(_ieem(), PLANEACION),
    "plan": Page(_ieem(lambda d: d.plan_new.pk), EVERYONE),
    "plan_edit": Page(_ieem(lambda d: d.plan_new.pk), PLANEACION),
    "plan_element_create": Page(_ieem(lambda d: d.plan_new.pk, lambda d: "objetivo"), PLANEACION),
    "plan_element_edit": Page(
        _ieem(
            lambda d: d.plan_new.pk,
            lambda d: "objetivo",
            lambda d: d.plan_new.objectives.get(code="OE1").pk,
        ),
        PLANEACION,
    ),
    "plan_element_delete": Page(
        _ieem(
            lambda d: d.plan_new.pk,
            lambda d: "objetivo",
            lambda d: d.plan_new.objectives.get(code="OE1").pk,
        ),
        PLANEACION,
    ),
    "alignment": Page(_ieem(YEAR), EVERYONE),
    "findings": Page(_ieem(), EVERYONE),
    "finding_review": Page(
        _ieem(lambda d: QualityFinding.objects.filter(institution=d.institution).first().pk),
        {"planeacion", "revisor"},
        "post",
    ),
    "finding_review_bulk": Page(_ieem(), {"planeacion", "revisor"}, "post"),
    "users": Page(_ieem(), PLANEACION),
    "user_create": Page(_ieem(), PLANEACION),
    "user_detail": Page(_ieem(ENLACE_SE), PLANEACION),
    "user_role_add": Page(_ieem(ENLACE_SE), PLANEACION, "post"),
    "user_role_remove": Page(
        _ieem(
            ENLACE_SE,
            lambda d: Membership.objects.get(user=d.users["enlace_se"]).pk,
        ),
        PLANEACION,
        "post",
    ),
    "user_set_active": Page(_ieem(ENLACE_SE), PLANEACION, "post"),
    "user_password_reset": Page(_ieem(ENLACE_SE), PLANEACION, "post"),
    "evidence_download": Page(
        _ieem(_se_evidence), {"planeacion", "revisor", "enlace_se", "fiscalizacion"}
    ),
    "capture": Page(_ieem(YEAR), EVERYONE),
    "capture_grid": Page(_ieem(YEAR, lambda d: "SE", lambda d: 1), EVERYONE - {"enlace_otra"}),
    "capture_message": Page(
        _ieem(YEAR, lambda d: "SE", lambda d: 1), {"planeacion", "revisor", "enlace_se"}, "post"
    ),
    "capture_evidence": Page(
        _ieem(YEAR, lambda d: "SE", lambda d: 1, SE_ACTIVITY),
        {"planeacion", "enlace_se"},
        "post",
    ),
    "monitoring_settings": Page(_ieem(), PLANEACION),
    "window_extensions": Page(_ieem(), PLANEACION),
    "activity_bands": Page(_ieem(YEAR, SE_ACTIVITY), PLANEACION),
    "audit_log": Page(_ieem(), {"planeacion", "revisor", "fiscalizacion"}),
    "dashboard": Page(_ieem(YEAR), EVERYONE),
    "budget": Page(_ieem(YEAR), EVERYONE),
    "budget_xlsx": Page(_ieem(YEAR), EVERYONE),
    "dashboard_area": Page(_ieem(YEAR, lambda d: d.area_otra.code), EVERYONE),
    "dashboard_node": Page(_ieem(YEAR, lambda d: d.subprogram.pk), EVERYONE),
    "progress_activities": Page(_ieem(YEAR), EVERYONE),
    "design_list": Page(_ieem(), EVERYONE),
    "design_create": Page(_ieem(), {"planeacion", "enlace_se", "enlace_otra"}),
    "design": Page(_ieem(lambda d: d.design.design.pk), EVERYONE),
    "design_edit": Page(_ieem(lambda d: d.design.design.pk), {"planeacion", "enlace_se"}),
    "design_risks": Page(_ieem(lambda d: d.design.design.pk), EVERYONE),
    "design_schedule": Page(_ieem(lambda d: d.design.design.pk), EVERYONE),
    "design_item_create": Page(
        _ieem(lambda d: d.design.design.pk, lambda d: "riesgo"), {"planeacion", "enlace_se"}
    ),
    "design_item_edit": Page(
        _ieem(
            lambda d: d.design.design.pk,
            lambda d: "riesgo",
            lambda d: d.design.design.risks.first().pk,
        ),
        {"planeacion", "enlace_se"},
    ),
    "design_item_delete": Page(
        _ieem(
            lambda d: d.design.design.pk,
            lambda d: "riesgo",
            lambda d: d.design.design.risks.first().pk,
        ),
        {"planeacion", "enlace_se"},
    ),
    "mir": Page(_ieem(lambda d: d.design.design.pk), EVERYONE),
    "mir_print": Page(_ieem(lambda d: d.design.design.pk), EVERYONE),
    "design_mir_create": Page(
        _ieem(lambda d: d.design.design.pk), {"planeacion", "enlace_se"}, "post"
    ),
    "mir_state": Page(_ieem(lambda d: d.design.design.pk), {"planeacion", "enlace_se"}, "post"),
    "mir_row_create": Page(_ieem(lambda d: d.design.design.pk), {"planeacion", "enlace_se"}),
    "mir_row_edit": Page(
        _ieem(lambda d: d.design.design.pk, lambda d: d.design.c2.pk), {"planeacion", "enlace_se"}
    ),
    "mir_row_delete": Page(
        _ieem(lambda d: d.design.design.pk, lambda d: d.design.c2.pk), {"planeacion", "enlace_se"}
    ),
    "mir_row_activities": Page(
        _ieem(lambda d: d.design.design.pk, lambda d: d.design.a11.pk),
        {"planeacion", "enlace_se"},
        "post",
    ),
    "indicator_create": Page(
        _ieem(lambda d: d.design.design.pk, lambda d: d.design.c2.pk), {"planeacion", "enlace_se"}
    ),
    "indicator": Page(_ieem(lambda d: d.design.ind_c1.pk), EVERYONE),
    "indicator_edit": Page(_ieem(lambda d: d.design.ind_c1.pk), {"planeacion", "enlace_se"}),
    "indicator_delete": Page(_ieem(lambda d: d.design.ind_c1.pk), {"planeacion", "enlace_se"}),
    "indicator_measure": Page(_ieem(lambda d: d.design.ind_c1.pk, lambda d: 1), EVERYONE),
    "indicator_bands": Page(_ieem(lambda d: d.design.ind_c1.pk), PLANEACION),
    "transparency": Page(_ieem(), EVERYONE),
    "transparency_check": Page(_ieem(), EVERYONE),
    "transparency_download": Page(_ieem(lambda d: "fr-iv", lambda d: "xlsx"), EVERYONE),
    "transparency_review": Page(_ieem(lambda d: "fr-iv"), EVERYONE),
    "area_objective_edit": Page(
        _ieem(lambda d: AreaObjective.objects.filter(institution=d.institution).first().pk),
        PLANEACION,
    ),
    "report_index": Page(_ieem(), EVERYONE),
    "report": Page(_ieem(lambda d: "programa", YEAR), EVERYONE),
    "report_download": Page(_ieem(lambda d: "mir", YEAR, lambda d: "xlsx"), EVERYONE),
    "opendata_publish": Page(_ieem(), PLANEACION),
    "opendata_publish_action": Page(_ieem(), PLANEACION, "post"),
}


def test_the_table_covers_every_page():
    names = {pattern.name for pattern in urlpatterns}
    assert names == set(PAGES), (
        f"without expectation: {sorted(names - set(PAGES))}; stale: {sorted(set(PAGES) - names)}"
    )


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_goes_to_the_login_page(client, demo, name):
    page = PAGES[name]
    url = reverse(f"web:{name}", args=page.args(demo))
    response = getattr(client, page.method)(url)
    assert response.status_code == 302, url
    assert response["Location"].startswith(reverse(settings.LOGIN_URL)), url
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_persona_on_every_page(client, demo, name, persona):
    page = PAGES[name]
    client.force_login(demo.users[persona])
    url = reverse(f"web:{name}", args=page.args(demo))
    response = getattr(client, page.method)(url)
    if persona not in page.allowed:
        assert response.status_code == page.denied, (persona, url, response.status_code)
        shown = response.content.decode()
        assert "Acceso denegado" in shown or page.method == "post" or page.denied != 403
        assert not AuditEvent.objects.exists(), (persona, url)
    elif page.method == "get":
        assert response.status_code in {200, 302}, (persona, url, response.status_code)
        if name != "home":
            assert response.status_code == page.ok, (persona, url, response.status_code)
    else:
        # Allowed, but an empty POST is invalid input: refused with a message, never 403/500.
        assert response.status_code in {200, 302, 400}, (persona, url, response.status_code)


@pytest.mark.parametrize(
    "name", sorted(n for n, p in PAGES.items() if p.method == "get" and n != "home")
)
def test_unknown_query_parameters_are_ignored(client, demo, name):
    """A parameter a page does not use (a campaign tag, a typo) changes nothing: the page
    that answers 200 plain answers 200 with it, never 404."""
    page = PAGES[name]
    persona = "planeacion" if "planeacion" in page.allowed else sorted(page.allowed)[0]
    client.force_login(demo.users[persona])
    url = reverse(f"web:{name}", args=page.args(demo))
    plain = client.get(url)
    assert plain.status_code == page.ok, (url, plain.status_code)
    tagged = client.get(url, {"x": "1", "utm_source": "y"})
    assert tagged.status_code == page.ok, (url, tagged.status_code)

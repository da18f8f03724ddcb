"""«Mis pendientes» per persona, from the demo and rows each test creates; every expected
line is worked out by hand from those rows (windows: a 2024 month closes on the 10th of
the next month, so on the real date every 2024 window is closed unless extended)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from rumbo.adjustments.models import AdjustmentPolicy, AdjustmentRequest
from rumbo.imports.models import FindingStatus
from rumbo.institutions.models import Role
from rumbo.monitoring.models import PeriodReport, WindowExtension
from rumbo.programs.models import ProgramVersion
from rumbo.worklist.models import Visit
from tests.factories import (
    ActivityFactory,
    AnnualProgramFactory,
    AreaFactory,
    Demo,
    MembershipFactory,
    ProgramNodeFactory,
    QualityFindingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PENDING = "/pendientes/"
COUNT = "/pendientes/cuenta/"


def _today() -> date:
    return timezone.localdate()


def _dmy(day: date | datetime) -> str:
    if isinstance(day, datetime):
        day = timezone.localdate(day)
    return f"{day:%d/%m/%Y}"


def items(html: str, name: str) -> list[str]:
    """The text of each row of the list ``data-list=name`` (spaces collapsed)."""
    found = re.search(rf'<ul class="work-list" data-list="{name}">(.*?)</ul>', html, re.S)
    if found is None:
        return []
    rows = re.findall(r"<li\b.*?>(.*?)</li>", found.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()).replace(" ,", ",") for row in rows]


def section(html: str, name: str) -> str:
    found = re.search(rf'<section[^>]*data-section="{name}".*?</section>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split()) if found else ""


def report(demo: Demo, area, month: int, state: str, **extra) -> PeriodReport:
    return PeriodReport.objects.create(
        program=demo.program, area=area, month=month, state=state, **extra
    )


def page(client) -> str:
    response = client.get(PENDING)
    assert response.status_code == 200
    return response.content.decode()


# --- landing ---------------------------------------------------------------------------------


def test_login_lands_on_pending_and_the_brand_leads_there(client, demo):
    response = client.post(
        reverse("login"), {"username": "enlace_se", "password": "clave-de-prueba-2024"}
    )
    assert response.status_code == 302 and response["Location"] == PENDING
    html = page(client)
    assert '<a class="brand" href="/pendientes/">' in html
    # «Mis instituciones» stays one click away, in the navigation and on the page.
    assert html.count('href="/"') >= 2
    assert 'hx-get="/pendientes/cuenta/" hx-trigger="load"' in html


# --- enlace ----------------------------------------------------------------------------------


def test_enlace_sees_its_open_months_with_deadline_and_its_returned_captures(as_user, demo):
    today = _today()
    user = demo.users["revisor"]
    user.first_name, user.last_name = "Rosa", "Vega"
    user.save()
    # November open for SE only, until today + 3; October for every area, until today + 5.
    WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=11,
        area=demo.area_se,
        until=today + timedelta(days=3),
        reason="Cambio de sistema",
        created_by="planeacion",
    )
    WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=10,
        until=today + timedelta(days=5),
        reason="Cierre del proceso electoral",
        created_by="planeacion",
    )
    report(demo, demo.area_se, 10, "borrador")
    report(
        demo,
        demo.area_se,
        3,
        "devuelto",
        comment="Corrige marzo: capturaste 20 y fueron 2.",
        decided_by=user,
        decided_at=timezone.now() - timedelta(days=1),
    )
    report(demo, demo.area_se, 4, "enviado")  # sent: nothing to do for the enlace
    report(demo, demo.area_otra, 6, "devuelto", comment="De otra área.")

    html = page(as_user("enlace_se"))
    assert items(html, "to-capture") == [
        f"Noviembre 2024 · por capturar · cierra el {_dmy(today + timedelta(days=3))} (prórroga)"
        " Secretaría Ejecutiva (SE) · IEEM · Prórroga: Cambio de sistema",
        f"Octubre 2024 · en borrador · cierra el {_dmy(today + timedelta(days=5))} (prórroga)"
        " Secretaría Ejecutiva (SE) · IEEM · Prórroga: Cierre del proceso electoral",
    ]
    assert items(html, "returned") == [
        "Marzo 2024 devuelta Secretaría Ejecutiva (SE) · IEEM"
        " Corrige marzo: capturaste 20 y fueron 2."
        f" Rosa Vega, {_dmy(timezone.now() - timedelta(days=1))}"
        " La captura cerró el 10/04/2024; pide una prórroga a Planeación para volver a enviarla.",
    ]
    assert 'href="/i/IEEM/programa/2024/captura/SE/11/"' in html
    assert 'href="/i/IEEM/programa/2024/captura/SE/3/"' in html
    # No other role's section.
    assert 'data-section="revisor"' not in html and 'data-section="planeacion"' not in html

    # DO programs October (1) but nothing in November: the other enlace sees October only.
    html = page(as_user("enlace_otra"))
    assert [i.split(" · ")[0] for i in items(html, "to-capture")] == ["Octubre 2024"]
    assert [i.split(" ")[0] for i in items(html, "returned")] == ["Junio"]


def test_an_open_month_without_programming_or_draft_is_not_asked_for(as_user, demo):
    # DO programs only April and October: an open March asks nothing of its enlace.
    WindowExtension.objects.create(
        institution=demo.institution,
        year=2024,
        month=3,
        until=_today() + timedelta(days=2),
        reason="Prórroga general",
        created_by="planeacion",
    )
    html = page(as_user("enlace_otra"))
    assert items(html, "to-capture") == []
    assert section(html, "enlace") == "Capturas de tu área No tienes capturas pendientes."
    # SE programs March (340 of 010101): its enlace is asked for it.
    html = page(as_user("enlace_se"))
    assert [i.split(" · ")[0] for i in items(html, "to-capture")] == ["Marzo 2024"]


# --- revisor ---------------------------------------------------------------------------------


def _sent(demo: Demo, area, month: int, days_ago: int, by: str) -> PeriodReport:
    return report(
        demo,
        area,
        month,
        "enviado",
        submitted_at=timezone.now() - timedelta(days=days_ago),
        submitted_by=demo.users[by],
    )


def test_revisor_sees_sent_captures_oldest_first_with_who_and_days_waiting(as_user, demo):
    enlace = demo.users["enlace_otra"]
    enlace.first_name, enlace.last_name = "Beto", "Ruiz"
    enlace.save()
    _sent(demo, demo.area_otra, 4, 2, "enlace_otra")
    _sent(demo, demo.area_se, 1, 5, "enlace_se")
    report(demo, demo.area_se, 2, "aprobado")
    # Another institution's sent capture is not the revisor's.
    other = demo.other_institution
    area = AreaFactory(institution=other, code="DVOE", name="Vinculación")
    PeriodReport.objects.create(
        program=AnnualProgramFactory(institution=other, year=2024),
        area=area,
        month=1,
        state="enviado",
        submitted_at=timezone.now(),
    )

    html = page(as_user("revisor"))
    five, two = (timezone.now() - timedelta(days=d) for d in (5, 2))
    assert items(html, "to-review") == [
        f"Secretaría Ejecutiva (SE) · Enero 2024 IEEM · enviada por Ana Pérez el {_dmy(five)}"
        " · 5 días esperando Revisar SE · Enero 2024",
        f"Dirección de Organización (DO) · Abril 2024 IEEM · enviada por Beto Ruiz el {_dmy(two)}"
        " · 2 días esperando Revisar DO · Abril 2024",
    ]
    assert "Aprobar seleccionadas" in html
    assert 'data-section="enlace"' not in html and 'data-section="oversight"' not in html


def test_revisor_with_nothing_sent_is_told_so(as_user, demo):
    html = page(as_user("revisor"))
    assert section(html, "revisor") == "Capturas por revisar No hay capturas esperando revisión."
    assert "Aprobar seleccionadas" not in html


# --- Planeación ------------------------------------------------------------------------------


def _adjustment(demo: Demo, number: int, by: str, state: str = "solicitada", **extra):
    return AdjustmentRequest.objects.create(
        program=demo.program,
        number=number,
        kind="meta_anual",
        state=state,
        activity=demo.activity_full,
        activity_key=demo.activity_full.key,
        area_code="SE",
        before={"annual_target": "4060"},
        after={"annual_target": "4100"},
        justification="Ajuste.",
        requested_by=demo.users[by],
        requested_label=by,
        **extra,
    )


def test_planeacion_sees_adjustments_late_captures_and_findings(as_user, demo):
    # SE programs every month (010101); DO April and October (020101). Every 2024 window is
    # closed today. SE: January approved, February sent, March draft → late 3..12.
    report(demo, demo.area_se, 1, "aprobado")
    report(demo, demo.area_se, 2, "enviado")
    report(demo, demo.area_se, 3, "borrador")
    report(demo, demo.area_otra, 4, "devuelto")  # DO: April returned and October missing
    _adjustment(demo, 1, "enlace_se")
    _adjustment(demo, 2, "planeacion")  # one's own request: someone else decides it
    _adjustment(demo, 3, "enlace_se", state="aprobada", decided_at=timezone.now())
    QualityFindingFactory(
        institution=demo.institution, code="key_format", status=FindingStatus.RESOLVED
    )
    QualityFindingFactory(institution=demo.institution, code="key_format")  # a warning

    html = page(as_user("planeacion"))
    adjustments = items(html, "adjustments")
    assert len(adjustments) == 1
    assert adjustments[0].startswith("Adecuación 1 · actividad 010101 IEEM · 2024")
    assert "Capturas atrasadas (12)" in html
    assert items(html, "late") == [
        "Dirección de Organización (DO) IEEM · 2024 abril (devuelta), octubre (sin captura)",
        "Secretaría Ejecutiva (SE) IEEM · 2024 marzo (en borrador), abril (sin captura),"
        " mayo (sin captura), junio (sin captura), julio (sin captura), agosto (sin captura),"
        " septiembre (sin captura), octubre (sin captura), noviembre (sin captura),"
        " diciembre (sin captura)",
    ]
    assert 'href="/i/IEEM/programa/2024/captura/DO/10/"' in html
    # The demo's three open findings (2 errors, 1 warning) and the new warning.
    assert items(html, "findings") == ["4 hallazgos abiertos IEEM 2 errores · 2 advertencias"]
    assert 'href="/i/IEEM/hallazgos/?estado=open"' in html
    assert 'data-section="revisor"' not in html


def test_an_open_or_future_window_is_not_late(as_user, demo):
    """A program whose months have not closed yet has nothing late."""
    next_year = _today().year + 1
    program = AnnualProgramFactory(institution=demo.institution, year=next_year)
    node = ProgramNodeFactory(program=program, key="01", name="SE", area=demo.area_se)
    ActivityFactory(node=node, key="010101", annual_target=Decimal(12), months=[1] * 12)
    for month in range(1, 13):
        report(demo, demo.area_se, month, "aprobado")
    report(demo, demo.area_otra, 4, "aprobado")
    report(demo, demo.area_otra, 10, "aprobado")
    html = page(as_user("planeacion"))
    assert items(html, "late") == []
    assert "No hay capturas atrasadas." in html


def test_the_revisor_decides_adjustments_where_the_policy_says_so(as_user, demo):
    AdjustmentPolicy.objects.create(institution=demo.institution, decider=Role.REVISOR)
    _adjustment(demo, 1, "enlace_se")
    _adjustment(demo, 2, "revisor")
    html = page(as_user("revisor"))
    assert [i.split(" IEEM")[0] for i in items(html, "adjustments")] == [
        "Adecuación 1 · actividad 010101"
    ]
    html = page(as_user("planeacion"))
    assert items(html, "adjustments") == []
    assert "No hay solicitudes de adecuación por decidir." in html


# --- oversight -------------------------------------------------------------------------------


def _version(demo: Demo, number: int, when: datetime) -> ProgramVersion:
    return ProgramVersion.objects.create(
        program=demo.program,
        number=number,
        approved_at=when,
        approved_by=demo.users["planeacion"],
        reason="Acuerdo",
        snapshot={},
        sha256="0" * 64,
    )


def test_consulta_sees_what_was_approved_since_its_previous_visit(as_user, demo):
    now = timezone.now()
    # Its previous visit was three hours ago (more than an hour: a visit of its own).
    Visit.objects.create(user=demo.users["consulta"], seen_at=now - timedelta(hours=3))
    report(demo, demo.area_se, 1, "aprobado", decided_at=now - timedelta(hours=1))
    report(demo, demo.area_se, 2, "aprobado", decided_at=now - timedelta(days=2))  # before
    report(demo, demo.area_otra, 4, "devuelto", decided_at=now - timedelta(hours=1))
    _adjustment(demo, 1, "enlace_se", state="aprobada", decided_at=now - timedelta(hours=2))
    _adjustment(demo, 2, "enlace_se", state="rechazada", decided_at=now - timedelta(minutes=5))
    _adjustment(demo, 3, "enlace_se", state="aprobada", decided_at=now - timedelta(days=3))
    _adjustment(demo, 4, "enlace_se")  # pending
    _version(demo, 1, now - timedelta(days=10))
    _version(demo, 2, now - timedelta(hours=2))

    html = page(as_user("consulta"))
    heading = f"Aprobado desde tu última visita el {_dmy(now - timedelta(hours=3))}"
    assert heading in html
    assert [i.split(" IEEM")[0] for i in items(html, "approved-captures")] == [
        "Secretaría Ejecutiva (SE) · Enero 2024"
    ]
    assert [i.split(" IEEM")[0] for i in items(html, "decided-adjustments")] == [
        "Adecuación 2 · actividad 010101 rechazada",
        "Adecuación 1 · actividad 010101 aprobada",
    ]
    assert [i.split(" IEEM")[0] for i in items(html, "versions")] == ["Programa 2024, versión 2"]
    # Reloading within the hour is the same visit: the same «since».
    html = page(as_user("consulta"))
    assert heading in html
    visit = Visit.objects.get(user=demo.users["consulta"])
    assert visit.previous_seen_at == now - timedelta(hours=3)


def test_a_first_visit_shows_the_last_thirty_days_and_empty_says_so(as_user, demo):
    now = timezone.now()
    report(demo, demo.area_se, 2, "aprobado", decided_at=now - timedelta(days=31))
    html = page(as_user("consulta"))
    assert "Aprobado en los últimos 30 días" in html
    assert "No se aprobó nada en los últimos 30 días." in html
    assert not Visit.objects.get(user=demo.users["consulta"]).previous_seen_at


def test_fiscalizacion_is_oversight(client, demo):
    user = UserFactory(username="contraloria")
    MembershipFactory(user=user, institution=demo.institution, role=Role.FISCALIZACION)
    report(demo, demo.area_se, 1, "aprobado", decided_at=timezone.now())
    client.force_login(user)
    html = page(client)
    assert [i.split(" IEEM")[0] for i in items(html, "approved-captures")] == [
        "Secretaría Ejecutiva (SE) · Enero 2024"
    ]


def test_several_roles_see_each_section(client, demo):
    user = UserFactory(username="multirol")
    for role, area in [
        (Role.ENLACE, demo.area_se),
        (Role.REVISOR, None),
        (Role.PLANEACION, None),
        (Role.CONSULTA, None),
    ]:
        MembershipFactory(user=user, institution=demo.institution, role=role, area=area)
    client.force_login(user)
    html = page(client)
    for name in ["enlace", "revisor", "planeacion", "oversight"]:
        assert f'data-section="{name}"' in html, name
    assert "No tienes capturas pendientes." in html
    assert "No hay capturas esperando revisión." in html


def test_a_user_without_roles_is_told_so(client, db):
    client.force_login(UserFactory(username="nadie"))
    html = page(client)
    assert "no tienes pendientes" in html
    assert client.get(COUNT).content.decode().strip().endswith("(0)</span>")


# --- the count in the navigation -------------------------------------------------------------


def test_the_count_adds_what_the_page_lists(as_user, demo):
    _sent(demo, demo.area_se, 1, 5, "enlace_se")
    _sent(demo, demo.area_otra, 4, 2, "enlace_otra")
    assert 'data-pending-count="2"' in as_user("revisor").get(COUNT).content.decode()
    # Planeación: 1 adjustment + late SE 2..12 (11) + DO October (1) + findings of IEEM (1).
    _adjustment(demo, 1, "enlace_se")
    assert 'data-pending-count="14"' in as_user("planeacion").get(COUNT).content.decode()


def test_oversight_counts_what_was_approved_since_it_last_looked(as_user, demo):
    client = as_user("consulta")
    report(demo, demo.area_se, 1, "aprobado", decided_at=timezone.now() - timedelta(days=1))
    assert 'data-pending-count="1"' in client.get(COUNT).content.decode()
    page(client)  # looking at the page clears it
    assert 'data-pending-count="0"' in client.get(COUNT).content.decode()
    PeriodReport.objects.filter(month=1).update(decided_at=timezone.now() + timedelta(seconds=1))
    assert 'data-pending-count="1"' in client.get(COUNT).content.decode()

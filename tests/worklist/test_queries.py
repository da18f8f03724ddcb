"""«Mis pendientes» and its count run a constant number of queries per persona: the same
with one sent capture as with many captures, institutions, areas, months, requests,
versions and findings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rumbo.adjustments.models import AdjustmentRequest
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

# session + user, then the page's own reads (see rumbo/worklist/selectors.py):
#   every persona: memberships (1) and its visit (read + write: 2) on the page,
#   the last visit (1) on the count;
#   enlace: programs, policies, extensions, nodes, programmed months, captures (6);
#   revisor: sent captures (1), deciders (1) (no requests to read: Planeación decides);
#   planeación: the enlace's six, its areas (1), deciders and requests (2), findings (1);
#   oversight: approved captures, decided requests, approved versions (3).
PAGE_QUERIES = {
    "enlace_se": 2 + 1 + 2 + 6,
    "revisor": 2 + 1 + 2 + 2,
    "planeacion": 2 + 1 + 2 + 6 + 1 + 2 + 1,
    "consulta": 2 + 1 + 2 + 3,
    "fiscalizacion": 2 + 1 + 2 + 3,
}
# The count reads the last visit instead of writing one: one query fewer.
COUNT_QUERIES = {persona: n - 1 for persona, n in PAGE_QUERIES.items()}


def _user(demo: Demo, persona: str):
    if persona == "fiscalizacion":
        user = UserFactory(username="contraloria")
        MembershipFactory(user=user, institution=demo.institution, role=Role.FISCALIZACION)
        return user
    return demo.users[persona]


def _sent(program, area, month: int, days_ago: int = 1) -> PeriodReport:
    return PeriodReport.objects.create(
        program=program,
        area=area,
        month=month,
        state="enviado",
        submitted_at=timezone.now() - timedelta(days=days_ago),
    )


def _grow(demo: Demo, user) -> None:
    """Many of everything, in two institutions, for every role of ``user``."""
    now = timezone.now()
    other = demo.other_institution
    roles = set(user.memberships.values_list("role", flat=True))
    for role in roles:
        area = (
            AreaFactory(institution=other, code=f"X{role[:3].upper()}")
            if role == "enlace"
            else None
        )
        MembershipFactory(user=user, institution=other, role=role, area=area)
    if "enlace" in roles:
        for _ in range(4):
            MembershipFactory(
                user=user,
                institution=demo.institution,
                role=Role.ENLACE,
                area=AreaFactory(institution=demo.institution),
            )
    for inst in (demo.institution, other):
        WindowExtension.objects.create(
            institution=inst,
            year=2024,
            month=11,
            until=timezone.localdate() + timedelta(days=5),
            reason="Prórroga",
            created_by="planeacion",
        )
    programs = [demo.program, AnnualProgramFactory(institution=other, year=2024)]
    programs.append(AnnualProgramFactory(institution=demo.institution, year=2025))
    for program in programs[1:]:
        for n, area in enumerate(AreaFactory.create_batch(3, institution=program.institution)):
            node = ProgramNodeFactory(program=program, key=f"0{n + 1}", name=area.name, area=area)
            ActivityFactory(
                node=node, key=f"0{n + 1}0101", annual_target=Decimal(12), months=[1] * 12
            )
            for month in range(1, 13):
                _sent(program, area, month, days_ago=month)
    for month in range(1, 13):
        _sent(demo.program, demo.area_otra, month, days_ago=month)
    for month in range(1, 7):
        PeriodReport.objects.create(
            program=demo.program,
            area=demo.area_se,
            month=month,
            state="devuelto",
            comment="Corrige.",
            decided_by=demo.users["revisor"],
            decided_at=now,
        )
    for month in range(7, 11):
        PeriodReport.objects.create(
            program=demo.program,
            area=demo.area_se,
            month=month,
            state="aprobado",
            decided_by=demo.users["revisor"],
            decided_at=now - timedelta(hours=month),
        )
    for number in range(1, 21):
        AdjustmentRequest.objects.create(
            program=demo.program,
            number=number,
            kind="meta_anual",
            state="solicitada" if number <= 10 else "aprobada",
            decided_at=None if number <= 10 else now - timedelta(hours=number),
            activity_key="010101",
            area_code="SE",
            justification="Ajuste.",
            requested_by=demo.users["enlace_se"],
            requested_label="enlace_se",
        )
    for number in range(1, 4):
        ProgramVersion.objects.create(
            program=demo.program,
            number=number,
            approved_at=now - timedelta(hours=number),
            reason="Acuerdo",
            snapshot={},
            sha256="0" * 64,
        )
    for inst in (demo.institution, other):
        QualityFindingFactory.create_batch(10, institution=inst, code="key_format")


@pytest.mark.parametrize("persona", sorted(PAGE_QUERIES))
def test_the_page_and_its_count_do_not_grow(client, demo, persona, django_assert_num_queries):
    user = _user(demo, persona)
    _sent(demo.program, demo.area_se, 12)
    client.force_login(user)
    with django_assert_num_queries(PAGE_QUERIES[persona]):
        small = client.get("/pendientes/")
    with django_assert_num_queries(COUNT_QUERIES[persona]):
        small_count = client.get("/pendientes/cuenta/")
    _grow(demo, user)
    with django_assert_num_queries(PAGE_QUERIES[persona]):
        large = client.get("/pendientes/")
    Visit.objects.filter(user=user).delete()  # oversight: count the last 30 days again
    with django_assert_num_queries(COUNT_QUERIES[persona]):
        large_count = client.get("/pendientes/cuenta/")
    assert small.status_code == large.status_code == 200
    assert small_count.status_code == large_count.status_code == 200
    # The large world shows more (so the two runs did not read the same nothing).
    assert len(large.content) > len(small.content)
    assert large_count.content != small_count.content

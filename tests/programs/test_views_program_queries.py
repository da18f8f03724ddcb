"""The program page and its sections take the same queries for 318 or 3,000 activities."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.urls import reverse

from bench.synthetic import SyntheticProgram, synthetic_program
from rumbo.institutions.models import Membership, Role
from rumbo.programs.models import (
    ActivityObservation,
    AnnualProgram,
    ProgramNode,
    ProgramState,
)
from tests.factories import InstitutionFactory, QualityFindingFactory, UserFactory

pytestmark = pytest.mark.django_db

# session, user, institution, membership, program, outline (4), findings, plan + lines
PAGE = 12
# the same plus the shown activities with their months and lines (3); a filter that matches
# nothing spares those three
FILTERED = PAGE + 3
# session, user, institution, membership, program, outline (4), findings, rows (3)
SECTION = 13


@pytest.fixture(scope="module", params=[318, 3000], ids=["318", "3000"])
def built_program(request, django_db_setup, django_db_blocker) -> Iterator[bytes]:
    """Each size is built once for the module's tests, inside a transaction rolled back
    after them (as test_figures_agree does); each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        institution = InstitutionFactory(code=f"S{request.param}", name="Institución sintética")
        built = synthetic_program(institution=institution, activities=request.param)
        # One activity in ten with a finding to attend, for the «por atender» filter.
        for activity in built.program.activities.order_by("pk")[::10]:
            QualityFindingFactory(institution=institution, code="missing_months", concerns=activity)
        yield pickle.dumps(built)
        transaction.set_rollback(True)


@pytest.fixture
def program(built_program: bytes) -> SyntheticProgram:
    """A copy of the built program's instances of this test's own."""
    copy: SyntheticProgram = pickle.loads(built_program)  # noqa: S301 - our own bytes
    return copy


@pytest.fixture(params=["planeacion", "enlace"])
def client_of(request, client, program):
    user = UserFactory(username=f"{request.param}-sintetico")
    area = program.areas[1] if request.param == "enlace" else None
    Membership.objects.create(
        user=user, institution=program.program.institution, role=request.param, area=area
    )
    assert request.param in Role.values
    client.force_login(user)
    return client


def page_url(program: SyntheticProgram, **params: str) -> str:
    url = reverse("web:program", args=[program.program.institution.code, program.program.year])
    return f"{url}?{urlencode(params)}" if params else url


def test_the_program_has_the_requested_size(program):
    assert program.program.activities.count() == program.activities
    assert ProgramNode.objects.filter(program=program.program, depth=0).count() == 13


def test_unfiltered_page(program, client_of, django_assert_num_queries):
    with django_assert_num_queries(PAGE):
        response = client_of.get(page_url(program))
    assert response.status_code == 200
    assert response.content.decode().count('<details class="node depth-0"') == 13
    assert 'class="activity' not in response.content.decode()


def test_en_revision_the_page_adds_one_count_of_open_observations(
    program, client_of, django_assert_num_queries
):
    """En revisión the page says how many of the review's observations are open: one query
    more, whatever their number."""
    AnnualProgram.objects.filter(pk=program.program.pk).update(state=ProgramState.REVISION)
    activities = list(program.program.activities.order_by("pk")[:40])
    ActivityObservation.objects.bulk_create(
        ActivityObservation(activity=a, text="Revisar", author_label="planeacion")
        for a in activities
    )
    with django_assert_num_queries(PAGE + 1):
        response = client_of.get(page_url(program))
    assert "40 observaciones abiertas" in response.content.decode()


@pytest.mark.parametrize(
    "filters",
    [
        {"area": "US1"},
        {"unidad": "unit"},
        {"linea": "1.1"},
        {"linea": "ninguna"},
        {"q": "informe sintetico numero 1"},
        {"observaciones": "on"},
        {"area": "US2", "q": "informe", "unidad": "unit"},
    ],
    ids=["area", "unit", "line", "no-line", "text", "observations", "combined"],
)
def test_filtered_page(program, client_of, filters, django_assert_num_queries):
    params = {k: str(program.units[0].pk) if v == "unit" else v for k, v in filters.items()}
    with django_assert_num_queries(FILTERED):
        response = client_of.get(page_url(program, **params))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Se muestran" in html
    assert 'class="activity' in html, "the filter must match something in both sizes"
    with django_assert_num_queries(FILTERED):
        client_of.get(page_url(program, **params), HTTP_HX_REQUEST="true")


def test_section(program, client_of, django_assert_num_queries):
    root = ProgramNode.objects.get(program=program.program, key="02")
    url = reverse(
        "web:program_section",
        args=[program.program.institution.code, program.program.year, root.pk],
    )
    with django_assert_num_queries(SECTION):
        response = client_of.get(url)
    assert response.status_code == 200
    rows = response.content.decode().count('<tr id="actividad-')
    assert rows == program.program.activities.filter(node__parent=root).count() > 0
    with django_assert_num_queries(SECTION):
        client_of.get(url, HTTP_HX_REQUEST="true")

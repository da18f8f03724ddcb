"""The alignment matrix: lines of the plan in force × subprograms, totals, gaps, few queries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rumbo.strategy.models import LineOfAction, StrategicPlan
from tests.conftest import PERSONAS
from tests.factories import (
    ActivityFactory,
    AnnualProgramFactory,
    LineOfActionFactory,
    ProgramNodeFactory,
    StrategicObjectiveFactory,
)

pytestmark = pytest.mark.django_db

# session + user + institution + membership + program + plan + nodes + lines + cells
# + column totals + unaligned activities
ALIGNMENT_QUERIES = 11


def matrix_html(client, year: int = 2024) -> str:
    response = client.get(reverse("web:alignment", args=["IEEM", year]))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def cells(html: str, code: str) -> list[str]:
    row = re.search(rf'<span class="code">{re.escape(code)}</span>.*?</tr>', html)
    assert row, code
    return re.findall(r'<td class="num[^"]*">([\d,]+)</td>', row.group(0))


@pytest.fixture
def aligned(demo):
    line_11 = LineOfAction.objects.get(plan=demo.plan_new, code="1.1")
    line_12 = LineOfAction.objects.get(plan=demo.plan_new, code="1.2")
    demo.activity_full.lines_of_action.add(line_11)
    demo.activity_fraction.lines_of_action.add(line_11, line_12)
    demo.activity_otra.lines_of_action.add(line_11)
    # A line of the old plan does not count for 2024 (the 2023-2026 plan is in force).
    demo.activity_missing.lines_of_action.add(LineOfAction.objects.get(code="LA-1"))
    return demo


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_member_may_see_it(as_user, demo, persona):
    assert as_user(persona).get(reverse("web:alignment", args=["IEEM", 2024])).status_code == 200


def test_outsiders_and_unknowns(client, demo):
    url = reverse("web:alignment", args=["IEEM", 2024])
    assert client.get(url).status_code == 302  # to the login
    client.force_login(demo.users["ajeno"])
    assert client.get(url).status_code == 403
    client.force_login(demo.users["consulta"])
    assert client.get(reverse("web:alignment", args=["IEEM", 2031])).status_code == 404
    assert client.get(reverse("web:alignment", args=["NOPE", 2024])).status_code == 404


def test_cells_and_totals(as_user, aligned):
    html = matrix_html(as_user("consulta"))
    assert cells(html, "1.1") == ["2", "1", "3"]  # SE: 010101, 010102; DO: 020101
    assert cells(html, "1.2") == ["1", "0", "1"]
    footer = html.split("<tfoot>")[1]
    assert re.findall(r'<td class="num">([\d,]+)</td>', footer) == ["2", "1", "3"]
    assert "3 de 5 actividades alineadas." in html
    assert "Sin actividades" not in html.split('id="sin-linea"')[0]


def test_rows_are_grouped_by_objective_and_empty_lines_flagged(as_user, demo):
    objective = StrategicObjectiveFactory(plan=demo.plan_new, code="OE2", text="Educar.")
    LineOfActionFactory(plan=demo.plan_new, objective=objective, code="2.1", text="Talleres.")
    html = matrix_html(as_user("consulta"))
    groups = re.findall(r'<th scope="colgroup"[^>]*> <span class="code">(\w+)</span>', html)
    assert groups == ["OE1", "OE2"]
    assert '<tr class="alignment-empty"> <th scope="row"><span class="code">2.1</span>' in html
    assert "3 de 3 líneas de acción sin actividades." in html


def test_activities_without_a_line_are_listed_with_a_link(as_user, aligned):
    html = matrix_html(as_user("consulta"))
    unaligned = html.split('id="sin-linea"')[1]
    keys = re.findall(r"<code>(\d+)</code>", unaligned)
    assert keys == ["010103", "010104"]  # 010103 only has a line of the old plan
    href = reverse("web:activity", args=["IEEM", 2024, "010103"])
    assert f'<a href="{href}"><code>010103</code></a>' in unaligned
    assert "Sesiones de la Junta General" in unaligned
    assert '<abbr title="Secretaría Ejecutiva">SE</abbr>' in unaligned  # inherited from 01


def test_a_deep_tree_rolls_up_to_its_subprogram(as_user, aligned):
    deep = ProgramNodeFactory(program=aligned.program, parent=aligned.project, key="010199")
    activity = ActivityFactory(node=deep, program=aligned.program, key="01019901")
    activity.lines_of_action.add(LineOfAction.objects.get(plan=aligned.plan_new, code="1.2"))
    assert cells(matrix_html(as_user("consulta")), "1.2") == ["2", "0", "2"]


def test_no_plan_in_force(as_user, demo):
    AnnualProgramFactory(institution=demo.institution, year=2030)
    html = matrix_html(as_user("planeacion"), 2030)
    assert "No hay un plan general de desarrollo vigente en 2030" in html
    assert f'href="{reverse("web:plan_create", args=["IEEM"])}"' in html
    html = matrix_html(as_user("consulta"), 2030)
    assert "Pide a Planeación que registre el plan." in html
    assert reverse("web:plan_create", args=["IEEM"]) not in html


def test_the_newer_plan_wins_when_two_overlap(as_user, demo):
    AnnualProgramFactory(institution=demo.institution, year=2023)
    html = matrix_html(as_user("consulta"), 2023)
    assert "Plan General de Desarrollo 2023-2026" in html
    assert StrategicPlan.objects.filter(start_year__lte=2023, end_year__gte=2023).count() == 2


def test_queries_do_not_grow_with_the_program(as_user, aligned, django_assert_num_queries):
    client = as_user("consulta")
    with django_assert_num_queries(ALIGNMENT_QUERIES):
        matrix_html(client)
    lines = [LineOfActionFactory(plan=aligned.plan_new, code=f"9.{i}") for i in range(8)]
    for s in range(5):
        sub = ProgramNodeFactory(program=aligned.program, key=f"S{s}")
        project = ProgramNodeFactory(program=aligned.program, parent=sub, key=f"S{s}P")
        for a in range(6):
            activity = ActivityFactory(node=project, program=aligned.program, key=f"S{s}A{a}")
            activity.lines_of_action.add(*lines[a : a + 2])
    with django_assert_num_queries(ALIGNMENT_QUERIES):
        html = matrix_html(client)
    assert cells(html, "9.1") == ["0", "0", "2", "2", "2", "2", "2", "10"]
    assert "33 de 35 actividades alineadas." in html

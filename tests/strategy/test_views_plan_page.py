"""The strategic plan page: misión, visión, the tree in its real shapes, FODA, few queries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rumbo.strategy.selectors import plan_tree
from tests.factories import (
    GeneralProgramFactory,
    LineOfActionFactory,
    StrategicObjectiveFactory,
    SwotItemFactory,
)

pytestmark = pytest.mark.django_db

# session + user + institution + membership + plan + tree (5)
PLAN_PAGE_QUERIES = 10


def plan_html(client, plan) -> str:
    response = client.get(reverse("web:plan", args=["IEEM", plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_mission_vision_and_period(as_user, demo):
    html = plan_html(as_user("consulta"), demo.plan_new)
    assert '<h2 id="mision">Misión</h2>' in html
    assert "Organizar elecciones libres, auténticas y periódicas." in html
    assert '<h2 id="vision">Visión</h2>' in html
    assert "Vigencia 2023–2026" in html


def test_swot_is_a_two_by_two_grid_in_foda_order(as_user, demo):
    html = plan_html(as_user("consulta"), demo.plan_new)
    headings = re.findall(r'<h3 id="foda-\w+">(\w+)</h3>', html)
    assert headings == ["Fortalezas", "Oportunidades", "Debilidades", "Amenazas"]
    assert 'class="swot"' in html
    assert "Personal con experiencia en procesos electorales." in html
    assert "Reducción del presupuesto asignado." in html


def test_an_empty_swot_quadrant_says_so(as_user, demo):
    html = plan_html(as_user("consulta"), demo.plan_old)
    assert html.count("Sin elementos registrados.") == 4


def test_objectives_without_program_hang_from_the_plan_with_their_lines(as_user, demo):
    html = plan_html(as_user("consulta"), demo.plan_new)
    assert "Programa general" not in html.split('id="estructura"')[1].split('id="foda"')[0]
    objective = re.search(r'<li class="plan-objective">.*?</li>\s*</ul>\s*</li>', html, re.S)
    assert objective
    assert "OE1" in objective.group(0)
    assert "1.1</span> Modernizar la logística." in objective.group(0)
    assert "1.2</span> Capacitar al personal." in objective.group(0)


def test_four_levels_and_a_line_whose_objective_is_in_another_program(as_user, demo):
    html = plan_html(as_user("consulta"), demo.plan_old)
    assert "Política general 1</span> Democracia y participación" in html
    assert "Programa general 1.1</span> Educación cívica" in html
    program_b = html.split("Programa general 1.2")[1].split("</section>")[0]
    assert "LA-2</span> Consultas juveniles." in program_b
    assert "Objetivo OE-A" in program_b
    program_a = html.split("Programa general 1.1")[1].split("</section>")[0]
    assert "LA-1</span> Talleres escolares." in program_a
    assert "Consultas juveniles" not in program_a
    text = " ".join(html.split())
    assert "1 política general · 2 programas generales · 1 objetivo estratégico" in text


def test_every_element_is_placed_exactly_once(demo):
    plan = demo.plan_old
    loose_program = GeneralProgramFactory(plan=plan, policy=None, code="9", name="Sin política")
    StrategicObjectiveFactory(plan=plan, program=None, code="OE-Z", text="Sin programa")
    LineOfActionFactory(plan=plan, program=loose_program, objective=None, code="LA-9")
    LineOfActionFactory(plan=plan, program=None, objective=None, code="LA-0")
    tree = plan_tree(plan=plan)
    placed: list[str] = []
    for branch in tree.policies:
        for program in branch.programs:
            for objective in program.objectives:
                placed += [line.code for line in objective.lines]
            placed += [line.code for line in program.other_lines]
    for program in tree.programs:
        placed += [line.code for line in program.other_lines]
    for objective in tree.objectives:
        placed += [line.code for line in objective.lines]
    placed += [line.code for line in tree.lines]
    assert sorted(placed) == ["LA-0", "LA-1", "LA-2", "LA-9"]
    assert [p.program.code for p in tree.programs] == ["9"]
    assert [o.objective.code for o in tree.objectives] == ["OE-Z"]


def test_plan_page_queries_do_not_grow(as_user, demo, django_assert_num_queries):
    client = as_user("consulta")
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        plan_html(client, demo.plan_old)
    for i in range(10):
        program = GeneralProgramFactory(plan=demo.plan_old, code=f"X{i}")
        objective = StrategicObjectiveFactory(plan=demo.plan_old, program=program, code=f"OX{i}")
        LineOfActionFactory.create_batch(
            3, plan=demo.plan_old, program=program, objective=objective
        )
        SwotItemFactory(plan=demo.plan_old, order=i)
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        html = plan_html(client, demo.plan_old)
    assert "32 líneas de acción" in " ".join(html.split())


def test_plan_page_with_edit_controls_costs_the_same(as_user, demo, django_assert_num_queries):
    client = as_user("planeacion")
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        html = plan_html(client, demo.plan_old)
    assert "Editar datos del plan" in html
    # one policy, two programs, one objective, two lines
    assert html.count('class="action-link action-danger"') == 6

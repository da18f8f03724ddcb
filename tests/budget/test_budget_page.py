"""The staff budget page (``…/presupuesto/``) and its XLSX: figures worked by hand, the
default month, filters, a bad filter, who reads it, a constant query count."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from rumbo.institutions.models import Role
from tests.factories import UserFactory

from .conftest import close_months, member
from .test_api import _grow

D = Decimal
URL = "/i/PRB/programa/2024/presupuesto/"
XLSX = URL + "presupuesto.xlsx"


@pytest.fixture
def reader(hand_budget) -> Client:
    client = Client()
    client.force_login(member(hand_budget.program))
    return client


def _row(html: str, table: str, key: str) -> str:
    start = html.index(f'data-table="{table}"')
    at = html.index(f'data-key="{key}"', start)
    return html[at : html.index("</tr>", at)]


def test_default_month_is_the_last_closed_one_and_figures_are_right(hand_budget, reader):
    close_months(hand_budget.program, 2)
    response = reader.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "acumulados de enero a <strong>febrero</strong>" in html
    # To February: aprobado 1,000.50 + 1,000 + 300; modificado 1,000.50 + 1,200 + 300;
    # devengado 400.25 + 700; avance 1,100.25 ÷ 2,500.50 = 44.001…% → 44.00; of the year's
    # modificado (3,200.50): 34.377…% → 34.38.
    total = _row(html, "nodes", "total")
    for text in ("$2,300.50", "$2,500.50", "$1,100.25", "$3,200.50", "44 %", "34.38 %"):
        assert text in total, text
    # Proyecto 0101 to February: 1,100.25 ÷ 2,200.50 = 50 %.
    project = _row(html, "nodes", "0101")
    assert "$2,000.50" in project and "$2,200.50" in project and "50 %" in project
    # Proyecto 0102: 300 modificado, nothing accrued: 0 %.
    assert "0 %" in _row(html, "nodes", "0102")
    # Capítulo 3000 has nothing to February (its lines are of March and April): «—».
    chapter = _row(html, "chapters", "3000")
    assert "$0.00" in chapter and "—" in chapter and "$700.00" in chapter


def test_without_a_closed_month_the_whole_year(hand_budget, reader):
    html = reader.get(URL).content.decode()
    assert "Aún no hay meses cerrados" in html
    assert "$3,051.25" in _row(html, "nodes", "total")


def test_filters_chapter_node_and_month(hand_budget, reader):
    # Capítulo 3000 to April: aprobado 500 + 250.75, modificado 700, devengado 150:
    # 150 ÷ 700 = 21.428…% → 21.43.
    html = reader.get(URL + "?capitulo=3000&mes=4").content.decode()
    total = _row(html, "nodes", "total")
    assert "$750.75" in total and "$700.00" in total and "$150.00" in total
    assert "21.43 %" in total
    # Proyecto 0102 alone: it and no sibling.
    html = reader.get(URL + "?nodo=0102").content.decode()
    assert 'data-key="0101"' not in html.split('data-table="chapters"')[0]
    assert "$550.75" in _row(html, "nodes", "total")


def test_a_bad_filter_says_which_and_shows_the_whole_budget(hand_budget, reader):
    response = reader.get(URL + "?capitulo=9999&mes=2")
    assert response.status_code == 400
    html = response.content.decode()
    assert "No existe el capítulo del gasto «9999»" in html
    assert "$3,051.25" in _row(html, "nodes", "total")
    assert reader.get(XLSX + "?nodo=zz").status_code == 400


def test_xlsx_has_the_same_table(hand_budget, reader):
    response = reader.get(XLSX + "?capitulo=2000&mes=2")
    assert response.status_code == 200
    assert "IEEM" not in response["Content-Disposition"]
    assert "PRB-presupuesto-2024-02-cap2000.xlsx" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content), read_only=True)["Presupuesto"]
    rows = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
    totals = [r for r in rows if len(r) > 1 and r[1] == "Total"]
    assert len(totals) == 2  # by node, by capítulo
    # Capítulo 2000 to February: aprobado 2,300.50, modificado 2,500.50, comprometido
    # 1,700, devengado 1,100.25, ejercido 900, pagado 700; modificado of the year 2,500.50.
    for total in totals:
        assert [D(str(v)) for v in total[2:9]] == [
            D("2300.5"), D("2500.5"), D("1700"), D("1100.25"), D("900"), D("700"), D("2500.5"),
        ]  # fmt: skip
        assert D(str(total[9])) == D("44")  # 1,100.25 ÷ 2,500.50 = 44.001…% → 44.00
    assert any(r[0] == "0101" and r[2] == 2000.5 for r in rows if len(r) > 2)


def test_who_reads_it(hand_budget):
    assert Client().get(URL).status_code == 302  # to the login
    outsider = Client()
    outsider.force_login(UserFactory(username="ajeno"))
    assert outsider.get(URL).status_code == 403
    for role in (Role.CONSULTA, Role.FISCALIZACION, Role.REVISOR):
        client = Client()
        client.force_login(member(hand_budget.program, role=role, username=f"u_{role}"))
        assert client.get(URL).status_code == 200, role
        assert client.get(XLSX).status_code == 200, role


def test_the_program_page_links_it(hand_budget, reader):
    html = reader.get("/i/PRB/programa/2024/").content.decode()
    assert 'href="/i/PRB/programa/2024/presupuesto/"' in html


PAGE_QUERIES = 9


@pytest.mark.parametrize("query", ["", "?nodo=01&capitulo=2000&mes=3"])
def test_query_count_is_constant(hand_budget, reader, django_assert_num_queries, query):
    close_months(hand_budget.program, 2)
    with django_assert_num_queries(PAGE_QUERIES):
        assert reader.get(URL + query).status_code == 200
    _grow(hand_budget, 12)
    with django_assert_num_queries(PAGE_QUERIES):
        assert reader.get(URL + query).status_code == 200

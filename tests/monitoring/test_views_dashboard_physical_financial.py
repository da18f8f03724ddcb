"""The dashboard's physical-financial panel: the figures of ``physical_financial`` per
subprograma (per child node on a node's dashboard), the drill-down, the chart's data, no
panel on an area's dashboard, and a query count that does not grow with the data."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from rumbo.budget.models import BudgetLine, FundingSource, SpecificItem
from tests.factories import ActivityFactory
from tests.reports.conftest import add_budget, add_progress, load_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(demo):
    load_progress(demo)
    add_budget(demo)
    return demo


def _url(name: str, *args: object) -> str:
    return reverse(f"web:{name}", args=["IEEM", 2024, *args]) + "?mes=3"


def _row(html: str, key: str) -> str:
    found = re.search(rf'<tr data-node="{key}">(.*?)</tr>', html, re.S)
    assert found, key
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_the_program_dashboard_shows_each_subprograma(as_user, budget):
    html = as_user("consulta").get(_url("dashboard")).content.decode()
    assert 'id="panel-fisico-financiero"' in html
    # 01: SE's four activities (95.10 + 0 + 33.33 + 0) ÷ 4 = 32.11 % against
    # 3,440 ÷ 5,000 = 68.80 %: −36.69 pp, rojo.
    row = _row(html, "01")
    for fragment in ("32.11 %", "68.8 %", "-36.69 · Rojo", "$5,000.00", "$3,440.00"):
        assert fragment in row, (fragment, row)
    assert "Gris" in _row(html, "02")  # no budget
    assert reverse("web:dashboard_node", args=["IEEM", 2024, budget.subprogram.pk]) in html
    data = json.loads(re.search(r'id="tablero-datos"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert data["physical_financial"] == {
        "labels": ["01", "02"], "physical": [32.11, data["physical_financial"]["physical"][1]],
        "financial": [68.8, None],
    }  # fmt: skip


def test_drill_down_to_the_proyectos(as_user, budget):
    html = as_user("planeacion").get(_url("dashboard_node", budget.subprogram.pk)).content.decode()
    assert "0101" in _row(html, "0101") and "-36.69 · Rojo" in _row(html, "0101")
    assert "Total de 01" in _row(html, "total")
    assert 'data-node="02"' not in html


def test_no_panel_on_an_area_dashboard_nor_without_budget(as_user, budget, demo):
    client = as_user("consulta")
    assert (
        "panel-fisico-financiero" not in client.get(_url("dashboard_area", "SE")).content.decode()
    )
    BudgetLine.objects.all().delete()
    assert "panel-fisico-financiero" not in client.get(_url("dashboard")).content.decode()


def _count(client, url, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(40) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_constant_queries_with_more_data(as_user, budget, django_assert_max_num_queries):
    client = as_user("planeacion")
    urls = [_url("dashboard"), _url("dashboard_node", budget.subprogram.pk)]
    before = [_count(client, url, django_assert_max_num_queries) for url in urls]
    item, source = SpecificItem.objects.get(key="21101"), FundingSource.objects.get(key="11")
    for i in range(6):
        a = ActivityFactory(node=budget.project, key=f"0101{70 + i}", months=[1] * 12)
        add_progress(a, {1: 1, 2: 1, 3: 1})
        for m in (1, 2, 3):
            BudgetLine.objects.create(
                program=budget.program, node=budget.project, activity=a, item=item,
                source=source, month=m, modificado=Decimal(10), devengado=Decimal(5),
            )  # fmt: skip
    after = [_count(client, url, django_assert_max_num_queries) for url in urls]
    assert before == after

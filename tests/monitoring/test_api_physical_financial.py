"""GET …/budget/physical-financial: the same figures as the report, per node; who reads it;
its month; and a constant number of queries."""

from __future__ import annotations

import json

import pytest

from rumbo.budget.models import BudgetLine, FundingSource, SpecificItem
from rumbo.reports.builders import build_report
from tests.factories import ActivityFactory
from tests.reports.conftest import add_budget, add_progress, load_progress

pytestmark = pytest.mark.django_db
PATH = "/institutions/IEEM/programs/2024/budget/physical-financial"


@pytest.fixture
def budget(demo):
    load_progress(demo)
    add_budget(demo)
    return demo


def test_per_node_as_the_report(api, budget):
    response = api("get", PATH + "?month=3", user="consulta")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["year"], data["month"]) == (2024, 3)
    items = {i["node"]: i for i in data["items"]}
    assert list(items) == ["01", "0101", "02", "0201"]  # nodes only, in tree order
    # 0101: 32.11 % physical against 3,440 ÷ 5,000 = 68.80 %: −36.69 pp, rojo.
    assert items["0101"] == {
        "node": "0101", "name": budget.project.name, "level": "Proyecto",
        "physical_percent": 32.11, "financial_percent": 68.8, "financial_year_share": 68.8,
        "gap": -36.69, "gap_light": "rojo", "modificado": 5000, "devengado": 3440,
    }  # fmt: skip
    assert items["02"]["gap_light"] == "gris" and items["02"]["financial_percent"] is None
    report = json.loads(
        build_report(kind="fisico-financiero", institution="IEEM", year=2024, month=3, fmt="json")
        .content
    )  # fmt: skip
    for item in report["items"]:
        if item["kind"] == "nodo":
            assert {k: item[k] for k in items[item["node"]]} == items[item["node"]]


def test_the_month_and_who_reads(api, budget):
    assert api("get", PATH + "?month=13").status_code == 422
    assert api("get", PATH).json()["month"] >= 1  # the last month reported
    for persona in ("planeacion", "enlace_se", "consulta", "fiscalizacion"):
        assert api("get", PATH + "?month=3", user=persona).status_code == 200, persona
    assert api("get", PATH + "?month=3", user="ajeno").status_code == 403
    assert api("get", PATH + "?month=3", user=None).status_code == 401
    assert api("get", PATH.replace("2024", "2019") + "?month=3").status_code == 404


def test_constant_queries(api, budget, django_assert_max_num_queries):
    with django_assert_max_num_queries(30) as ctx:
        api("get", PATH + "?month=3")
    small = len(ctx.captured_queries)
    for i in range(5):
        a = ActivityFactory(node=budget.project, key=f"0101{80 + i}", months=[1] * 12)
        add_progress(a, {1: 1, 2: 1, 3: 1})
        BudgetLine.objects.create(
            program=budget.program, node=budget.project, activity=a,
            item=SpecificItem.objects.get(key="21101"), source=FundingSource.objects.get(key="11"),
            month=1, modificado=10, devengado=5,
        )  # fmt: skip
    with django_assert_max_num_queries(30) as ctx:
        api("get", PATH + "?month=3")
    assert len(ctx.captured_queries) == small

"""GET /api/v1/institutions/{code}/programs/{year}/budget: shape, filters, errors, who
reads it, and its query count; totals against the hand-worked budget and plain SQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from rumbo.budget.models import MOMENTS, BudgetLine
from rumbo.institutions.models import Role
from tests.factories import ActivityFactory, ProgramNodeFactory, UserFactory

from .conftest import HAND_TOTALS, funding_source, member, specific_item

D = Decimal
URL = "/api/v1/institutions/PRB/programs/2024/budget"
ITEM_KEYS = {
    "node", "activity", "chapter", "partida", "partida_name", "fuente", "month", *MOMENTS,
}  # fmt: skip


def pesos(value: float | int) -> Decimal:
    """A JSON amount back to exact pesos (≤ 15 significant digits read back exactly)."""
    return D(repr(value)).quantize(D("0.01"))


def sql_totals(program_id: int, where: str = "", params: tuple = ()) -> dict[str, Decimal]:
    """The six momentos summed by the database, in cents (exact whatever the column type)."""
    sums = ", ".join(f"CAST(ROUND(SUM({m}) * 100) AS BIGINT)" for m in MOMENTS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sums} FROM budget_budgetline l "  # noqa: S608 - fixed column names
            f"JOIN budget_specificitem i ON i.id = l.item_id "
            f"JOIN budget_genericitem g ON g.id = i.generic_id "
            f"JOIN budget_concept c ON c.id = g.concept_id "
            f"JOIN budget_chapter ch ON ch.id = c.chapter_id "
            f"WHERE l.program_id = %s {where}",
            (program_id, *params),
        )
        row = cursor.fetchone()
    return {m: D(v or 0) / 100 for m, v in zip(MOMENTS, row, strict=True)}


@pytest.fixture
def reader(hand_budget) -> Client:
    client = Client()
    client.force_login(member(hand_budget.program))
    return client


def totals(body: dict) -> dict[str, Decimal]:
    return {m: pesos(body["totals"][m]) for m in MOMENTS}


def test_shape_order_and_totals(hand_budget, reader):
    response = reader.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "totals"}
    assert all(set(i) == ITEM_KEYS for i in body["items"])
    keys = [
        (i["node"], i["activity"] or "", i["partida"], i["fuente"], i["month"])
        for i in body["items"]
    ]
    assert keys == [
        ("0101", "", "21101", "11", 1),
        ("0101", "", "21101", "11", 2),
        ("0101", "010101", "31101", "11", 3),
        ("0102", "", "21101", "11", 1),
        ("0102", "", "31101", "11", 4),
    ]
    first = body["items"][0]
    assert (first["chapter"], first["partida_name"], first["aprobado"], first["devengado"]) == (
        "2000", "P21101", 1000.5, 400.25,
    )  # fmt: skip
    assert body["items"][2]["activity"] == "010101"
    assert totals(body) == HAND_TOTALS
    assert totals(body) == sql_totals(hand_budget.program.pk)


@pytest.mark.parametrize(
    ("query", "where", "params", "expected_keys", "aprobado"),
    [
        # proyecto 0101: its own lines and its activity's (1,000.50 + 1,000 + 500)
        ("node=0101", "AND l.node_id = %s", ("project",), 3, D("2500.50")),
        # the subprograma holds everything
        ("node=01", "", (), 5, D("3051.25")),
        # capítulo 3000: 500 + 250.75
        ("chapter=3000", "AND ch.key = %s", ("3000",), 2, D("750.75")),
        # January only: 1,000.50 + 300
        ("month=1", "AND l.month = %s", (1,), 2, D("1300.50")),
        # all three: proyecto 0102, capítulo 2000, January: 300
        ("node=0102&chapter=2000&month=1", "AND l.node_id = %s AND ch.key = %s AND l.month = %s",
         ("other", "2000", 1), 1, D("300")),
    ],
)  # fmt: skip
def test_filters(hand_budget, reader, query, where, params, expected_keys, aprobado):
    body = reader.get(f"{URL}?{query}").json()
    assert len(body["items"]) == expected_keys
    assert totals(body)["aprobado"] == aprobado
    nodes = {"project": hand_budget.project.pk, "other": hand_budget.other.pk}
    values = tuple(nodes.get(p, p) if isinstance(p, str) else p for p in params)
    assert totals(body) == sql_totals(hand_budget.program.pk, where, values)
    items_sum = sum((pesos(i["aprobado"]) for i in body["items"]), D(0))
    assert items_sum == aprobado


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("node=99", "node", "«99»"),
        ("chapter=1234", "chapter", "«1234»"),
        ("month=13", "month", "12"),
        ("month=0", "month", "1"),
        ("month=enero", "month", "entero"),
    ],
)
def test_unknown_filters_are_a_422_that_says_which(hand_budget, reader, query, field, words):
    response = reader.get(f"{URL}?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "Datos no válidos."
    [error] = body["errors"]
    assert error["field"] == field
    assert words in error["message"]


def test_who_reads_it(hand_budget):
    program = hand_budget.program
    assert Client().get(URL).status_code == 401
    outsider = Client()
    outsider.force_login(UserFactory(username="ajeno"))
    assert outsider.get(URL).status_code == 403
    for role in (Role.CONSULTA, Role.FISCALIZACION, Role.PLANEACION, Role.REVISOR):
        client = Client()
        client.force_login(member(program, role=role, username=f"u_{role}"))
        assert client.get(URL).status_code == 200, role
    reader = Client()
    reader.force_login(member(program, username="lector"))
    assert reader.get("/api/v1/institutions/NOPE/programs/2024/budget").status_code == 404
    missing = reader.get("/api/v1/institutions/PRB/programs/2023/budget")
    assert missing.status_code == 404
    assert missing.json()["message"] == "No existe el programa anual 2023."


def test_budget_writes_are_not_offered(hand_budget, reader):
    assert reader.post(URL, {}, content_type="application/json").status_code == 405


def _grow(world, count: int) -> None:
    """More nodes, activities and lines: the query count must not move."""
    source = funding_source(world.program)
    item = specific_item(world.program, "51501")
    for n in range(count):
        node = ProgramNodeFactory(program=world.program, parent=world.sub, key=f"01{n + 10}")
        activity = ActivityFactory(node=node, key=f"01{n + 10}01")
        for month in (1, 2):
            BudgetLine.objects.create(
                program=world.program, node=node, activity=activity, item=item, source=source,
                month=month, aprobado=D("10.10"), modificado=D("10.10"),
            )  # fmt: skip


QUERIES = 8  # session, user, institution, grant, program, nodes, capítulos, lines


@pytest.mark.parametrize("query", ["", "?node=0101&chapter=2000&month=1"])
def test_query_count_is_constant(hand_budget, reader, django_assert_num_queries, query):
    with django_assert_num_queries(QUERIES):
        assert reader.get(URL + query).status_code == 200
    _grow(hand_budget, 12)
    with django_assert_num_queries(QUERIES):
        body = reader.get(URL + query).json()
    if not query:
        assert len(body["items"]) == 5 + 24
        assert pesos(body["totals"]["aprobado"]) == D("3051.25") + 24 * D("10.10")

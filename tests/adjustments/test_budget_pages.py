"""The budget kinds on the adjustment pages and the API: the rows, the preview of
modificado before → after, the detail with its totals, who may ask, query counts that do
not grow. Figures by hand from budget_world.py: 0101 · 21101 · 11 in March has a
modificado of 10,000.00, 0101 · 33401 · 11 of 5,000.00."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rumbo.adjustments.budget import BudgetRow
from rumbo.adjustments.models import AdjustmentRequest, AdjustmentState
from rumbo.adjustments.services import Proposal, adjustment_request
from rumbo.budget.models import BudgetMovement

from .budget_world import actor, modified

pytestmark = pytest.mark.django_db
BASE = "/i/IEEM/programa/2024/adecuaciones/"
API = "/institutions/IEEM/programs/2024/adjustments"


def rows(*movements, count=4):
    """The form's POST data: each movement (side, key, item, source, month, amount)."""
    data = {"row_count": str(count)}
    for i, (side, key, item, source, month, amount) in enumerate(movements):
        data.update(
            {
                f"m{i}-side": side,
                f"m{i}-key": key,
                f"m{i}-item": item,
                f"m{i}-source": source,
                f"m{i}-month": str(month),
                f"m{i}-amount": amount,
            }
        )
    return data


TRASPASO = rows(
    ("de", "0101", "21101", "11", 3, "2,500.50"), ("a", "0101", "33401", "11", 3, "2,500.50")
)


def ask(demo, n_rows=1):
    """A traspaso by the enlace: 100.00 × n from 0101 · 21101 in March, 100.00 to
    0101 · 33401 in each of the n months from March."""
    movements = [BudgetRow("de", "0101", "21101", "11", 3, f"{100 * n_rows}.00")]
    movements += [BudgetRow("a", "0101", "33401", "11", m, "100.00") for m in range(3, 3 + n_rows)]
    return adjustment_request(
        actor=actor(demo, "enlace_se"),
        program=demo.program,
        proposal=Proposal(kind="traspaso", movements=movements),
        justification="Capacitación.",
    )


def test_the_enlace_sees_only_its_areas_keys(budget, as_user):
    page = as_user("enlace_se").get(BASE + "nueva/?presupuesto=traspaso")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'value="0101"' in text and 'value="010101"' in text
    assert 'value="0201"' not in text and 'value="020101"' not in text
    assert "Traspaso presupuestal" in text


@pytest.mark.parametrize("name", ["revisor", "consulta", "fiscalizacion"])
def test_who_does_not_request_is_refused(budget, as_user, name):
    response = as_user(name).get(BASE + "nueva/?presupuesto=ampliacion")
    assert response.status_code == 403


def test_preview_shows_modificado_before_and_after_and_saves_nothing(budget, as_user):
    response = as_user("enlace_se").post(
        BASE + "nueva/?presupuesto=traspaso", {**TRASPASO, "accion": "previsualizar"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Vista previa" in text
    for shown in ("$10,000.00", "$7,499.50", "$5,000.00", "$7,500.50", "$2,500.50"):
        assert shown in text
    assert not AdjustmentRequest.objects.exists()


def test_send_then_the_detail_shows_the_movements_and_totals(budget, as_user):
    client = as_user("enlace_se")
    response = client.post(
        BASE + "nueva/?presupuesto=traspaso",
        {**TRASPASO, "accion": "enviar", "justification": "Capacitación en marzo."},
    )
    adj = AdjustmentRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}{adj.pk}/"
    assert adj.kind == "traspaso" and adj.state == AdjustmentState.SOLICITADA
    page = client.get(f"{BASE}{adj.pk}/").content.decode()
    assert "Traspaso presupuestal · presupuesto de 0101" in page
    assert "Total que se quita" in page and "Total que se da" in page
    assert "−$2,500.50" in page and "$7,499.50" in page and "$7,500.50" in page
    assert modified("0101", "21101") == Decimal("10000.00")  # nothing applied yet


def test_an_unbalanced_traspaso_says_so_and_saves_nothing(budget, as_user):
    data = rows(
        ("de", "0101", "21101", "11", 3, "100.00"), ("a", "0101", "33401", "11", 3, "90.00")
    )
    response = as_user("enlace_se").post(
        BASE + "nueva/?presupuesto=traspaso", {**data, "accion": "enviar", "justification": "x"}
    )
    assert response.status_code == 422
    assert "quita $100.00 y da $90.00 (diferencia $10.00)" in response.content.decode()
    assert not AdjustmentRequest.objects.exists()


def test_a_row_error_is_shown_beside_its_row(budget, as_user):
    data = rows(("a", "0101", "21101", "11", 3, "1.555"))
    response = as_user("planeacion").post(
        BASE + "nueva/?presupuesto=ampliacion", {**data, "accion": "previsualizar"}
    )
    assert response.status_code == 422
    assert "Movimiento 1: importe: «1.555» tiene más de dos decimales" in (
        response.content.decode()
    )


def test_more_rows(budget, as_user):
    response = as_user("planeacion").post(
        BASE + "nueva/?presupuesto=traspaso", {**TRASPASO, "accion": "filas"}
    )
    assert response.status_code == 200
    assert 'name="m7-amount"' in response.content.decode()
    assert 'name="m8-amount"' not in response.content.decode()


def test_planeacion_approves_on_the_page(budget, as_user):
    adj = ask(budget)
    response = as_user("planeacion").post(
        f"{BASE}{adj.pk}/decidir/", {"decision": "aprobar", "reason": "Procede."}
    )
    assert response.status_code == 302
    page = as_user("planeacion").get(f"{BASE}{adj.pk}/").content.decode()
    assert "el modificado del presupuesto ya cambió" in page
    assert modified("0101", "21101") == Decimal("9900.00")  # 10,000.00 − 100.00
    assert modified("0101", "33401") == Decimal("5100.00")  # 5,000.00 + 100.00


# --- query counts that do not grow with the data -----------------------------------------


def _count(client, url, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 3])
def test_detail_query_count_is_constant(budget, as_user, django_assert_num_queries, size):
    adj = ask(budget, size)
    client = as_user("planeacion")
    client.get(f"{BASE}{adj.pk}/")  # warm the session
    _count(client, f"{BASE}{adj.pk}/", django_assert_num_queries, DETAIL_QUERIES)


@pytest.mark.parametrize("size", [1, 3])
def test_list_query_count_is_constant(budget, as_user, django_assert_num_queries, size):
    for _ in range(size):
        ask(budget)
    client = as_user("planeacion")
    client.get(BASE)
    _count(client, BASE, django_assert_num_queries, LIST_QUERIES)


@pytest.mark.parametrize("size", [1, 3])
def test_form_query_count_is_constant(budget, as_user, django_assert_num_queries, size):
    for _ in range(size):
        ask(budget)
    client = as_user("enlace_se")
    url = BASE + "nueva/?presupuesto=traspaso"
    client.get(url)
    _count(client, url, django_assert_num_queries, FORM_QUERIES)


DETAIL_QUERIES = 7  # the same with 1 and 3 movements each side
LIST_QUERIES = 8  # the same with 1 and 3 requests
FORM_QUERIES = 9  # the choices are 4 queries whatever their number


# --- the API --------------------------------------------------------------------------------


def test_the_api_requests_and_approves_a_traspaso(api, budget):
    response = api(
        "post",
        API,
        user="enlace_se",
        json={
            "kind": "traspaso",
            "movements": [
                {
                    "side": "de",
                    "key": "0101",
                    "item": "21101",
                    "source": "11",
                    "month": 3,
                    "amount": "2500.50",
                },
                {
                    "side": "a",
                    "key": "0101",
                    "item": "33401",
                    "source": "11",
                    "month": 3,
                    "amount": 2500.5,
                },
            ],
            "justification": "Capacitación.",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "traspaso" and body["activity"] is None
    assert body["after"]["quita"] == "2500.50" and body["after"]["da"] == "2500.50"
    assert [m["modificado"] for m in body["after"]["movimientos"]] == ["7499.50", "7500.50"]
    response = api("post", f"{API}/{body['id']}/approve", json={"reason": "Procede."})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "aprobada" and response.json()["version"] is None
    assert modified("0101", "21101") == Decimal("7499.50")
    assert BudgetMovement.objects.count() == 2


def test_the_api_refuses_bad_movements_with_422(api, budget):
    response = api(
        "post",
        API,
        json={
            "kind": "ampliacion",
            "movements": [
                {"key": "0101", "item": "21101", "source": "11", "month": 3, "amount": "1.555"}
            ],
            "justification": "x",
        },
    )
    assert response.status_code == 422, response.content
    assert "dos decimales" in response.content.decode()
    response = api(
        "post",
        API,
        user="enlace_se",
        json={
            "kind": "reduccion",
            "movements": [
                {"key": "0201", "item": "21101", "source": "11", "month": 3, "amount": "1.00"}
            ],
            "justification": "x",
        },
    )
    assert response.status_code == 403
    assert not AdjustmentRequest.objects.exists()


def test_the_decider_is_not_the_requester_on_the_api(api, budget):
    adj = adjustment_request(
        actor=actor(budget, "planeacion"),
        program=budget.program,
        proposal=Proposal(
            kind="ampliacion", movements=[BudgetRow("a", "0101", "21101", "11", 3, "5.00")]
        ),
        justification="x",
    )
    response = api("post", f"{API}/{adj.pk}/approve", json={"reason": ""})
    assert response.status_code == 403
    assert modified("0101", "21101") == Decimal("10000.00")

"""The database guards the budget's invariants (CHECK constraints and partial unique
indexes: the same SQL on SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from rumbo.budget.models import MOMENTS, BudgetLine, FundingSource, GenericItem, SpecificItem


@pytest.fixture
def keys(world):
    institution = world.program.institution
    item = SpecificItem.objects.create(
        institution=institution, generic=GenericItem.objects.get(key="211"), key="21101"
    )
    source = FundingSource.objects.create(institution=institution, key="11", name="Fiscales")
    return {"program": world.program, "node": world.project, "item": item, "source": source}


def _refused(**values):
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(**values)


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_negative_amount_is_refused(keys, moment):
    _refused(**keys, month=1, **{moment: Decimal("-0.01")})


@pytest.mark.parametrize("month", [0, 13])
def test_a_month_outside_1_to_12_is_refused(keys, month):
    _refused(**keys, month=month)


def test_one_row_per_node_key_and_month(keys):
    BudgetLine.objects.create(**keys, month=1)
    _refused(**keys, month=1)
    BudgetLine.objects.create(**keys, month=2)  # another month is another key


def test_one_row_per_activity_key_and_month_beside_the_nodes_own(keys, world):
    BudgetLine.objects.create(**keys, month=1)
    BudgetLine.objects.create(**keys, activity=world.activity, month=1)  # not the node's row
    _refused(**keys, activity=world.activity, month=1)


def test_a_specific_item_key_is_unique_per_institution(keys):
    with pytest.raises(IntegrityError), transaction.atomic():
        SpecificItem.objects.create(
            institution=keys["item"].institution, generic=keys["item"].generic, key="21101"
        )


def test_zero_and_cents_are_stored_exactly(keys):
    # Ten thousand million pesos and one cent: above any institute's whole budget. (SQLite
    # keeps a decimal as a REAL: exact to 15 significant digits; docs/budget.md.)
    line = BudgetLine.objects.create(**keys, month=12, pagado=Decimal("9999999999999.99"))
    line.refresh_from_db()
    assert line.pagado == Decimal("9999999999999.99")
    assert line.aprobado == Decimal(0)

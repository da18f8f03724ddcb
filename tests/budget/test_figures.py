"""The financial figures (``rumbo.budget.figures``) against sums worked by hand and, over
random lines, against plain SQL."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from rumbo.budget.figures import budget_figures, financial_percent
from rumbo.budget.models import BudgetLine, FundingSource, GenericItem, SpecificItem
from rumbo.budget.services import cog_load
from tests.factories import (
    ActivityFactory,
    AnnualProgramFactory,
    InstitutionFactory,
    ProgramNodeFactory,
)

D = Decimal


def _line(world, node, month, activity=None, item=None, **amounts):
    return BudgetLine.objects.create(
        program=world.program,
        node=node,
        activity=activity,
        item=item or world_item(world),
        source=world_source(world),
        month=month,
        **{k: D(v) for k, v in amounts.items()},
    )


def world_item(world, key="21101"):
    generic = GenericItem.objects.get(key=key[:3])
    return SpecificItem.objects.get_or_create(
        institution=world.program.institution, key=key, defaults={"generic": generic}
    )[0]


def world_source(world):
    return FundingSource.objects.get_or_create(
        institution=world.program.institution, key="11", defaults={"name": "Recursos fiscales"}
    )[0]


def test_totals_by_hand(world):
    # Proyecto 0101: January 1,000.50 modificado / 400.25 devengado; February 1,000 / 700.
    _line(world, world.project, 1, aprobado="1000.50", modificado="1000.50", devengado="400.25")
    _line(world, world.project, 2, aprobado="1000", modificado="1000", devengado="700")
    # Its activity, March: 500 modificado, 100 devengado, partida of chapter 3000.
    _line(
        world,
        world.project,
        3,
        activity=world.activity,
        item=world_item(world, "31101"),
        modificado="500",
        devengado="100",
    )
    # Proyecto 0102, January: 300 modificado, nothing spent.
    _line(world, world.other, 1, modificado="300")
    f = budget_figures(world.program)
    # To February, proyecto 0101: 2,000.50 modificado, 1,100.25 devengado.
    feb = f.to_month(2, node_id=world.project.pk)
    assert (feb.modificado, feb.devengado) == (D("2000.50"), D("1100.25"))
    # The subprograma adds both projects: to January 1,300.50 / 400.25.
    jan = f.to_month(1, node_id=world.sub.pk)
    assert (jan.modificado, jan.devengado) == (D("1300.50"), D("400.25"))
    # Annual of the subprograma: 1,000.50 + 1,000 + 500 + 300 = 2,800.50.
    assert f.annual(node_id=world.sub.pk).modificado == D("2800.50")
    # Chapter 3000 only: the activity's line.
    assert f.annual(chapter="3000").modificado == D("500")
    # Quarter 1 of the program = annual here.
    assert f.quarter(1).devengado == D("1200.25")
    assert f.quarter(2).devengado == D("0")
    # Avance financiero of 0101 at February: 1,100.25 ÷ 2,000.50 = 54.998…% → 55.00;
    # of the year: 1,100.25 ÷ 2,500.50 = 44.001…% → 44.00.
    fig = f.financial(2, node_id=world.project.pk)
    assert fig.percent == D("55.00")
    assert fig.year_share == D("44.00")
    # One pass by node agrees with the node-by-node totals.
    by_node = f.by_node_to_month(2)
    assert by_node[world.sub.pk].modificado == D("2300.50")
    assert by_node[world.project.pk].devengado == D("1100.25")
    assert f.by_activity_to_month(3)[world.activity.pk].devengado == D("100")
    assert financial_percent(D(1), D(0)) is None


def test_two_queries(world, django_assert_num_queries):
    _line(world, world.project, 1, modificado="1")
    with django_assert_num_queries(2):
        budget_figures(world.program)


amount = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


class TestAgainstSQL(TestCase):
    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.tuples(st.sampled_from(["a", "b"]), st.integers(1, 12), amount, amount),
            min_size=1,
            max_size=30,
            unique_by=lambda t: (t[0], t[1]),
        ),
        st.integers(1, 12),
    )
    def test_to_month_equals_sql(self, lines, month):
        cog_load()
        institution = InstitutionFactory()
        program = AnnualProgramFactory(institution=institution)
        sub = ProgramNodeFactory(program=program, key="01")
        nodes = {
            "a": ProgramNodeFactory(program=program, parent=sub, key="0101"),
            "b": ProgramNodeFactory(program=program, parent=sub, key="0102"),
        }
        ActivityFactory(node=nodes["a"])
        item = SpecificItem.objects.create(
            institution=institution, key="21101", generic=GenericItem.objects.get(key="211")
        )
        source = FundingSource.objects.create(institution=institution, key="11", name="F")
        for which, m, modified, accrued in lines:
            BudgetLine.objects.create(
                program=program,
                node=nodes[which],
                item=item,
                source=source,
                month=m,
                modificado=modified,
                devengado=accrued,
            )
        f = budget_figures(program)
        with connection.cursor() as cur:
            cur.execute(
                "SELECT COALESCE(SUM(modificado), 0), COALESCE(SUM(devengado), 0)"
                " FROM budget_budgetline WHERE program_id = %s AND month <= %s",
                [program.pk, month],
            )
            modified, accrued = (D(str(v)).quantize(D("0.01")) for v in cur.fetchone())
        got = f.to_month(month, node_id=sub.pk)
        assert (got.modificado, got.devengado) == (modified, accrued)

"""Avance físico-financiero (``rumbo.monitoring.physical_financial``) against figures worked
by hand, its query count, and a property over random programs checked with plain SQL."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from rumbo.budget.models import BudgetLine, FundingSource, GenericItem, SpecificItem
from rumbo.budget.services import cog_load
from rumbo.core.semaforo import Light
from rumbo.monitoring.figures import FigureState
from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry
from rumbo.monitoring.physical_financial import gap_light, physical_financial, row_json
from tests.factories import (
    ActivityFactory,
    AnnualProgramFactory,
    AreaFactory,
    InstitutionFactory,
    ProgramNodeFactory,
)

D = Decimal
APPROVED, SUBMITTED = PeriodState.APPROVED, PeriodState.SUBMITTED


def _line(program, node, month, *, activity=None, **amounts):
    institution = program.institution
    item = SpecificItem.objects.get_or_create(
        institution=institution,
        key="21101",
        defaults={"generic": GenericItem.objects.get(key="211")},
    )[0]
    source = FundingSource.objects.get_or_create(
        institution=institution, key="11", defaults={"name": "Recursos fiscales"}
    )[0]
    return BudgetLine.objects.create(
        program=program, node=node, activity=activity, item=item, source=source, month=month,
        **{k: D(v) for k, v in amounts.items()},
    )  # fmt: skip


def _entries(activity, values):
    for m, v in enumerate(values, start=1):
        ProgressEntry.objects.create(activity=activity, month=m, achieved=D(v))


@pytest.fixture
def world(db):
    """Subprograma 01 → proyectos 0101 (area SE) and 0102 (area DO); 02 empty; 03 with
    budget and no activity. January–March captured: SE approved, DO's March only sent.

    - 010101 (0101): 10 a month, achieved 8, 10, 6 → 24 of 30 = 80 %.
    - 010102 (0101): 5 a month, achieved 5, 5, 10 → 20 of 15 = 133.33 %, capped at 100;
      budget lines of its own: modificado 600 in January–June, devengado 600, 600, 300.
    - 010201 (0102): 2 a month, achieved 1, 1, 1 → 3 of 6 = 50 %.
    - 0101's own lines: modificado 1,000 every month; devengado 900, 1,000, 500.
    - 0102's own lines: modificado 2,000 in January–March; devengado 2,000, 1,500, 2,000;
      ejercido 2,000 and pagado 1,000 in January.
    - 03's own line: modificado 100 in January.
    """
    cog_load()
    institution = InstitutionFactory(code="PF", name="Instituto PF", short_name="PF")
    se = AreaFactory(institution=institution, code="SE")
    do = AreaFactory(institution=institution, code="DO")
    program = AnnualProgramFactory(institution=institution, year=2024)
    sub = ProgramNodeFactory(program=program, key="01", name="Subprograma uno", order=1)
    p1 = ProgramNodeFactory(program=program, parent=sub, key="0101", name="Uno", area=se, order=1)
    p2 = ProgramNodeFactory(program=program, parent=sub, key="0102", name="Dos", area=do, order=2)
    ProgramNodeFactory(program=program, key="02", name="Vacío", order=2)
    s3 = ProgramNodeFactory(program=program, key="03", name="Solo presupuesto", order=3)
    a = ActivityFactory(node=p1, key="010101", annual_target=D(120), months=[10] * 12)
    b = ActivityFactory(node=p1, key="010102", annual_target=D(60), months=[5] * 12)
    c = ActivityFactory(node=p2, key="010201", annual_target=D(24), months=[2] * 12)
    _entries(a, [8, 10, 6])
    _entries(b, [5, 5, 10])
    _entries(c, [1, 1, 1])
    for m in (1, 2, 3):
        PeriodReport.objects.create(program=program, area=se, month=m, state=APPROVED)
        PeriodReport.objects.create(
            program=program, area=do, month=m, state=APPROVED if m < 3 else SUBMITTED
        )
    for m in range(1, 13):
        devengado = {1: "900", 2: "1000", 3: "500"}.get(m, "0")
        _line(program, p1, m, aprobado="1000", modificado="1000", devengado=devengado)
    for m in range(1, 7):
        devengado = {1: "600", 2: "600", 3: "300"}.get(m, "0")
        _line(program, p1, m, activity=b, modificado="600", devengado=devengado)
    for m, dev in ((1, "2000"), (2, "1500"), (3, "2000")):
        extra = {"ejercido": "2000", "pagado": "1000"} if m == 1 else {}
        _line(program, p2, m, modificado="2000", comprometido="2000", devengado=dev, **extra)
    _line(program, s3, 1, modificado="100")
    return program


def test_by_hand(world):
    pf = physical_financial(program=world, month=3)
    rows = {(r.key, r.is_activity): r for r in pf.rows}
    # Tree order; 02 (nothing) left out; only 010102 has budget lines of its own.
    assert [(r.key, r.is_activity) for r in pf.rows] == [
        ("01", False), ("0101", False), ("010102", True), ("0102", False), ("03", False),
    ]  # fmt: skip

    p1 = rows["0101", False]
    # Physical: mean of 80 and 100 (133.33 capped) = 90.00; year shares 24/120 = 20.00 and
    # 20/60 = 33.33 → 26.665 → 26.67.
    assert (p1.physical_percent, p1.physical_year_share) == (D("90.00"), D("26.67"))
    assert p1.state is FigureState.OFFICIAL
    # Financial: its own 3,000 and 010102's 1,800 modificado to March = 4,800; devengado
    # 900 + 1,000 + 500 + 600 + 600 + 300 = 3,900 → 81.25 %; annual 12,000 + 3,600 =
    # 15,600 → 25.00 %. Gap 90.00 − 81.25 = 8.75 pp: verde.
    assert (p1.to_date.modificado, p1.to_date.devengado) == (D(4800), D(3900))
    assert (p1.financial_percent, p1.financial_year_share) == (D("81.25"), D("25.00"))
    assert (p1.gap, p1.gap_light) == (D("8.75"), Light.GREEN)

    b = rows["010102", True]
    # 100 (capped) against 1,500 ÷ 1,800 = 83.33 %: 16.67 pp, amarillo; 1,500 ÷ 3,600 =
    # 41.67 % of the year; 1,500 pesos ÷ 20 units = 75.00 pesos per unit.
    assert (b.physical_percent, b.financial_percent) == (D("100.00"), D("83.33"))
    assert (b.financial_year_share, b.gap, b.gap_light) == (D("41.67"), D("16.67"), Light.YELLOW)
    assert (b.achieved_to_date, b.cost_per_unit) == (D(20), D("75.00"))

    p2 = rows["0102", False]
    # 50.00 against 5,500 ÷ 6,000 = 91.666… → 91.67: −41.67 pp, rojo; DO's March only sent.
    assert (p2.physical_percent, p2.financial_percent) == (D("50.00"), D("91.67"))
    assert (p2.gap, p2.gap_light, p2.state) == (D("-41.67"), Light.RED, FigureState.PRELIMINARY)
    assert (p2.to_date.ejercido, p2.to_date.pagado, p2.to_date.comprometido) == (
        D(2000), D(1000), D(6000),
    )  # fmt: skip

    sub = rows["01", False]
    # (80 + 100 + 50) ÷ 3 = 76.666… → 76.67 against 9,400 ÷ 10,800 = 87.037… → 87.04:
    # −10.37 pp, amarillo; of the year 9,400 ÷ 21,600 = 43.518… → 43.52. Mixed states.
    assert (sub.physical_percent, sub.financial_percent) == (D("76.67"), D("87.04"))
    assert (sub.gap, sub.gap_light, sub.financial_year_share) == (
        D("-10.37"), Light.YELLOW, D("43.52"),
    )  # fmt: skip
    assert sub.state is FigureState.PRELIMINARY

    s3 = rows["03", False]
    # Budget without activities: 0 ÷ 100 = 0.00 %, no physical side: gris.
    assert (s3.physical_percent, s3.financial_percent, s3.gap_light) == (
        None, D("0.00"), Light.GREY,
    )  # fmt: skip

    total = pf.total
    # The program adds 03: 9,400 ÷ 10,900 = 86.238… → 86.24; 76.67 − 86.24 = −9.57: verde.
    assert (total.to_date.modificado, total.to_date.devengado) == (D(10900), D(9400))
    assert (total.physical_percent, total.financial_percent) == (D("76.67"), D("86.24"))
    assert (total.gap, total.gap_light) == (D("-9.57"), Light.GREEN)
    assert total.financial_year_share == D("43.32")  # 9,400 ÷ 21,700 = 43.317…
    assert pf.has_budget

    assert row_json(p2) == {
        "node": "0102", "name": "Dos", "level": "Proyecto", "physical_percent": 50,
        "financial_percent": 91.67, "financial_year_share": 91.67, "gap": -41.67,
        "gap_light": "rojo", "modificado": 6000, "devengado": 5500,
    }  # fmt: skip


def test_a_pending_month_has_no_cost_per_unit(world):
    # April: no area captured it; physical figures pending, so no cost per unit.
    pf = physical_financial(program=world, month=4)
    b = next(r for r in pf.rows if r.key == "010102")
    assert (b.achieved_to_date, b.cost_per_unit, b.physical_percent) == (None, None, None)
    assert b.state is FigureState.PENDING
    assert b.gap_light is Light.GREY
    assert b.financial_percent == D("62.50")  # 1,500 ÷ 2,400


def test_one_subtree(world):
    sub = world.nodes.get(key="01")
    pf = physical_financial(program=world, month=3, node=sub)
    assert [r.key for r in pf.rows] == ["01", "0101", "010102", "0102"]
    assert pf.total.key == "01" and pf.total.gap == D("-10.37")
    assert [r.key for r in pf.children(sub.pk)] == ["0101", "0102"]


def test_gap_bands_edges():
    assert gap_light(D("10.00")) is Light.GREEN
    assert gap_light(D("-10.01")) is Light.YELLOW
    assert gap_light(D("20.00")) is Light.YELLOW
    assert gap_light(D("-20.01")) is Light.RED
    assert gap_light(None) is Light.GREY


def test_constant_queries(world, django_assert_num_queries):
    # program_figures' eight reads and the budget lines: nine, whatever the size.
    with django_assert_num_queries(9):
        physical_financial(program=world, month=3)
    p3 = ProgramNodeFactory(program=world, parent=world.nodes.get(key="01"), key="0103")
    for n in range(5):
        act = ActivityFactory(node=p3, key=f"01030{n}", months=[1] * 12)
        _entries(act, [1, 1])
        _line(world, p3, 2, activity=act, modificado="10", devengado="5")
    with django_assert_num_queries(9):
        physical_financial(program=world, month=3)


amount = st.integers(min_value=0, max_value=10**7).map(lambda c: D(c) / 100)


def _sql_sums(program_id: int, node_ids: list[int], month: int) -> tuple[D, D, D]:
    """Modificado and devengado to ``month`` and annual modificado of the lines of
    ``node_ids``, in plain SQL (per node, then added)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT node_id, COALESCE(SUM(CASE WHEN month <= %s THEN modificado END), 0),"
            " COALESCE(SUM(CASE WHEN month <= %s THEN devengado END), 0),"
            " COALESCE(SUM(modificado), 0) FROM budget_budgetline"
            " WHERE program_id = %s GROUP BY node_id",
            [month, month, program_id],
        )
        rows = [r[1:] for r in cur.fetchall() if r[0] in node_ids]
    return tuple(  # type: ignore[return-value]
        sum((D(str(r[i])) for r in rows), D(0)).quantize(D("0.01")) for i in range(3)
    )


def _percent(part: D, whole: D) -> D | None:
    if whole <= 0:
        return None
    return (part / whole * 100).quantize(D("0.01"), rounding=ROUND_HALF_UP)


class TestProperty(TestCase):
    @settings(max_examples=20, deadline=None)
    @given(
        st.lists(
            st.tuples(st.sampled_from(["0101", "0102"]), st.integers(1, 12), amount, amount),
            min_size=0,
            max_size=20,
            unique_by=lambda t: (t[0], t[1]),
        ),
        st.lists(st.integers(0, 20), min_size=12, max_size=12),
        st.integers(1, 12),
    )
    def test_every_node_against_sql(self, lines, achieved, month):
        """Every node's money equals SQL over its subtree; the gap is physical − financial
        and its light follows the bands; the program total equals SQL over every line."""
        cog_load()
        institution = InstitutionFactory()
        area = AreaFactory(institution=institution)
        program = AnnualProgramFactory(institution=institution)
        sub = ProgramNodeFactory(program=program, key="01", area=area)
        nodes = {
            k: ProgramNodeFactory(program=program, parent=sub, key=k) for k in ("0101", "0102")
        }
        activity = ActivityFactory(node=nodes["0101"], months=[10] * 12)
        _entries(activity, achieved[:month])
        for m in range(1, month + 1):
            PeriodReport.objects.create(program=program, area=area, month=m, state=APPROVED)
        for key, m, modified, accrued in lines:
            _line(program, nodes[key], m, modificado=modified, devengado=accrued)
        pf = physical_financial(program=program, month=month)
        subtree = {"01": [sub.pk, *(n.pk for n in nodes.values())]}
        subtree |= {k: [n.pk] for k, n in nodes.items()}
        for row in pf.rows:
            modified, accrued, annual = _sql_sums(program.pk, subtree[row.key], month)
            assert (row.to_date.modificado, row.to_date.devengado) == (modified, accrued)
            assert row.financial_percent == _percent(accrued, modified)
            assert row.financial_year_share == _percent(accrued, annual)
            if row.physical_percent is None or row.financial_percent is None:
                assert row.gap_light is Light.GREY
            else:
                gap = row.physical_percent - row.financial_percent
                assert row.gap == gap
                size = abs(gap)
                light = Light.GREEN if size <= 10 else Light.YELLOW if size <= 20 else Light.RED
                assert row.gap_light is light
        done = sum(achieved[:month])
        expected_physical = min(_percent(D(done), D(10 * month)), D(100))
        assert pf.total.physical_percent == expected_physical
        total = _sql_sums(program.pk, subtree["01"], month)
        assert (pf.total.to_date.modificado, pf.total.to_date.devengado) == total[:2]

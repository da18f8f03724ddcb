"""The bench's hand-written SQL (``bench/dashboard_sql.py``) returns the dashboard's figures.

The bench judges the dashboard by its ratio to that SQL, so the two must return the same
numbers; this compares them on every month of the demo (IEEM 2024: 318 activities, 13
areas, captures approved, sent, returned and in draft). The SQL is written from
docs/figures.md without calling ``rumbo.monitoring.figures``: two independent readings of
the same tables. On PostgreSQL every figure must match to the last digit; on SQLite the SQL
computes percentages in floating point, so a percentage may differ by one cent.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from bench.dashboard_sql import dashboard_figures, dashboard_sql
from rumbo.monitoring.dashboard import program_dashboard
from rumbo.programs.models import AnnualProgram

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def demo_program(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("rumbo_demo", stdout=io.StringIO())
        yield AnnualProgram.objects.get(institution__code="IEEM", year=2024)
        transaction.set_rollback(True)


def _close(a: Any, b: Any, path: str) -> None:
    """Equal; on SQLite a Decimal may be one cent off (floating point inside SQL)."""
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{path}[{i}]")
        return
    if connection.vendor == "sqlite" and isinstance(a, Decimal) and isinstance(b, Decimal):
        assert abs(a - b) <= CENT, (path, a, b)
        return
    assert a == b, (path, a, b)


@pytest.mark.parametrize("month", range(1, 13))
def test_sql_returns_the_dashboards_figures(demo_program, month):
    expected = dashboard_figures(program_dashboard(program=demo_program, month=month))
    got = dashboard_sql(demo_program.pk, month)
    assert got.keys() == expected.keys()
    for part in ("months", "areas", "subprograms"):
        assert got[part].keys() == expected[part].keys(), part
        for key, value in expected[part].items():
            _close(got[part][key], value, f"{part}[{key}]")
    _close(got["summary"], expected["summary"], "summary")


def test_the_demo_exercises_every_branch(demo_program):
    """The comparison above is not vacuous: at October the demo has graded, pending,
    preliminary and official figures, late or returned captures, and a projection."""
    got = dashboard_sql(demo_program.pk, 10)
    lights, states, _, average = got["summary"]
    assert lights[0] and lights[1] and lights[2] and average is not None
    assert states[0] and states[1]
    assert any(area[7] or area[8] for area in got["areas"].values())
    assert got["months"][12][4] is not None
    assert len(got["subprograms"]) > 1

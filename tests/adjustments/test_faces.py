"""Every face that shows targets compares with the targets in force and shows the
original beside the adjusted one; each names the version it used. Expected values are
summed here from the rows the tables held before and after the adjustment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from rumbo.adjustments.services import Proposal, adjustment_approve, adjustment_request
from rumbo.audit.services import Actor
from rumbo.programs.lifecycle import program_approve
from rumbo.reports.monthly import monthly_report, monthly_report_json

pytestmark = pytest.mark.django_db
MONTH = 6


def to_date(activity_id: int, month: int) -> Decimal | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT SUM(quantity), COUNT(*) FROM programs_monthlytarget "
            "WHERE activity_id = %s AND month <= %s",
            [activity_id, month],
        )
        total, count = cursor.fetchone()
    return None if not count else Decimal(str(total)).quantize(Decimal("0.0001"))


@pytest.fixture
def adjusted(demo):
    planeacion = Actor.for_user(demo.users["planeacion"])
    program_approve(
        actor=planeacion,
        program=demo.program,
        agreement="IEEM/CG/01/2024",
        approved_on=date(2024, 1, 9),
    )
    activity = demo.activity_full
    original = {"annual": activity.annual_target, "to_date": to_date(activity.pk, MONTH)}
    months = [None] * 12
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT month, quantity FROM programs_monthlytarget WHERE activity_id = %s",
            [activity.pk],
        )
        for month, quantity in cursor.fetchall():
            months[month - 1] = Decimal(str(quantity))
    months[4] = (months[4] or Decimal(0)) + 40  # May: +40
    request = adjustment_request(
        actor=Actor.for_user(demo.users["enlace_se"]),
        program=demo.program,
        proposal=Proposal(
            kind="meta_anual",
            activity=activity,
            annual_target=original["annual"] + 40,
            monthly_targets=months,
        ),
        justification="Cuarenta informes más en mayo.",
    )
    adjustment_approve(actor=planeacion, adjustment=request)
    return demo, original


def test_the_monthly_report_shows_original_and_adjusted_and_names_the_version(adjusted):
    demo, original = adjusted
    activity = demo.activity_full
    report = monthly_report(institution="IEEM", year=2024, month=MONTH)
    line = next(a for a in report.activities if a.key == activity.key)
    assert line.annual_target == original["annual"] + 40
    assert line.original_annual_target == original["annual"]
    assert line.programmed_cumulative == to_date(activity.pk, MONTH)
    assert line.programmed_cumulative == original["to_date"] + 40
    assert line.original_programmed_cumulative == original["to_date"]
    untouched = next(a for a in report.activities if a.key == demo.activity_fraction.key)
    assert (untouched.original_annual_target, untouched.original_programmed_cumulative) == (
        None,
        None,
    )
    assert "versión 2" in report.header.version
    assert "IEEM/CG/01/2024" in report.header.version
    data = monthly_report_json(report)
    assert data["version"] == 2
    row = next(a for a in data["activities"] if a["key"] == activity.key)
    assert row["original_annual_target"] == int(original["annual"])
    assert Decimal(str(row["original_programmed_to_date"])) == original["to_date"]


def test_before_approval_no_original_is_shown(demo):
    report = monthly_report(institution="IEEM", year=2024, month=MONTH)
    assert not report.has_adjusted
    assert "aún sin versión aprobada" in report.header.version


def test_the_monthly_xlsx_says_the_version_and_has_the_original_columns(adjusted):
    import io

    from openpyxl import load_workbook

    from rumbo.reports.render.xlsx import monthly_xlsx

    demo, original = adjusted
    report = monthly_report(institution="IEEM", year=2024, month=MONTH)
    ws = load_workbook(io.BytesIO(monthly_xlsx(report)))["Avance"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert any(r[0] and "versión 2" in str(r[0]) for r in rows[:8])
    header = next(r for r in rows if r[0] == "Clave")
    annual = header.index("Meta anual original (versión 1)")
    to_date_col = next(
        i for i, h in enumerate(header) if h and str(h).startswith("Programado acumulado original")
    )
    row = next(r for r in rows if r[0] == demo.activity_full.key)
    assert Decimal(str(row[annual])) == original["annual"]
    assert Decimal(str(row[to_date_col])) == original["to_date"]

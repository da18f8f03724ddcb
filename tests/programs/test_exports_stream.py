"""The program exports built from plain rows: every figure checked against the database
read row by row in plain SQL, the XLSX layout read back, the query count pinned."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from bench.synthetic import synthetic_program
from rumbo.institutions.models import Institution
from rumbo.programs.exports import (
    PROGRAM_COLUMNS,
    build_program_export,
    program_to_csv,
    program_to_dict,
)
from rumbo.programs.models import Activity, AnnualProgram, Beneficiary, MonthlyTarget
from rumbo.programs.selectors import program_get
from rumbo.programs.versions import version_freeze

pytestmark = pytest.mark.django_db


def _number(raw: object) -> int | float | None:
    """A stored quantity as the JSON number it must be (12, not 12.0; 0.25)."""
    if raw is None:
        return None
    value = Decimal(str(raw))
    return int(value) if value == value.to_integral_value() else float(value)


def _sql(query: str, params: list[object]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _expected(program: AnnualProgram, changed: dict[str, tuple]) -> list[dict]:
    """The subprograms as plain SQL reads them, node by node, activity by activity.
    ``changed``: key → (original annual, original months) of the activities whose targets
    moved after the baseline; every other activity's original equals its current."""
    subprograms = []
    roots = _sql(
        "SELECT n.id, n.key, n.name, n.objective, a.code, a.name FROM programs_programnode n"
        " LEFT JOIN institutions_area a ON a.id = n.area_id"
        ' WHERE n.program_id = %s AND n.parent_id IS NULL ORDER BY n."order", n.key',
        [program.pk],
    )
    for root_id, key, name, objective, area_code, area_name in roots:
        projects = []
        children = _sql(
            "SELECT id, key, name FROM programs_programnode WHERE parent_id = %s"
            ' ORDER BY "order", key',
            [root_id],
        )
        for node_id, node_key, node_name in children:
            activities = []
            for pk, akey, description, unit, annual in _sql(
                "SELECT a.id, a.key, a.description, u.name, a.annual_target"
                " FROM programs_activity a LEFT JOIN programs_unitofmeasure u ON u.id = a.unit_id"
                ' WHERE a.node_id = %s ORDER BY a."order", a.key',
                [node_id],
            ):
                months: list = [None] * 12
                for month, quantity in _sql(
                    "SELECT month, quantity FROM programs_monthlytarget WHERE activity_id = %s",
                    [pk],
                ):
                    months[month - 1] = _number(quantity)
                lines = [
                    code
                    for (code,) in _sql(
                        "SELECT l.code FROM programs_activity_lines_of_action x JOIN"
                        " strategy_lineofaction l ON l.id = x.lineofaction_id"
                        " WHERE x.activity_id = %s ORDER BY l.code",
                        [pk],
                    )
                ]
                beneficiaries = [
                    {"description": d, "quantity": q}
                    for d, q in _sql(
                        "SELECT description, quantity FROM programs_beneficiary"
                        ' WHERE activity_id = %s ORDER BY "order"',
                        [pk],
                    )
                ]
                original = changed.get(akey, (_number(annual), months))
                activities.append(
                    {
                        "key": akey,
                        "description": description,
                        "unit": unit,
                        "annual_target": _number(annual),
                        "monthly_targets": months,
                        "beneficiaries": beneficiaries,
                        "lines_of_action": lines,
                        "original_annual_target": original[0],
                        "original_monthly_targets": original[1],
                    }
                )
            projects.append({"key": node_key, "name": node_name, "activities": activities})
        area = {"code": area_code, "name": area_name} if area_code is not None else None
        subprograms.append(
            {"key": key, "name": name, "area": area, "objective": objective, "projects": projects}
        )
    return subprograms


@pytest.fixture
def synthetic(demo):
    """40 activities (13 subprograms × 6 projects: some projects empty), beneficiaries on
    every third, approved (version 1), then two activities re-targeted."""
    institution = Institution.objects.create(code="SINT", name="Institución sintética")
    built = synthetic_program(institution=institution, activities=40)
    activities = list(Activity.objects.filter(program=built.program).order_by("pk"))
    Beneficiary.objects.bulk_create(
        Beneficiary(activity=a, description=f"Tipo {j} de {a.key}", quantity=q, order=j)
        for i, a in enumerate(activities)
        if i % 3 == 0
        for j, q in enumerate(["S/C", "1,200"][: 1 + i % 2])
    )
    version_freeze(program=built.program, user=None, reason="Aprobación", at=timezone.now())
    changed = {}
    for a in activities[::20]:
        months = [_number(q) for q in MonthlyTarget.objects.filter(activity=a).order_by("month")
                  .values_list("quantity", flat=True)]  # fmt: skip
        changed[a.key] = (_number(a.annual_target), months)
        Activity.objects.filter(pk=a.pk).update(annual_target=Decimal("99.5"))
        MonthlyTarget.objects.filter(activity=a, month=12).update(quantity=Decimal("7.25"))
    return built.program, changed


def test_program_json_is_the_database_read_row_by_row(synthetic) -> None:
    program, changed = synthetic
    data = program_to_dict(program_get(institution=program.institution, year=2024))
    assert data["institution"] == "SINT" and data["year"] == 2024
    assert data["version"] == 1
    assert data["subprograms"] == _expected(program, changed)
    activities = [a for s in data["subprograms"] for p in s["projects"] for a in p["activities"]]
    assert len(activities) == 40
    moved = [a for a in activities if a["key"] in changed]
    assert [a["annual_target"] for a in moved] == [99.5, 99.5]
    assert all(a["monthly_targets"][11] == 7.25 for a in moved)
    # 40 activities over 78 projects, by index: activity 5 has no annual target (i % 97 == 5)
    assert [a["annual_target"] for a in activities].count(None) == 1


def test_program_csv_and_xlsx_hold_the_json_figures(synthetic) -> None:
    program, changed = synthetic
    subprograms = _expected(program, changed)
    expected_rows = [
        [s["key"], p["key"], a["key"], a["annual_target"], *a["monthly_targets"]]
        for s in subprograms
        for p in s["projects"]
        for a in p["activities"]
    ]
    rows = list(csv.reader(io.StringIO(program_to_csv(program))))
    assert rows[0] == PROGRAM_COLUMNS
    as_text = [["" if v is None else str(v) for v in row] for row in expected_rows]
    assert [[r[0], r[4], r[6], *r[9:22]] for r in rows[1:]] == as_text
    content = build_program_export(institution="SINT", year=2024, fmt="xlsx").content
    ws = load_workbook(io.BytesIO(content))["Programa"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert [[v[0], v[4], v[6], *v[9:22]] for v in values] == expected_rows


def test_program_xlsx_layout_and_named_styles(synthetic) -> None:
    program, _ = synthetic
    Activity.objects.filter(program=program, key="0101001").update(
        description='=HYPERLINK("http://ejemplo.invalid")'
    )
    content = build_program_export(institution="SINT", year=2024, fmt="xlsx").content
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["Programa", "Información"]
    names = [str(s) for s in wb.named_styles]
    assert names.count("Rumbo · encabezado") == 1 and names.count("Rumbo · cantidad") == 1
    ws = wb["Programa"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:Y41"  # 25 columns, header + 40 activities
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert (widths["A"], widths["B"], widths["H"], widths["W"], widths["Y"]) == (12, 40, 60, 40, 16)
    header = ws["A1"]
    assert header.value == "Clave subprograma"
    assert header.font.b and header.font.color.rgb == "00FFFFFF"
    assert header.fill.fgColor.rgb == "001F4E5A" and header.alignment.wrap_text
    assert header.style == "Rumbo · encabezado"
    # Activity 7 (i % 31 == 7; project 0202) has no May: its empty cell keeps the format.
    row = next(r for r in ws.iter_rows(min_row=2) if r[6].value == "0202001")
    assert row[14].value is None and row[14].number_format == "#,##0.####"
    assert all(c.number_format == "#,##0.####" and c.style == "Rumbo · cantidad" for c in row[9:22])
    assert row[7].number_format == "General"
    formula = next(r for r in ws.iter_rows(min_row=2) if r[6].value == "0101001")[7]
    assert formula.value == '=HYPERLINK("http://ejemplo.invalid")' and formula.data_type == "s"
    info = wb["Información"]
    assert [c.value for c in info["A"]] == [
        "Institución",
        "Ejercicio",
        "Programa",
        "Niveles",
        "Nota",
    ]
    assert info["B2"].value == 2024


def test_program_export_queries_do_not_grow(synthetic, django_assert_num_queries) -> None:
    program, _ = synthetic
    # nodes, activities, months, beneficiaries, lines of action, baseline, institution
    found = program_get(institution=program.institution, year=2024)
    with django_assert_num_queries(7):
        program_to_dict(found)
    other = Institution.objects.create(code="SINTB", name="Otra sintética")
    synthetic_program(institution=other, activities=200)
    found = program_get(institution=other, year=2024)
    with django_assert_num_queries(7):
        data = program_to_dict(found)
    assert sum(len(p["activities"]) for s in data["subprograms"] for p in s["projects"]) == 200


def test_program_json_export_is_the_dict(synthetic) -> None:
    program, changed = synthetic
    content = build_program_export(institution="SINT", year=2024, fmt="json").content
    assert json.loads(content)["subprograms"] == _expected(program, changed)

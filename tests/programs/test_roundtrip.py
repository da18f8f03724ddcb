"""The Excel round trip on the real IEEM program: template → edits → ChangeSet → apply."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from rumbo.audit.models import AuditEvent
from rumbo.audit.selectors import object_history
from rumbo.audit.services import Actor
from rumbo.imports.paa import import_paa
from rumbo.institutions.models import Institution
from rumbo.programs.models import Activity, AnnualProgram, UnitOfMeasure
from rumbo.programs.roundtrip.apply import program_apply_upload
from rumbo.programs.roundtrip.diff import ChangeSet, changeset_build
from rumbo.programs.roundtrip.read import UploadInvalid, workbook_read
from rumbo.programs.roundtrip.template import program_template_build
from rumbo.programs.services import activity_months, activity_snapshot
from tests.factories import LineOfActionFactory, StrategicPlanFactory

HEADERS = [
    "Clave Subprograma",
    "Clave Proyecto",
    "Clave actividad",
    "Descripción",
    "Área (siglas)",
    "Unidad de medida",
    "Cantidad anual",
    *["Ene", "Feb", "Mar", "Abr", "May", "Jun", "Jul", "Ago", "Sep", "Oct", "Nov", "Dic"],
    "Líneas de acción",
    "Nombre (Subprograma)",
    "Nombre (Proyecto)",
]
COL = {h: i + 1 for i, h in enumerate(HEADERS)}
# program_tree (5 with prefetches) + units + areas + plan in force + its lines of action.
DIFF_QUERIES = 9
TEMPLATE_QUERIES = 10  # the same plus the program's institution (file title)


@pytest.fixture
def program(paa_file: Path) -> AnnualProgram:
    import_paa(paa_file, institution_code="IEEM", actor=Actor.cli())
    ieem = Institution.objects.get(code="IEEM")
    plan = StrategicPlanFactory(institution=ieem, start_year=2023, end_year=2026)
    LineOfActionFactory(plan=plan, code="1.1")
    LineOfActionFactory(plan=plan, code="1.2")
    return AnnualProgram.objects.get(institution=ieem, year=2024)


def download(program: AnnualProgram) -> Workbook:
    return load_workbook(io.BytesIO(program_template_build(program)))


def to_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(wb: Workbook, program: AnnualProgram) -> ChangeSet:
    read = workbook_read(to_bytes(wb), program=program)
    return changeset_build(program=program, rows=read.rows, errors=read.errors)


def row_of(ws: Worksheet, key: str) -> int:
    for (cell,) in ws.iter_rows(min_col=COL["Clave actividad"], max_col=COL["Clave actividad"]):
        if cell.value == key:
            return cell.row
    raise AssertionError(f"{key} is not in the sheet")


def set_cell(ws: Worksheet, key: str, header: str, value: object) -> None:
    ws.cell(row=row_of(ws, key), column=COL[header], value=value)


def snapshot(program: AnnualProgram) -> dict[str, dict]:
    activities = (
        Activity.objects.filter(program=program)
        .select_related("node", "area", "unit")
        .prefetch_related("monthly_targets", "lines_of_action")
    )
    return {a.key: activity_snapshot(a, activity_months(a)) for a in activities}


@pytest.mark.django_db
def test_the_template_has_spanish_headers_a_frozen_header_and_validations(
    program: AnnualProgram,
) -> None:
    wb = download(program)
    assert wb.sheetnames == ["Actividades", "Catálogos", "Instrucciones"]
    ws = wb["Actividades"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.freeze_panes == "D2"  # header row and the keys stay in view
    assert ws.auto_filter.ref.startswith("A1:")
    assert ws.max_row >= 1 + 318
    keys = [ws.cell(row=r, column=COL["Clave actividad"]).value for r in range(2, 320)]
    assert len(keys) == len(set(keys)) == 318 and keys[0] == "010101"

    r = row_of(ws, "010101")
    assert ws.cell(row=r, column=COL["Clave Subprograma"]).value == "01"
    assert ws.cell(row=r, column=COL["Clave Proyecto"]).value == "0101"
    assert ws.cell(row=r, column=COL["Unidad de medida"]).value == "Solicitud"
    assert ws.cell(row=r, column=COL["Cantidad anual"]).value == 4060
    assert ws.cell(row=r, column=COL["Mar"]).value == 580
    assert ws.cell(row=r, column=COL["Clave actividad"]).number_format == "@"
    # Unknown is blank, never 0: the activity without an annual target, and missing months.
    r = row_of(ws, "090501")
    assert ws.cell(row=r, column=COL["Cantidad anual"]).value is None
    assert all(ws.cell(row=r, column=COL[m]).value is None for m in HEADERS[7:19])

    validations = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    unit = validations["F2"]
    assert unit.type == "list" and unit.formula1.startswith("'Catálogos'!$A$2")
    area = validations["E2"]
    assert area.type == "list" and area.formula1.startswith("'Catálogos'!$C$2")
    quantities = validations["G2"]
    assert (quantities.type, quantities.operator, quantities.formula1) == (
        "decimal",
        "greaterThanOrEqual",
        "0",
    )
    assert str(quantities.sqref).startswith("G2:S")  # Cantidad anual … Dic
    assert "mayor o igual que cero" in quantities.error and quantities.showErrorMessage

    catalogues = wb["Catálogos"]
    units = {c.value for (c,) in catalogues.iter_rows(min_row=2, max_col=1) if c.value}
    assert units == set(UnitOfMeasure.objects.values_list("name", flat=True))
    lines = [c.value for (c,) in catalogues.iter_rows(min_row=2, min_col=6, max_col=6) if c.value]
    assert lines == ["1.1", "1.2"]
    assert "Un mes vacío significa «sin dato»" in "\n".join(
        str(c.value) for (c,) in wb["Instrucciones"].iter_rows(max_col=1)
    )


@pytest.mark.django_db
def test_an_unchanged_template_yields_no_changes(program: AnnualProgram) -> None:
    changeset = upload(download(program), program)
    assert changeset.errors == []
    assert changeset.is_empty
    assert changeset.unchanged == 318


@pytest.mark.django_db
def test_an_edited_template_yields_exactly_the_edits_and_applies_them(
    program: AnnualProgram,
) -> None:
    current_unit = Activity.objects.select_related("unit").get(key="010102").unit
    other_unit = UnitOfMeasure.objects.exclude(pk=current_unit.pk).order_by("name").first()
    assert current_unit is not None and other_unit is not None
    wb = download(program)
    ws = wb["Actividades"]
    set_cell(ws, "010101", "Mar", 600)  # a month
    set_cell(ws, "010101", "Cantidad anual", " 4,080 ")  # es-MX text with spaces
    set_cell(ws, "010102", "Descripción", "Atención de solicitudes, revisada")
    set_cell(ws, "010102", "Unidad de medida", other_unit.name.upper())  # case-insensitive
    set_cell(ws, "090501", "Cantidad anual", 2)  # the one without an annual target
    set_cell(ws, "090501", "Líneas de acción", "1.2, 1.1")
    deleted = Activity.objects.get(key="130211")
    ws.delete_rows(row_of(ws, "130211"))
    ws.append(
        ["01", "0101", "010199", "Informe de la carga por Excel", "", "Solicitud", 1]
        + [None] * 11
        + [1]
    )
    before = snapshot(program)

    changeset = upload(wb, program)
    assert changeset.errors == []
    changed = {e.key: {f.field: (f.before, f.after) for f in e.fields} for e in changeset.changed}
    assert changed == {
        "010101": {"annual_target": ("4,060", "4,080"), "months.3": ("580", "600")},
        "010102": {
            "description": (before["010102"]["description"], "Atención de solicitudes, revisada"),
            "unit": (current_unit.name, other_unit.name),
        },
        "090501": {"annual_target": ("", "2"), "lines_of_action": ("", "1.1, 1.2")},
    }
    assert changeset.calendar_changes == 1
    assert [(a.key, a.node.key) for a in changeset.added] == [("010199", "0101")]
    assert [r.key for r in changeset.removed] == ["130211"]
    assert changeset.unchanged == 318 - 4

    events_before = AuditEvent.objects.count()
    result = program_apply_upload(
        actor=Actor.cli(), program=program, changeset=changeset, source_name="editado.xlsx"
    )
    assert (result.added, result.changed, result.removed) == (1, 3, 1)

    after = snapshot(program)
    assert set(after) == (set(before) - {"130211"}) | {"010199"}
    assert after["010101"]["annual_target"] == 4080
    assert after["010101"]["monthly_targets"][2] == 600
    assert after["010102"]["unit"] == other_unit.name
    assert after["090501"]["lines_of_action"] == ["1.1", "1.2"]
    assert after["010199"]["monthly_targets"] == [None] * 11 + [1]
    untouched = set(before) - {"010101", "010102", "090501", "130211"}
    assert {k: after[k] for k in untouched} == {k: before[k] for k in untouched}
    assert Activity.objects.get(key="010101").monthly_targets.get(month=3).quantity == Decimal(600)

    assert AuditEvent.objects.count() == events_before + 5
    reason = "Carga de Excel: editado.xlsx"
    history = object_history(Activity.objects.get(key="010101"))
    latest = history.first()
    assert latest is not None
    assert (latest.action, latest.reason) == ("activity.update", reason)
    assert latest.before == {
        "annual_target": 4060,
        "monthly_targets": before["010101"]["monthly_targets"],
    }
    assert latest.after["annual_target"] == 4080 and latest.after["monthly_targets"][2] == 600
    latest = object_history(Activity.objects.get(key="010102")).first()
    assert latest is not None and set(latest.after) == {"description", "unit"}
    latest = object_history(deleted).first()
    assert latest is not None and (latest.action, latest.reason) == ("activity.delete", reason)
    latest = object_history(Activity.objects.get(key="010199")).first()
    assert latest is not None and (latest.action, latest.reason) == ("activity.create", reason)

    # The program now matches the file: uploading it again changes nothing.
    assert upload(wb, program).is_empty


@pytest.mark.django_db
def test_row_errors_are_all_listed_and_nothing_is_applied(program: AnnualProgram) -> None:
    wb = download(program)
    ws = wb["Actividades"]
    k1, k2, k3, k4 = (ws.cell(row=r, column=COL["Clave actividad"]).value for r in range(2, 6))
    r1, r2, r3, r4 = (row_of(ws, k) for k in (k1, k2, k3, k4))
    set_cell(ws, k1, "Feb", "doce")
    set_cell(ws, k1, "Abr", -1)
    set_cell(ws, k2, "Unidad de medida", "Kilómetro")
    set_cell(ws, k3, "Área (siglas)", "XYZ")
    set_cell(ws, k3, "Líneas de acción", "1.1, 9.9")
    set_cell(ws, k3, "Cantidad anual", 1.23456)
    ws.cell(row=r4, column=COL["Clave actividad"], value=k2)
    ws.append(["01", "0199", "019901", "Actividad de un proyecto que no existe"])
    unknown_node = ws.max_row
    ws.append(["01", "0101", "010198", ""])
    ws.append(["01", "0101", 10197, "Clave escrita como número"])
    ws.append(["", "", "", "   "])  # blank rows are skipped
    before = snapshot(program)
    events = AuditEvent.objects.count()

    changeset = upload(wb, program)
    errors = [(e.sheet, e.row, e.column) for e in changeset.errors]
    assert errors == [
        ("Actividades", r1, "Feb"),
        ("Actividades", r1, "Abr"),
        ("Actividades", r2, "Unidad de medida"),
        ("Actividades", r3, "Área (siglas)"),
        ("Actividades", r3, "Cantidad anual"),
        ("Actividades", r3, "Líneas de acción"),
        ("Actividades", r4, "Clave actividad"),
        ("Actividades", unknown_node, "Clave Proyecto"),
        ("Actividades", unknown_node + 1, "Descripción"),
        ("Actividades", unknown_node + 2, "Clave actividad"),
    ]
    messages = {(e.row, e.column): (e.value, e.expected) for e in changeset.errors}
    assert messages[(r1, "Feb")] == ("doce", "«doce» no es una cantidad (ejemplo: 1,234.5).")
    assert messages[(r1, "Abr")][1] == "La cantidad no puede ser negativa."
    assert messages[(r3, "Cantidad anual")][1] == "Se admiten hasta 4 decimales."
    assert messages[(r3, "Líneas de acción")][0] == "9.9"
    assert messages[(r4, "Clave actividad")][1] == f"Una clave única: ya aparece en la fila {r2}."
    assert messages[(unknown_node, "Clave Proyecto")] == (
        "0199",
        "El proyecto 0199 no existe; créalo en la página del programa.",
    )

    with pytest.raises(ValidationError):
        program_apply_upload(
            actor=Actor.cli(), program=program, changeset=changeset, source_name="malo.xlsx"
        )
    assert snapshot(program) == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_files_that_are_not_the_template_are_refused(program: AnnualProgram) -> None:
    with pytest.raises(UploadInvalid, match=r"no es un libro de Excel \.xlsx válido"):
        workbook_read(b"Clave,Descripcion\n010101,Hola\n", program=program)
    other = Workbook()
    other.active.title = "Hoja1"  # type: ignore[union-attr]  # a new workbook has a sheet
    with pytest.raises(UploadInvalid, match="no tiene la hoja «Actividades»"):
        workbook_read(to_bytes(other), program=program)
    wb = download(program)
    wb["Actividades"].delete_cols(COL["Dic"])
    with pytest.raises(UploadInvalid, match="le faltan las columnas: «Dic»"):
        workbook_read(to_bytes(wb), program=program)


@pytest.mark.django_db
def test_headers_may_move_and_instructions_rows_may_come_first(program: AnnualProgram) -> None:
    wb = download(program)
    ws = wb["Actividades"]
    ws.insert_rows(1, amount=2)
    ws["A1"] = "Programa Anual 2024 — versión de trabajo"
    ws.move_range(f"D3:D{ws.max_row}", cols=30)  # «Descripción» to the far right
    changeset = upload(wb, program)
    assert changeset.errors == [] and changeset.is_empty


@pytest.mark.django_db
def test_the_diff_and_the_template_take_constant_queries(
    program: AnnualProgram, django_assert_num_queries
) -> None:
    data = program_template_build(program)
    read = workbook_read(data, program=program)
    with django_assert_num_queries(DIFF_QUERIES):
        changeset_build(program=program, rows=read.rows, errors=read.errors)
    program = AnnualProgram.objects.get(pk=program.pk)
    with django_assert_num_queries(TEMPLATE_QUERIES):
        program_template_build(program)


@pytest.mark.django_db
def test_the_small_demo_program_takes_the_same_queries(demo, django_assert_num_queries) -> None:
    program = AnnualProgram.objects.get(pk=demo.program.pk)
    data = program_template_build(program)
    read = workbook_read(data, program=program)
    assert len(read.rows) == 5
    with django_assert_num_queries(DIFF_QUERIES):
        changeset = changeset_build(program=program, rows=read.rows, errors=read.errors)
    assert changeset.is_empty and changeset.unchanged == 5
    program = AnnualProgram.objects.get(pk=program.pk)
    with django_assert_num_queries(TEMPLATE_QUERIES):
        program_template_build(program)


@pytest.mark.django_db
def test_text_that_looks_like_a_formula_stays_text(demo) -> None:
    text = '=HYPERLINK("http://ejemplo.invalid","clic")'
    Activity.objects.filter(pk=demo.activity_full.pk).update(description=text)
    program = AnnualProgram.objects.get(pk=demo.program.pk)
    wb = download(program)
    cell = wb["Actividades"].cell(row=2, column=COL["Descripción"])
    assert (cell.value, cell.data_type) == (text, "s")
    assert upload(wb, program).is_empty


@pytest.mark.django_db
def test_an_approved_program_refuses_target_changes_from_excel(program: AnnualProgram) -> None:
    """The third tampering case: the Excel round trip cannot rewrite approved targets;
    each such cell is a row error naming the way, and nothing is applied."""
    from datetime import date

    from rumbo.programs.lifecycle import program_approve

    program_approve(
        actor=Actor.cli(),
        program=program,
        agreement="IEEM/CG/01/2024",
        approved_on=date(2024, 1, 9),
    )
    program.refresh_from_db()
    before = snapshot(program)
    wb = download(program)
    ws = wb.worksheets[0]
    set_cell(ws, "010101", "Feb", 0)
    set_cell(ws, "010101", "Cantidad anual", 9)
    changeset = upload(wb, program)
    frozen = [e for e in changeset.errors if "solicitud de adecuación" in e.expected]
    assert {(e.row, e.column) for e in frozen} == {
        (row_of(ws, "010101"), "febrero"),
        (row_of(ws, "010101"), "Cantidad anual"),
    }
    with pytest.raises(ValidationError):
        program_apply_upload(
            actor=Actor.cli(), program=program, changeset=changeset, source_name="x.xlsx"
        )
    assert snapshot(program) == before

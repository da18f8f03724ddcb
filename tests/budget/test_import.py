"""The budget import: every bad row refused with its row and column and nothing written;
a re-import changes nothing; amounts, keys and the file's replacement rule by hand."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.budget.importer import BudgetFileError, import_budget, parse_amount
from rumbo.budget.models import BudgetLine, FundingSource, SpecificItem
from rumbo.imports.models import ImportRun, QualityFinding

from .conftest import write_csv

ACTOR = Actor.cli()


def _import(path, **kwargs):
    return import_budget(path, institution_code="PRB", year=2024, actor=ACTOR, **kwargs)


def _amounts(line: BudgetLine) -> dict[str, Decimal]:
    return {
        m: getattr(line, m)
        for m in ("aprobado", "modificado", "comprometido", "devengado", "ejercido", "pagado")
    }


def test_each_bad_row_is_refused_with_its_row_and_column_and_nothing_is_written(world, tmp_path):
    path = write_csv(
        tmp_path,
        "malo.csv",
        [
            '0101,21101,11,1,aprobado,"1,000.00"',  # row 2: good
            "0101,2110,11,1,modificado,5",  # row 3: partida of 4 digits
            "0101,21101,99,1,comprometido,5",  # row 4: unknown fuente
            "0101,21101,11,13,devengado,5",  # row 5: month 13
            "0101,21101,11,2,gastado,5",  # row 6: no such momento
            '0101,21101,11,3,aprobado,"1.234,56"',  # row 7: decimal comma
            "0101,21101,11,4,aprobado,-5",  # row 8: negative
            "0101,21101,11,5,aprobado,1.234",  # row 9: three decimals / thousands point
            ",21101,11,6,aprobado,5",  # row 10: empty key
            "0101,10001,11,7,aprobado,5",  # row 11: genérica 100 is not CONAC's
            '0101,21101,11,1,aprobado,"2,000.00"',  # row 12: repeats row 2
            "0101,21101,11,8,aprobado,doce",  # row 13: not a number
            "0101,21101,11,9,aprobado,1.555",  # row 14: three decimals
        ],
    )
    events = AuditEvent.objects.count()
    with pytest.raises(BudgetFileError) as caught:
        _import(path)
    found = [(e.row, e.column) for e in caught.value.errors]
    assert found == [
        (3, "Partida"),
        (4, "Fuente"),
        (5, "Mes"),
        (6, "Momento"),
        (7, "Importe"),
        (8, "Importe"),
        (9, "Importe"),
        (10, "Clave programática"),
        (11, "Partida"),
        (12, "Momento"),
        (13, "Importe"),
        (14, "Importe"),
    ]
    messages = {(e.row, e.column): e.message for e in caught.value.errors}
    assert "1,234.56" in messages[(7, "Importe")] or "1,234,567.89" in messages[(7, "Importe")]
    assert "fila 2" in messages[(12, "Momento")]
    assert "más de dos decimales" in messages[(14, "Importe")]
    assert "11, 12, 13, 14, 15, 16, 17, 25, 26, 27" in messages[(4, "Fuente")]
    assert BudgetLine.objects.count() == 0
    assert SpecificItem.objects.count() == 0
    assert FundingSource.objects.count() == 0
    assert ImportRun.objects.count() == 0
    assert QualityFinding.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_the_cli_lists_every_error_with_file_row_and_column(world, tmp_path):
    path = write_csv(tmp_path, "malo.csv", ["0101,21101,11,0,aprobado,5", "0101,21101,11,1,x,5"])
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 error"):
        call_command("rumbo_import_presupuesto", path, institution="PRB", year="2024", stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("malo.csv, fila 2, columna «Mes»: «0» no es un mes")
    assert lines[1].startswith("malo.csv, fila 3, columna «Momento»: «x» no es un momento")
    assert BudgetLine.objects.count() == 0


def test_a_file_without_the_columns_is_refused_naming_them(world, tmp_path):
    path = tmp_path / "otro.csv"
    path.write_text("Clave,Partida,Importe\n0101,21101,5\n", encoding="utf-8")
    with pytest.raises(BudgetFileError) as caught:
        _import(path)
    assert "faltan las columnas Fuente, Mes, Momento" in caught.value.errors[0].message


GOOD = [
    '0101,21101,11,1,aprobado,"1,234,567.89"',
    '0101,21101,11,1,modificado,"1,234,567.89"',
    "0101,21101,11,1,devengado,1000.5",
    "0101,21101,11,2,aprobado,$ 300",
    "010101,33401,14,3,comprometido,0.10",
]


def test_amounts_keys_and_defaults_as_written(world, tmp_path):
    report = _import(write_csv(tmp_path, "bueno.csv", GOOD))
    assert report.created["renglón del presupuesto"] == 3
    assert report.created["fuente de financiamiento"] == 10  # CONAC's default set
    node_line = BudgetLine.objects.get(node=world.project, activity=None, month=1)
    assert _amounts(node_line) == {
        "aprobado": Decimal("1234567.89"),
        "modificado": Decimal("1234567.89"),
        "comprometido": Decimal(0),  # not in the file: 0
        "devengado": Decimal("1000.50"),
        "ejercido": Decimal(0),
        "pagado": Decimal(0),
    }
    assert BudgetLine.objects.get(node=world.project, month=2).aprobado == Decimal(300)
    activity_line = BudgetLine.objects.get(activity=world.activity)
    assert activity_line.node == world.project  # the activity's node
    assert (activity_line.item.key, activity_line.source.key) == ("33401", "14")
    assert activity_line.comprometido == Decimal("0.10")
    assert activity_line.item.generic.key == "334"


def test_reimporting_the_same_file_changes_nothing_and_records_nothing(world, tmp_path):
    path = write_csv(tmp_path, "bueno.csv", [*GOOD, "0999,21101,11,1,aprobado,5"])
    _import(path)
    lines = {line.pk: _amounts(line) for line in BudgetLine.objects.all()}
    findings = sorted(QualityFinding.objects.values_list("pk", "code", "status"))
    events = AuditEvent.objects.count()
    report = _import(path)
    assert not report.created and not report.updated and not report.deleted
    assert report.unchanged["renglón del presupuesto"] == 3
    assert {line.pk: _amounts(line) for line in BudgetLine.objects.all()} == lines
    assert sorted(QualityFinding.objects.values_list("pk", "code", "status")) == findings
    assert AuditEvent.objects.count() == events
    assert report.findings_closed == report.findings_reopened == 0


def test_a_changed_file_updates_deletes_and_audits(world, tmp_path):
    _import(write_csv(tmp_path, "v1.csv", GOOD))
    events = AuditEvent.objects.count()
    report = _import(write_csv(tmp_path, "v2.csv", [GOOD[0], "0101,21101,11,1,devengado,900"]))
    assert report.updated["renglón del presupuesto"] == 1
    assert report.deleted["renglón del presupuesto"] == 2  # month 2 and the activity's
    line = BudgetLine.objects.get()
    assert (line.modificado, line.devengado) == (Decimal(0), Decimal(900))
    update = AuditEvent.objects.filter(action="update").order_by("-pk").first()
    assert update.before == {"modificado": "1234567.89", "devengado": "1000.5"}
    assert update.after == {"modificado": "0", "devengado": "900"}
    assert AuditEvent.objects.count() == events + 3  # one update, two deletes


def test_dry_run_writes_nothing(world, tmp_path):
    report = _import(write_csv(tmp_path, "bueno.csv", GOOD), dry_run=True)
    assert report.created["renglón del presupuesto"] == 3
    assert BudgetLine.objects.count() == FundingSource.objects.count() == 0
    assert ImportRun.objects.count() == 0


def test_an_xlsx_with_numeric_cells_reads_like_the_csv(world, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Clave programática", "Partida", "Fuente", "Mes", "Momento", "Importe"])
    ws.append(["0101", 21101, 11, 1, "Aprobado", 1234.5])
    ws.append(["0101", 21101, 11, "febrero", "MODIFICADO", 20])
    path = tmp_path / "presupuesto.xlsx"
    wb.save(path)
    _import(path)
    assert {(x.month, x.aprobado, x.modificado) for x in BudgetLine.objects.all()} == {
        (1, Decimal("1234.50"), Decimal(0)),
        (2, Decimal(0), Decimal(20)),
    }


def test_a_program_that_does_not_exist_is_refused(world, tmp_path):
    with pytest.raises(Exception, match="no existe el programa anual 2023"):
        import_budget(
            write_csv(tmp_path, "b.csv", GOOD), institution_code="PRB", year=2023, actor=ACTOR
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234,567.89", Decimal("1234567.89")),
        ("1234567.89", Decimal("1234567.89")),
        ("0", Decimal("0.00")),
        ("$1,200", Decimal("1200.00")),
        ("12.50", Decimal("12.50")),
        ("12.500", Decimal("12.50")),  # a trailing zero is no third decimal
    ],
)
def test_amounts_in_es_mx(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1.234,56", "coma decimal"),
        ("1234,5", "coma decimal"),
        ("12.345", "más de dos decimales"),
        ("1.234.567", "coma decimal"),
        ("-1", "negativo"),
        ("(15.00)", "negativo"),
        ("1,23", "coma decimal"),
        ("1e5", "no es un importe"),
        ("1.555", "más de dos decimales"),
        ("", "vacío"),
        ("100,000,000,000,000", "máximo"),
    ],
)
def test_amounts_that_are_not_es_mx_pesos(text, reason):
    result = parse_amount(text)
    assert isinstance(result, str)
    assert reason in result

"""The differences a budget file would make (``preview_budget``: its ``BudgetDiff``), by
hand: created, updated (momento by momento), deleted, unchanged; the totals by momento;
the fingerprint that refuses a stale confirmation; the CLI's --dry-run prints them."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.budget.figures import total_of
from rumbo.budget.importer import (
    StalePreview,
    import_budget,
    preview_budget,
    stored_fingerprint,
)
from rumbo.budget.models import BudgetLine, SpecificItem
from rumbo.imports.models import ImportRun, QualityFinding

from .conftest import write_csv

ACTOR = Actor.cli()
D = Decimal

V1 = [
    '0101,21101,11,1,aprobado,"1,000.00"',
    '0101,21101,11,1,modificado,"1,000.00"',
    "0101,21101,11,2,aprobado,500",
    "010101,33401,14,3,comprometido,0.10",
]


def _preview(path, **kwargs):
    return preview_budget(path, institution_code="PRB", year=2024, actor=ACTOR, **kwargs)


def _import(path, **kwargs):
    return import_budget(path, institution_code="PRB", year=2024, actor=ACTOR, **kwargs)


def test_every_line_is_created_on_an_empty_budget(world, tmp_path):
    diff = _preview(write_csv(tmp_path, "v1.csv", V1)).diff
    assert [(d.label, d.month, d.row) for d in diff.created] == [
        ("0101 · 21101 · 11", 1, 2),
        ("0101 · 21101 · 11", 2, 4),
        ("010101 · 33401 · 14", 3, 5),
    ]
    first = diff.created[0]
    assert [(c.moment, c.before, c.after) for c in first.changes] == [
        ("aprobado", D(0), D(1000)),
        ("modificado", D(0), D(1000)),
    ]
    assert diff.updated == diff.deleted == []
    assert diff.unchanged == 0
    # By hand: aprobado 1,000 + 500; modificado 1,000; comprometido 0.10.
    totals = {t.moment: (t.before, t.after) for t in diff.totals}
    assert totals["aprobado"] == (D(0), D(1500))
    assert totals["modificado"] == (D(0), D(1000))
    assert totals["comprometido"] == (D(0), D("0.10"))
    assert totals["pagado"] == (D(0), D(0))
    assert diff.new_items == [("21101", ""), ("33401", "")]
    assert diff.new_sources == 10  # CONAC's default set comes with the first import
    assert not diff.is_empty


def test_a_changed_amount_an_added_and_a_dropped_line(world, tmp_path):
    _import(write_csv(tmp_path, "v1.csv", V1))
    v2 = [
        '0101,21101,11,1,aprobado,"1,500.00"',  # changed
        '0101,21101,11,1,modificado,"1,000.00"',
        "0101,21101,11,2,aprobado,500",  # unchanged
        "0102,21101,11,4,aprobado,25",  # new line
        # the activity's line is gone: deleted
    ]
    diff = _preview(write_csv(tmp_path, "v2.csv", v2)).diff
    assert [(d.label, d.month) for d in diff.updated] == [("0101 · 21101 · 11", 1)]
    assert [(c.moment, c.before, c.after) for c in diff.updated[0].changes] == [
        ("aprobado", D(1000), D(1500))
    ]
    assert [(d.label, d.month, d.row) for d in diff.created] == [("0102 · 21101 · 11", 4, 5)]
    assert [(d.label, d.month, d.row) for d in diff.deleted] == [("010101 · 33401 · 14", 3, None)]
    assert [(c.moment, c.before, c.after) for c in diff.deleted[0].changes] == [
        ("comprometido", D("0.10"), D(0))
    ]
    assert diff.unchanged == 1
    totals = {t.moment: (t.before, t.after) for t in diff.totals}
    assert totals["aprobado"] == (D(1500), D(2025))  # 1,000 + 500 → 1,500 + 500 + 25
    assert totals["comprometido"] == (D("0.10"), D(0))
    assert diff.new_items == [] and diff.new_sources == 0
    # What the import then does agrees with the preview.
    report = _import(write_csv(tmp_path, "v2.csv", v2))
    label = "renglón del presupuesto"
    assert (report.created[label], report.updated[label], report.deleted[label]) == (1, 1, 1)
    assert report.unchanged[label] == 1


def test_the_same_file_again_is_no_change(world, tmp_path):
    path = write_csv(tmp_path, "v1.csv", V1)
    _import(path)
    diff = _preview(path).diff
    assert diff.is_empty
    assert diff.created == diff.updated == diff.deleted == []
    assert diff.unchanged == 3
    assert all(t.before == t.after for t in diff.totals)
    assert diff.lines() == ["Sin cambios: el archivo coincide con el presupuesto guardado."]


def test_a_preview_writes_nothing_and_reports_the_findings(world, tmp_path):
    path = write_csv(tmp_path, "v1.csv", [*V1, "0999,21101,11,1,aprobado,7"])
    counts = (
        BudgetLine.objects.count(),
        SpecificItem.objects.count(),
        AuditEvent.objects.count(),
        ImportRun.objects.count(),
        QualityFinding.objects.count(),
    )
    preview = _preview(path)
    assert sorted({f.code for f in preview.report.findings}) == [
        "budget_item_unknown",
        "budget_key_unknown",
    ]
    assert preview.diff.unknown_keys == ["0999"]
    assert (
        BudgetLine.objects.count(),
        SpecificItem.objects.count(),
        AuditEvent.objects.count(),
        ImportRun.objects.count(),
        QualityFinding.objects.count(),
    ) == counts


def test_a_confirmation_after_the_budget_changed_is_refused(world, tmp_path):
    path = write_csv(tmp_path, "v1.csv", V1)
    preview = _preview(path)
    assert preview.diff.fingerprint == stored_fingerprint(world.program)
    _import(write_csv(tmp_path, "otro.csv", ["0102,21101,11,1,aprobado,9"]))  # meanwhile
    events = AuditEvent.objects.count()
    with pytest.raises(StalePreview, match="El presupuesto cambió desde la vista previa"):
        _import(path, expected_fingerprint=preview.diff.fingerprint)
    assert list(BudgetLine.objects.values_list("node__key", "aprobado")) == [("0102", D(9))]
    assert AuditEvent.objects.count() == events
    # With the current fingerprint it applies.
    fresh = _preview(path).diff.fingerprint
    _import(path, expected_fingerprint=fresh)
    assert BudgetLine.objects.count() == 3


def test_the_fingerprint_follows_every_amount(world, tmp_path):
    _import(write_csv(tmp_path, "v1.csv", V1))
    before = stored_fingerprint(world.program)
    assert stored_fingerprint(world.program) == before  # stable
    line = BudgetLine.objects.get(month=3)
    line.pagado = D("0.01")
    line.save()
    assert stored_fingerprint(world.program) != before


def test_total_of_adds_momentos_by_hand():
    total = total_of(
        [{"aprobado": D("10.50"), "devengado": D(3)}, {"aprobado": D("0.25")}, {"pagado": D(1)}]
    )
    assert (total.aprobado, total.devengado, total.pagado, total.modificado) == (
        D("10.75"),
        D(3),
        D(1),
        D(0),
    )


def test_the_cli_dry_run_prints_the_differences(world, tmp_path):
    _import(write_csv(tmp_path, "v1.csv", V1))
    path = write_csv(tmp_path, "v2.csv", ['0101,21101,11,1,aprobado,"1,500.00"'])
    out = io.StringIO()
    call_command(
        "rumbo_import_presupuesto", path, institution="PRB", year="2024", dry_run=True, stdout=out
    )
    text = out.getvalue()
    assert "Simulación (no se guardó nada)" in text
    assert "Diferencias: 0 renglones nuevos, 1 modificados, 2 eliminados, 0 sin cambios" in text
    assert (
        "modificado: 0101 · 21101 · 11 · enero: aprobado $1,000.00 → $1,500.00, "
        "modificado $1,000.00 → $0.00" in text
    )
    assert "Aprobado: $1,500.00 → $1,500.00" in text
    out = io.StringIO()
    call_command(
        "rumbo_import_presupuesto",
        path,
        institution="PRB",
        year="2024",
        dry_run=True,
        format="json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["diff"]["lines_updated"] == 1
    assert data["diff"]["lines_deleted"] == 2
    assert data["diff"]["totals"]["aprobado"] == {"before": "1500.00", "after": "1500.00"}
    assert BudgetLine.objects.count() == 3

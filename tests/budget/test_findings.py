"""Each suspicious kind of row as a quality finding, computed by hand."""

from __future__ import annotations

from rumbo.audit.services import Actor
from rumbo.budget.importer import import_budget
from rumbo.budget.models import BudgetLine, SpecificItem
from rumbo.imports.models import QualityFinding

from .conftest import write_csv


def test_each_suspicious_kind_once_per_series_at_its_first_month(world, tmp_path):
    path = write_csv(
        tmp_path,
        "sospechas.csv",
        [
            "0101,21101,11,1,modificado,500",  # row 2
            "0101,21101,11,1,devengado,600",  # row 3: 600 > 500 in enero
            "0101,21101,11,2,modificado,500",  # row 4: to date 1,000 ≥ 600: no new one
            "0102,21101,11,2,ejercido,100",  # row 5
            "0102,21101,11,2,pagado,50",  # row 6: 50 ≤ 100
            "0102,21101,11,3,pagado,60",  # row 7: to date 110 > 100 in marzo
            "0102,21101,11,3,devengado,1",  # row 8: devengado in marzo, after febrero
            "0999,21101,11,1,aprobado,10",  # row 9: no such key
            "0999,21101,11,2,aprobado,5",  # row 10
            "0101,21102,11,1,aprobado,7",  # row 11: a partida new to the institution
        ],
    )
    report = import_budget(path, institution_code="PRB", year=2024, through=2, actor=Actor.cli())
    found = sorted(
        QualityFinding.objects.values_list("code", "source_line", "object_label", "message")
    )
    assert [(c, line, label) for c, line, label, _ in found] == [
        ("budget_accrued_over_modified", 3, "0101 · 21101 · 11 · mes 1"),
        ("budget_accrued_over_modified", 8, "0102 · 21101 · 11 · mes 3"),  # 1 > 0
        ("budget_after_closed_month", 8, "0102 · 21101 · 11 · mes 3"),  # its devengado row
        ("budget_item_unknown", 2, "21101"),
        ("budget_item_unknown", 11, "21102"),
        ("budget_key_unknown", 9, "0999"),
        ("budget_paid_over_exercised", 7, "0102 · 21101 · 11 · mes 3"),
    ]
    messages = {c: m for c, line, _, m in found if (c, line) != ("budget_accrued_over_modified", 8)}
    assert messages["budget_accrued_over_modified"] == (
        "Devengado acumulado a enero ($600.00) mayor que el modificado acumulado ($500.00) "
        "de 0101 · 21101 · 11."
    )
    assert messages["budget_paid_over_exercised"] == (
        "Pagado acumulado a marzo ($110.00) mayor que el ejercido acumulado ($100.00) "
        "de 0102 · 21101 · 11."
    )
    assert messages["budget_after_closed_month"] == (
        "0102 · 21101 · 11 registra devengado, pagado en marzo, después del último mes "
        "cerrado (febrero)."
    )
    assert messages["budget_key_unknown"].endswith("sus 2 filas no se guardaron (aprobado $15.00).")
    # The unknown key's rows are not stored; the new partidas are, awaiting review.
    assert not BudgetLine.objects.filter(program=world.program, node__key="0999").exists()
    assert BudgetLine.objects.count() == 5
    assert set(SpecificItem.objects.values_list("key", "unreviewed")) == {
        ("21101", True),
        ("21102", True),
    }
    assert report.extra["ultimo_mes_cerrado"] == 2


def test_without_a_closed_month_spending_later_is_not_judged(world, tmp_path):
    path = write_csv(tmp_path, "b.csv", ["0101,21101,11,12,devengado,1"])
    report = import_budget(path, institution_code="PRB", year=2024, actor=Actor.cli())
    assert not QualityFinding.objects.filter(code="budget_after_closed_month").exists()
    # (devengado 1 over modificado 0 is still a finding)
    assert QualityFinding.objects.filter(code="budget_accrued_over_modified").count() == 1
    assert any("no hay mes cerrado" in note for note in report.notes)

"""The demo's simulated budget: loaded through the import, consistent with the physical
progress it is given, the momentos in their order to date, and idempotent."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_DOWN, Decimal

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.budget.demo import demo_budget_load
from rumbo.budget.models import MOMENTS, BudgetLine


def test_devengado_follows_the_physical_progress_and_reloading_changes_nothing(world, tmp_path):
    physical = {("0101", m): Decimal("0.5") for m in range(1, 11)}  # 0102: none → 0.9
    report = demo_budget_load(
        program=world.program, physical=physical, last_month=10, folder=tmp_path, actor=Actor.cli()
    )
    assert report.findings_by_code() == {"budget_item_unknown": len(report.findings)}
    series: dict[tuple[str, str], dict[int, dict[str, Decimal]]] = defaultdict(dict)
    for line in BudgetLine.objects.select_related("node", "item"):
        series[(line.node.key, line.item.key)][line.month] = {m: getattr(line, m) for m in MOMENTS}
        assert line.item.name.endswith("(simulado para demostración)")
    assert {node for node, _ in series} == {"0101", "0102"}
    for (node, _), months in series.items():
        to_date = dict.fromkeys(MOMENTS, Decimal(0))
        for month in range(1, 13):
            for m in MOMENTS:
                to_date[m] += months.get(month, {}).get(m, Decimal(0))
            assert to_date["aprobado"] == to_date["modificado"]
            chain = [to_date[m] for m in reversed(MOMENTS[1:])]  # pagado … modificado
            assert chain == sorted(chain), (node, month, to_date)
            if month == 10:
                share = Decimal("0.5") if node == "0101" else Decimal("0.9")
                expected = (to_date["modificado"] * share).quantize(
                    Decimal("0.01"), rounding=ROUND_DOWN
                )
                assert to_date["devengado"] == expected
            if month > 10:
                assert months.get(month, {}).get("devengado", Decimal(0)) == 0
    events = AuditEvent.objects.count()
    again = demo_budget_load(
        program=world.program, physical=physical, last_month=10, folder=tmp_path, actor=Actor.cli()
    )
    assert not again.created and not again.updated and not again.deleted
    assert AuditEvent.objects.count() == events

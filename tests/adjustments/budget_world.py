"""The budget of IEEM 2024 (tests/factories.py) the adecuaciones tests move, by hand (see
test_budget.py), and plain-SQL reads of it."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection

from rumbo.audit.services import Actor
from rumbo.budget.importer import import_budget

HEADER = "Clave programática,Partida,Fuente,Mes,Momento,Importe"
BUDGET = [
    '0101,21101,11,3,aprobado,"10,000.00"',
    '0101,21101,11,3,modificado,"10,000.00"',
    '0101,21101,11,3,devengado,"4,000.00"',
    '0101,33401,11,3,aprobado,"5,000.00"',
    '0101,33401,11,3,modificado,"5,000.00"',
    '0201,21101,11,3,aprobado,"8,000.00"',
    '0201,21101,11,3,modificado,"8,000.00"',
]


def load(tmp_path, rows=BUDGET, name="presupuesto.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return import_budget(
        str(path), institution_code="IEEM", year=2024, actor=Actor.cli(), through=3
    )


def actor(demo, name):
    return Actor.for_user(demo.users[name])


def modified(key: str, item: str, month: int = 3, source: str = "11") -> Decimal | None:
    """The stored modificado, read with plain SQL (no code under test)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT l.modificado FROM budget_budgetline l
               JOIN programs_programnode n ON n.id = l.node_id
               LEFT JOIN programs_activity a ON a.id = l.activity_id
               JOIN budget_specificitem i ON i.id = l.item_id
               JOIN budget_fundingsource f ON f.id = l.source_id
               WHERE COALESCE(a.key, n.key) = %s AND i.key = %s AND f.key = %s
                 AND l.month = %s AND (a.id IS NULL) = %s""",
            [key, item, source, month, len(key) == 4],
        )
        row = cursor.fetchone()
    return None if row is None else Decimal(str(row[0])).quantize(Decimal("0.01"))

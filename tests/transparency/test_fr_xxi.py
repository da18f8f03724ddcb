"""LGTAIP art. 70 fr. XXI a) and b) from the budget: rows worked by hand, the quarter's
closure, the publication checker on the files (XLSX and CSV), the review page's refusal."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from rumbo.transparency.checker import check_file
from rumbo.transparency.generate import ExportError, build_sipot, generate
from rumbo.transparency.selectors import PeriodRefused, ReportPeriod
from tests.budget import conftest as budget_fixtures
from tests.budget.conftest import close_months, member

world = budget_fixtures.world
hand_budget = budget_fixtures.hand_budget

D = Decimal
TODAY = "2025-01-15"  # after every period of 2024


def _csv_rows(format_id: str, quarter: int | None = None) -> list[dict[str, str]]:
    export = build_sipot(
        format_id=format_id, institution="PRB", year=2024, quarter=quarter, fmt="csv",
        today=TODAY,
    )  # fmt: skip
    return list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))


def test_fr_xxi_a_assigned_by_chapter(hand_budget):
    rows = _csv_rows("fr-xxi-a")
    # Capítulo 2000: 1,000.50 + 1,000 + 300; capítulo 3000: 500 + 250.75; the year 3,051.25.
    got = [
        (r["Clave del capítulo de gasto"], r["Presupuesto asignado por capítulo de gasto"],
         r["Presupuesto anual asignado"], r["Ejercicio"],
         r["Fecha de término del periodo que se informa"])
        for r in rows
    ]  # fmt: skip
    assert got == [
        ("2000", "2300.5", "3051.25", "2024", "31/12/2024"),
        ("3000", "750.75", "3051.25", "2024", "31/12/2024"),
    ]
    assert rows[0]["Denominación del capítulo de gasto"] == "Materiales y suministros"


def test_fr_xxi_b_accumulated_to_the_quarter_by_concept(hand_budget):
    close_months(hand_budget.program, 3)
    rows = _csv_rows("fr-xxi-b", quarter=1)
    columns = ("Clave del capítulo de gasto", "Clave del concepto de gasto",
               "Presupuesto aprobado", "Ampliación/(Reducción)", "Presupuesto modificado",
               "Comprometido", "Devengado", "Ejercido", "Pagado", "Subejercicio")  # fmt: skip
    got = [tuple(r[c] for c in columns) for r in rows]
    assert got == [
        # 2100 (January and February lines): 2,300.50 aprobado, 2,500.50 modificado
        # (+200), 1,700 comprometido, 1,100.25 devengado, 900, 700; subejercicio
        # 2,500.50 − 1,100.25 = 1,400.25.
        ("2000", "2100", "2300.5", "200", "2500.5", "1700", "1100.25", "900", "700", "1400.25"),
        # 3100: the activity's March line; April's is after the quarter.
        ("3000", "3100", "500", "0", "500", "100", "100", "100", "100", "400"),
    ]
    assert rows[0]["Fecha de inicio del periodo que se informa"] == "01/01/2024"
    assert rows[0]["Fecha de término del periodo que se informa"] == "31/03/2024"
    assert "acumuladas del 01/01/2024 al 31/03/2024" in rows[0]["Nota"]


def test_fr_xxi_b_refuses_a_quarter_not_closed_and_the_whole_year(hand_budget):
    close_months(hand_budget.program, 5)
    with pytest.raises(ExportError, match=r"trimestre 2 de 2024 no ha cerrado: el último mes "
                       r"cerrado es mayo .* abril, mayo y junio"):  # fmt: skip
        _csv_rows("fr-xxi-b", quarter=2)
    with pytest.raises(ExportError, match="se informa por trimestre: elige un trimestre"):
        _csv_rows("fr-xxi-b")
    # Nothing closed at all.
    hand_budget.program.period_reports.all().delete()
    with pytest.raises(PeriodRefused, match="aún no hay meses cerrados"):
        generate(
            format_id="fr-xxi-b", institution=hand_budget.program.institution,
            period=ReportPeriod(2024, 1), today=date(2025, 1, 15),
        )  # fmt: skip


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(("format_id", "quarter"), [("fr-xxi-a", None), ("fr-xxi-a", 4),
                                                     ("fr-xxi-b", 1), ("fr-xxi-b", 4)])  # fmt: skip
def test_the_files_pass_the_publication_checker(hand_budget, fmt, format_id, quarter):
    close_months(hand_budget.program, 12)
    export = build_sipot(
        format_id=format_id, institution="PRB", year=2024, quarter=quarter, fmt=fmt, today=TODAY
    )
    result = check_file(
        name=export.filename, content=export.content, format_id=format_id,
        institution=hand_budget.program.institution,
    )  # fmt: skip
    assert [(f.code, f.row, f.column, f.message) for f in result.findings] == []


def test_without_a_budget_one_row_says_so_and_passes(world):
    close_months(world.program, 3)
    for format_id, quarter in (("fr-xxi-a", None), ("fr-xxi-b", 1)):
        rows = _csv_rows(format_id, quarter)
        assert len(rows) == 1
        assert "no tiene presupuesto registrado" in rows[0]["Nota"]
        export = build_sipot(
            format_id=format_id, institution="PRB", year=2024, quarter=quarter, fmt="xlsx",
            today=TODAY,
        )  # fmt: skip
        result = check_file(name=export.filename, content=export.content, format_id=format_id)
        assert result.findings == []


def test_the_pages_offer_fr_xxi_b_only_for_a_quarter(hand_budget):
    close_months(hand_budget.program, 4)
    client = Client()
    client.force_login(member(hand_budget.program))
    html = client.get("/i/PRB/transparencia/?ejercicio=2024").content.decode()
    assert "Presupuesto asignado anual" in html
    assert "Se informa por trimestre: elige un trimestre para descargarlo." in html
    review = client.get("/i/PRB/transparencia/fr-xxi-b/revision/?ejercicio=2024&trimestre=2")
    assert review.status_code == 200
    text = review.content.decode()
    assert "El trimestre 2 de 2024 no ha cerrado: el último mes cerrado es abril" in text
    assert 'name="format_id"' not in text  # no download offered
    ok = client.get("/i/PRB/transparencia/fr-xxi-b/revision/?ejercicio=2024&trimestre=1")
    assert "El formato pasa la revisión de publicación" in ok.content.decode()

"""Every face of the budget shows the same pesos, to the cent, on the demo (IEEM 2024,
loaded by ``rumbo demo``): the API's totals (whole and by capítulo), the budget page's
and its XLSX's totals, fr. XXI a) and b) (every closed quarter) and the open-data
«presupuesto» dataset, each against sums computed here with plain SQL."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from openpyxl import load_workbook

from rumbo.budget.closing import last_closed_month
from rumbo.budget.models import MOMENTS
from rumbo.programs.models import AnnualProgram
from rumbo.web.templatetags.rumbo import pesos

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(scope="module")
def demo_program(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The demo data, loaded once for the module inside a transaction rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("rumbo_demo", stdout=io.StringIO())
        yield AnnualProgram.objects.get(institution__code="IEEM", year=2024)
        transaction.set_rollback(True)


def sql(program_id: int, *, through: int = 12, chapter: str | None = None, by: str = ""):
    """Momentos in cents summed by the database (months 1..through), optionally of one
    capítulo, optionally grouped (``by``: a column of the joined tables)."""
    sums = ", ".join(f"CAST(ROUND(SUM(l.{m}) * 100) AS BIGINT)" for m in MOMENTS)
    where, params = "l.program_id = %s AND l.month <= %s", [program_id, through]
    if chapter:
        where += " AND ch.key = %s"
        params.append(chapter)
    select = f"{by}, {sums}" if by else sums
    group = f" GROUP BY {by} ORDER BY {by}" if by else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {select} FROM budget_budgetline l "  # noqa: S608 - fixed names
            "JOIN budget_specificitem i ON i.id = l.item_id "
            "JOIN budget_genericitem g ON g.id = i.generic_id "
            "JOIN budget_concept c ON c.id = g.concept_id "
            "JOIN budget_chapter ch ON ch.id = c.chapter_id "
            f"WHERE {where}{group}",
            params,
        )
        rows = cursor.fetchall()

    def cents(values):
        return {m: D(v or 0) / 100 for m, v in zip(MOMENTS, values, strict=True)}

    if by:
        return {r[0]: cents(r[1:]) for r in rows}
    return cents(rows[0])


def money(value: object) -> Decimal:
    return D(repr(value) if isinstance(value, float) else str(value)).quantize(D("0.01"))


def test_every_face_agrees_to_the_cent(demo_program: AnnualProgram) -> None:
    program = demo_program
    annual = sql(program.pk)
    assert annual["aprobado"] > 0
    closed = last_closed_month(program)
    assert closed is not None and closed >= 3
    client = Client()
    client.force_login(get_user_model().objects.get(username="consulta"))

    # The API: whole program and each capítulo.
    api = "/api/v1/institutions/IEEM/programs/2024/budget"
    body = client.get(api).json()
    assert {m: money(body["totals"][m]) for m in MOMENTS} == annual
    by_chapter = sql(program.pk, by="ch.key")
    for chapter, expected in by_chapter.items():
        got = client.get(f"{api}?chapter={chapter}").json()["totals"]
        assert {m: money(got[m]) for m in MOMENTS} == expected, chapter

    # The budget page (default month: the last closed one) and its XLSX.
    to_date = sql(program.pk, through=closed)
    html = client.get("/i/IEEM/programa/2024/presupuesto/").content.decode()
    start = html.index('data-table="nodes"')
    total_row = html[html.index('data-key="total"', start) :].split("</tr>")[0]
    for m in MOMENTS:
        assert pesos(to_date[m]) in total_row, m
    assert pesos(annual["modificado"]) in total_row
    xlsx = client.get("/i/IEEM/programa/2024/presupuesto/presupuesto.xlsx").content
    sheet = load_workbook(io.BytesIO(xlsx), read_only=True)["Presupuesto"]
    totals = [r for r in sheet.iter_rows(values_only=True) if len(r) > 1 and r[1] == "Total"]
    assert len(totals) == 2
    for row in totals:
        assert {m: money(v) for m, v in zip(MOMENTS, row[2:8], strict=True)} == to_date

    # fr. XXI a): the annual aprobado by capítulo and the year's total.
    def sipot(format_id: str, quarter: str = "") -> list[dict[str, str]]:
        query = "?ejercicio=2024" + (f"&trimestre={quarter}" if quarter else "")
        response = client.get(f"/i/IEEM/transparencia/{format_id}.csv{query}")
        assert response.status_code == 200, (format_id, quarter)
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))

    assigned = sipot("fr-xxi-a")
    assert {r["Clave del capítulo de gasto"]: D(r["Presupuesto asignado por capítulo de gasto"])
            for r in assigned} == {k: v["aprobado"] for k, v in by_chapter.items()}  # fmt: skip
    assert {D(r["Presupuesto anual asignado"]) for r in assigned} == {annual["aprobado"]}

    # fr. XXI b): every closed quarter, accumulated to its end, summed over its rows.
    columns = {
        "aprobado": "Presupuesto aprobado", "modificado": "Presupuesto modificado",
        "comprometido": "Comprometido", "devengado": "Devengado", "ejercido": "Ejercido",
        "pagado": "Pagado",
    }  # fmt: skip
    for quarter in range(1, closed // 3 + 1):
        rows = sipot("fr-xxi-b", str(quarter))
        expected = sql(program.pk, through=quarter * 3)
        got = {m: sum((D(r[c]) for r in rows), D(0)) for m, c in columns.items()}
        assert got == expected, quarter
        change = sum((D(r["Ampliación/(Reducción)"]) for r in rows), D(0))
        assert change == expected["modificado"] - expected["aprobado"]
        under = sum((D(r["Subejercicio"]) for r in rows), D(0))
        assert under == expected["modificado"] - expected["devengado"]

    # The open-data dataset (the demo publishes IEEM 2024).
    response = Client().get("/datos/IEEM/2024/descargas/presupuesto.csv")
    assert response.status_code == 200
    data = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {m: sum((D(r[m]) for r in data), D(0)) for m in MOMENTS} == annual


def _root_keys(program: AnnualProgram) -> dict[int, str]:
    """Node id → the key of its subprograma (the node at the top of its branch)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, parent_id, key FROM programs_programnode WHERE program_id = %s",
            [program.pk],
        )
        nodes = {pk: (parent, key) for pk, parent, key in cursor.fetchall()}

    def root(pk: int) -> str:
        while nodes[pk][0] is not None:
            pk = nodes[pk][0]
        return nodes[pk][1]

    return {pk: root(pk) for pk in nodes}


def test_physical_financial_faces_agree_with_fr_xxi_to_the_cent(demo_program, tmp_path) -> None:
    """The «Informe de avance físico-financiero» (JSON, as the CLI writes it), its API, the
    dashboard's panel and fr. XXI b) show, at the end of the last closed quarter, the same
    modificado and devengado to date — by subprograma and in total — as plain SQL, and
    the same avance financiero (devengado ÷ modificado, rounded here by hand)."""
    program = demo_program
    closed = last_closed_month(program)
    assert closed is not None and closed >= 3
    month = closed // 3 * 3  # the end of the last closed quarter
    roots = _root_keys(program)
    expected: dict[str, dict[str, Decimal]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT node_id, CAST(ROUND(SUM(modificado) * 100) AS BIGINT),"
            " CAST(ROUND(SUM(devengado) * 100) AS BIGINT) FROM budget_budgetline"
            " WHERE program_id = %s AND month <= %s GROUP BY node_id",
            [program.pk, month],
        )
        for node_id, modified, accrued in cursor.fetchall():
            sums = expected.setdefault(roots[node_id], {"modificado": D(0), "devengado": D(0)})
            sums["modificado"] += D(modified) / 100
            sums["devengado"] += D(accrued) / 100
    total = {m: sum((s[m] for s in expected.values()), D(0)) for m in ("modificado", "devengado")}
    assert total["devengado"] > 0

    def percent(sums: dict[str, Decimal]) -> Decimal:
        return (sums["devengado"] * 100 / sums["modificado"]).quantize(D("0.01"), "ROUND_HALF_UP")

    # The report, as `rumbo report fisico-financiero --format json` prints it.
    out = tmp_path / "fisico-financiero.json"
    call_command(
        "rumbo_report", "fisico-financiero", "--institution", "IEEM", "--year", "2024",
        "--month", str(month), "--format", "json", "-o", str(out),
    )  # fmt: skip
    report = json.loads(out.read_text(encoding="utf-8"))
    rows = {r["node"]: r for r in report["items"]}
    for key, sums in expected.items():
        assert money(rows[key]["modificado"]) == sums["modificado"], key
        assert money(rows[key]["devengado"]) == sums["devengado"], key
        assert D(str(rows[key]["financial_percent"])) == percent(sums), key
    assert money(report["total"]["devengado"]) == total["devengado"]
    assert money(report["total"]["modificado"]) == total["modificado"]

    # The API.
    client = Client()
    client.force_login(get_user_model().objects.get(username="consulta"))
    api = client.get(
        f"/api/v1/institutions/IEEM/programs/2024/budget/physical-financial?month={month}"
    ).json()
    items = {i["node"]: i for i in api["items"]}
    for key, sums in expected.items():
        assert money(items[key]["modificado"]) == sums["modificado"], key
        assert money(items[key]["devengado"]) == sums["devengado"], key
        assert D(str(items[key]["financial_percent"])) == percent(sums), key
        assert items[key]["gap_light"] == rows[key]["gap_light"], key
        assert items[key]["physical_percent"] == rows[key]["physical_percent"], key

    # The dashboard's panel: one row per subprograma and the program's total.
    html = client.get(f"/i/IEEM/programa/2024/tablero/?mes={month}").content.decode()
    panel = html[html.index('id="tabla-fisico-financiero"') :].split("</table>")[0]
    for key, sums in {**expected, "total": total}.items():
        row = panel[panel.index(f'data-node="{key}"') :].split("</tr>")[0]
        assert pesos(sums["modificado"]) in row, key
        assert pesos(sums["devengado"]) in row, key

    # fr. XXI b) of that quarter: devengado and modificado accumulated to its end.
    response = client.get(
        f"/i/IEEM/transparencia/fr-xxi-b.csv?ejercicio=2024&trimestre={month // 3}"
    )
    sipot = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sum((D(r["Devengado"]) for r in sipot), D(0)) == total["devengado"]
    assert sum((D(r["Presupuesto modificado"]) for r in sipot), D(0)) == total["modificado"]

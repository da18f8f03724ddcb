"""The open-data «presupuesto» dataset: CSV, JSON and XLSX re-read, rows summed by node ×
capítulo × partida × fuente × month (an activity's lines join its node's), totals equal
to plain SQL, published years only."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from openpyxl import load_workbook

from rumbo.budget.models import MOMENTS
from rumbo.opendata.datasets import DATASETS
from rumbo.opendata.exports import NotPublished, build_open_dataset, build_open_dictionary
from rumbo.opendata.models import Publication

from .conftest import World

pytestmark = pytest.mark.django_db
D = Decimal


def _sql_totals(program_id: int) -> dict[str, Decimal]:
    sums = ", ".join(f"CAST(ROUND(SUM({m}) * 100) AS BIGINT)" for m in MOMENTS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sums} FROM budget_budgetline WHERE program_id = %s",  # noqa: S608
            [program_id],
        )
        row = cursor.fetchone()
    return {m: D(v) / 100 for m, v in zip(MOMENTS, row, strict=True)}


def _build(fmt: str) -> bytes:
    return build_open_dataset(institution="IEEM", year=2024, dataset="presupuesto", fmt=fmt).content


def test_csv_rows_by_hand_and_totals_equal_sql(world: World) -> None:
    rows = list(csv.DictReader(io.StringIO(_build("csv").decode("utf-8-sig"))))
    assert list(rows[0]) == DATASETS["presupuesto"].names
    got = [
        (r["nodo_clave"], r["capitulo"], r["partida"], r["fuente"], r["mes"], r["aprobado"],
         r["devengado"], r["pagado"])
        for r in rows
    ]  # fmt: skip
    assert got == [
        # the subprograma's own line
        ("01", "3000", "33401", "11", "2", "480", "0", "0"),
        # proyecto 0101's line and its activity's, same partida and month: 1,500.25 + 320
        ("0101", "2000", "21101", "11", "1", "1820.25", "700.1", "450"),
    ]
    assert rows[1]["partida_nombre"] == "Partida 21101"
    assert rows[1]["nodo_nombre"] == "Seguimiento de acuerdos"
    totals = {m: sum((D(r[m]) for r in rows), D(0)) for m in MOMENTS}
    assert totals == _sql_totals(world.demo.program.pk)
    assert totals["aprobado"] == D("2300.25")


def test_json_and_xlsx_hold_the_same_figures(world: World) -> None:
    body = json.loads(_build("json"))
    assert body["metadata"]["dataset"] == "presupuesto"
    assert body["metadata"]["simulated"] is False
    assert [f["campo"] for f in body["metadata"]["dictionary"]] == DATASETS["presupuesto"].names
    sql = _sql_totals(world.demo.program.pk)
    totals = {m: sum((D(repr(r[m])) for r in body["data"]), D(0)) for m in MOMENTS}
    assert totals == sql
    wb = load_workbook(io.BytesIO(_build("xlsx")), read_only=True)
    data = list(wb["Datos"].iter_rows(values_only=True))
    header, rows = list(data[0]), data[1:]
    assert header == DATASETS["presupuesto"].names
    for m in MOMENTS:
        column = header.index(m)
        assert sum((D(repr(r[column])) for r in rows), D(0)) == sql[m], m
    dictionary = list(wb["Diccionario"].iter_rows(values_only=True))
    assert [r[0] for r in dictionary[1:]] == header
    assert dictionary[header.index("aprobado") + 1][:2] == ("aprobado", "decimal")


def test_only_a_published_year(world: World) -> None:
    Publication.objects.filter(program=world.demo.program).delete()
    with pytest.raises(NotPublished):
        _build("csv")


def test_the_dictionary(world: World) -> None:
    body = json.loads(build_open_dictionary(dataset="presupuesto", fmt="json").content)
    described = {f["campo"]: f for f in body["fields"]}
    assert described["devengado"]["unidad"] == "pesos"
    assert set(MOMENTS) <= set(described)


def test_the_downloads_page_lists_it(anon, world: World) -> None:
    html = anon.get("/datos/IEEM/2024/descargas/").content.decode()
    assert "/datos/IEEM/2024/descargas/presupuesto.csv" in html

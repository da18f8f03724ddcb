"""Downloads re-read by the tools people use: csv, json, openpyxl (with the dictionary and
licence sheets), and LibreOffice headless for the XLSX."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rumbo.opendata.datasets import DATASETS, LICENCE_NAME, LICENCE_URL
from rumbo.opendata.exports import NotPublished, build_open_dataset, build_open_dictionary

from .conftest import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_csv_rereads_with_the_dictionary_header(world: World, dataset: str) -> None:
    export = build_open_dataset(institution="IEEM", year=2024, dataset=dataset, fmt="csv")
    assert export.filename == f"IEEM-2024-{dataset}.csv"
    assert export.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows the accents
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows
    assert list(rows[0]) == DATASETS[dataset].names


def test_progress_csv_figures(world: World) -> None:
    export = build_open_dataset(institution="IEEM", year=2024, dataset="avance", fmt="csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    full = [r for r in rows if r["actividad_clave"] == "010101"]
    assert [(r["mes"], r["programado_mes"], r["alcanzado_mes"]) for r in full] == [
        ("1", "340", "300")
    ]
    assert full[0]["cumplimiento"] == "88.24" and full[0]["semaforo"] == "amarillo"
    # Only January is official: SE's February–April are not approved, and DO's approved
    # April stands on January–March, which DO never captured (preliminary, not published).
    assert {r["mes"] for r in rows} == {"1"}


def test_program_csv_has_the_calendar(world: World) -> None:
    export = build_open_dataset(institution="IEEM", year=2024, dataset="programa", fmt="csv")
    rows = {
        r["actividad_clave"]: r
        for r in csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")))
    }
    assert rows["010101"]["meta_anual"] == "4060"
    assert rows["010101"]["prog_ene"] == "340" and rows["010101"]["prog_dic"] == "330"
    assert rows["010103"]["prog_may"] == ""  # unknown month stays unknown
    assert rows["010102"]["prog_mar"] == "0.25"
    assert rows["010101"]["area"] == "Secretaría Ejecutiva"
    assert rows["010101"]["ruta"] == "01/0101"


def test_json_has_metadata_and_licence(world: World) -> None:
    export = build_open_dataset(
        institution="IEEM",
        year=2024,
        dataset="indicadores",
        fmt="json",
        base_url="https://rumbo.example.mx/",
    )
    body = json.loads(export.content)
    meta = body["metadata"]
    assert meta["institution"] == "IEEM" and meta["dataset"] == "indicadores"
    assert meta["licence"]["name"] == LICENCE_NAME and meta["licence"]["url"] == LICENCE_URL
    assert (
        meta["source_url"] == "https://rumbo.example.mx/datos/IEEM/2024/descargas/indicadores.json"
    )
    assert meta["generated_at"]
    assert [f["campo"] for f in meta["dictionary"]] == DATASETS["indicadores"].names
    assert meta["row_count"] == len(body["data"])
    a11 = [r for r in body["data"] if r["indicador"] == world.demo.design.ind_a11.name]
    assert a11[0]["valor"] == 100 and a11[1]["valor"] is None


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_xlsx_has_data_dictionary_and_licence(world: World, dataset: str) -> None:
    export = build_open_dataset(institution="IEEM", year=2024, dataset=dataset, fmt="xlsx")
    wb = load_workbook(io.BytesIO(export.content))
    assert wb.sheetnames == ["Datos", "Diccionario", "Licencia"]
    header = [c.value for c in wb["Datos"][1]]
    assert header == DATASETS[dataset].names
    fields = [row[0] for row in wb["Diccionario"].iter_rows(min_row=2, values_only=True)]
    assert fields == DATASETS[dataset].names
    licence = {row[0]: row[1] for row in wb["Licencia"].iter_rows(values_only=True)}
    assert licence["Licencia"] == LICENCE_NAME
    assert licence["Texto de la licencia"] == LICENCE_URL


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_xlsx_converts_with_libreoffice(world: World, tmp_path: Path) -> None:
    export = build_open_dataset(institution="IEEM", year=2024, dataset="avance", fmt="xlsx")
    source = tmp_path / export.filename
    source.write_bytes(export.content)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, quote, UTF-8
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    converted = (tmp_path / "IEEM-2024-avance.csv").read_text(encoding="utf-8")
    assert converted.startswith("ejercicio,mes,area")
    assert "Atención de solicitudes de información pública" in converted


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_dictionary_downloads(fmt: str) -> None:
    export = build_open_dictionary(dataset="avance", fmt=fmt)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
        assert [r["campo"] for r in rows] == DATASETS["avance"].names
        assert all(r["tipo"] and r["descripcion"] for r in rows)
    else:
        body = json.loads(export.content)
        assert body["licence"]["url"] == LICENCE_URL
        assert [f["campo"] for f in body["fields"]] == DATASETS["avance"].names


def test_unpublished_and_bad_arguments(world: World) -> None:
    with pytest.raises(NotPublished):
        build_open_dataset(institution="IECM", year=2024, dataset="avance", fmt="csv")
    with pytest.raises(ValueError, match="Conjunto de datos desconocido"):
        build_open_dataset(institution="IEEM", year=2024, dataset="usuarios", fmt="csv")
    with pytest.raises(ValueError, match="Formato desconocido"):
        build_open_dataset(institution="IEEM", year=2024, dataset="avance", fmt="pdf")


def test_download_response_headers(anon, world: World) -> None:
    response = anon.get("/datos/IEEM/2024/descargas/programa.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="IEEM-2024-programa.xlsx"' in response["Content-Disposition"]

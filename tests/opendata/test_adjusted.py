"""Open data publishes the original (version 1) targets beside the ones in force, and says
which version the figures use. The program is approved and adjusted through the services
(``approve_and_adjust``); every expected number is written here by hand from the demo's
calendar (010101: 340 a month, 330 in November and December, 4,060 a year) and the
adjustments (January 350, May 370, 4,100 a year; the Fin indicator 90 → 92)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from rumbo.adjustments.services import Proposal, adjustment_approve, adjustment_request
from rumbo.audit.services import Actor
from rumbo.opendata.datasets import DATASETS
from rumbo.opendata.exports import build_open_dataset
from rumbo.programs.models import ProgramNode

from .conftest import World, approve_and_adjust

pytestmark = pytest.mark.django_db

LABEL = (
    "Metas de la versión 3 del programa (aprobado con el acuerdo IEEM/CG/01/2024 del "
    "09/01/2024), vigente desde el 03/06/2024."
)
NOT_APPROVED = "Metas del programa en formulación: aún sin versión aprobada."
MONTHS = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]
ORIGINAL_010101 = ["340"] * 10 + ["330"] * 2
ADJUSTED_010101 = ["350", "340", "340", "340", "370", "340", "340", "340", "340", "340"]
ADJUSTED_010101 += ["330", "330"]


@pytest.fixture
def adjusted(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    approve_and_adjust(world.demo, monkeypatch)
    return world


def _csv(dataset: str) -> list[dict[str, str]]:
    export = build_open_dataset(institution="IEEM", year=2024, dataset=dataset, fmt="csv")
    return list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))


def _json(dataset: str) -> dict:
    export = build_open_dataset(institution="IEEM", year=2024, dataset=dataset, fmt="json")
    return json.loads(export.content)


def _xlsx(dataset: str):  # type: ignore[no-untyped-def]
    export = build_open_dataset(institution="IEEM", year=2024, dataset=dataset, fmt="xlsx")
    return load_workbook(io.BytesIO(export.content))


def _sheet_rows(wb, name: str) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    rows = list(wb[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


# --------------------------------------------------------------------------------------
# The dictionary: new fields at the end, old ones untouched


def test_the_new_fields_come_last_and_the_old_keep_their_order() -> None:
    program = DATASETS["programa"].names
    assert program[:22] == [
        "ejercicio",
        "nodo_clave",
        "nodo_nombre",
        "ruta",
        "area",
        "actividad_clave",
        "actividad",
        "unidad_medida",
        "meta_anual",
        *[f"prog_{m}" for m in MONTHS],
        "beneficiarios",
    ]
    assert program[22:] == [
        "meta_anual_original",
        *[f"prog_{m}_original" for m in MONTHS],
        "version",
        "simulado",  # the calendar came from a cronograma with simulated months
    ]
    assert DATASETS["avance"].names[-4:] == [
        "simulado",
        "programado_mes_original",
        "programado_acumulado_original",
        "version",
    ]
    assert DATASETS["indicadores"].names[-4:] == [
        "simulado",
        "meta_anual_original",
        "meta_periodo_original",
        "version",
    ]
    described = {f.name: f.description for f in DATASETS["programa"].fields}
    assert described["meta_anual_original"].startswith(
        "Meta anual aprobada originalmente (versión 1 del programa)"
    )


# --------------------------------------------------------------------------------------
# programa


def test_program_csv_has_original_and_adjusted_and_the_version(adjusted: World) -> None:
    rows = {r["actividad_clave"]: r for r in _csv("programa")}
    full = rows["010101"]
    assert full["meta_anual"] == "4100" and full["meta_anual_original"] == "4060"
    assert [full[f"prog_{m}"] for m in MONTHS] == ADJUSTED_010101
    assert [full[f"prog_{m}_original"] for m in MONTHS] == ORIGINAL_010101
    assert full["version"] == "3"
    # untouched: original equals the target in force; a month unknown stays unknown
    missing = rows["010103"]
    assert missing["meta_anual_original"] == missing["meta_anual"] == "12"
    assert missing["prog_may_original"] == missing["prog_may"] == ""
    assert rows["010102"]["prog_mar_original"] == "0.25"
    assert {r["version"] for r in rows.values()} == {"3"}


def test_program_json_metadata_names_the_version(adjusted: World) -> None:
    body = _json("programa")
    meta = body["metadata"]
    assert meta["version"] == 3
    assert meta["version_label"] == LABEL
    assert meta["version_since"] == "2024-06-03"
    full = next(r for r in body["data"] if r["actividad_clave"] == "010101")
    assert (full["meta_anual"], full["meta_anual_original"]) == (4100, 4060)
    assert (full["prog_ene"], full["prog_ene_original"]) == (350, 340)
    assert (full["prog_may"], full["prog_may_original"]) == (370, 340)
    assert full["prog_dic_original"] == 330
    assert full["version"] == 3


def test_program_xlsx_has_the_fields_and_the_version_row(adjusted: World) -> None:
    wb = _xlsx("programa")
    full = next(r for r in _sheet_rows(wb, "Datos") if r["actividad_clave"] == "010101")
    assert (full["meta_anual"], full["meta_anual_original"]) == (4100, 4060)
    assert (full["prog_may"], full["prog_may_original"]) == (370, 340)
    assert full["version"] == 3
    info = {r[0]: r[1] for r in wb["Licencia"].iter_rows(values_only=True)}
    assert info["Versión de las metas"] == LABEL
    dictionary = [r["campo"] for r in _sheet_rows(wb, "Diccionario")]
    assert dictionary[-2:] == ["version", "simulado"] and "prog_may_original" in dictionary


def test_an_activity_added_after_the_approval_has_no_original(
    adjusted: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = adjusted.demo
    request = adjustment_request(
        actor=Actor.for_user(demo.users["enlace_se"]),
        program=demo.program,
        proposal=Proposal(
            kind="alta",
            key="010105",
            node=ProgramNode.objects.get(program=demo.program, key="0101"),
            description="Informe especial",
            unit="Reporte",
            annual_target="2",
            monthly_targets=[0] * 11 + [2],
        ),
        justification="Informe pedido por el Consejo.",
    )
    adjustment_approve(actor=Actor.for_user(demo.users["planeacion"]), adjustment=request)
    rows = {r["actividad_clave"]: r for r in _csv("programa")}
    added = rows["010105"]
    assert (added["meta_anual"], added["prog_dic"]) == ("2", "2")
    assert added["meta_anual_original"] == "" and added["prog_dic_original"] == ""
    assert added["version"] == "4"
    assert rows["010101"]["meta_anual_original"] == "4060"


# --------------------------------------------------------------------------------------
# avance


def test_progress_has_the_original_programmed(adjusted: World) -> None:
    rows = {(r["actividad_clave"], r["mes"]): r for r in _csv("avance")}
    # SE's January is the only official month (approved again after the adjustment).
    january = rows[("010101", "1")]
    assert (january["programado_mes"], january["programado_mes_original"]) == ("350", "340")
    assert (january["programado_acumulado"], january["programado_acumulado_original"]) == (
        "350",
        "340",
    )
    assert january["alcanzado_acumulado"] == "300"
    assert january["cumplimiento"] == "85.71"  # 300 / 350: the target in force grades
    assert january["version"] == "3"
    fraction = rows[("010102", "1")]
    assert fraction["programado_mes_original"] == fraction["programado_mes"] == "0"
    body = _json("avance")
    assert body["metadata"]["version"] == 3 and body["metadata"]["version_label"] == LABEL
    row = next(r for r in body["data"] if r["actividad_clave"] == "010101")
    assert (row["programado_acumulado"], row["programado_acumulado_original"]) == (350, 340)
    wb = _xlsx("avance")
    row = next(r for r in _sheet_rows(wb, "Datos") if r["actividad_clave"] == "010101")
    assert (row["programado_mes"], row["programado_mes_original"], row["version"]) == (
        350,
        340,
        3,
    )


# --------------------------------------------------------------------------------------
# indicadores


def test_indicators_have_original_and_adjusted_metas(adjusted: World) -> None:
    fin = adjusted.demo.design.ind_fin.name
    c1 = adjusted.demo.design.ind_c1.name
    rows = _csv("indicadores")
    fin_row = next(r for r in rows if r["indicador"] == fin)
    assert (fin_row["meta_anual"], fin_row["meta_anual_original"]) == ("92", "90")
    assert (fin_row["meta_periodo"], fin_row["meta_periodo_original"]) == ("92", "90")
    assert fin_row["version"] == "3"
    c1_rows = [r for r in rows if r["indicador"] == c1]
    assert [(r["meta_periodo"], r["meta_periodo_original"]) for r in c1_rows] == [
        ("80", "80"),
        ("85", "85"),
        ("90", "90"),
        ("95", "95"),
    ]
    assert {r["meta_anual_original"] for r in c1_rows} == {""}  # quarterly: no annual meta
    body = _json("indicadores")
    assert body["metadata"]["version"] == 3
    row = next(r for r in body["data"] if r["indicador"] == fin)
    assert (row["meta_anual"], row["meta_anual_original"]) == (92, 90)
    wb = _xlsx("indicadores")
    row = next(r for r in _sheet_rows(wb, "Datos") if r["indicador"] == fin)
    assert (row["meta_periodo"], row["meta_periodo_original"], row["version"]) == (92, 90, 3)


# --------------------------------------------------------------------------------------
# Never approved


@pytest.mark.parametrize("dataset", [d for d in DATASETS if "version" in DATASETS[d].names])
def test_a_program_never_approved_publishes_empty_originals(world: World, dataset: str) -> None:
    original = [n for n in DATASETS[dataset].names if n.endswith("_original")]
    rows = _csv(dataset)
    assert rows
    assert {r[n] for r in rows for n in [*original, "version"]} == {""}
    body = _json(dataset)
    assert body["metadata"]["version"] is None
    assert body["metadata"]["version_since"] is None
    assert body["metadata"]["version_label"] == NOT_APPROVED
    assert {r[n] for r in body["data"] for n in [*original, "version"]} == {None}
    info = {r[0]: r[1] for r in _xlsx(dataset)["Licencia"].iter_rows(values_only=True)}
    assert info["Versión de las metas"] == NOT_APPROVED


def test_the_program_in_force_is_still_published_before_approval(world: World) -> None:
    full = next(r for r in _csv("programa") if r["actividad_clave"] == "010101")
    assert full["meta_anual"] == "4060" and full["prog_ene"] == "340"


# --------------------------------------------------------------------------------------
# Pages and API


def test_pages_say_the_version_and_show_orig_beside_an_adjusted_target(
    anon, adjusted: World
) -> None:
    for url in ("", "avance/", "indicadores/", "descargas/"):
        page = anon.get(f"/datos/IEEM/2024/{url}").content.decode()
        assert LABEL in page, url
    page = anon.get("/datos/IEEM/2024/").content.decode()
    row = page.split('data-activity="010101"')[1].split("</tr>")[0]
    assert "4,100" in row and "orig. 4,060" in row
    assert "orig. 340" in row  # January and May
    assert row.count("orig.") == 3  # the annual target, January, May: nothing else
    untouched = page.split('data-activity="010102"')[1].split("</tr>")[0]
    assert "orig." not in untouched
    indicators = anon.get("/datos/IEEM/2024/indicadores/").content.decode()
    assert "orig. 90" in indicators
    assert indicators.count("orig. ") == 2  # the Fin's annual meta and its only period


def test_pages_of_a_program_never_approved(anon, world: World) -> None:
    for url in ("", "avance/", "indicadores/", "descargas/"):
        page = anon.get(f"/datos/IEEM/2024/{url}").content.decode()
        assert NOT_APPROVED in page, url
        assert "orig. " not in page, url


def test_the_open_api_carries_originals_and_version(anon, adjusted: World) -> None:
    base = "/api/v1/open/institutions/IEEM/programs/2024"
    program = anon.get(base).json()
    assert (program["version"], program["version_label"]) == (3, LABEL)
    assert program["version_since"] == "2024-06-03"
    full = next(a for a in program["activities"] if a["key"] == "010101")
    assert (full["annual_target"], full["original_annual_target"]) == (4100, 4060)
    assert full["original_monthly_targets"] == [int(v) for v in ORIGINAL_010101]
    fin = adjusted.demo.design.ind_fin.pk
    indicators = anon.get(f"{base}/indicators").json()
    assert indicators["version"] == 3
    item = next(i for i in indicators["indicators"] if i["id"] == fin)
    assert (item["annual_target"], item["original_annual_target"]) == (92, 90)
    assert [(p["target"], p["original_target"]) for p in item["periods"]] == [(92, 90)]
    assert anon.get(f"{base}/progress").json()["version_label"] == LABEL
    assert anon.get(f"{base}/datasets").json()["version"] == 3


def test_the_open_api_before_approval(anon, world: World) -> None:
    base = "/api/v1/open/institutions/IEEM/programs/2024"
    program = anon.get(base).json()
    assert program["version"] is None and program["version_label"] == NOT_APPROVED
    assert {a["original_annual_target"] for a in program["activities"]} == {None}
    assert {a["original_monthly_targets"] is None for a in program["activities"]} == {True}

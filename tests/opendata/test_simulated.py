"""Simulated demonstration figures (``rumbo demo``) are labelled on every public face.

The demo loaders flag what they simulate (``AnnualProgram.progress_simulated``,
``Mir.measurements_simulated``); each page that shows those figures carries a visible
banner, each download says so (CSV column, JSON metadata, XLSX notes) and each answer of
the open API has ``simulated``. A program whose figures are real says nothing of the sort
and answers ``"simulated": false``.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from rumbo.indicators.demo import demo_measurements_load
from rumbo.indicators.models import Mir
from rumbo.monitoring.demo import demo_progress_load
from rumbo.opendata.datasets import SIMULATED_NOTE
from rumbo.programs.models import Activity

from .conftest import World
from .test_exposure import API, public_urls

pytestmark = pytest.mark.django_db

YEAR = "/datos/IEEM/2024"
BANNER = SIMULATED_NOTE.split(":")[0]  # «Datos simulados de demostración»
# Each public URL and whether it shows simulated figures once both flags are set. The
# program (its tree and calendar) is real data from the PAA here: it says simulated only
# when a calendar is (see test_a_simulated_calendar_labels_the_program_faces_only).
SAYS_SIMULATED = {
    "/datos/": True,
    "/datos/IEEM/": True,
    f"{YEAR}/": False,
    f"{YEAR}/avance/": True,
    f"{YEAR}/indicadores/": True,
    f"{YEAR}/descargas/": True,
    **{f"{YEAR}/descargas/programa.{f}": False for f in ("csv", "json", "xlsx")},
    # the budget has no simulated flag (the demo's partidas say it in their names)
    **{f"{YEAR}/descargas/presupuesto.{f}": False for f in ("csv", "json", "xlsx")},
    **{
        f"{YEAR}/descargas/{d}.{f}": True
        for d in ("avance", "indicadores")
        for f in ("csv", "json", "xlsx")
    },
    **{
        f"/datos/diccionario/{d}.{f}": False
        for d in ("programa", "avance", "indicadores", "presupuesto")
        for f in ("csv", "json")
    },
    API: True,
    f"{API}/IEEM": True,
    f"{API}/IEEM/programs/2024": True,
    f"{API}/IEEM/programs/2024/progress": True,
    f"{API}/IEEM/programs/2024/indicators": True,
    f"{API}/IEEM/programs/2024/datasets": True,
    "/datos/comparativo/2024/": True,  # the banner names the institutions
}
# The comparison's API answer has a fixed public shape ({"year", "institutions": [{"code",
# "name", "months"}]}) with no «simulated»; its page says it.
WITHOUT_FLAG = {"/api/v1/open/comparison/2024"}


@pytest.fixture
def simulated(world: World) -> World:
    """The published world after ``rumbo demo``'s loaders ran on it: they find the captures
    and measurements already there (as after an earlier run) and flag them."""
    demo = world.demo
    users = demo.users
    demo_progress_load(
        program=demo.program, capturer=users["planeacion"], reviewer=users["revisor"]
    )
    demo_measurements_load(
        design=demo.design.design, capturer=users["planeacion"], reviewer=users["revisor"]
    )
    return world


def says_simulated(url: str, response: Any) -> bool:
    """Whether a public response says its figures are simulated, read the way a person or a
    program reads that face."""
    kind = response["Content-Type"]
    if url.startswith(API):
        body = response.json()
        items = body if isinstance(body, list) else [body]
        assert all(isinstance(item["simulated"], bool) for item in items), url  # always there
        return any(item["simulated"] for item in items)
    if kind.startswith("text/html"):
        return BANNER in response.content.decode() or "datos simulados" in response.content.decode()
    if kind.startswith("text/csv"):
        text = response.content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        if "simulado" not in (rows[0] if rows else {}):
            return False
        return all(r["simulado"] == "true" for r in rows)
    if kind.startswith("application/json"):
        meta = response.json().get("metadata", {})
        return bool(meta.get("simulated"))
    workbook = load_workbook(io.BytesIO(response.content))
    note = workbook["Datos"]["A1"].comment
    licence = {row[0]: row[1] for row in workbook["Licencia"].iter_rows(values_only=True)}
    assert (note is not None) == ("Datos simulados" in licence), url
    return note is not None and note.text == SIMULATED_NOTE == licence["Datos simulados"]


def test_the_demo_loaders_flag_what_they_simulate(simulated: World) -> None:
    simulated.demo.program.refresh_from_db()
    assert simulated.demo.program.progress_simulated
    assert Mir.objects.get(pk=simulated.demo.design.mir.pk).measurements_simulated


def test_simulated_figures_are_labelled(anon: Client, simulated: World) -> None:
    # a new public URL needs its expectation
    assert set(SAYS_SIMULATED) | WITHOUT_FLAG == set(public_urls())
    answers = {url: anon.get(url) for url in SAYS_SIMULATED}
    assert {url for url, r in answers.items() if r.status_code != 200} == set()
    wrong = {
        url: says_simulated(url, r)
        for url, r in answers.items()
        if says_simulated(url, r) is not SAYS_SIMULATED[url]
    }
    assert wrong == {}


def test_real_figures_are_not_labelled_and_say_so(anon: Client, world: World) -> None:
    """No banner, and the machine-readable faces say ``false`` explicitly."""
    answers = {url: anon.get(url) for url in SAYS_SIMULATED}
    assert {url for url, r in answers.items() if r.status_code != 200} == set()
    assert {url for url, r in answers.items() if says_simulated(url, r)} == set()
    for dataset in ("programa", "avance", "indicadores"):
        meta = answers[f"{YEAR}/descargas/{dataset}.json"].json()["metadata"]
        assert (meta["simulated"], meta["simulated_note"]) == (False, ""), dataset
    for dataset in ("avance", "indicadores"):
        text = answers[f"{YEAR}/descargas/{dataset}.csv"].content.decode("utf-8-sig")
        assert {r["simulado"] for r in csv.DictReader(io.StringIO(text))} == {"false"}, dataset


def test_the_banner_is_visible_on_the_pages(anon: Client, simulated: World) -> None:
    for page in ("avance", "indicadores", "descargas"):
        html = anon.get(f"{YEAR}/{page}/").content.decode()
        assert f"<strong>{SIMULATED_NOTE}</strong>" in html, page
    indicators = anon.get(f"{YEAR}/indicadores/").content.decode()
    assert f"Mediciones simuladas: {simulated.demo.design.design.title}." in indicators


def test_each_flag_labels_only_its_own_figures(anon: Client, world: World) -> None:
    """Simulated progress with real measurements: the progress says so, the indicators not."""
    world.demo.program.progress_simulated = True
    world.demo.program.save()
    assert BANNER in anon.get(f"{YEAR}/avance/").content.decode()
    assert BANNER not in anon.get(f"{YEAR}/indicadores/").content.decode()
    assert anon.get(f"{API}/IEEM/programs/2024/progress").json()["simulated"] is True
    indicators = anon.get(f"{API}/IEEM/programs/2024/indicators").json()
    assert indicators["simulated"] is False
    assert {i["simulated"] for i in indicators["indicators"]} == {False}
    datasets = anon.get(f"{API}/IEEM/programs/2024/datasets").json()
    assert {d["slug"]: d["simulated"] for d in datasets["datasets"]} == {
        "programa": False,
        "avance": True,
        "indicadores": False,
        "presupuesto": False,
    }
    body = json.loads(anon.get(f"{YEAR}/descargas/indicadores.json").content)
    assert body["metadata"]["simulated"] is False and body["metadata"]["simulated_note"] == ""
    assert {r["simulado"] for r in body["data"]} == {False}


def test_a_simulated_calendar_labels_the_program_faces_only(anon: Client, world: World) -> None:
    """Calendars a cronograma with simulated months gave (``Activity.calendar_simulated``):
    the program page, the programa downloads and the program's API answer say so; the
    progress and indicators, real here, do not."""
    Activity.objects.filter(program=world.demo.program).update(calendar_simulated=True)
    labelled = {
        url: says_simulated(url, anon.get(url))
        for url in (
            f"{YEAR}/",
            *(f"{YEAR}/descargas/programa.{f}" for f in ("csv", "json", "xlsx")),
            f"{YEAR}/avance/",
            f"{YEAR}/indicadores/",
            f"{API}/IEEM/programs/2024",
            "/datos/IEEM/",
        )
    }
    assert labelled == {
        f"{YEAR}/": True,
        **{f"{YEAR}/descargas/programa.{f}": True for f in ("csv", "json", "xlsx")},
        f"{YEAR}/avance/": False,
        f"{YEAR}/indicadores/": False,
        f"{API}/IEEM/programs/2024": True,
        "/datos/IEEM/": True,
    }
    page = anon.get(f"{YEAR}/").content.decode()
    assert "Calendario simulado</span>" in page
    activities = anon.get(f"{API}/IEEM/programs/2024").json()["activities"]
    assert activities and {a["calendar_simulated"] for a in activities} == {True}
    datasets = anon.get(f"{API}/IEEM/programs/2024/datasets").json()
    assert {d["slug"]: d["simulated"] for d in datasets["datasets"]} == {
        "programa": True,
        "avance": False,
        "indicadores": False,
        "presupuesto": False,
    }


def test_a_real_calendar_says_false_in_the_programa_rows(anon: Client, world: World) -> None:
    text = anon.get(f"{YEAR}/descargas/programa.csv").content.decode("utf-8-sig")
    assert {r["simulado"] for r in csv.DictReader(io.StringIO(text))} == {"false"}
    activities = anon.get(f"{API}/IEEM/programs/2024").json()["activities"]
    assert {a["calendar_simulated"] for a in activities} == {False}

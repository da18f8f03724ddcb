"""Dashboard pages: who sees them, the numbers on known data, charts equal to their tables,
and a constant number of queries whatever the size of the program."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from bench.synthetic import synthetic_program, synthetic_progress
from rumbo.core.numbers import parse_number
from rumbo.institutions.models import Institution, Membership, Role
from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry
from rumbo.programs.models import Activity
from tests.conftest import PERSONAS
from tests.factories import Demo

pytestmark = pytest.mark.django_db

D = Decimal


class Cells(HTMLParser):
    """(table id, row key, data-col) → cell text, for the cells marked with data-col."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str, str], str] = {}
        self.table = self.row = ""
        self.col: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.table = a.get("id") or ""
        elif tag == "tr":
            self.row = a.get("data-month") or a.get("data-light") or a.get("data-area") or ""
        elif tag == "td" and a.get("data-col"):
            self.col, self.text = a["data-col"], []

    def handle_data(self, data: str) -> None:
        if self.col is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.col is not None:
            self.cells[(self.table, self.row, self.col)] = " ".join("".join(self.text).split())
            self.col = None


def _cells(html: str) -> dict[tuple[str, str, str], str]:
    parser = Cells()
    parser.feed(html)
    return parser.cells


def _chart(html: str) -> dict:
    match = re.search(r'<script id="tablero-datos" type="application/json">(.*?)</script>', html)
    assert match, "the chart data block is missing"
    return json.loads(match.group(1))


def _number(text: str) -> float | None:
    """A table cell as a number: '1,026.25' → 1026.25, '—' → None."""
    if text == "—":
        return None
    value = parse_number(text.removesuffix("%").strip())
    assert value is not None, text
    return float(value)


@pytest.fixture
def known(demo: Demo) -> Demo:
    for month, achieved in [(1, 340), (2, 340), (3, 300)]:
        ProgressEntry.objects.create(activity=demo.activity_full, month=month, achieved=achieved)
    for month, achieved in [(1, 1), (2, 1), (3, "0.6")]:
        ProgressEntry.objects.create(
            activity=demo.activity_mismatch, month=month, achieved=D(achieved)
        )
    ProgressEntry.objects.create(activity=demo.activity_fraction, month=3, achieved=0)
    PeriodReport.objects.create(
        program=demo.program,
        area=demo.area_se,
        month=3,
        state=PeriodState.RETURNED,
        comment="Falta la evidencia de marzo.",
    )
    return demo


def _url(name: str, *args: object, month: int | None = 3) -> str:
    url = reverse(f"web:{name}", args=["IEEM", 2024, *args])
    return f"{url}?mes={month}" if month else url


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_member_sees_every_dashboard(known, as_user, persona):
    client = as_user(persona)
    for url in (
        _url("dashboard"),
        _url("dashboard_area", "DO"),  # an Enlace of SE sees the other areas too
        _url("dashboard_node", known.subprogram.pk),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Tablero de seguimiento" in response.content.decode()


def test_others_may_not(known, client, as_user):
    response = client.get(_url("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert as_user("ajeno").get(_url("dashboard")).status_code == 403


def test_unknown_program_area_or_node_is_404(known, as_user):
    client = as_user("consulta")
    assert client.get(reverse("web:dashboard", args=["IEEM", 2031])).status_code == 404
    assert client.get(_url("dashboard_area", "XX")).status_code == 404
    assert client.get(_url("dashboard_node", 999_999)).status_code == 404
    other = known.other_institution
    assert client.get(reverse("web:dashboard", args=[other.code, 2024])).status_code == 403


def test_numbers_on_known_data(known, as_user):
    """March, SE's capture returned (months 1–2 never captured: preliminary), DO's not
    captured (pending). SE: full 980 of 1,020 = 96.08 % (verde), mismatch 2.6 of 3 =
    86.67 % (amarillo), fraction 0 of 0.25 = 0 % (rojo), missing nothing typed while SE
    captured March: 0 of 3 = 0 % (rojo); DO's otra is pending (gris)."""
    html = as_user("revisor").get(_url("dashboard")).content.decode()
    cells = _cells(html)
    assert [
        cells[("tabla-semaforo", k, "count")] for k in ("verde", "amarillo", "rojo", "gris")
    ] == ["1", "1", "2", "1"]
    # (96.08 + 86.67 + 0 + 0) / 4 = 45.6875 → 45.69; on track 1 of 4 graded = 25 %.
    assert re.search(r'data-kpi="average_compliance">\s*45\.69 %', html)
    assert re.search(r'data-kpi="on_track">\s*25 %', html)
    # Year-end against the annual target at the current pace: full 980 × 4,060 / 1,020 of
    # 4,060 = 96.08; mismatch 2.6 × 11 / 3 of 12 = 79.44; fraction and missing 0 →
    # 175.52 / 4 = 43.88.
    assert re.search(r'data-kpi="projection">\s*43\.88 %', html)
    assert re.search(r'data-kpi="state-preliminar">\s*<a [^>]*>4</a>', html)
    assert re.search(r'data-kpi="state-pendiente">\s*<a [^>]*>1</a>', html)
    # The calendar's pace in March over the four known activities: (1,020/4,060 = 25.12 +
    # 0.25/1 = 25 + 3/11 = 27.27 + 3/11 = 27.27) / 4 = 26.165 → 26.17; achieved: (980/4,060
    # = 24.14 + 0 + 0 + 2.6/11 = 23.64) / 4 = 11.945 → 11.95.
    assert cells[("tabla-acumulada", "3", "expected_share")] == "26.17 %"
    assert cells[("tabla-acumulada", "3", "achieved_share")] == "11.95 %"
    assert cells[("tabla-acumulada", "3", "average_compliance")] == "45.69 %"
    assert cells[("tabla-acumulada", "1", "achieved_share")] == "—"  # January: pending
    assert cells[("tabla-acumulada", "4", "achieved_share")] == "—"
    # December at each activity's pace over its calendar: full 980 + 0.9608 × 3,040 =
    # 3,900.832 / 4,060 = 96.08; mismatch 2.6 + 0.8667 × 8 = 9.5336 / 11 = 86.67; fraction
    # and missing 0 → 182.75 / 4 = 45.6875 → 45.69.
    assert cells[("tabla-acumulada", "12", "projected_share")] == "45.69 %"
    assert cells[("tabla-areas", "SE", "completeness")] == "70 % (7 de 10)"
    assert cells[("tabla-areas", "SE", "average_compliance")] == "45.69 %"
    assert "Falta la evidencia de marzo." in html  # the returned capture is listed
    # Colour is never the only cue: every light is named.
    for label in ("Verde", "Amarillo", "Rojo", "Gris"):
        assert f"</span> {label}</th>" in html
    # Every count links to its activities.
    drill = reverse("web:progress_activities", args=["IEEM", 2024])
    assert re.search(re.escape(drill) + r"\?mes=3&(amp;)?semaforo=rojo", html)


def test_simulated_calendars_and_the_programs_own_level_name(known, as_user):
    page = as_user("consulta").get(_url("dashboard")).content.decode()
    assert "Calendarios simulados" not in page
    assert "Semáforo y cumplimiento por subprograma" in page  # IEEM's level names
    Activity.objects.filter(pk=known.activity_full.pk).update(calendar_simulated=True)
    known.program.level_names = ["Programa", "Actividad institucional", "Acción"]
    known.program.save(update_fields=["level_names"])
    page = as_user("consulta").get(_url("dashboard")).content.decode()
    assert "Calendarios simulados: 1 de las 5 actividades tiene meses simulados." in page
    assert "Semáforo y cumplimiento por programa" in page
    assert '<th scope="col">Programa</th>' in page and "Subprograma" not in page


@pytest.mark.parametrize("name", ["dashboard", "dashboard_area", "dashboard_node"])
def test_chart_json_equals_the_tables(known, as_user, name):
    args = {"dashboard": [], "dashboard_area": ["SE"], "dashboard_node": [known.subprogram.pk]}
    html = as_user("consulta").get(_url(name, *args[name])).content.decode()
    chart, cells = _chart(html), _cells(html)
    cols = ("expected_share", "achieved_share", "average_compliance", "on_track",
            "projected_share")  # fmt: skip
    for i, month in enumerate(range(1, 13)):
        for col in cols:
            assert chart[col][i] == _number(cells[("tabla-acumulada", str(month), col)])
    lights = dict(zip(chart["lights"]["keys"], chart["lights"]["counts"], strict=True))
    assert lights == {k: int(cells[("tabla-semaforo", k, "count")]) for k in lights}
    assert chart["lights"]["labels"] == ["Verde", "Amarillo", "Rojo", "Gris"]
    assert any(v is not None for v in chart["achieved_share"])  # not vacuous


def test_charts_are_hidden_from_screen_readers_and_captioned(known, as_user):
    html = as_user("consulta").get(_url("dashboard")).content.decode()
    canvases = re.findall(r"<canvas[^>]*>", html)
    assert len(canvases) == 2 and all('aria-hidden="true"' in c for c in canvases)
    assert html.count("<figcaption>") == 2
    assert "vendor/chartjs-4.6.1/chart.umd.min.js" in html


def test_month_choice(known, as_user):
    client = as_user("consulta")
    cells = _cells(client.get(_url("dashboard", month=2)).content.decode())
    assert cells[("tabla-acumulada", "3", "achieved_share")] == "—"
    html = client.get(_url("dashboard", month=None) + "?mes=13").content.decode()
    assert "El mes debe ser un número del 1 al 12" in html


def test_default_month_is_the_last_opened_window(known, as_user, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2024, 3, 20))
    html = as_user("consulta").get(_url("dashboard", month=None)).content.decode()
    assert '<option value="2" selected>' in html
    assert _cells(html)[("tabla-acumulada", "3", "achieved_share")] == "—"


def _count(client, url: str, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(40) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_constant_queries_for_small_and_large_programs(
    known, as_user, django_assert_max_num_queries
):
    client = as_user("planeacion")
    big = Institution.objects.create(code="SINT", name="Sintética")
    synthetic = synthetic_program(institution=big, activities=600)
    synthetic_progress(program=synthetic.program, months=6)
    Membership.objects.create(user=known.users["planeacion"], institution=big, role=Role.PLANEACION)
    small = _count(client, _url("dashboard"), django_assert_max_num_queries)
    base = ["SINT", 2024]
    large = _count(
        client, reverse("web:dashboard", args=base) + "?mes=6", django_assert_max_num_queries
    )
    assert small == large
    root = synthetic.program.nodes.filter(parent=None).first()
    for name, extra in (
        ("dashboard_area", synthetic.areas[0].code),
        ("dashboard_node", root.pk),
    ):
        small_scope = {"dashboard_area": "SE", "dashboard_node": known.subprogram.pk}[name]
        assert _count(client, _url(name, small_scope), django_assert_max_num_queries) == _count(
            client,
            reverse(f"web:{name}", args=[*base, extra]) + "?mes=6",
            django_assert_max_num_queries,
        )
    print(f"dashboard queries: {small}")

"""The activities behind a progress figure (web:progress_activities): filters, the figures
against values worked out by hand, pending months, malformed input, the CSV, the links
from the monthly report, and a constant number of queries."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from bench.synthetic import synthetic_program, synthetic_progress
from rumbo.institutions.models import Institution, Membership, Role
from rumbo.monitoring.figures import AVERAGE_METHOD
from rumbo.monitoring.models import PeriodState
from rumbo.reports.builders import report_data
from rumbo.reports.render.html import body_context
from tests.factories import (
    ActivityFactory,
    AnnualProgramFactory,
    AreaFactory,
    Demo,
    ProgramNodeFactory,
)
from tests.reports.conftest import add_progress, load_progress, set_state

pytestmark = pytest.mark.django_db

# The page and its CSV: session, user, institution, membership, program, then
# program_figures' eight (nodes, activities with units, targets, entries, captures, band
# overrides, band policy, areas); without ``mes``, one more for the default month.
PAGE_QUERIES = 13
DEFAULT_MONTH_QUERIES = PAGE_QUERIES + 1


class Rows(HTMLParser):
    """Activity key → data-col → cell text, from the rows marked ``data-key``; and every
    link of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, str]] = {}
        self.links: list[str] = []
        self.key: str | None = None
        self.col: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag == "tr":
            self.key = a.get("data-key")
            if self.key:
                self.rows[self.key] = {}
        elif tag in ("td", "th") and self.key and a.get("data-col"):
            self.col, self.text = a["data-col"], []

    def handle_data(self, data: str) -> None:
        if self.col is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.col is not None and self.key:
            self.rows[self.key][self.col] = " ".join("".join(self.text).split())
            self.col = None


def parse(response) -> Rows:
    parser = Rows()
    parser.feed(response.content.decode())
    return parser


def text(response) -> str:
    html = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def url(query: str = "", code: str = "IEEM", year: int = 2024) -> str:
    return reverse("web:progress_activities", args=[code, year]) + query


@pytest.fixture
def drill(demo: Demo) -> Demo:
    """The demo with the report tests' progress (SE approved January–March, DO's March sent),
    plus an amarillo SE activity in a second project and an area (UT) that captured only
    January.

    At March, by hand (programmed to date / achieved to date):
    010101 SE 1,020 / 970 = 95.1 % verde · 010102 SE 0.25 / 0 = 0 % rojo ·
    010103 SE 3 / 1 = 33.33 % rojo · 010104 SE 3 / 0 = 0 % rojo ·
    010201 SE 30 / 25 = 83.33 % amarillo (all SE oficial) ·
    020101 DO 0 / 1 gris sin programación, preliminar · 030101 UT 15 / pendiente, gris sin dato.
    """
    load_progress(demo)
    second = ProgramNodeFactory(
        program=demo.program, parent=demo.subprogram, key="0102", name="Capacitación", order=2
    )
    training = ActivityFactory(
        node=second,
        key="010201",
        description="Cursos de capacitación al personal",
        annual_target=Decimal(120),
        months=[10] * 12,
        order=1,
    )
    add_progress(training, {1: 8, 2: 9, 3: 8})
    ut = AreaFactory(institution=demo.institution, name="Unidad de Transparencia", code="UT")
    sub_ut = ProgramNodeFactory(
        program=demo.program, key="03", name="Unidad de Transparencia", area=ut, order=3
    )
    project_ut = ProgramNodeFactory(
        program=demo.program, parent=sub_ut, key="0301", name="Solicitudes", order=1
    )
    late = ActivityFactory(
        node=project_ut,
        key="030101",
        description="Respuesta a solicitudes de acceso",
        annual_target=Decimal(60),
        months=[5] * 12,
        order=1,
    )
    add_progress(late, {1: 5})
    set_state(demo, ut, 1, PeriodState.APPROVED)
    demo.second_project = second  # type: ignore[attr-defined]
    demo.area_ut = ut  # type: ignore[attr-defined]
    return demo


ALL = ["010101", "010102", "010103", "010104", "010201", "020101", "030101"]
SE = ["010101", "010102", "010103", "010104", "010201"]


def keys(client, query: str) -> list[str]:
    response = client.get(url(query))
    assert response.status_code == 200
    return list(parse(response).rows)


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?mes=3", ALL),
        ("?mes=3&area=SE", SE),
        ("?mes=3&area=DO", ["020101"]),
        ("?mes=3&area=UT", ["030101"]),
        ("?mes=3&semaforo=verde", ["010101"]),
        ("?mes=3&semaforo=amarillo", ["010201"]),
        ("?mes=3&semaforo=rojo", ["010102", "010103", "010104"]),
        ("?mes=3&semaforo=gris", ["020101", "030101"]),
        ("?mes=3&estado=oficial", SE),
        ("?mes=3&estado=preliminar", ["020101"]),
        ("?mes=3&estado=pendiente", ["030101"]),
        ("?mes=1&estado=pendiente", ["020101"]),  # DO never captured January
        ("?mes=1&semaforo=verde&area=UT", ["030101"]),  # 5 of 5 in January
        ("?mes=3&area=SE&semaforo=rojo", ["010102", "010103", "010104"]),
        ("?mes=3&area=SE&semaforo=amarillo&estado=oficial", ["010201"]),
        ("?mes=3&area=DO&semaforo=rojo", []),
        ("?mes=3&semaforo=gris&estado=pendiente", ["030101"]),
    ],
)
def test_each_filter_and_their_combinations(as_user, drill, query, expected):
    assert keys(as_user("consulta"), query) == expected


def test_the_node_filter_takes_the_whole_subtree(as_user, drill):
    client = as_user("consulta")
    assert keys(client, f"?mes=3&nodo={drill.subprogram.pk}") == SE
    assert keys(client, f"?mes=3&nodo={drill.project.pk}") == SE[:4]
    assert keys(client, f"?mes=3&nodo={drill.second_project.pk}") == ["010201"]
    assert keys(client, f"?mes=3&nodo={drill.project.pk}&semaforo=rojo&estado=oficial") == [
        "010102",
        "010103",
        "010104",
    ]
    assert keys(client, f"?mes=3&nodo={drill.subprogram.pk}&area=DO") == []


def test_active_filters_are_chips_that_remove_themselves(as_user, drill):
    response = as_user("consulta").get(url(f"?mes=3&area=SE&semaforo=rojo&nodo={drill.project.pk}"))
    page = text(response)
    assert "Área: SE" in page
    assert "Semáforo: Rojo" in page
    assert "Proyecto 0101: Seguimiento de acuerdos" in page
    links = parse(response).links
    path = url()
    assert f"{path}?mes=3&nodo={drill.project.pk}&semaforo=rojo" in links  # without the area
    assert f"{path}?mes=3&area=SE&nodo={drill.project.pk}" in links  # without the light
    assert f"{path}?mes=3&area=SE&semaforo=rojo" in links  # without the node
    assert f"{path}?mes=3" in links  # remove them all
    assert f"{path}?mes=3&area=SE&nodo={drill.project.pk}&semaforo=rojo&formato=csv" in links


# --- figures ----------------------------------------------------------------------------------

# key: programado en el mes, programado acumulado, alcanzado en el mes, alcanzado acumulado,
# % acumulado, semáforo, estado — worked out by hand at March (see the ``drill`` fixture).
AT_MARCH = {
    "010101": ("340", "1,020", "330", "970", "95.1 %", "Verde", "Oficial"),
    "010102": ("0.25", "0.25", "0", "0", "0 %", "Rojo", "Oficial"),
    "010103": ("1", "3", "0", "1", "33.33 %", "Rojo", "Oficial"),
    "010104": ("1", "3", "0", "0", "0 %", "Rojo", "Oficial"),
    "010201": ("10", "30", "8", "25", "83.33 %", "Amarillo", "Oficial"),
    "020101": ("0", "0", "1", "1", "—", "Gris (sin programación)", "Preliminar"),
    "030101": ("5", "15", "Pendiente", "Pendiente", "—", "Gris (sin dato)", "Pendiente"),
}
COLUMNS = [
    "programmed_month",
    "programmed_to_date",
    "achieved_month",
    "achieved_to_date",
    "percent",
    "light",
    "state",
]


def test_the_figures_equal_the_hand_worked_values(as_user, drill):
    rows = parse(as_user("consulta").get(url("?mes=3"))).rows
    for key, expected in AT_MARCH.items():
        assert tuple(rows[key][c] for c in COLUMNS) == expected, key
    assert rows["010101"]["annual_target"] == "4,060"
    assert rows["010101"]["area"] == "SE"
    assert rows["010101"]["unit"] == "Reporte"
    assert rows["010101"]["description"] == "Atención de solicitudes de información pública"


def test_the_key_links_to_the_activity_page(as_user, drill):
    links = parse(as_user("consulta").get(url("?mes=3&area=UT"))).links
    assert reverse("web:activity", args=["IEEM", 2024, "030101"]) in links


def test_the_summary_of_the_filtered_set(as_user, drill):
    client = as_user("consulta")
    page = text(client.get(url("?mes=3")))
    # 7 activities: verde 1, amarillo 1, rojo 3, gris 2; graded 5; on track 1 ÷ 5 = 20 %;
    # average compliance (95.1 + 0 + 33.33 + 0 + 83.33) ÷ 5 = 42.352 → 42.35 %.
    assert "Resumen de 7 actividades a marzo" in page
    assert re.search(
        r"Verde 1 Amarillo 1 Rojo 3 Gris 2 En meta 20 % Cumplimiento promedio 42.35 %", page
    )
    assert AVERAGE_METHOD in page
    assert "oficial 5 · preliminar 1 · pendiente 1" in page
    page = text(client.get(url("?mes=3&area=SE&semaforo=rojo")))
    # (0 + 33.33 + 0) ÷ 3 = 11.11 %
    assert re.search(
        r"Verde 0 Amarillo 0 Rojo 3 Gris 0 En meta 0 % Cumplimiento promedio 11.11 %", page
    )


def test_a_pending_month_shows_pendiente_and_never_0(as_user, drill):
    row = parse(as_user("consulta").get(url("?mes=3&area=UT"))).rows["030101"]
    assert row["achieved_month"] == row["achieved_to_date"] == "Pendiente"
    assert row["state"] == "Pendiente"
    assert "0" not in row.values()
    # January, which UT did capture, is a number.
    row = parse(as_user("consulta").get(url("?mes=1&area=UT"))).rows["030101"]
    assert (row["achieved_month"], row["achieved_to_date"], row["percent"]) == ("5", "5", "100 %")


def test_without_month_opens_on_the_dashboard_month(as_user, drill):
    page = text(as_user("consulta").get(url()))
    assert "Cifras acumuladas de enero a marzo" in page  # the last month reported


def test_a_program_without_progress_opens_on_a_month_not_zero(as_user, demo, monkeypatch):
    monkeypatch.setattr("rumbo.monitoring.views.progress.dashboard_month", lambda **_: 0)
    response = as_user("consulta").get(url())
    assert response.status_code == 200
    assert "Cifras acumuladas de enero a enero" in text(response)


# --- malformed and unknown parameters ----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("?mes=13", "El mes «13» no es válido: debe ser un número del 1 al 12. Se muestra marzo."),
        ("?mes=0", "El mes «0» no es válido"),
        ("?mes=marzo", "El mes «marzo» no es válido"),
        ("?mes=%D9%A3", "El mes «٣» no es válido"),  # an Arabic-Indic 3 is not a month
        ("?mes=3&area=XX", "No existe el área «XX»; se muestran todas las áreas."),
        ("?mes=3&nodo=abc", "No existe el nivel «abc» en el programa"),
        ("?mes=3&nodo=999999", "No existe el nivel «999999» en el programa"),
        ("?mes=3&semaforo=azul", "El semáforo «azul» no es válido"),
        ("?mes=3&estado=borrador", "El estado «borrador» no es válido"),
        ("?mes=3&formato=pdf", "El formato «pdf» no está disponible (solo csv)."),
        ("?mes=3&formato=csv&semaforo=azul", "El semáforo «azul» no es válido"),
    ],
)
def test_a_malformed_value_is_named_and_its_default_applies(as_user, drill, query, error):
    response = as_user("consulta").get(url(query))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert error in text(response)
    assert list(parse(response).rows) == ALL  # every filter fell back to «all»


def test_a_node_of_another_program_is_not_accepted(as_user, drill):
    other = ProgramNodeFactory(program=AnnualProgramFactory(institution=drill.other_institution))
    response = as_user("consulta").get(url(f"?mes=3&nodo={other.pk}"))
    assert "No existe el nivel" in text(response)
    assert list(parse(response).rows) == ALL


def test_unknown_parameters_are_ignored(as_user, drill):
    response = as_user("consulta").get(url("?mes=3&area=SE&pagina=2&orden=x&semaforo=rojo"))
    assert list(parse(response).rows) == ["010102", "010103", "010104"]
    assert 'role="alert"' not in response.content.decode()


def test_a_long_malformed_value_is_shortened_and_escaped(as_user, drill):
    response = as_user("consulta").get(url("?mes=3&area=<script>" + "x" * 100))
    html = response.content.decode()
    assert "<script>x" not in html
    assert "&lt;script&gt;" in html
    assert "x" * 60 not in html


def test_an_unknown_year_is_404(as_user, drill):
    assert as_user("consulta").get(url(year=2031)).status_code == 404


# --- CSV --------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the accents
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_has_the_same_rows_as_plain_numbers(as_user, drill):
    response = as_user("consulta").get(url("?mes=3&area=SE&semaforo=rojo&formato=csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="IEEM-avance-actividades-2024-03.csv"'
    )
    header, *rows = read_csv(response)
    assert header == [
        "Clave",
        "Descripción",
        "Área",
        "Unidad de medida",
        "Meta anual",
        "Programado en el mes",
        "Programado acumulado",
        "Alcanzado en el mes",
        "Alcanzado acumulado",
        "% acumulado",
        "Semáforo",
        "Estado de la cifra",
    ]
    assert [r[0] for r in rows] == ["010102", "010103", "010104"]
    assert rows[0] == [
        "010102",
        "Elaboración del informe anual de actividades",
        "SE",
        "Reporte",
        "1",
        "0.25",
        "0.25",
        "0",
        "0",
        "0",
        "Rojo",
        "Oficial",
    ]
    assert rows[1][4:] == ["12", "1", "3", "0", "1", "33.33", "Rojo", "Oficial"]


def test_the_csv_numbers_do_not_use_thousands_separators(as_user, drill):
    rows = read_csv(as_user("consulta").get(url("?mes=3&formato=csv")))
    by_key = {r[0]: r for r in rows[1:]}
    assert list(by_key) == ALL
    assert by_key["010101"][4:] == ["4060", "340", "1020", "330", "970", "95.1", "Verde", "Oficial"]
    # pending: empty cells and the state says so (never 0)
    assert by_key["030101"][4:] == ["60", "5", "15", "", "", "", "Gris (sin dato)", "Pendiente"]


def test_the_csv_neutralises_spreadsheet_formulas(as_user, drill):
    dangerous = ['=HYPERLINK("http://x.example","y")', "+1+2", "-3", "@SUM(A1)", "\tTab", "\rCR"]
    for i, description in enumerate(dangerous):
        ActivityFactory(
            node=drill.second_project, key=f"0102{i + 2:02d}", description=description, order=i
        )
    ActivityFactory(node=drill.second_project, key="=1+1", description="Normal", order=9)
    rows = read_csv(as_user("consulta").get(url("?mes=3&area=SE&formato=csv")))
    description = {r[0]: r[1] for r in rows[1:]}
    assert [description[f"0102{i + 2:02d}"] for i in range(len(dangerous))] == [
        '\'=HYPERLINK("http://x.example","y")',
        "'+1+2",
        "-3",  # a plain number runs nothing: left as it is (core.exportfile.spreadsheet_safe)
        "'@SUM(A1)",
        "'\tTab",
        "'\rCR",
    ]
    assert description["'=1+1"] == "Normal"  # the key is a text cell too
    assert description["010201"] == "Cursos de capacitación al personal"  # untouched


# --- the monthly report links here --------------------------------------------------------------


def report_links(client, query: str) -> list[str]:
    page = client.get(reverse("web:report", args=["IEEM", "mensual", 2024]) + query)
    assert page.status_code == 200
    return [h for h in parse(page).links if "/avance/actividades/" in h]


def follow(client, href: str) -> list[str]:
    return list(parse(client.get(href.replace("&amp;", "&"))).rows)


def test_the_report_counts_lead_to_exactly_their_activities(as_user, drill):
    client = as_user("consulta")
    links = report_links(client, "?mes=3")
    path = url()
    se_red = f"{path}?mes=3&semaforo=rojo&area=SE"
    assert se_red in links
    assert follow(client, se_red) == ["010102", "010103", "010104"]
    assert follow(client, f"{path}?mes=3&semaforo=amarillo&area=SE") == ["010201"]
    assert follow(client, f"{path}?mes=3&semaforo=gris&area=UT") == ["030101"]
    # the state totals and the grand total
    assert f"{path}?mes=3&semaforo=gris&estado=pendiente" in links
    assert follow(client, f"{path}?mes=3&semaforo=gris&estado=pendiente") == ["030101"]
    assert f"{path}?mes=3&semaforo=rojo" in links
    assert follow(client, f"{path}?mes=3&semaforo=rojo") == ["010102", "010103", "010104"]
    # every link lands on a page without errors whose count is the one linked
    for href in links:
        response = client.get(href)
        assert 'role="alert"' not in response.content.decode(), href


def test_an_area_report_keeps_its_area_in_every_link(as_user, drill):
    client = as_user("consulta")
    links = report_links(client, "?mes=3&area=SE")
    path = url()
    assert links
    assert all(h.startswith(f"{path}?mes=3&area=SE&") for h in links)
    assert follow(client, f"{path}?mes=3&area=SE&semaforo=rojo") == ["010102", "010103", "010104"]
    assert follow(client, f"{path}?mes=3&area=SE&semaforo=rojo&estado=oficial") == [
        "010102",
        "010103",
        "010104",
    ]
    # an area row adds the area again: the same one, the same activities
    assert f"{path}?mes=3&area=SE&semaforo=rojo&area=SE" in links
    assert follow(client, f"{path}?mes=3&area=SE&semaforo=rojo&area=SE") == SE[1:4]


def test_activities_without_area_are_counted_but_not_linked(as_user, drill):
    orphan = ProgramNodeFactory(program=drill.program, key="09", name="Sin área", order=9)
    ActivityFactory(node=orphan, key="090101", months=[1] * 12, order=1)
    client = as_user("consulta")
    page = client.get(reverse("web:report", args=["IEEM", "mensual", 2024]) + "?mes=3")
    html = page.content.decode()
    row = re.search(r'<tr class="[^"]*" data-area="\(sin área\)">.*?</tr>', html, re.S)
    assert row is not None and "1</td>" in row.group(0)
    assert "<a " not in row.group(0)


def test_the_pdf_body_has_no_links(drill):
    report = report_data(kind="monthly", institution="IEEM", year=2024, month=3)
    html = render_to_string(
        "web/reports/pdf.html", {**body_context("monthly", report), "orientation": "landscape"}
    )
    assert "/avance/actividades/" not in html


# --- queries ----------------------------------------------------------------------------------


def test_constant_queries_for_small_and_large_programs(as_user, drill, django_assert_num_queries):
    client = as_user("planeacion")
    big = Institution.objects.create(code="SINT", name="Sintética")
    synthetic = synthetic_program(institution=big, activities=600)
    synthetic_progress(program=synthetic.program, months=6)
    Membership.objects.create(user=drill.users["planeacion"], institution=big, role=Role.PLANEACION)
    client.get(url("?mes=3"))  # warm the content-type cache
    for query in ("?mes=3&area={area}&semaforo=rojo", "?mes=3&formato=csv", "?mes=3"):
        for code, area in (("IEEM", "SE"), ("SINT", synthetic.areas[1].code)):
            with django_assert_num_queries(PAGE_QUERIES):
                assert client.get(url(query.format(area=area), code=code)).status_code == 200
    for code in ("IEEM", "SINT"):
        with django_assert_num_queries(DEFAULT_MONTH_QUERIES):
            assert client.get(url(code=code)).status_code == 200
    big_rows = parse(client.get(url("?mes=6", code="SINT"))).rows
    assert len(big_rows) == 600

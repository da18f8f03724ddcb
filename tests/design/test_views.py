"""Design pages: every role on every page, refused writes write nothing, constant queries."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.design.models import (
    PopulationFigure,
    ProgramDesign,
    Risk,
    ScheduleAction,
    Stakeholder,
    TreeNode,
)
from rumbo.indicators.models import MirRow
from rumbo.programs.models import ProgramNode
from tests.conftest import PERSONAS
from tests.factories import AreaFactory, ProgramNodeFactory

pytestmark = pytest.mark.django_db

EDITORS = ["planeacion", "enlace_se"]
READERS = ["enlace_otra", "revisor", "consulta"]
DESIGN_CONTENT = [Stakeholder, TreeNode, Risk, ScheduleAction, PopulationFigure, ProgramDesign]


def _args(demo, *rest):
    return ["IEEM", demo.design.design.pk, *rest]


def read_urls(demo) -> list[str]:
    return [
        reverse("web:design_list", args=["IEEM"]),
        reverse("web:design", args=_args(demo)),
        reverse("web:design_risks", args=_args(demo)),
        reverse("web:design_schedule", args=_args(demo)),
    ]


def snapshot() -> tuple[int, ...]:
    counts = [model.objects.count() for model in DESIGN_CONTENT]
    return (*counts, AuditEvent.objects.count(), *ProgramDesign.objects.values_list("title"))


def write_urls(demo) -> list[tuple[str, str, dict]]:
    """(method, url, data) of every design write URL on demo.design."""
    design = demo.design.design
    risk = Risk.objects.filter(design=design).first()
    leaf = TreeNode.objects.filter(design=design, children__isnull=True).first()
    stakeholder = Stakeholder.objects.filter(design=design).first()
    assert risk and leaf and stakeholder
    item = lambda name, *a: reverse(f"web:design_item_{name}", args=_args(demo, *a))  # noqa: E731
    return [
        ("get", reverse("web:design_edit", args=_args(demo)), {}),
        ("post", reverse("web:design_edit", args=_args(demo)), {"title": "Otro título"}),
        ("get", item("create", "riesgo"), {}),
        ("post", item("create", "riesgo"), {"risk": "Nuevo", "probability": "3", "impact": "3"}),
        ("get", item("edit", "riesgo", risk.pk), {}),
        (
            "post",
            item("edit", "riesgo", risk.pk),
            {"risk": "Cambiado", "probability": "1", "impact": "1", "treatment": "evitar"},
        ),
        ("get", item("delete", "arbol", leaf.pk), {}),
        ("post", item("delete", "arbol", leaf.pk), {}),
        ("post", item("delete", "involucrado", stakeholder.pk), {}),
        (
            "post",
            item("create", "accion"),
            {"description": "Nueva acción", "months": ["2", "4"]},
        ),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_member_reads_every_page(as_user, demo, persona):
    client = as_user(persona)
    for url in read_urls(demo):
        response = client.get(url)
        assert response.status_code == 200, (persona, url)
    page = client.get(read_urls(demo)[1]).content.decode()
    assert ("Editar datos del diseño" in page) == (persona in EDITORS)
    assert ("Agregar riesgo" in client.get(read_urls(demo)[2]).content.decode()) == (
        persona in EDITORS
    )


def test_another_institution_gets_403_and_anonymous_goes_to_login(client, demo):
    urls = read_urls(demo) + [u for m, u, _ in write_urls(demo) if m == "get"]
    for url in urls:
        assert client.get(url).status_code == 302
        assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(demo.users["ajeno"])
    for url in urls:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", READERS)
def test_readers_may_not_write_and_nothing_is_written(as_user, demo, persona):
    client = as_user(persona)
    before = snapshot()
    for method, url, data in write_urls(demo):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (persona, method, url)
    assert snapshot() == before


@pytest.mark.parametrize("persona", EDITORS)
def test_editors_reach_every_write_url(as_user, demo, persona):
    client = as_user(persona)
    events = AuditEvent.objects.count()
    for method, url, data in write_urls(demo):
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 302), (method, url, response.status_code)
    assert AuditEvent.objects.count() == events + 6  # edit, risk ×2, node, stakeholder, action
    assert ProgramDesign.objects.get(pk=demo.design.design.pk).title == "Otro título"


def test_an_invalid_form_comes_back_with_the_services_messages(as_user, demo):
    client = as_user("enlace_se")
    before = snapshot()
    url = reverse("web:design_item_create", args=_args(demo, "riesgo"))
    response = client.post(url, {"risk": "", "probability": "9", "impact": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Describe el riesgo." in page
    assert "Indica el impacto (1 a 5)." in page
    assert 'aria-invalid="true"' in page
    assert snapshot() == before


def test_unknown_kind_and_an_item_of_another_design_are_404(as_user, demo):
    client = as_user("planeacion")
    assert (
        client.get(reverse("web:design_item_create", args=_args(demo, "nada"))).status_code == 404
    )
    node = ProgramNode.objects.get(program=demo.program, key="02")
    client.post(reverse("web:design_create", args=["IEEM"]), {"node": node.pk, "title": "Otro"})
    other = ProgramDesign.objects.get(node=node)
    risk = Risk.objects.filter(design=demo.design.design).first()
    assert risk is not None
    url = reverse("web:design_item_edit", args=["IEEM", other.pk, "riesgo", risk.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("web:design", args=["IEEM", 999_999])).status_code == 404


# --- creating a design ------------------------------------------------------------------------


def test_who_may_start_a_design(as_user, demo):
    url = reverse("web:design_create", args=["IEEM"])
    do_node = ProgramNode.objects.get(program=demo.program, key="02")
    for persona in ["revisor", "consulta"]:
        assert as_user(persona).get(url).status_code == 403
    page = as_user("planeacion").get(url).content.decode()
    assert "02 Dirección de Organización" in page and "01 Secretaría" not in page
    # The SE liaison: SE already has its design and DO is not theirs.
    client = as_user("enlace_se")
    assert "No hay niveles del programa sin diseño" in client.get(url).content.decode()
    before = snapshot()
    assert client.post(url, {"node": do_node.pk, "title": "Intruso"}).status_code == 400
    assert snapshot() == before
    # The DO liaison may design the DO subprogram.
    response = as_user("enlace_otra").post(url, {"node": do_node.pk, "title": "Diseño DO"})
    design = ProgramDesign.objects.get(node=do_node)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:design", args=["IEEM", design.pk])
    assert AuditEvent.objects.filter(action="design.create", object_id=design.pk).count() == 1


def test_list_shows_counts_and_the_new_design_button(as_user, demo):
    page = as_user("planeacion").get(reverse("web:design_list", args=["IEEM"])).content.decode()
    row = re.search(r'<tr id="diseno-\d+">(.*?)</tr>', page, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(1))
    assert cells == ["5", "5", "2"]  # MIR rows, indicators, risks
    assert "Ejercicio 2024" in page and "Nuevo diseño" in page
    consulta = as_user("consulta").get(reverse("web:design_list", args=["IEEM"]))
    assert "Nuevo diseño" not in consulta.content.decode()


# --- what the pages show ----------------------------------------------------------------------


def test_design_page_draws_both_trees_and_lists_them(as_user, demo):
    page = as_user("consulta").get(reverse("web:design", args=_args(demo))).content.decode()
    assert page.count('role="img"') == 2
    assert page.count("<title id=") == 2
    for node in TreeNode.objects.filter(design=demo.design.design):
        assert page.count(f'data-node="{node.pk}"') == 1  # drawn once
        assert f'id="nodo-{node.pk}"' in page or node.role == "central"  # and listed
    assert "✓ Elegida" in page
    assert "Estructura orgánica" in page  # a population figure's source
    assert "Agregar causa" not in page  # readers get no edit links


def test_a_cause_added_from_the_tree_is_drawn_in_the_svg(as_user, demo):
    client = as_user("enlace_se")
    core = TreeNode.objects.get(design=demo.design.design, tree="problema", role="central")
    url = reverse("web:design_item_create", args=_args(demo, "arbol"))
    query = f"?arbol=problema&tipo=causa&superior={core.pk}"
    form = client.get(url + query).content.decode()
    assert re.search(r'<option value="causa" selected>', form)
    assert re.search(rf'<option value="{core.pk}" selected>', form)
    response = client.post(
        url + query,
        {"tree": "problema", "role": "causa", "parent": core.pk, "text": "Falta de capacitación"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#arbol-problema")
    node = TreeNode.objects.get(text="Falta de capacitación")
    page = client.get(response["Location"]).content.decode()
    svg = page[page.index('id="arbol-problema"') : page.index('id="arbol-objetivo"')]
    assert f'data-node="{node.pk}"' in svg and ">Falta de capacitación</tspan>" in svg
    assert f'data-from="{node.pk}" data-to="{core.pk}"' in svg


def test_population_figures_print_es_mx_numbers(as_user, demo):
    PopulationFigure.objects.create(
        design=demo.design.design,
        label="Lista nominal",
        value=Decimal("12345678.5"),
        source="INE",
        cutoff="31/12/2023",
    )
    page = as_user("revisor").get(reverse("web:design", args=_args(demo))).content.decode()
    assert "12,345,678.5" in page and "31/12/2023" in page


def test_risk_page_colours_levels_with_text_and_counts_the_heat_map(as_user, demo):
    page = as_user("consulta").get(reverse("web:design_risks", args=_args(demo))).content.decode()
    # Risk 1: probability 4 × impact 3 = 12 Alto; risk 2: 2 × 5 = 10 Alto.
    assert page.count('<span class="risk-level risk-alto">12 · Alto</span>') == 1
    assert page.count('<span class="risk-level risk-alto">10 · Alto</span>') == 1
    cell = re.search(r'data-probability="4" data-impact="3" data-count="(\d)"', page)
    assert cell is not None and cell.group(1) == "1"
    assert re.search(r'data-probability="2" data-impact="5" data-count="1"', page)
    assert len(re.findall(r'data-count="0"', page)) == 23
    first = Risk.objects.filter(design=demo.design.design).first()
    assert f'href="#riesgo-{first.pk}">R1</a>' in page  # type: ignore[union-attr]


def test_schedule_groups_by_component_and_marks_missing_months(as_user, demo):
    design = demo.design.design
    ScheduleAction.objects.create(design=design, order=3, number="3", description="Sin meses")
    ScheduleAction.objects.create(
        design=design,
        order=4,
        number="4",
        description="De la actividad",
        component=demo.design.a11,
        months=[5],
    )
    page = (
        as_user("consulta").get(reverse("web:design_schedule", args=_args(demo))).content.decode()
    )
    assert "Meses no indicados" in page
    groups = re.findall(r'<th scope="colgroup"[^>]*>\s*(.*?)\s*</th>', page, re.S)
    assert groups == [f"Componente C1: {demo.design.c1.summary}", "Sin componente de la MIR"]
    assert page.count('class="month on"') == 12 + 4 + 1
    assert "Sí, mayo" in page
    assert "Meses simulados" not in page and "mes simulado" not in page


def test_simulated_months_are_labelled_as_such(demo, as_user):
    design = demo.design.design
    ScheduleAction.objects.create(
        design=design,
        order=5,
        number="5",
        description="Simulada",
        months=[2, 3],
        months_simulated=True,
    )
    page = (
        as_user("consulta").get(reverse("web:design_schedule", args=_args(demo))).content.decode()
    )
    assert page.count('class="month on simulated"') == 2
    assert "Meses simulados" in page and "□ = mes simulado" in page
    assert "Sí (simulado), febrero" in page


# --- query counts ------------------------------------------------------------------------------

QUERIES = {"design_list": 6, "design": 10, "design_risks": 6, "design_schedule": 6}


def grow(demo, n: int) -> None:
    """n more of everything: designs, stakeholders, tree boxes, risks, actions, MIR rows."""
    design = demo.design.design
    core = TreeNode.objects.get(design=design, tree="problema", role="central")
    for i in range(n):
        Stakeholder.objects.create(
            design=design, actor=f"Actor {i}", power=i % 5 + 1, involvement=2
        )
        parent = TreeNode.objects.create(
            design=design, tree="problema", role="causa", parent=core, text=f"Causa {i}"
        )
        TreeNode.objects.create(
            design=design, tree="problema", role="causa", parent=parent, text=f"Sub {i}"
        )
        Risk.objects.create(design=design, risk=f"R{i}", probability=i % 5 + 1, impact=3)
        row = MirRow.objects.create(
            mir=demo.design.mir, level="componente", code=f"C{i + 9}", summary=f"Componente {i}"
        )
        ScheduleAction.objects.create(
            design=design, description=f"Acción {i}", months=[1, 6], component=row
        )
        PopulationFigure.objects.create(design=design, label=f"P{i}", value=i, source="S")
        area = AreaFactory(institution=demo.institution, code=f"A{i}", name=f"Área {i}")
        node = ProgramNodeFactory(program=demo.program, key=f"9{i}", name=f"Nodo {i}", area=area)
        ProgramDesign.objects.create(node=node, title=f"Diseño {i}")


@pytest.mark.parametrize("extra", [0, 12])
@pytest.mark.parametrize("name", list(QUERIES))
def test_query_counts_do_not_grow_with_data(as_user, demo, django_assert_num_queries, name, extra):
    grow(demo, extra)
    client = as_user("enlace_se")
    args = ["IEEM"] if name == "design_list" else _args(demo)
    url = reverse(f"web:{name}", args=args)
    with django_assert_num_queries(QUERIES[name]):
        response = client.get(url)
    assert response.status_code == 200


def test_a_stale_item_edit_page_is_409_and_writes_nothing(as_user, demo):
    client = as_user("planeacion")
    risk = Risk.objects.filter(design=demo.design.design).order_by("pk").first()
    url = reverse("web:design_item_edit", args=_args(demo, "riesgo", risk.pk))
    page = client.get(url).content.decode()
    assert re.search(r'<input type="hidden" name="version" value="1"', page)
    form = {
        **{k: v for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', page)},
        "risk": risk.risk,
        "cause": risk.cause,
        "effect": risk.effect,
        "probability": risk.probability,
        "impact": risk.impact,
        "treatment": risk.treatment,
        "follow_up": "Lo mío",
        "version": "1",
    }
    Risk.objects.filter(pk=risk.pk).update(follow_up="Guardado por otra persona", version=2)
    stale = client.post(url, form)
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Otra persona guardó este riesgo mientras lo editabas (versión 2" in html
    assert "seguimiento «Guardado por otra persona»" in html
    assert "probabilidad (1–5)" not in html  # only what differs: «3» sent is the stored 3
    assert 'name="version" value="2"' in html
    assert Risk.objects.get(pk=risk.pk).follow_up == "Guardado por otra persona"
    assert not AuditEvent.objects.filter(action="risk.update").exists()
    fresh = client.post(url, {**form, "version": "2"})
    assert fresh.status_code == 302, fresh.content.decode()[:1500]
    stored = Risk.objects.get(pk=risk.pk)
    assert (stored.follow_up, stored.version) == ("Lo mío", 3)

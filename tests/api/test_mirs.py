"""MIR, indicators and program designs through the API: reads, writes, roles, queries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rumbo.design.models import ProgramDesign
from rumbo.indicators.models import Indicator, IndicatorTarget, Mir, MirRow
from rumbo.institutions.models import Area
from tests.factories import Demo, ProgramNodeFactory

MIRS = "/institutions/IEEM/mirs"
DESIGNS = "/institutions/IEEM/designs"
READERS = ["planeacion", "enlace_se", "enlace_otra", "revisor", "consulta"]

ROW_KEYS = {"id", "level", "code", "parent", "summary", "assumptions", "verification", "indicators"}
INDICATOR_KEYS = {
    "id",
    "name",
    "formula",
    "frequency",
    "direction",
    "dimension",
    "baseline",
    "targets",
    "kind",
    "unit",
    "area",
}


def mir_url(demo: Demo) -> str:
    return f"{MIRS}/{demo.design.mir.pk}"


# --- MIR reads ------------------------------------------------------------------------------


def test_mir_detail_of_the_demo_has_the_exact_shape(api, demo: Demo) -> None:
    d = demo.design
    response = api("get", mir_url(demo), user="consulta")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "program", "year", "rows"}
    assert body["id"] == d.mir.pk
    assert body["program"] == "Programa de Seguimiento 2024"
    assert body["year"] == 2024
    # Fin, Propósito, C1 followed by its A1.1, then C2 (order alone would put A1.1 before C2
    # too; the parent link is what keeps it under C1 — see the reordering test).
    assert [r["code"] for r in body["rows"]] == ["F", "P", "C1", "A1.1", "C2"]
    assert [r["level"] for r in body["rows"]] == [
        "fin",
        "proposito",
        "componente",
        "actividad",
        "componente",
    ]
    for row in body["rows"]:
        assert set(row) == ROW_KEYS
        for indicator in row["indicators"]:
            assert set(indicator) == INDICATOR_KEYS
            for target in indicator["targets"]:
                assert set(target) == {"period", "label", "value"}
    fin, _, c1, a11, c2 = body["rows"]
    assert fin == {
        "id": d.fin.pk,
        "level": "fin",
        "code": "F",
        "parent": None,
        "summary": "Contribuir a la certeza institucional mediante el cumplimiento de acuerdos.",
        "assumptions": "El Consejo sesiona con normalidad.",
        "verification": "Actas del Consejo General",
        "indicators": [
            {
                "id": d.ind_fin.pk,
                "name": "Porcentaje de acuerdos cumplidos",
                "formula": "realizadas / programadas * 100",
                "frequency": "anual",
                "direction": "ascendente",
                "dimension": "eficacia",
                "baseline": {"value": 70, "year": 2023},
                "targets": [{"period": 1, "label": "Anual (ene–dic)", "value": 90}],
                "kind": "estrategico",
                "unit": "Porcentaje",
                "area": "SE",
            }
        ],
    }
    assert a11["parent"] == d.c1.pk and c1["parent"] is None
    assert c2["assumptions"] == ""
    assert c2["indicators"][0]["area"] == "DO"
    assert c2["indicators"][0]["baseline"] is None
    assert c1["indicators"][0]["targets"] == [
        {"period": 1, "label": "Trimestre 1 (ene–mar)", "value": 80},
        {"period": 2, "label": "Trimestre 2 (abr–jun)", "value": 85},
        {"period": 3, "label": "Trimestre 3 (jul–sep)", "value": 90},
        {"period": 4, "label": "Trimestre 4 (oct–dic)", "value": 95},
    ]
    assert len(a11["indicators"][0]["targets"]) == 12
    assert a11["indicators"][0]["dimension"] == "eficiencia"


def test_mir_rows_keep_each_componente_with_its_actividades(api, demo: Demo) -> None:
    d = demo.design
    # An actividad of C2 ordered first of all, and an annual meta (period 0) with a decimal.
    MirRow.objects.create(
        mir=d.mir,
        level="actividad",
        parent=d.c2,
        order=0,
        code="A2.1",
        summary="Instalación de casillas.",
    )
    IndicatorTarget.objects.create(indicator=d.ind_c1, period=0, value=Decimal("87.5"))
    body = api("get", mir_url(demo)).json()
    assert [r["code"] for r in body["rows"]] == ["F", "P", "C1", "A1.1", "C2", "A2.1"]
    c1_targets = body["rows"][2]["indicators"][0]["targets"]
    assert c1_targets[0] == {"period": 0, "label": "Meta anual", "value": 87.5}


@pytest.mark.parametrize("user", READERS)
def test_every_member_reads_the_mir(api, demo: Demo, user: str) -> None:
    assert api("get", mir_url(demo), user=user).status_code == 200
    assert api("get", MIRS, user=user).status_code == 200


def test_outsiders_and_unknown_objects(api, demo: Demo) -> None:
    assert api("get", mir_url(demo), user="ajeno").status_code == 403
    assert api("get", MIRS, user="ajeno").status_code == 403
    assert api("get", mir_url(demo), user=None).status_code == 401
    assert api("get", f"/institutions/NADA/mirs/{demo.design.mir.pk}").status_code == 404
    missing = api("get", f"{MIRS}/{demo.design.mir.pk + 1000}")
    assert missing.status_code == 404
    assert missing.json() == {"message": "No existe la MIR."}
    # The MIR exists, but in another institution: 404 for a member of IECM.
    assert (
        api("get", f"/institutions/IECM/mirs/{demo.design.mir.pk}", user="ajeno").status_code == 404
    )


def test_mir_list(api, demo: Demo) -> None:
    body = api("get", MIRS, user="enlace_otra").json()
    assert body == {
        "count": 1,
        "page": 1,
        "page_size": 50,
        "items": [
            {
                "id": demo.design.mir.pk,
                "program": "Programa de Seguimiento 2024",
                "year": 2024,
                "node_key": demo.subprogram.key,
                "area": "SE",
                "rows": 5,
                "indicators": 5,
            }
        ],
    }
    assert api("get", f"{MIRS}?page=2").status_code == 422


def _more_indicators(row: MirRow, area: Area, n: int) -> None:
    for i in range(n):
        indicator = Indicator.objects.create(
            row=row,
            name=f"Indicador extra {i}",
            formula="a / b * 100",
            kind="gestion",
            frequency="trimestral",
            area=area,
        )
        for p in range(1, 5):
            IndicatorTarget.objects.create(indicator=indicator, period=p, value=Decimal(p))


def test_mir_detail_queries_do_not_grow(api, demo: Demo, django_assert_num_queries) -> None:
    # token, institution, grant, mir, rows, indicators (+area), targets
    with django_assert_num_queries(7):
        assert api("get", mir_url(demo)).status_code == 200
    for i in range(5):
        component = MirRow.objects.create(
            mir=demo.design.mir, level="componente", order=10 + i, summary=f"Componente {i}"
        )
        MirRow.objects.create(
            mir=demo.design.mir, level="actividad", parent=component, order=20 + i, summary="x"
        )
    _more_indicators(demo.design.c1, demo.area_se, 6)
    with django_assert_num_queries(7):
        assert len(api("get", mir_url(demo)).json()["rows"]) == 15


def test_mir_list_queries_do_not_grow(api, demo: Demo, django_assert_num_queries) -> None:
    # token, institution, grant, count, page
    with django_assert_num_queries(5):
        assert api("get", MIRS).status_code == 200
    for i in range(4):
        node = ProgramNodeFactory(program=demo.program, area=demo.area_otra)
        design = ProgramDesign.objects.create(node=node, title=f"Diseño {i}")
        Mir.objects.create(design=design)
    with django_assert_num_queries(5):
        assert api("get", MIRS).json()["count"] == 5


# --- program designs ------------------------------------------------------------------------


def test_design_list_and_detail(api, demo: Demo) -> None:
    d = demo.design
    listed = api("get", DESIGNS, user="consulta").json()
    assert listed["count"] == 1
    assert listed["items"] == [
        {
            "id": d.design.pk,
            "title": "Programa de Seguimiento 2024",
            "year": 2024,
            "node_key": demo.subprogram.key,
            "node_name": demo.subprogram.name,
            "area": "SE",
            "mir": d.mir.pk,
        }
    ]
    body = api("get", f"{DESIGNS}/{d.design.pk}", user="revisor").json()
    assert body["problem_statement"] == "Los acuerdos del Consejo General se atienden con retraso."
    assert [
        (s["actor"], s["position"], s["power"], s["involvement"], s["importance"])
        for s in body["stakeholders"]
    ] == [
        ("Consejo General", 5, 5, 4, 5),
        ("Direcciones", 3, 2, 3, 4),
    ]
    problem = body["trees"]["problema"]
    assert len(problem) == 1 and problem[0]["role"] == "central"
    assert problem[0]["text"] == "Acuerdos atendidos con retraso"
    by_role = {c["role"]: c for c in problem[0]["children"]}
    assert by_role["causa"]["text"] == "Sin seguimiento sistemático"
    assert by_role["causa"]["children"] == [
        {
            "id": by_role["causa"]["children"][0]["id"],
            "role": "causa",
            "text": "Sin seguimiento sistemático (detalle)",
            "children": [],
        }
    ]
    assert by_role["efecto"]["children"] == []
    assert body["trees"]["objetivo"][0]["text"] == "Acuerdos atendidos en plazo"
    assert body["alternatives"][0]["actions"] == ["Diseñar el tablero", "Capacitar a las áreas"]
    assert [a["chosen"] for a in body["alternatives"]] == [True, False]
    assert body["population"][0]["value"] == 13
    assert body["population"][0]["source"] == "Estructura orgánica"
    assert [(r["probability"], r["impact"], r["level"]) for r in body["risks"]] == [
        (4, 3, {"score": 12, "slug": "alto", "label": "Alto"}),
        (2, 5, {"score": 10, "slug": "alto", "label": "Alto"}),
    ]
    assert [(s["number"], s["months"], s["component"]) for s in body["schedule"]] == [
        ("1", list(range(1, 13)), d.c1.pk),
        ("2", [3, 6, 9, 12], d.c1.pk),
    ]


@pytest.mark.parametrize("user", READERS)
def test_every_member_reads_designs(api, demo: Demo, user: str) -> None:
    assert api("get", DESIGNS, user=user).status_code == 200
    assert api("get", f"{DESIGNS}/{demo.design.design.pk}", user=user).status_code == 200


def test_designs_refuse_outsiders_and_unknown(api, demo: Demo) -> None:
    pk = demo.design.design.pk
    assert api("get", f"{DESIGNS}/{pk}", user="ajeno").status_code == 403
    assert api("get", DESIGNS, user="ajeno").status_code == 403
    assert api("get", f"/institutions/IECM/designs/{pk}", user="ajeno").status_code == 404
    assert api("get", f"{DESIGNS}/{pk + 1000}").json() == {
        "message": "No existe el diseño del programa."
    }


def test_design_queries_do_not_grow(api, demo: Demo, django_assert_num_queries) -> None:
    url = f"{DESIGNS}/{demo.design.design.pk}"
    # token, institution, grant, design (+node, program, area, mir), then 6 prefetches
    with django_assert_num_queries(10):
        assert api("get", url).status_code == 200
    with django_assert_num_queries(5):
        assert api("get", DESIGNS).status_code == 200
    design = demo.design.design
    for i in range(5):
        design.stakeholders.create(actor=f"Actor {i}", position=i % 5 + 1)
        design.risks.create(risk=f"Riesgo {i}", probability=i % 5 + 1, impact=5)
        design.schedule_actions.create(
            description=f"Acción {i}", months=[i + 1], activity=demo.activity_full
        )
        node = ProgramNodeFactory(program=demo.program)
        ProgramDesign.objects.create(node=node, title=f"Diseño {i}")
    with django_assert_num_queries(10):
        assert len(api("get", url).json()["risks"]) == 7
    with django_assert_num_queries(5):
        assert api("get", DESIGNS).json()["count"] == 6

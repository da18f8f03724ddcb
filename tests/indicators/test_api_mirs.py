"""MIR, indicators and program designs through the API: reads, writes, roles, queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.design.loader import import_design
from rumbo.design.models import ProgramDesign
from rumbo.indicators.api import common as mirs_api
from rumbo.indicators.demo import demo_measurements_load
from rumbo.indicators.models import Indicator, IndicatorTarget, Measurement, Mir, MirRow
from rumbo.institutions.models import Area
from rumbo.monitoring.models import PeriodReport, PeriodState
from tests.factories import Demo, ProgramNodeFactory

MIRS = "/institutions/IEEM/mirs"
DESIGNS = "/institutions/IEEM/designs"
READERS = ["planeacion", "enlace_se", "enlace_otra", "revisor", "consulta"]

# "version" added for optimistic locking (issue 16): the shipped shape only gains a key.
ROW_KEYS = {
    *("id", "level", "code", "parent", "summary", "assumptions", "verification", "indicators"),
    "version",
}
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
    assert set(body) == {"id", "program", "year", "state", "agreement", "approved_on", "rows"}
    assert (body["state"], body["agreement"], body["approved_on"]) == ("formulacion", "", None)
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
        "version": 1,  # added for optimistic locking (issue 16)
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
                "state": "formulacion",
                "agreement": "",
                "approved_on": None,
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
    # token, institution, grant, mir; mir_detail: mir, rows, indicators (+area), variables,
    # targets, linked POA activities
    with django_assert_num_queries(10):
        assert api("get", mir_url(demo)).status_code == 200
    for i in range(5):
        component = MirRow.objects.create(
            mir=demo.design.mir, level="componente", order=10 + i, summary=f"Componente {i}"
        )
        MirRow.objects.create(
            mir=demo.design.mir, level="actividad", parent=component, order=20 + i, summary="x"
        )
    _more_indicators(demo.design.c1, demo.area_se, 6)
    with django_assert_num_queries(10):
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
            "rows": 5,
            "indicators": 5,
            "risks": 2,
            "actions": 2,
        }
    ]
    d.design.schedule_actions.create(
        order=3, number="3", description="Elaborar el informe mensual", months=[2], component=d.a11
    )
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
            "version": 1,  # added for optimistic locking (issue 16)
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
        ("3", [2], d.c1.pk),  # an actividad's action goes with its componente
    ]
    assert [s["mir_row"] for s in body["schedule"]] == [d.c1.pk, d.c1.pk, d.a11.pk]
    assert {s["months_simulated"] for s in body["schedule"]} == {False}
    assert [r["number"] for r in body["risks"]] == [1, 2]


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
    # token, institution, grant, design, its mir; design_detail: stakeholders, tree boxes,
    # counts, alternatives, population; risk_matrix: risks; schedule: actions
    with django_assert_num_queries(12):
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
    with django_assert_num_queries(12):
        assert len(api("get", url).json()["risks"]) == 7
    with django_assert_num_queries(5):
        assert api("get", DESIGNS).json()["count"] == 6


# --- the checker ----------------------------------------------------------------------------


def test_check_lists_the_checker_findings(api, demo: Demo) -> None:
    url = f"{mir_url(demo)}/check"
    response = api("get", url, user="consulta")
    assert response.status_code == 200
    findings = response.json()
    assert findings, "the demo MIR has a componente without actividades"
    for finding in findings:
        assert set(finding) == {
            "code",
            "rule",
            "severity",
            "level",
            "row",
            "row_id",
            "indicator",
            "message",
        }
        assert finding["severity"] in {"error", "advertencia"}
        assert finding["rule"] and finding["message"]
    on_c2 = [f for f in findings if f["row_id"] == demo.design.c2.pk]
    assert {f["row"] for f in on_c2} == {"C2"}
    assert any(f["level"] == "componente" for f in on_c2)
    assert api("get", url, user="ajeno").status_code == 403
    assert api("get", f"{MIRS}/{demo.design.mir.pk + 1000}/check").status_code == 404


def test_check_queries_do_not_grow(api, demo: Demo, django_assert_num_queries) -> None:
    url = f"{mir_url(demo)}/check"
    # token, institution, grant, mir; check_mir: rows, indicators, variables, policy
    with django_assert_num_queries(8):
        assert api("get", url).status_code == 200
    for i in range(4):
        component = MirRow.objects.create(
            mir=demo.design.mir, level="componente", order=30 + i, summary=f"Informes {i} hechos"
        )
        MirRow.objects.create(
            mir=demo.design.mir, level="actividad", parent=component, order=40 + i, summary="y"
        )
    _more_indicators(demo.design.c1, demo.area_se, 4)
    with django_assert_num_queries(8):
        assert api("get", url).status_code == 200


# --- writing rows ---------------------------------------------------------------------------

EDITORS = ["planeacion", "enlace_se"]  # Planeación; the Enlace of the design's area (SE)
NOT_EDITORS = ["enlace_otra", "revisor", "consulta", "ajeno"]


def _audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


@pytest.mark.parametrize("user", EDITORS)
def test_editors_add_a_row(api, demo: Demo, user: str) -> None:
    d = demo.design
    response = api(
        "post",
        f"{mir_url(demo)}/rows",
        user=user,
        json={
            "level": "actividad",
            "parent": d.c2.pk,
            "code": "A2.1",
            "summary": "Instalación de casillas en las secciones.",
            "verification": "Reporte de instalación",
            "assumptions": "Los propietarios prestan los inmuebles.",
        },
    )
    assert response.status_code == 200, response.json()
    row = response.json()
    assert set(row) == ROW_KEYS
    assert row["parent"] == d.c2.pk and row["level"] == "actividad" and row["indicators"] == []
    assert MirRow.objects.get(pk=row["id"]).mir_id == d.mir.pk
    assert _audits("mir_row.create") == 1
    rows = api("get", mir_url(demo)).json()["rows"]
    assert [r["code"] for r in rows] == ["F", "P", "C1", "A1.1", "C2", "A2.1"]


@pytest.mark.parametrize("user", NOT_EDITORS)
def test_others_may_not_add_rows(api, demo: Demo, user: str) -> None:
    count = MirRow.objects.count()
    response = api(
        "post",
        f"{mir_url(demo)}/rows",
        user=user,
        json={"level": "componente", "summary": "Informes entregados."},
    )
    assert response.status_code == 403
    assert MirRow.objects.count() == count
    assert _audits("mir_row.create") == 0


def test_row_validation(api, demo: Demo) -> None:
    rows = f"{mir_url(demo)}/rows"
    orphan = api("post", rows, json={"level": "actividad", "summary": "Elaboración."})
    assert orphan.status_code == 422
    assert [e["field"] for e in orphan.json()["errors"]] == ["parent"]
    under_fin = api(
        "post", rows, json={"level": "actividad", "summary": "x", "parent": demo.design.fin.pk}
    )
    assert under_fin.status_code == 422
    missing = api("post", rows, json={"level": "actividad", "summary": "x", "parent": 10**9})
    assert missing.json()["errors"] == [
        {"field": "parent", "message": "El componente elegido no existe."}
    ]
    blank = api("post", rows, json={"level": "fin", "summary": "   "})
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"] == "summary"
    assert api("post", rows, json={"level": "nivel", "summary": "x"}).status_code == 422
    assert MirRow.objects.filter(mir=demo.design.mir).count() == 5


def test_patch_and_delete_rows(api, demo: Demo) -> None:
    d = demo.design
    url = f"{mir_url(demo)}/rows/{d.c2.pk}"
    refused = api("patch", url, user="enlace_otra", json={"summary": "Otra cosa."})
    assert refused.status_code == 403
    patched = api("patch", url, user="enlace_se", json={"assumptions": "Hay inmuebles."})
    assert patched.status_code == 200
    assert patched.json()["assumptions"] == "Hay inmuebles."
    assert patched.json()["summary"] == "Casillas instaladas."
    assert len(patched.json()["indicators"]) == 1
    event = AuditEvent.objects.get(action="mir_row.update")
    assert event.before == {"assumptions": ""} and event.after == {"assumptions": "Hay inmuebles."}
    # A componente with actividades is not deleted (the service says why).
    busy = api("delete", f"{mir_url(demo)}/rows/{d.c1.pk}")
    assert busy.status_code == 422
    assert "actividad" in busy.json()["errors"][0]["message"]
    assert api("delete", url, user="revisor").status_code == 403
    gone = api("delete", f"{url}?reason=Se fusiona con C1", user="planeacion")
    assert gone.status_code == 200
    assert gone.json() == {"message": "Se borró el renglón C2 de la MIR."}
    assert not MirRow.objects.filter(pk=d.c2.pk).exists()
    assert not Indicator.objects.filter(pk=d.ind_c2.pk).exists()
    assert AuditEvent.objects.get(action="mir_row.delete").reason == "Se fusiona con C1"
    assert api("delete", url).status_code == 404


def test_rows_of_another_mir_are_not_found(api, demo: Demo) -> None:
    node = ProgramNodeFactory(program=demo.program, area=demo.area_se)
    other = Mir.objects.create(design=ProgramDesign.objects.create(node=node, title="Otro"))
    foreign = MirRow.objects.create(mir=other, level="fin", summary="Contribuir a algo.")
    url = f"{mir_url(demo)}/rows/{foreign.pk}"
    assert api("patch", url, json={"summary": "Cambio."}).status_code == 404
    assert api("delete", url).status_code == 404
    # Nor may an actividad of this MIR hang from a componente of the other one.
    component = MirRow.objects.create(mir=other, level="componente", summary="Algo hecho.")
    response = api(
        "post",
        f"{mir_url(demo)}/rows",
        json={"level": "actividad", "summary": "Elaboración.", "parent": component.pk},
    )
    assert response.status_code == 422
    MirRow.objects.get(pk=foreign.pk)  # untouched


# --- indicators -----------------------------------------------------------------------------

NEW_INDICATOR = {
    "name": "Porcentaje de casillas con paquete",
    "definition": "Casillas que reciben su paquete a tiempo.",
    "formula": "con_paquete / instaladas * 100",
    "kind": "gestion",
    "dimension": "eficacia",
    "frequency": "semestral",
    "direction": "ascendente",
    "area": "DO",
    "baseline_value": "92.5",
    "baseline_year": 2023,
    "cremaa_clear": 5,
    "variables": [
        {"name": "con_paquete", "description": "Casillas con paquete", "source": "SIJE"},
        {"name": "instaladas", "description": "Casillas instaladas", "unit": "Casilla"},
    ],
    "targets": {"0": 100, "1": "95", "2": 100},
}


def test_add_an_indicator_and_read_its_ficha(api, demo: Demo) -> None:
    url = f"{mir_url(demo)}/rows/{demo.design.c2.pk}/indicators"
    response = api("post", url, user="planeacion", json=NEW_INDICATOR)  # area DO: any area
    assert response.status_code == 200, response.json()
    ficha = response.json()
    assert ficha["row"] == demo.design.c2.pk and ficha["row_code"] == "C2"
    assert ficha["area"] == "DO" and ficha["unit"] == "Porcentaje"
    assert ficha["baseline"] == {"value": 92.5, "year": 2023}
    assert ficha["cremaa"]["clear"] == 5 and ficha["cremaa"]["marginal"] is None
    assert [v["name"] for v in ficha["variables"]] == ["con_paquete", "instaladas"]
    assert ficha["targets"] == [
        {"period": 0, "label": "Meta anual", "value": 100},
        {"period": 1, "label": "Semestre 1 (ene–jun)", "value": 95},
        {"period": 2, "label": "Semestre 2 (jul–dic)", "value": 100},
    ]
    assert ficha["annual_target"] == 100
    assert [m["period"] for m in ficha["measurements"]] == [1, 2]
    assert ficha["measurements"][0]["values"] == {"con_paquete": None, "instaladas": None}
    assert ficha["measurements"][0]["semaforo"] == "gris"
    assert _audits("indicator.create") == 1
    read = api("get", f"/institutions/IEEM/indicators/{ficha['id']}", user="consulta")
    assert read.json() == ficha


def test_an_enlace_assigns_indicators_to_its_own_area_only(api, demo: Demo) -> None:
    """An indicator of another area would block that area from sending its month."""
    url = f"{mir_url(demo)}/rows/{demo.design.c2.pk}/indicators"
    other = api("post", url, user="enlace_se", json=NEW_INDICATOR)  # area DO
    assert other.status_code == 403
    assert other.json() == {
        "message": "Solo puedes asignar indicadores a tu propia área, no a Dirección de "
        "Organización (DO): sus mediciones las captura esa área. Planeación asigna cualquiera."
    }
    assert Indicator.objects.filter(row=demo.design.c2).count() == 1
    own = api("post", url, user="enlace_se", json={**NEW_INDICATOR, "area": "SE"})
    assert own.status_code == 200 and own.json()["area"] == "SE"
    ind = f"/institutions/IEEM/indicators/{own.json()['id']}"
    moved = api("patch", ind, user="enlace_se", json={"area": "DO"})
    assert moved.status_code == 403
    assert (
        api("patch", ind, user="enlace_se", json={"area": "SE", "name": "Mío"}).status_code == 200
    )
    assert api("patch", ind, user="planeacion", json={"area": "DO"}).status_code == 200
    # Keeping the area it has is no change: the design's enlace still edits the ficha.
    assert (
        api("patch", ind, user="enlace_se", json={"area": "DO", "name": "Otro"}).status_code == 200
    )
    assert _audits("indicator.create") == 1


def test_indicator_validation(api, demo: Demo) -> None:
    url = f"{mir_url(demo)}/rows/{demo.design.c2.pk}/indicators"
    unknown_name = api("post", url, json={**NEW_INDICATOR, "formula": "otra / instaladas"})
    assert unknown_name.status_code == 422
    assert [e["field"] for e in unknown_name.json()["errors"]] == ["formula"]
    assert "otra" in unknown_name.json()["errors"][0]["message"]
    hostile = api("post", url, json={**NEW_INDICATOR, "formula": "__import__('os')"})
    assert hostile.status_code == 422
    no_area = api("post", url, json={**NEW_INDICATOR, "area": "XX"})
    assert no_area.json()["errors"] == [{"field": "area", "message": "No existe el área XX."}]
    bad_period = api("post", url, json={**NEW_INDICATOR, "targets": {"3": 10}})
    assert [e["field"] for e in bad_period.json()["errors"]] == ["targets"]
    missing = api("post", url, json={"name": "Sin fórmula"})
    assert missing.status_code == 422
    assert {"formula", "kind", "frequency", "area"} <= {
        e["field"] for e in missing.json()["errors"]
    }
    assert Indicator.objects.filter(row=demo.design.c2).count() == 1
    assert _audits("indicator.create") == 0


@pytest.mark.parametrize("user", NOT_EDITORS)
def test_others_may_not_change_fichas(api, demo: Demo, user: str) -> None:
    ind = demo.design.ind_c1
    url = f"/institutions/IEEM/indicators/{ind.pk}"
    create = f"{mir_url(demo)}/rows/{demo.design.c1.pk}/indicators"
    assert api("post", create, user=user, json=NEW_INDICATOR).status_code == 403
    assert api("patch", url, user=user, json={"name": "Otro"}).status_code == 403
    assert api("delete", url, user=user).status_code == 403
    ind.refresh_from_db()
    assert ind.name == "Porcentaje de informes entregados"
    assert Indicator.objects.count() == 5
    assert not AuditEvent.objects.filter(action__startswith="indicator.").exists()


def test_patch_and_delete_an_indicator(api, demo: Demo) -> None:
    ind = demo.design.ind_c1
    url = f"/institutions/IEEM/indicators/{ind.pk}"
    patched = api(
        "patch",
        url,
        user="enlace_se",
        json={"name": "Informes entregados (%)", "targets": {"1": 70, "4": 100}, "reason": "x"},
    )
    assert patched.status_code == 200, patched.json()
    body = patched.json()
    assert body["name"] == "Informes entregados (%)"
    assert [(t["period"], t["value"]) for t in body["targets"]] == [(1, 70), (4, 100)]
    assert [m["target"] for m in body["measurements"]] == [70, None, None, 100]
    assert body["formula"] == "realizadas / programadas * 100"  # not sent: untouched
    assert api("patch", url, json={"name": None}).status_code == 422
    Measurement.objects.create(indicator=ind, period=1, values={}, value=Decimal(1))
    refused = api("delete", url)
    assert refused.status_code == 422
    assert "medición" in refused.json()["errors"][0]["message"]
    other = demo.design.ind_a11
    gone = api("delete", f"/institutions/IEEM/indicators/{other.pk}?reason=Duplicado")
    assert gone.json() == {"message": "Se borró el indicador «Porcentaje de informes mensuales»."}
    assert not Indicator.objects.filter(pk=other.pk).exists()
    assert AuditEvent.objects.get(action="indicator.delete").reason == "Duplicado"


def test_indicators_of_other_institutions_are_not_found(api, demo: Demo) -> None:
    pk = demo.design.ind_c1.pk
    assert api("get", f"/institutions/IECM/indicators/{pk}", user="ajeno").status_code == 404
    assert api("get", f"/institutions/IEEM/indicators/{pk}", user="ajeno").status_code == 403
    assert api("get", f"/institutions/IEEM/indicators/{pk + 1000}").status_code == 404


@pytest.mark.parametrize("user", READERS)
def test_every_member_reads_a_ficha(api, demo: Demo, user: str) -> None:
    pk = demo.design.ind_c2.pk
    assert api("get", f"/institutions/IEEM/indicators/{pk}", user=user).status_code == 200


# --- measurements ---------------------------------------------------------------------------

Q1_OPEN = date(2024, 4, 5)  # the first quarter closes in March: captured 1–10 April


@pytest.fixture
def clock(monkeypatch):
    day = {"today": Q1_OPEN}
    monkeypatch.setattr(mirs_api, "today", lambda: day["today"])
    return day


def measure(api, indicator: Indicator, values, *, user="enlace_se", period=1, **body):
    return api(
        "put",
        f"/institutions/IEEM/indicators/{indicator.pk}/measurements/{period}",
        user=user,
        json={"values": values, "version": body.pop("version", None), **body},
    )


@pytest.mark.usefixtures("clock")
def test_capture_a_measurement(api, demo: Demo) -> None:
    ind = demo.design.ind_c1
    response = measure(api, ind, {"realizadas": 8, "programadas": "10"})
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "period": 1,
        "label": "Trimestre 1 (ene–mar)",
        "month": 3,
        "target": 80,
        "values": {"realizadas": "8", "programadas": "10"},
        "value": 80,
        "ratio": 100,
        "semaforo": "verde",
        "trend": None,
        "state": "borrador",
        "window_open": True,
        "version": 1,
        "comment": "",
        "justification": "",
    }
    again = measure(
        api, ind, {"realizadas": "1,234.5", "programadas": 1500}, version=1, justification="Más"
    )
    assert again.status_code == 200, again.json()
    assert again.json()["value"] == 82.3 and again.json()["version"] == 2
    ficha = api("get", f"/institutions/IEEM/indicators/{ind.pk}", user="consulta").json()
    assert ficha["measurements"][0]["value"] == 82.3
    assert ficha["measurements"][1]["semaforo"] == "gris"


@pytest.mark.usefixtures("clock")
def test_measurement_errors(api, demo: Demo) -> None:
    ind = demo.design.ind_c1
    zero = measure(api, ind, {"realizadas": 8, "programadas": 0})
    assert zero.status_code == 422
    assert zero.json()["errors"][0]["field"] == "values"
    assert "cero" in zero.json()["errors"][0]["message"]
    missing = measure(api, ind, {"realizadas": 8})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "values.programadas"
    text = measure(api, ind, {"realizadas": "ocho", "programadas": 10})
    assert text.json()["errors"][0]["field"] == "values.realizadas"
    stranger = measure(api, ind, {"realizadas": 8, "programadas": 10, "otra": 1})
    assert stranger.status_code == 422
    red = measure(api, ind, {"realizadas": 1, "programadas": 10})
    assert red.status_code == 422
    assert red.json()["errors"][0]["field"] == "justification"
    out_of_year = measure(api, ind, {"realizadas": 8, "programadas": 10}, period=5)
    assert out_of_year.status_code == 422
    assert out_of_year.json()["errors"][0]["field"] == "period"
    assert not Measurement.objects.exists()


@pytest.mark.usefixtures("clock")
def test_measurement_conflicts(api, demo: Demo, clock) -> None:
    ind = demo.design.ind_c1
    assert measure(api, ind, {"realizadas": 8, "programadas": 10}).status_code == 200
    stale = measure(api, ind, {"realizadas": 9, "programadas": 10}, user="planeacion")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 1 and stale.json()["submitted_version"] is None
    PeriodReport.objects.filter(program=demo.program, area=demo.area_se, month=3).update(
        state=PeriodState.SUBMITTED
    )
    locked = measure(api, ind, {"realizadas": 9, "programadas": 10}, version=1)
    assert locked.status_code == 409
    assert "enviada" in locked.json()["message"]
    clock["today"] = date(2024, 4, 11)
    closed = measure(api, ind, {"realizadas": 9, "programadas": 10}, version=1, period=2)
    assert closed.status_code == 409
    assert Measurement.objects.get(indicator=ind, period=1).version == 1


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("planeacion", 200),
        ("enlace_se", 403),  # C2's indicator belongs to DO
        ("enlace_otra", 200),
        ("revisor", 403),
        ("consulta", 403),
        ("ajeno", 403),
    ],
)
def test_who_captures_an_indicator_of_another_area(api, demo: Demo, clock, user, status) -> None:
    clock["today"] = date(2024, 7, 3)  # the first semester closes in June
    response = measure(
        api,
        demo.design.ind_c2,
        {"realizadas": 1, "programadas": 2},
        user=user,
        justification="Se instaló la mitad",
    )
    assert response.status_code == status, response.json()
    assert Measurement.objects.filter(indicator=demo.design.ind_c2).count() == (status == 200)


def test_ficha_queries_do_not_grow(api, demo: Demo, django_assert_num_queries, clock) -> None:
    ind = demo.design.ind_a11
    url = f"/institutions/IEEM/indicators/{ind.pk}"
    # token, institution, grant, indicator; indicator_detail's 8 (indicator, variables,
    # targets, bands, measurements, reports, policy, extensions)
    with django_assert_num_queries(12):
        assert api("get", url).status_code == 200
    for month in range(1, 13):
        Measurement.objects.create(
            indicator=ind,
            period=month,
            values={"realizadas": "1", "programadas": "1"},
            value=Decimal(100),
        )
        PeriodReport.objects.create(program=demo.program, area=demo.area_se, month=month)
    with django_assert_num_queries(12):
        body = api("get", url).json()
    assert [m["semaforo"] for m in body["measurements"]] == ["verde"] * 12
    assert body["measurements"][1]["trend"] == {
        "arrow": "=",
        "improved": None,
        "label": "Sin cambio respecto del periodo anterior",
    }


# --- the IECM vinculación sample, end to end ------------------------------------------------


def test_the_vinculacion_sample_through_the_api(api, demo: Demo, samples_dir: Path) -> None:
    """The real data file and its simulated measurements, read as an IECM Planeación user."""
    import_design(
        samples_dir / "iecm_vinculacion_2024.json", institution_code="IECM", actor=Actor.cli()
    )
    design = ProgramDesign.objects.get(node__program__institution__code="IECM")
    planner = demo.users["ajeno"]  # Planeación of IECM
    loaded = demo_measurements_load(design=design, capturer=planner, reviewer=planner)
    assert loaded.measurements > 0
    base = "/institutions/IECM"
    listed = api("get", f"{base}/mirs", user="ajeno").json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["program"] == design.title and item["indicators"] == 7
    body = api("get", f"{base}/mirs/{item['id']}", user="ajeno").json()
    levels = [r["level"] for r in body["rows"]]
    assert levels[:2] == ["fin", "proposito"]
    assert levels.count("componente") == 5
    # Every actividad comes right after its componente or a sibling actividad.
    for i, row in enumerate(body["rows"]):
        if row["level"] == "actividad":
            previous = body["rows"][i - 1]
            assert row["parent"] in {previous["id"], previous["parent"]}
    findings = api("get", f"{base}/mirs/{item['id']}/check", user="ajeno").json()
    assert all(f["rule"] and f["message"] for f in findings)
    lights = set()
    for row in body["rows"]:
        for indicator in row["indicators"]:
            ficha = api("get", f"{base}/indicators/{indicator['id']}", user="ajeno")
            assert ficha.status_code == 200
            lights |= {m["semaforo"] for m in ficha.json()["measurements"]}
            assert ficha.json()["variables"], indicator["name"]
    assert lights - {"gris"}, "the simulated measurements are graded"
    detail = api("get", f"{base}/designs/{design.pk}", user="ajeno").json()
    assert detail["mir"] == item["id"]
    assert len(detail["stakeholders"]) > 0 and detail["risks"] and detail["schedule"]
    assert [t["role"] for t in detail["trees"]["problema"]] == ["central"]
    # IEEM's people do not see it.
    assert api("get", f"{base}/mirs/{item['id']}", user="planeacion").status_code == 403


def test_a_stale_indicator_patch_is_409_with_both_values(api, demo: Demo) -> None:
    url = f"/institutions/IEEM/indicators/{demo.design.ind_c1.pk}"
    assert api("get", url).json()["version"] == 1
    first = api("patch", url, json={"name": "Primero", "version": 1})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = api("patch", url, json={"name": "Segundo", "version": 1})
    assert stale.status_code == 409
    body = stale.json()
    assert body["current_version"] == 2 and body["submitted_version"] == 1
    assert body["current"]["name"] == "Primero" and body["submitted"] == {"name": "Segundo"}
    assert body["message"].startswith(
        "Otra persona guardó este indicador mientras lo editabas (versión 2; tú partiste de "
        "la 1): nombre «Primero»."
    )
    demo.design.ind_c1.refresh_from_db()
    assert demo.design.ind_c1.name == "Primero"


def test_a_stale_mir_row_patch_is_409_with_both_values(api, demo: Demo) -> None:
    url = f"{mir_url(demo)}/rows/{demo.design.c2.pk}"
    listed = api("get", mir_url(demo)).json()["rows"]
    assert next(r for r in listed if r["id"] == demo.design.c2.pk)["version"] == 1
    first = api("patch", url, json={"assumptions": "Primero.", "version": 1})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = api("patch", url, json={"assumptions": "Segundo.", "version": 1})
    assert stale.status_code == 409
    body = stale.json()
    assert body["current_version"] == 2 and body["submitted_version"] == 1
    assert body["current"]["assumptions"] == "Primero."
    assert body["submitted"] == {"assumptions": "Segundo."}
    assert body["message"].startswith(
        "Otra persona guardó este renglón de la MIR mientras lo editabas (versión 2; tú "
        "partiste de la 1): supuestos «Primero.»."
    )
    fresh = MirRow.objects.get(pk=demo.design.c2.pk)
    assert (fresh.assumptions, fresh.version) == ("Primero.", 2)
    assert AuditEvent.objects.filter(action="mir_row.update").count() == 1
    # Without a version only the field sent changes (and the version still grows).
    loose = api("patch", url, json={"verification": "Actas."})
    assert loose.status_code == 200 and loose.json()["version"] == 3
    assert loose.json()["assumptions"] == "Primero."

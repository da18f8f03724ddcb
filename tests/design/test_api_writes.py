"""Writing program designs through the API: general fields and every kind of item."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from rumbo.audit.models import AuditEvent
from rumbo.design.models import (
    Alternative,
    PopulationFigure,
    ProgramDesign,
    Risk,
    ScheduleAction,
    Stakeholder,
    TreeNode,
)
from tests.factories import Demo, ProgramNodeFactory

EDITORS = ["planeacion", "enlace_se"]  # Planeación; the Enlace of the design's area (SE)
NOT_EDITORS = ["enlace_otra", "revisor", "consulta", "ajeno"]
MODELS = [Stakeholder, TreeNode, Alternative, PopulationFigure, Risk, ScheduleAction]


def design_url(demo: Demo) -> str:
    return f"/institutions/IEEM/designs/{demo.design.design.pk}"


def items_url(demo: Demo, kind: str, pk: int | None = None) -> str:
    url = f"{design_url(demo)}/items/{kind}"
    return f"{url}/{pk}" if pk is not None else url


def core(demo: Demo, tree: str) -> TreeNode:
    return TreeNode.objects.get(design=demo.design.design, tree=tree, role="central")


def leaf_effect(demo: Demo, tree: str) -> TreeNode:
    return TreeNode.objects.get(design=demo.design.design, tree=tree, role="efecto")


def counts() -> dict[str, int]:
    return {m.__name__: m._default_manager.count() for m in MODELS}


def design_events() -> Any:
    """Audit events other than the fixtures' token creations."""
    return AuditEvent.objects.exclude(action__startswith="token.")


def fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


# --- who may write --------------------------------------------------------------------------


@pytest.mark.parametrize("user", EDITORS)
def test_editors_change_the_general_fields(api, demo: Demo, user: str) -> None:
    response = api(
        "patch",
        design_url(demo),
        user=user,
        json={"diagnosis": "En 2023 el 35 % se cumplió fuera de plazo.", "reason": "Cifra 2023"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["diagnosis"] == "En 2023 el 35 % se cumplió fuera de plazo."
    assert body["title"] == "Programa de Seguimiento 2024"  # not sent: untouched
    assert len(body["stakeholders"]) == 2 and body["trees"]["problema"][0]["role"] == "central"
    event = AuditEvent.objects.get(action="design.update")
    assert event.before == {
        "diagnosis": "En 2023 el 30 % de los acuerdos se cumplió fuera de plazo."
    }
    assert event.after == {"diagnosis": "En 2023 el 35 % se cumplió fuera de plazo."}
    assert event.reason == "Cifra 2023"
    assert (
        api("get", design_url(demo), user="consulta")
        .json()["diagnosis"]
        .startswith("En 2023 el 35")
    )


@pytest.mark.parametrize("user", EDITORS)
def test_editors_add_an_item(api, demo: Demo, user: str) -> None:
    response = api(
        "post", items_url(demo, "involucrado"), user=user, json={"actor": "Contraloría", "power": 4}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["actor"] == "Contraloría" and response.json()["power"] == 4
    assert Stakeholder.objects.get(pk=response.json()["id"]).design == demo.design.design
    assert AuditEvent.objects.filter(action="stakeholder.create").count() == 1


@pytest.mark.parametrize("user", NOT_EDITORS)
def test_others_may_not_write(api, demo: Demo, user: str) -> None:
    before = counts()
    stakeholder = Stakeholder.objects.filter(design=demo.design.design).first()
    assert stakeholder is not None
    calls = [
        ("patch", design_url(demo), {"title": "Otro título"}),
        ("post", items_url(demo, "involucrado"), {"actor": "Contraloría"}),
        ("patch", items_url(demo, "involucrado", stakeholder.pk), {"actor": "Otro"}),
        ("delete", items_url(demo, "involucrado", stakeholder.pk), None),
        ("delete", items_url(demo, "arbol", leaf_effect(demo, "problema").pk), None),
    ]
    for method, url, body in calls:
        assert api(method, url, user=user, json=body).status_code == 403, (method, url)
    assert counts() == before
    assert not design_events().exists()
    design = ProgramDesign.objects.get(pk=demo.design.design.pk)
    assert design.title == "Programa de Seguimiento 2024"
    stakeholder.refresh_from_db()
    assert stakeholder.actor == "Consejo General"


def test_anonymous_gets_401(api, demo: Demo) -> None:
    before = counts()
    pk = leaf_effect(demo, "problema").pk
    assert api("patch", design_url(demo), user=None, json={"title": "X"}).status_code == 401
    assert api("post", items_url(demo, "riesgo"), user=None, json={"risk": "X"}).status_code == 401
    assert (
        api("patch", items_url(demo, "arbol", pk), user=None, json={"text": "X"}).status_code == 401
    )
    assert api("delete", items_url(demo, "arbol", pk), user=None).status_code == 401
    assert counts() == before
    assert not design_events().exists()


# --- each kind: create, change, delete ------------------------------------------------------


def _cases(demo: Demo) -> dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """kind → (create body, patch body, what the answer to the patch shows)."""
    d = demo.design
    return {
        "involucrado": (
            {"actor": "Contraloría", "interests": "Transparencia", "position": 4, "power": 3},
            {"power": None, "notes": "Revisa cada trimestre."},
            {"actor": "Contraloría", "power": None, "position": 4,
             "notes": "Revisa cada trimestre."},
        ),
        "arbol": (
            {"tree": "problema", "role": "causa", "parent": core(demo, "problema").pk,
             "text": "Falta de un sistema de registro"},
            {"text": "Falta de un sistema único de registro"},
            {"role": "causa", "text": "Falta de un sistema único de registro", "children": []},
        ),
        "alternativa": (
            {"title": "Sistema de turnos", "actions": ["Diseñar el sistema", " ", "Capacitar"]},
            {"chosen": True},
            {"title": "Sistema de turnos", "actions": ["Diseñar el sistema", "Capacitar"],
             "chosen": True},
        ),
        "poblacion": (
            {"group": "objetivo", "label": "Acuerdos por atender", "value": "1,234.5",
             "unit": "acuerdos", "source": "Secretaría Ejecutiva", "cutoff": "2024"},
            {"value": 1300},
            {"label": "Acuerdos por atender", "value": 1300, "source": "Secretaría Ejecutiva"},
        ),
        "riesgo": (
            {"risk": "Rotación del personal", "probability": 2, "impact": 3},
            {"probability": 4, "treatment": "compartir"},
            {"risk": "Rotación del personal", "probability": 4, "impact": 3, "number": 3,
             "level": {"score": 12, "slug": "alto", "label": "Alto"}, "treatment": "compartir"},
        ),
        "accion": (
            {"number": "3", "description": "Publicar el tablero", "months": [6, 3],
             "mir_row": d.a11.pk, "activity": demo.activity_full.key},
            {"months": [3, 4], "mir_row": None, "activity": None},
            {"description": "Publicar el tablero", "months": [3, 4], "mir_row": None,
             "component": None, "activity": None},
        ),
    }  # fmt: skip


AUDIT_PREFIX = {
    "involucrado": "stakeholder",
    "arbol": "tree_node",
    "alternativa": "alternative",
    "poblacion": "population_figure",
    "riesgo": "risk",
    "accion": "schedule_action",
}
MODEL_OF = dict(zip(AUDIT_PREFIX, MODELS, strict=True))


@pytest.mark.parametrize("kind", list(AUDIT_PREFIX))
def test_each_kind_is_created_changed_and_deleted(api, demo: Demo, kind: str) -> None:
    create, patch, shown = _cases(demo)[kind]
    model = MODEL_OF[kind]
    prefix = AUDIT_PREFIX[kind]
    created = api("post", items_url(demo, kind), user="enlace_se", json=create)
    assert created.status_code == 200, created.json()
    pk = created.json()["id"]
    obj: Any = model._default_manager.get(pk=pk)
    assert obj.design_id == demo.design.design.pk
    assert AuditEvent.objects.filter(action=f"{prefix}.create").count() == 1

    patched = api("patch", items_url(demo, kind, pk), json=patch)
    assert patched.status_code == 200, patched.json()
    body = patched.json()
    assert {k: body[k] for k in shown} == shown
    assert body["id"] == pk
    assert AuditEvent.objects.filter(action=f"{prefix}.update", object_id=pk).count() == 1

    # The read of the design shows it the same way.
    design = api("get", design_url(demo), user="consulta").json()
    listed = {
        "involucrado": design["stakeholders"],
        "alternativa": design["alternatives"],
        "poblacion": design["population"],
        "riesgo": design["risks"],
        "accion": design["schedule"],
        "arbol": design["trees"]["problema"][0]["children"],
    }[kind]
    assert body in listed

    gone = api("delete", f"{items_url(demo, kind, pk)}?reason=Ya no aplica")
    assert gone.status_code == 200
    assert set(gone.json()) == {"message"} and gone.json()["message"].startswith("Se borró")
    assert not model._default_manager.filter(pk=pk).exists()
    assert AuditEvent.objects.get(action=f"{prefix}.delete").reason == "Ya no aplica"
    assert api("delete", items_url(demo, kind, pk)).status_code == 404


def test_the_schedule_action_links_to_the_mir_and_the_program(api, demo: Demo) -> None:
    d = demo.design
    created = api("post", items_url(demo, "accion"), json=_cases(demo)["accion"][0])
    body = created.json()
    assert body["months"] == [3, 6]
    assert body["mir_row"] == d.a11.pk and body["component"] == d.c1.pk  # the actividad's
    assert body["activity"] == demo.activity_full.key
    action = ScheduleAction.objects.get(pk=body["id"])
    assert action.component_id == d.a11.pk and action.activity_id == demo.activity_full.pk


def test_choosing_an_alternative_unmarks_the_chosen_one(api, demo: Demo) -> None:
    chosen = Alternative.objects.get(design=demo.design.design, chosen=True)
    response = api("post", items_url(demo, "alternativa"), json={"title": "Otra", "chosen": True})
    assert response.status_code == 200
    chosen.refresh_from_db()
    assert not chosen.chosen


# --- refused writes -------------------------------------------------------------------------


def test_invalid_items_are_422_and_write_nothing(api, demo: Demo) -> None:
    before = counts()
    objetivo_core = core(demo, "objetivo")

    score = api("post", items_url(demo, "involucrado"), json={"actor": "X", "power": 6})
    assert score.status_code == 422 and fields(score) == ["power"]
    risk = api("post", items_url(demo, "riesgo"), json={"risk": "X", "probability": 6, "impact": 1})
    assert risk.status_code == 422 and fields(risk) == ["probability"]

    months = api("post", items_url(demo, "accion"), json={"description": "X", "months": [13]})
    assert months.status_code == 422
    assert months.json()["errors"] == [
        {"field": "months", "message": "«13» no es un mes: usa números del 1 al 12."}
    ]

    other_tree = api(
        "post",
        items_url(demo, "arbol"),
        json={"tree": "problema", "role": "causa", "parent": objetivo_core.pk, "text": "X"},
    )
    assert other_tree.status_code == 422
    assert other_tree.json()["errors"] == [
        {
            "field": "parent",
            "message": "El elemento superior debe ser del mismo diseño y del mismo árbol.",
        }
    ]
    missing = api(
        "post",
        items_url(demo, "arbol"),
        json={"tree": "problema", "role": "causa", "parent": 10**12, "text": "X"},
    )
    assert fields(missing) == ["parent"]
    no_mir_row = api(
        "post", items_url(demo, "accion"), json={"description": "X", "mir_row": 10**12}
    )
    assert fields(no_mir_row) == ["mir_row"]
    fin = api(
        "post", items_url(demo, "accion"), json={"description": "X", "mir_row": demo.design.fin.pk}
    )
    assert fields(fin) == ["mir_row"]
    no_activity = api(
        "post", items_url(demo, "accion"), json={"description": "X", "activity": "999"}
    )
    assert fields(no_activity) == ["activity"]
    # A field of another kind, a missing required one, a blank population source.
    wrong_kind = api(
        "post",
        items_url(demo, "riesgo"),
        json={"actor": "X", "risk": "X", "probability": 1, "impact": 1},
    )
    assert wrong_kind.json()["errors"] == [{"field": "actor", "message": "Campo desconocido."}]
    assert fields(api("post", items_url(demo, "alternativa"), json={})) == ["title"]
    blank = api(
        "post", items_url(demo, "poblacion"), json={"label": "X", "value": 1, "source": " "}
    )
    assert fields(blank) == ["source"]
    assert api("post", items_url(demo, "otro"), json={"actor": "X"}).status_code == 422
    bad_title = api("patch", design_url(demo), json={"title": "   "})
    assert bad_title.status_code == 422 and fields(bad_title) == ["title"]

    assert counts() == before
    assert not design_events().exists()


def test_refused_changes_and_deletes(api, demo: Demo) -> None:
    problema_core = core(demo, "problema")
    effect = leaf_effect(demo, "problema")
    before = counts()
    # Deleting a box others hang from: refused with the service's message.
    busy = api("delete", items_url(demo, "arbol", problema_core.pk))
    assert busy.status_code == 422
    assert busy.json()["errors"] == [
        {
            "field": "",
            "message": "No se puede eliminar: 2 elementos cuelgan de él. "
            "Elimínalos o muévelos primero.",
        }
    ]
    # Moving an effect under a cause, or to the other tree.
    under_cause = api(
        "patch",
        items_url(demo, "arbol", effect.pk),
        json={"parent": TreeNode.objects.get(parent=problema_core, role="causa").pk},
    )
    assert fields(under_cause) == ["parent"]
    assert fields(api("patch", items_url(demo, "arbol", effect.pk), json={"tree": "objetivo"})) == [
        "tree"
    ]
    risk = Risk.objects.filter(design=demo.design.design).first()
    assert risk is not None
    refused = api("patch", items_url(demo, "riesgo", risk.pk), json={"impact": 0})
    assert fields(refused) == ["impact"]
    assert counts() == before
    assert not design_events().exists()
    effect.refresh_from_db()
    assert effect.parent_id == problema_core.pk and effect.tree == "problema"


def test_sending_the_same_values_changes_nothing(api, demo: Demo) -> None:
    response = api("patch", design_url(demo), json={"title": "Programa de Seguimiento 2024"})
    assert response.status_code == 200
    assert not design_events().exists()


# --- not found ------------------------------------------------------------------------------


def test_items_of_another_design_or_kind_are_not_found(api, demo: Demo) -> None:
    node: Any = ProgramNodeFactory(program=demo.program, area=demo.area_se)
    other = ProgramDesign.objects.create(node=node, title="Otro")
    foreign = Stakeholder.objects.create(design=other, actor="Ajeno")
    foreign_node = TreeNode.objects.create(design=other, tree="problema", role="central", text="X")
    for url in (
        items_url(demo, "involucrado", foreign.pk),
        items_url(demo, "arbol", foreign_node.pk),
    ):
        assert api("patch", url, json={"notes": "x"}).status_code == 404
        assert api("delete", url).status_code == 404
    # The right id under the wrong kind.
    own = Stakeholder.objects.create(pk=987_654, design=demo.design.design, actor="Prensa")
    assert not Risk.objects.filter(pk=own.pk).exists()
    assert api("patch", items_url(demo, "riesgo", own.pk), json={"impact": 2}).status_code == 404
    # Nor may a box of this design hang from one of the other design.
    cross = api(
        "post",
        items_url(demo, "arbol"),
        json={"tree": "problema", "role": "causa", "parent": foreign_node.pk, "text": "X"},
    )
    assert fields(cross) == ["parent"]
    # Unknown design; a design of IEEM under the IECM code.
    assert api("patch", "/institutions/IEEM/designs/999999", json={"title": "X"}).status_code == 404
    unknown = api("post", "/institutions/IEEM/designs/999999/items/riesgo", json={"risk": "X"})
    assert unknown.status_code == 404
    iecm = f"/institutions/IECM/designs/{demo.design.design.pk}"
    assert api("patch", iecm, user="ajeno", json={"title": "X"}).status_code == 404
    assert (
        api("post", f"{iecm}/items/involucrado", user="ajeno", json={"actor": "X"}).status_code
        == 404
    )
    foreign.refresh_from_db()
    assert foreign.notes == "" and ProgramDesign.objects.get(pk=demo.design.design.pk).title != "X"
    assert not design_events().exists()


def test_population_values_keep_two_decimals(api, demo: Demo) -> None:
    body = _cases(demo)["poblacion"][0]
    created = api("post", items_url(demo, "poblacion"), json=body)
    assert created.json()["value"] == 1234.5
    assert PopulationFigure.objects.get(pk=created.json()["id"]).value == Decimal("1234.50")
    three = api(
        "patch", items_url(demo, "poblacion", created.json()["id"]), json={"value": "1.234"}
    )
    assert fields(three) == ["value"]


# --- optimistic versions --------------------------------------------------------------------

# kind → (model, a text field the PATCH body and the model share, its label in the message)
VERSIONED = {
    "involucrado": (Stakeholder, "notes", "notas"),
    "arbol": (TreeNode, "text", "texto"),
    "alternativa": (Alternative, "title", "alternativa"),
    "poblacion": (PopulationFigure, "source", "fuente"),
    "riesgo": (Risk, "follow_up", "seguimiento"),
    "accion": (ScheduleAction, "responsible", "responsable"),
}


@pytest.mark.parametrize("kind", list(VERSIONED))
def test_a_stale_item_patch_is_409_with_both_values_and_writes_nothing(
    api, demo: Demo, kind: str
) -> None:
    model, name, label = VERSIONED[kind]
    item = model._default_manager.filter(design=demo.design.design).order_by("pk").first()
    url = items_url(demo, kind, item.pk)
    first = api("patch", url, json={name: "Primero", "version": 1})
    assert first.status_code == 200, first.json()
    assert first.json()["version"] == 2
    stale = api("patch", url, json={name: "Segundo", "version": 1})
    assert stale.status_code == 409
    body = stale.json()
    assert body["current_version"] == 2 and body["submitted_version"] == 1
    assert body["current"][name] == "Primero" and body["submitted"] == {name: "Segundo"}
    assert f"(versión 2; tú partiste de la 1): {label} «Primero»." in body["message"]
    stored = model._default_manager.get(pk=item.pk)
    assert (getattr(stored, name), stored.version) == ("Primero", 2)
    assert design_events().filter(action__endswith=".update").count() == 1


def test_a_patch_without_version_changes_only_what_it_sends(api, demo: Demo) -> None:
    risk = Risk.objects.filter(design=demo.design.design).order_by("pk").first()
    Risk.objects.filter(pk=risk.pk).update(controls="Guardado por otra persona", version=4)
    patched = api("patch", items_url(demo, "riesgo", risk.pk), json={"follow_up": "Semanal"})
    assert patched.status_code == 200 and patched.json()["version"] == 5
    stored = Risk.objects.get(pk=risk.pk)
    assert (stored.controls, stored.follow_up) == ("Guardado por otra persona", "Semanal")


def test_choosing_an_alternative_raises_the_version_of_the_one_unchosen(api, demo: Demo) -> None:
    design = demo.design.design
    chosen = Alternative.objects.filter(design=design, chosen=True).first()
    other = Alternative.objects.filter(design=design, chosen=False).first()
    assert chosen is not None and other is not None
    response = api("patch", items_url(demo, "alternativa", other.pk), json={"chosen": True})
    assert response.status_code == 200
    chosen.refresh_from_db()
    assert (chosen.chosen, chosen.version) == (False, 2)

"""Editing the strategic plan from its page: who may, forms with and without htmx, audit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.strategy.models import LineOfAction, StrategicObjective, StrategicPlan, SwotItem
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def write_urls(demo) -> list[tuple[str, str, dict]]:
    """(method, url, data) of every plan-write URL."""
    plan = demo.plan_new
    line = LineOfAction.objects.get(plan=plan, code="1.2")
    swot = SwotItem.objects.filter(plan=plan).first()
    assert swot is not None
    args = ["IEEM", plan.pk]
    return [
        ("get", reverse("web:plan_create", args=["IEEM"]), {}),
        (
            "post",
            reverse("web:plan_create", args=["IEEM"]),
            {"nombre": "Plan 2027", "inicio": 2027, "fin": 2030},
        ),
        ("get", reverse("web:plan_edit", args=args), {}),
        (
            "post",
            reverse("web:plan_edit", args=args),
            {"nombre": "Plan", "inicio": 2023, "fin": 2026, "mision": "M"},
        ),
        ("get", reverse("web:plan_element_create", args=[*args, "objetivo"]), {}),
        (
            "post",
            reverse("web:plan_element_create", args=[*args, "objetivo"]),
            {"clave": "OE9", "texto": "Nuevo."},
        ),
        ("get", reverse("web:plan_element_edit", args=[*args, "linea", line.pk]), {}),
        (
            "post",
            reverse("web:plan_element_edit", args=[*args, "linea", line.pk]),
            {"clave": "1.2", "texto": "Otro texto."},
        ),
        ("get", reverse("web:plan_element_delete", args=[*args, "linea", line.pk]), {}),
        ("post", reverse("web:plan_element_delete", args=[*args, "linea", line.pk]), {}),
        (
            "post",
            reverse("web:plan_element_edit", args=[*args, "foda", swot.pk]),
            {"tipo": "amenaza", "texto": "X."},
        ),
        ("post", reverse("web:plan_element_delete", args=[*args, "foda", swot.pk]), {}),
    ]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "planeacion"])
def test_only_planeacion_may_write_the_plan(as_user, demo, persona):
    client = as_user(persona)
    events = AuditEvent.objects.count()
    for method, url, data in write_urls(demo):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (persona, method, url)
    assert AuditEvent.objects.count() == events


def test_planeacion_reaches_every_write_url(as_user, demo):
    client = as_user("planeacion")
    for method, url, data in write_urls(demo):
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 302), (method, url, response.status_code)


def test_another_institutions_planner_gets_403_and_anonymous_goes_to_login(client, demo):
    url = reverse("web:plan_edit", args=["IEEM", demo.plan_new.pk])
    assert client.get(url).status_code == 302
    client.force_login(demo.users["ajeno"])
    assert client.get(url).status_code == 403
    assert client.post(reverse("web:plan_create", args=["IEEM"])).status_code == 403


def test_unknown_plan_kind_or_element_is_404(as_user, demo):
    client = as_user("planeacion")
    plan = demo.plan_new
    assert client.get(reverse("web:plan_edit", args=["IEEM", 999999])).status_code == 404
    assert client.get(reverse("web:plan_edit", args=["NOPE", plan.pk])).status_code == 404
    url = reverse("web:plan_element_create", args=["IEEM", plan.pk, "capitulo"])
    assert client.get(url).status_code == 404
    old_line = LineOfAction.objects.get(plan=demo.plan_old, code="LA-1")
    url = reverse("web:plan_element_edit", args=["IEEM", plan.pk, "linea", old_line.pk])
    assert client.get(url).status_code == 404  # a line of another plan


def test_edit_controls_only_for_planeacion(as_user, demo):
    url = reverse("web:plan", args=["IEEM", demo.plan_new.pk])
    for persona in PERSONAS:
        html = as_user(persona).get(url).content.decode()
        shown = "Editar datos del plan" in html and "Agregar al plan" in html
        assert shown == (persona == "planeacion"), persona
        assert ("/eliminar/" in html) == (persona == "planeacion")


def test_create_a_plan_from_scratch_without_js(as_user, demo):
    client = as_user("planeacion")
    response = client.post(
        reverse("web:plan_create", args=["IEEM"]),
        {"nombre": "Plan General 2027-2030", "inicio": "2027", "fin": "2030", "mision": "Servir."},
    )
    plan = StrategicPlan.objects.get(institution=demo.institution, start_year=2027)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:plan", args=["IEEM", plan.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Se creó el plan «Plan General 2027-2030»." in html
    assert "Servir." in html
    assert AuditEvent.objects.filter(action="plan.create", object_id=plan.pk).exists()


def test_plan_create_shows_errors_next_to_the_fields(as_user, demo):
    response = as_user("planeacion").post(
        reverse("web:plan_create", args=["IEEM"]),
        {"nombre": "", "inicio": "2030", "fin": "2027"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "El nombre del plan es obligatorio." in html
    assert "El año final no puede ser anterior al año inicial." in html
    assert 'aria-describedby="plan-nuevo-fin-error"' in html
    assert StrategicPlan.objects.filter(institution=demo.institution).count() == 2


def test_edit_mission_inline_with_htmx(as_user, demo):
    client = as_user("planeacion")
    plan = demo.plan_new
    url = reverse("web:plan_edit", args=["IEEM", plan.pk])
    form = client.get(url, **HTMX)
    html = form.content.decode()
    assert html.startswith('<form id="plan-general"')
    assert "<html" not in html
    assert "Organizar elecciones libres" in html  # the current misión, ready to edit
    data = {
        "nombre": plan.name,
        "inicio": 2023,
        "fin": 2026,
        "mision": "Misión renovada.",
        "vision": plan.vision,
    }
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#plan-general"
    body = response.content.decode()
    assert body.startswith('<div id="plan-general"')
    assert "Misión renovada." in body
    assert "Se guardaron los datos del plan." in body
    plan.refresh_from_db()
    assert plan.mission == "Misión renovada."
    assert AuditEvent.objects.get(action="plan.update").after == {"mission": "Misión renovada."}


def test_an_htmx_form_with_errors_comes_back_in_place(as_user, demo):
    client = as_user("planeacion")
    plan = demo.plan_new
    url = reverse("web:plan_element_create", args=["IEEM", plan.pk, "linea"])
    response = client.post(url, {"clave": "1.1", "texto": ""}, **HTMX)
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    html = response.content.decode()
    assert html.startswith('<form id="nuevo-linea"')
    assert "Ya existe una línea de acción con la clave 1.1 en este plan." in html
    assert "El texto es obligatorio." in html


def test_add_a_line_under_an_objective_with_htmx(as_user, demo):
    client = as_user("planeacion")
    plan = demo.plan_new
    objective = StrategicObjective.objects.get(plan=plan, code="OE1")
    url = reverse("web:plan_element_create", args=["IEEM", plan.pk, "linea"])
    form = client.get(f"{url}?objetivo={objective.pk}", **HTMX).content.decode()
    assert f'<option value="{objective.pk}" selected>' in form
    response = client.post(
        f"{url}?objetivo={objective.pk}",
        {"clave": "1.3", "texto": "Digitalizar trámites.", "objetivo": objective.pk},
        **HTMX,
    )
    assert response["HX-Retarget"] == "#plan-estructura"
    html = response.content.decode()
    assert html.startswith('<section class="section" id="plan-estructura"')
    assert "1.3</span> Digitalizar trámites." in html
    assert LineOfAction.objects.get(plan=plan, code="1.3").objective == objective


def test_edit_a_line_without_js_redirects_to_the_plan(as_user, demo):
    client = as_user("planeacion")
    plan = demo.plan_new
    line = LineOfAction.objects.get(plan=plan, code="1.2")
    url = reverse("web:plan_element_edit", args=["IEEM", plan.pk, "linea", line.pk])
    page = client.get(url)
    assert "<html" in page.content.decode()
    assert "Editar línea de acción 1.2" in page.content.decode()
    response = client.post(
        url, {"clave": "1.2", "texto": "Capacitar a todo el personal.", "objetivo": ""}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#estructura")
    line.refresh_from_db()
    assert line.text == "Capacitar a todo el personal."
    assert line.objective is None


def test_delete_refused_then_allowed(as_user, demo):
    client = as_user("planeacion")
    plan = demo.plan_new
    objective = StrategicObjective.objects.get(plan=plan, code="OE1")
    url = reverse("web:plan_element_delete", args=["IEEM", plan.pk, "objetivo", objective.pk])
    response = client.post(url, **HTMX)
    assert response["HX-Retarget"] == "#plan-estructura"
    assert "No se puede eliminar OE1: tiene 2 líneas de acción." in response.content.decode()
    assert StrategicObjective.objects.filter(pk=objective.pk).exists()
    response = client.post(url)  # without JS: back to the plan with the message
    assert response.status_code == 302
    assert "No se puede eliminar OE1" in client.get(response["Location"]).content.decode()
    confirm = client.get(url).content.decode()
    assert "¿Eliminar objetivo estratégico OE1?" in confirm
    LineOfAction.objects.filter(plan=plan).delete()
    assert client.post(url).status_code == 302
    assert not StrategicObjective.objects.filter(pk=objective.pk).exists()


def test_swot_item_added_per_quadrant(as_user, demo):
    client = as_user("planeacion")
    plan = demo.plan_new
    html = client.get(reverse("web:plan", args=["IEEM", plan.pk])).content.decode()
    add = reverse("web:plan_element_create", args=["IEEM", plan.pk, "foda"])
    assert f'href="{add}?tipo=amenaza"' in html
    response = client.post(
        f"{add}?tipo=amenaza", {"tipo": "amenaza", "texto": "Desinformación."}, **HTMX
    )
    assert response["HX-Retarget"] == "#plan-foda"
    assert "Desinformación." in response.content.decode()
    assert SwotItem.objects.filter(plan=plan, kind="amenaza").count() == 2


def test_cancel_fragment_returns_a_section(as_user, demo):
    url = reverse("web:plan", args=["IEEM", demo.plan_new.pk])
    html = as_user("planeacion").get(f"{url}?fragmento=foda", **HTMX).content.decode()
    assert html.startswith('<section class="section" id="plan-foda"')


def test_get_never_writes(as_user, demo):
    client = as_user("planeacion")
    events = AuditEvent.objects.count()
    for method, url, _data in write_urls(demo):
        if method == "get":
            client.get(url)
    assert AuditEvent.objects.count() == events


def test_a_stale_element_edit_is_409_with_what_was_saved_and_writes_nothing(as_user, demo):
    client = as_user("planeacion")
    plan = demo.plan_new
    line = LineOfAction.objects.get(plan=plan, code="1.2")
    url = reverse("web:plan_element_edit", args=["IEEM", plan.pk, "linea", line.pk])
    assert 'name="version" value="1"' in client.get(url).content.decode()
    LineOfAction.objects.filter(pk=line.pk).update(text="Guardado por otra persona.", version=2)
    mine = {"clave": "1.2", "texto": "Lo mío.", "objetivo": "", "version": "1"}
    stale = client.post(url, mine)
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Otra persona guardó esta línea de acción mientras la editabas (versión 2" in html
    assert "«Guardado por otra persona.»" in html
    assert 'name="version" value="2"' in html
    in_place = client.post(url, mine, **HTMX)  # htmx swaps no 4xx: the form comes back as 200
    assert in_place.status_code == 200
    assert "Otra persona guardó esta línea de acción" in in_place.content.decode()
    stored = LineOfAction.objects.get(pk=line.pk)
    assert (stored.text, stored.version) == ("Guardado por otra persona.", 2)
    assert not AuditEvent.objects.filter(action="line_of_action.update").exists()
    fresh = client.post(url, {**mine, "version": "2"})
    assert fresh.status_code == 302
    stored = LineOfAction.objects.get(pk=line.pk)
    assert (stored.text, stored.version, stored.objective_id) == ("Lo mío.", 3, None)


def test_a_stale_swot_item_edit_is_409_and_writes_nothing(as_user, demo):
    client = as_user("planeacion")
    plan = demo.plan_new
    item = SwotItem.objects.filter(plan=plan).order_by("pk").first()
    url = reverse("web:plan_element_edit", args=["IEEM", plan.pk, "foda", item.pk])
    assert 'name="version" value="1"' in client.get(url).content.decode()
    SwotItem.objects.filter(pk=item.pk).update(text="Guardado por otra persona.", version=2)
    mine = {"tipo": item.kind, "texto": "Lo mío.", "version": "1"}
    stale = client.post(url, mine)
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Otra persona guardó este elemento FODA mientras lo editabas (versión 2" in html
    assert "texto «Guardado por otra persona.»" in html
    assert SwotItem.objects.get(pk=item.pk).text == "Guardado por otra persona."
    assert not AuditEvent.objects.filter(action="swot_item.update").exists()
    assert client.post(url, {**mine, "version": "2"}).status_code == 302
    stored = SwotItem.objects.get(pk=item.pk)
    assert (stored.text, stored.version) == ("Lo mío.", 3)

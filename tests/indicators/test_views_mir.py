"""The MIR pages: who may read and edit them, what they show, constant query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.indicators.models import ActivityMirLink, Indicator, Mir, MirRow

READERS = ["planeacion", "enlace_se", "enlace_otra", "revisor", "consulta"]
EDITORS = {"planeacion", "enlace_se"}


def _url(demo, name, *extra):
    return reverse(f"web:{name}", args=["IEEM", demo.design.design.pk, *extra])


@pytest.mark.parametrize("name", ["mir", "mir_print"])
def test_every_member_reads_and_others_do_not(demo, client, as_user, name) -> None:
    url = _url(demo, name)
    assert client.get(url).status_code == 302  # anonymous → login
    for persona in READERS:
        response = as_user(persona).get(url)
        assert response.status_code == 200, persona
    assert as_user("ajeno").get(url).status_code == 403


def test_matrix_shows_rows_in_order_with_indicators_and_findings(demo, as_user) -> None:
    html = as_user("consulta").get(_url(demo, "mir")).content.decode()
    positions = [
        html.index(f'id="renglon-{r.pk}"')
        for r in (
            demo.design.fin,
            demo.design.proposito,
            demo.design.c1,
            demo.design.a11,
            demo.design.c2,
        )
    ]
    assert positions == sorted(positions)  # A1.1 right after C1, C2 last
    assert "Porcentaje de casillas instaladas" in html
    assert "realizadas / programadas * 100" in html
    assert reverse("web:indicator", args=["IEEM", demo.design.ind_c1.pk]) in html
    assert "Revisión de la MIR" in html and "severity-" in html  # C2 has no actividades
    assert "Agregar renglón" not in html  # consulta does not edit


@pytest.mark.parametrize("persona", READERS)
def test_edit_links_only_for_editors(demo, as_user, persona) -> None:
    html = as_user(persona).get(_url(demo, "mir")).content.decode()
    assert ("Agregar renglón" in html) == (persona in EDITORS)


def test_print_page_is_standalone_with_print_css(demo, as_user) -> None:
    html = as_user("revisor").get(_url(demo, "mir_print")).content.decode()
    assert "data-print" in html and "Imprimir" in html
    assert "rumbo/mir.css" in html and 'class="breadcrumbs' not in html


def _grow(demo, n: int) -> None:
    """Add n componentes each with an actividad and an indicator."""
    for k in range(n):
        comp = MirRow.objects.create(
            mir=demo.design.mir, level="componente", order=10 + k, code=f"CX{k}", summary="X."
        )
        act = MirRow.objects.create(
            mir=demo.design.mir, level="actividad", parent=comp, order=10 + k, summary="Y."
        )
        for row in (comp, act):
            Indicator.objects.create(
                row=row,
                name=f"I{k}",
                formula="a",
                kind="gestion",
                frequency="anual",
                area=demo.area_se,
            )


@pytest.mark.parametrize("name", ["mir", "mir_print"])
def test_query_count_constant(demo, as_user, django_assert_num_queries, name) -> None:
    client = as_user("enlace_se")
    url = _url(demo, name)
    client.get(url)  # warm caches (content types, sessions)
    expected = {"mir": 16, "mir_print": 16}[name]
    with django_assert_num_queries(expected):
        client.get(url)
    _grow(demo, 4)
    ActivityMirLink.objects.create(activity=demo.activity_full, row=demo.design.a11)
    with django_assert_num_queries(expected):
        client.get(url)


# --- editing -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["enlace_otra", "revisor", "consulta"])
def test_non_editors_are_refused_and_nothing_is_written(demo, as_user, persona) -> None:
    client = as_user(persona)
    d = demo.design
    assert client.get(_url(demo, "mir_row_create")).status_code == 403
    assert (
        client.post(
            _url(demo, "mir_row_create"), {"level": "componente", "summary": "Nuevo."}
        ).status_code
        == 403
    )
    assert (
        client.post(_url(demo, "mir_row_edit", d.c2.pk), {"level": "componente"}).status_code == 403
    )
    assert client.post(_url(demo, "mir_row_delete", d.c2.pk)).status_code == 403
    assert client.post(_url(demo, "design_mir_create")).status_code == 403
    assert (
        client.post(
            _url(demo, "mir_row_activities", d.a11.pk), {"vincular": demo.activity_full.pk}
        ).status_code
        == 403
    )
    assert not AuditEvent.objects.exists()
    assert MirRow.objects.count() == 5


def test_editor_adds_edits_and_deletes_a_row(demo, as_user) -> None:
    client = as_user("enlace_se")
    d = demo.design
    response = client.post(
        _url(demo, "mir_row_create"),
        {
            "level": "actividad",
            "parent": d.c2.pk,
            "code": "A2.1",
            "summary": "Entrega de material.",
        },
    )
    assert response.status_code == 302
    row = MirRow.objects.get(code="A2.1")
    assert row.parent == d.c2
    response = client.post(
        _url(demo, "mir_row_edit", row.pk),
        {"level": "actividad", "parent": d.c2.pk, "code": "A2.1", "summary": "", "order": 7},
    )
    assert response.status_code == 400
    assert "obligatorio" in response.content.decode()
    response = client.post(_url(demo, "mir_row_delete", row.pk), {"motivo": "Duplicado"})
    assert response.status_code == 302
    assert not MirRow.objects.filter(pk=row.pk).exists()
    assert AuditEvent.objects.filter(action__startswith="mir_row.").count() == 2


def test_delete_refused_page_shows_counts(demo, as_user) -> None:
    client = as_user("planeacion")
    response = client.post(_url(demo, "mir_row_delete", demo.design.c1.pk))
    assert response.status_code == 400
    assert "1 actividad" in response.content.decode()
    assert MirRow.objects.filter(pk=demo.design.c1.pk).exists()


def test_design_without_mir_offers_to_create_it(demo, as_user) -> None:
    Mir.objects.all().delete()
    html = as_user("consulta").get(_url(demo, "mir")).content.decode()
    assert "aún no tiene MIR" in html and "Crear la MIR" not in html
    client = as_user("enlace_se")
    assert "Crear la MIR" in client.get(_url(demo, "mir")).content.decode()
    assert client.post(_url(demo, "design_mir_create")).status_code == 302
    assert Mir.objects.filter(design=demo.design.design).exists()
    assert as_user("consulta").get(_url(demo, "mir_print")).status_code == 200


def test_link_and_unlink_a_poa_activity(demo, as_user) -> None:
    client = as_user("enlace_se")
    d = demo.design
    url = _url(demo, "mir_row_activities", d.a11.pk)
    assert client.post(url, {"vincular": demo.activity_full.pk}).status_code == 302
    assert ActivityMirLink.objects.get().row == d.a11
    html = client.get(_url(demo, "mir_row_edit", d.a11.pk)).content.decode()
    assert "Actividades del POA vinculadas" in html and demo.activity_full.key in html
    assert demo.activity_full.key in client.get(_url(demo, "mir")).content.decode()
    assert client.post(url, {"desvincular": demo.activity_full.pk}).status_code == 302
    assert not ActivityMirLink.objects.exists()
    assert client.post(url, {}).status_code == 302  # nothing chosen: a message, no change


def test_other_institution_design_is_404(demo, as_user) -> None:
    url = reverse("web:mir", args=["IECM", demo.design.design.pk])
    assert as_user("ajeno").get(url).status_code == 404


def test_a_stale_mir_row_edit_page_is_409_and_writes_nothing(demo, as_user) -> None:
    client = as_user("planeacion")
    row = demo.design.c2
    url = _url(demo, "mir_row_edit", row.pk)
    assert 'name="version" value="1"' in client.get(url).content.decode()
    MirRow.objects.filter(pk=row.pk).update(summary="Guardado por otra persona.", version=2)
    mine = {"level": "componente", "code": row.code, "summary": "Mi resumen.", "version": "1"}
    stale = client.post(url, mine)
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Otra persona guardó este renglón de la MIR mientras lo editabas (versión 2" in page
    assert "resumen narrativo «Guardado por otra persona.»" in page
    assert "orden" not in page.split("Revisa lo que guardó")[0]  # no order sent: kept
    assert 'name="version" value="2"' in page
    assert MirRow.objects.get(pk=row.pk).summary == "Guardado por otra persona."
    assert not AuditEvent.objects.filter(action="mir_row.update").exists()
    fresh = client.post(url, {**mine, "version": "2"})
    assert fresh.status_code == 302
    stored = MirRow.objects.get(pk=row.pk)
    assert (stored.summary, stored.version) == ("Mi resumen.", 3)

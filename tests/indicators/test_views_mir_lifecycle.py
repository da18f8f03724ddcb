"""The MIR's life cycle on its page: the state and acuerdo it shows, the moves each persona
is offered and may make, the approval form, and the indicator pages of a frozen MIR."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.indicators.models import Indicator, IndicatorTarget, Mir
from rumbo.programs.lifecycle import program_approve
from rumbo.programs.models import ProgramVersion
from tests.indicators.test_views_indicator import _form

pytestmark = pytest.mark.django_db


def _url(demo, name: str = "mir") -> str:
    return reverse(f"web:{name}", args=["IEEM", demo.design.design.pk])


def _ind(name: str, indicator: Indicator) -> str:
    return reverse(f"web:{name}", args=["IEEM", indicator.pk])


def _state(demo) -> str:
    return Mir.objects.get(pk=demo.design.mir.pk).state


def _approve_mir(demo) -> None:
    Mir.objects.filter(pk=demo.design.mir.pk).update(
        state="aprobado", agreement="IEEM/CG/07/2024", approved_on=date(2024, 2, 1)
    )


def _targets(indicator: Indicator) -> dict[int, Decimal]:
    return dict(IndicatorTarget.objects.filter(indicator=indicator).values_list("period", "value"))


@pytest.mark.parametrize(
    ("persona", "review", "approve"),
    [
        ("planeacion", True, True),
        ("enlace_se", True, False),
        ("enlace_otra", False, False),
        ("revisor", False, False),
        ("consulta", False, False),
    ],
)
def test_the_page_offers_each_persona_its_moves(demo, as_user, persona, review, approve) -> None:
    html = as_user(persona).get(_url(demo)).content.decode()
    assert 'Estado de la MIR: <strong data-state="formulacion">En formulación</strong>' in html
    assert ("Enviar a revisión" in html) == review
    assert ("Registrar la aprobación de la MIR" in html) == approve
    assert "Cerrar la MIR" not in html


def test_the_area_sends_it_and_planeacion_approves_it_on_the_page(demo, as_user) -> None:
    enlace = as_user("enlace_se")
    response = enlace.post(_url(demo, "mir_state"), {"accion": "revision", "reason": "Lista."})
    assert response.status_code == 302 and _state(demo) == "revision"
    # The enlace may not approve (403, nothing written).
    response = enlace.post(
        _url(demo, "mir_state"),
        {"accion": "aprobar", "agreement": "X/1", "date": "01/02/2024"},
    )
    assert response.status_code == 403 and _state(demo) == "revision"
    planeacion = as_user("planeacion")
    html = planeacion.get(_url(demo)).content.decode()
    assert "Devolver a formulación" in html and "Registrar la aprobación de la MIR" in html
    # A date that does not exist, then one out of the program's years: 422 beside the field.
    response = planeacion.post(
        _url(demo, "mir_state"),
        {"accion": "aprobar", "agreement": "IEEM/CG/07/2024", "date": "31/02/2024"},
    )
    assert response.status_code == 422
    response = planeacion.post(
        _url(demo, "mir_state"),
        {"accion": "aprobar", "agreement": "IEEM/CG/07/2024", "date": "01/02/2021"},
    )
    assert response.status_code == 422
    assert "Una MIR del programa 2024 se aprueba en 2023 o 2024, no el 01/02/2021." in (
        response.content.decode()
    )
    assert _state(demo) == "revision"
    response = planeacion.post(
        _url(demo, "mir_state"),
        {"accion": "aprobar", "agreement": "IEEM/CG/07/2024", "date": "01/02/2024"},
        follow=True,
    )
    html = response.content.decode()
    assert "MIR aprobada: las metas de sus indicadores quedan congeladas." in html
    assert (
        'Estado de la MIR: <strong data-state="aprobado">Aprobada</strong> · acuerdo '
        "IEEM/CG/07/2024 del 01/02/2024"
    ) in html
    assert "La MIR está aprobada: no se agregan ni se borran indicadores" in html
    assert "Agregar indicador" not in html and "Cerrar la MIR" in html
    mir = Mir.objects.get(pk=demo.design.mir.pk)
    assert (mir.state, mir.agreement, mir.approved_on) == (
        "aprobado",
        "IEEM/CG/07/2024",
        date(2024, 2, 1),
    )
    assert list(AuditEvent.objects.order_by("pk").values_list("action", "actor_label")) == [
        ("mir.review", "enlace_se"),
        ("mir.approve", "planeacion"),
    ]


def test_return_without_observations_and_a_move_out_of_turn_are_refused(demo, as_user) -> None:
    client = as_user("planeacion")
    response = client.post(_url(demo, "mir_state"), {"accion": "cerrar"})
    assert response.status_code == 409
    assert "no puede pasar a «Cerrado»" in response.content.decode()
    client.post(_url(demo, "mir_state"), {"accion": "revision"})
    response = client.post(_url(demo, "mir_state"), {"accion": "formulacion", "reason": " "})
    assert response.status_code == 422
    assert "Di por qué la MIR vuelve a formulación." in response.content.decode()
    assert _state(demo) == "revision"
    response = client.post(_url(demo, "mir_state"), {"accion": "publicar"})
    assert response.status_code == 400 and _state(demo) == "revision"


def test_approving_a_mir_after_its_program_says_the_version_it_froze(demo, as_user) -> None:
    program_approve(
        actor=Actor.for_user(demo.users["planeacion"]),
        program=demo.program,
        agreement="IEEM/CG/01/2024",
        approved_on=date(2024, 1, 15),
    )
    Mir.objects.filter(pk=demo.design.mir.pk).update(state="revision", agreement="")
    response = as_user("planeacion").post(
        _url(demo, "mir_state"),
        {"accion": "aprobar", "agreement": "IEEM/CG/30/2024", "date": "08/03/2024"},
        follow=True,
    )
    version = ProgramVersion.objects.get(program=demo.program, number=2)
    assert (
        f"Se congeló la versión 2 del programa 2024 (SHA-256 {version.sha256[:12]}…)."
        in response.content.decode()
    )


def test_under_an_approved_program_an_open_mir_says_it_is_still_editable(demo, as_user) -> None:
    from rumbo.programs.models import AnnualProgram

    AnnualProgram.objects.filter(pk=demo.program.pk).update(state="aprobado", version=1)
    ind = demo.design.ind_c2
    client = as_user("planeacion")
    html = client.get(_url(demo)).content.decode()
    assert "El programa está aprobado, pero esta MIR aún no" in html
    response = client.post(_ind("indicator_edit", ind), _form(demo))
    assert response.status_code == 302
    assert _targets(ind) == {1: Decimal(90), 2: Decimal(1000)}


def test_a_frozen_mirs_indicator_pages_refuse_with_409(demo, as_user) -> None:
    _approve_mir(demo)
    ind = demo.design.ind_c2
    before = _targets(ind)
    client = as_user("enlace_se")
    page = client.get(_ind("indicator_edit", ind)).content.decode()
    assert "La MIR «Programa de Seguimiento 2024» está aprobada" in page
    response = client.post(_ind("indicator_edit", ind), _form(demo))
    assert response.status_code == 409
    assert "meta_indicador" in response.content.decode()
    assert _targets(ind) == before
    response = client.post(_ind("indicator_delete", ind), {"motivo": "x"})
    assert response.status_code == 409
    assert Indicator.objects.filter(pk=ind.pk).exists()
    create = reverse(
        "web:indicator_create", args=["IEEM", demo.design.design.pk, demo.design.c2.pk]
    )
    assert "sus indicadores no se editan directamente" in client.get(create).content.decode()
    assert client.post(create, _form(demo)).status_code == 409
    assert not AuditEvent.objects.exists()
    ficha = client.get(_ind("indicator", ind)).content.decode()
    assert "Editar la ficha" in ficha and _ind("indicator_delete", ind) not in ficha

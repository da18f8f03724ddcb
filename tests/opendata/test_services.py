"""Publishing and withdrawing: Planeación only, audited with the reason, MIRs after years."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rumbo.audit.models import AuditEvent
from rumbo.opendata.models import Publication, PublicationKind
from rumbo.opendata.services import publication_publish, publication_withdraw
from tests.factories import Demo

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 8  # session, user, grants, and the four reads of publication_overview


def test_planeacion_publishes_a_year_then_its_mir(demo: Demo) -> None:
    user = demo.users["planeacion"]
    publication_publish(user=user, program=demo.program, reason="Aprobado por la Junta")
    publication_publish(user=user, program=demo.program, mir=demo.design.mir, reason="MIR validada")
    kinds = sorted(Publication.objects.values_list("kind", flat=True))
    assert kinds == [PublicationKind.MIR, PublicationKind.PROGRAM]
    events = AuditEvent.objects.filter(action="opendata.publish").order_by("pk")
    assert [e.reason for e in events] == ["Aprobado por la Junta", "MIR validada"]
    assert events[0].actor == user and events[0].before is None
    assert events[0].after["program"] == "IEEM 2024"
    assert events[1].after["mir"] == demo.design.mir.pk


@pytest.mark.parametrize("persona", ["enlace_se", "enlace_otra", "revisor", "consulta", "ajeno"])
def test_only_planeacion_publishes(demo: Demo, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        publication_publish(user=demo.users[persona], program=demo.program, reason="x")
    assert not Publication.objects.exists()
    assert not AuditEvent.objects.exists()


def test_reason_required_and_no_duplicates(demo: Demo) -> None:
    user = demo.users["planeacion"]
    with pytest.raises(ValidationError) as err:
        publication_publish(user=user, program=demo.program, reason="  ")
    assert "reason" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        publication_publish(user=user, program=demo.program, mir=demo.design.mir, reason="x")
    assert "Publica primero el programa" in str(err.value)
    publication_publish(user=user, program=demo.program, reason="x")
    with pytest.raises(ValidationError):
        publication_publish(user=user, program=demo.program, reason="otra vez")
    assert Publication.objects.count() == 1


def test_withdrawing_a_year_withdraws_its_mirs(demo: Demo) -> None:
    user = demo.users["planeacion"]
    publication_publish(user=user, program=demo.program, reason="x")
    publication_publish(user=user, program=demo.program, mir=demo.design.mir, reason="x")
    with pytest.raises(PermissionDenied):
        publication_withdraw(user=demo.users["consulta"], program=demo.program, reason="x")
    assert publication_withdraw(user=user, program=demo.program, reason="Error en cifras") == 2
    assert not Publication.objects.exists()
    events = AuditEvent.objects.filter(action="opendata.withdraw")
    assert events.count() == 2
    assert {e.reason for e in events} == {"Error en cifras"}
    assert all(e.after is None and e.before for e in events)
    with pytest.raises(ValidationError):
        publication_withdraw(user=user, program=demo.program, reason="x")


def test_withdraw_one_mir(demo: Demo) -> None:
    user = demo.users["planeacion"]
    publication_publish(user=user, program=demo.program, reason="x")
    publication_publish(user=user, program=demo.program, mir=demo.design.mir, reason="x")
    assert (
        publication_withdraw(user=user, program=demo.program, mir=demo.design.mir, reason="y") == 1
    )
    assert list(Publication.objects.values_list("kind", flat=True)) == [PublicationKind.PROGRAM]


def test_publication_page_publishes_and_withdraws(as_user, demo: Demo) -> None:
    client = as_user("planeacion")
    page = client.get("/i/IEEM/datos-abiertos/").content.decode()
    assert "Sin publicar" in page and "Se haría público" in page
    url = "/i/IEEM/datos-abiertos/cambiar/"
    response = client.post(url, {"accion": "publicar", "ejercicio": 2024, "motivo": "Listo"})
    assert response.status_code == 302
    assert Publication.objects.filter(kind=PublicationKind.PROGRAM).count() == 1
    client.post(
        url,
        {"accion": "publicar", "ejercicio": 2024, "mir": demo.design.mir.pk, "motivo": "MIR"},
    )
    assert Publication.objects.count() == 2
    page = client.get("/i/IEEM/datos-abiertos/").content.decode()
    assert "Es público" in page and 'data-state="publicada"' in page
    assert AuditEvent.objects.filter(action="opendata.publish").count() == 2
    client.post(url, {"accion": "retirar", "ejercicio": 2024, "motivo": "Revisión"})
    assert not Publication.objects.exists()
    # Invalid input: a message, nothing written.
    response = client.post(url, {"accion": "publicar", "ejercicio": 2024, "motivo": ""})
    assert response.status_code == 302
    assert not Publication.objects.exists()
    response = client.post(
        url, {"accion": "publicar", "ejercicio": 2024, "mir": 999999, "motivo": "x"}, follow=True
    )
    assert "Esa MIR no pertenece al programa anual." in response.content.decode()


def test_institution_page_links_planeacion_only(as_user) -> None:
    assert "/i/IEEM/datos-abiertos/" in as_user("planeacion").get("/i/IEEM/").content.decode()
    assert "/i/IEEM/datos-abiertos/" not in as_user("consulta").get("/i/IEEM/").content.decode()


def test_publication_page_query_count_does_not_grow(as_user, demo: Demo) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import AnnualProgramFactory

    client = as_user("planeacion")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/i/IEEM/datos-abiertos/").status_code == 200
        return len(ctx.captured_queries)

    count()  # warm the session
    before = count()
    for year in (2022, 2023, 2025):
        AnnualProgramFactory(institution=demo.institution, year=year)
    publication_publish(user=demo.users["planeacion"], program=demo.program, reason="x")
    assert count() == before == PAGE_QUERIES


def test_publication_form_carries_a_large_mir_id_without_separators(as_user, demo: Demo) -> None:
    from rumbo.design.models import ProgramDesign
    from rumbo.indicators.models import Mir
    from tests.factories import ProgramNodeFactory

    node = ProgramNodeFactory(program=demo.program, key="09", name="Otro subprograma", depth=0)
    design = ProgramDesign.objects.create(node=node, title="Diseño con id grande")
    mir = Mir.objects.create(pk=12345, design=design)
    client = as_user("planeacion")
    url = "/i/IEEM/datos-abiertos/cambiar/"
    client.post(url, {"accion": "publicar", "ejercicio": 2024, "motivo": "Listo"})
    page = client.get("/i/IEEM/datos-abiertos/").content.decode()
    assert '<input type="hidden" name="mir" value="12345">' in page
    response = client.post(
        url, {"accion": "publicar", "ejercicio": 2024, "mir": "12345", "motivo": "MIR"}
    )
    assert response.status_code == 302
    assert Publication.objects.filter(kind=PublicationKind.MIR, mir=mir).exists()

"""The review of partidas específicas and fuentes de financiamiento: the page (sin revisar
first, line counts, query count), its services (authorised, audited), and what a review
changes in the next import (no more «partida nueva» finding, its open ones resolved)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.budget.importer import import_budget
from rumbo.budget.models import FundingSource, SpecificItem
from rumbo.budget.services import (
    cog_load,
    funding_source_create,
    funding_source_update,
    specific_item_update,
    specific_items_review,
)
from rumbo.imports.models import QualityFinding
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

ITEMS = reverse("web:budget_items", args=["IEEM"])
REVIEW = reverse("web:budget_items_review", args=["IEEM"])
SOURCE_CREATE = reverse("web:budget_source_create", args=["IEEM"])
HEADER = "Clave programática,Partida,Fuente,Mes,Momento,Importe,Nombre de la partida"
FILE = [
    "0101,21101,11,1,aprobado,100,Materiales de oficina",
    "0101,21101,11,2,aprobado,100,",
    "0201,33401,11,1,aprobado,50,",
]


@pytest.fixture(autouse=True)
def classifier(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    cog_load()


def _import(tmp_path: Path, name: str = "p.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *FILE]) + "\n", encoding="utf-8")
    return import_budget(path, institution_code="IEEM", year=2024, actor=Actor.cli())


def _open_unknown() -> list[str]:
    return sorted(
        QualityFinding.objects.filter(code="budget_item_unknown", status="open").values_list(
            "object_label", flat=True
        )
    )


def test_the_page_lists_unreviewed_first_with_their_use(as_user, demo, tmp_path):
    _import(tmp_path)
    item = SpecificItem.objects.get(key="21101")
    item.unreviewed = False
    item.save()
    html = as_user("consulta").get(ITEMS).content.decode()
    first, second = html.index('id="partida-33401"'), html.index('id="partida-21101"')
    assert first < second  # «sin revisar» first
    row = re.search(r'id="partida-21101".*?</tr>', html, re.S).group(0)
    assert "Materiales de oficina" in row
    assert "211 Materiales, útiles y equipos menores de oficina" in row
    assert '<td class="num">2</td>' in row  # two months of one line key
    assert "2000 Materiales y suministros" in row
    assert "Marcar como revisadas" not in html  # consulta reads only
    assert 'id="fuente-11"' in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_reads_only_planning_writes(as_user, demo, persona, tmp_path):
    _import(tmp_path)
    item = SpecificItem.objects.get(key="33401")
    client = as_user(persona)
    allowed = persona == "planeacion"
    assert client.get(ITEMS).status_code == 200
    events = AuditEvent.objects.count()
    edit = reverse("web:budget_item_edit", args=["IEEM", item.pk])
    assert client.get(edit).status_code == (200 if allowed else 403)
    assert client.post(REVIEW, {"items": [item.pk]}).status_code == (302 if allowed else 403)
    if not allowed:
        assert client.post(SOURCE_CREATE, {"key": "99", "name": "X"}).status_code == 403
        assert AuditEvent.objects.count() == events


def test_another_institution_is_refused(as_user, demo, tmp_path):
    _import(tmp_path)
    item = SpecificItem.objects.get(key="33401")
    outsider = as_user("ajeno")
    assert outsider.get(ITEMS).status_code == 403
    assert outsider.post(REVIEW, {"items": [item.pk]}).status_code == 403
    with pytest.raises(PermissionDenied):
        specific_items_review(
            actor=Actor.for_user(demo.users["ajeno"]),
            user=demo.users["ajeno"],
            institution=demo.institution,
            item_ids=[item.pk],
        )
    assert SpecificItem.objects.get(pk=item.pk).unreviewed


def test_marking_many_reviewed_audits_resolves_and_stops_the_finding(as_user, demo, tmp_path):
    _import(tmp_path)
    assert _open_unknown() == ["21101 Materiales de oficina", "33401"]
    ids = list(SpecificItem.objects.values_list("pk", flat=True))
    client = as_user("planeacion")
    response = client.post(REVIEW, {"items": ids}, follow=True)
    assert "2 partidas marcada(s) como revisada(s)." in response.content.decode()
    assert not SpecificItem.objects.filter(unreviewed=True).exists()
    reviews = AuditEvent.objects.filter(action="budget_item.review", actor_label="planeacion")
    assert sorted(e.before["unreviewed"] for e in reviews) == [True, True]
    assert reviews.count() == 2
    assert _open_unknown() == []
    resolved = QualityFinding.objects.filter(code="budget_item_unknown")
    assert {f.status for f in resolved} == {"resolved"}
    assert {f.resolved_by for f in resolved} == {demo.users["planeacion"]}
    assert AuditEvent.objects.filter(action="finding.resolved").count() == 2
    # The next import no longer raises it, nor reopens the resolved ones.
    report = _import(tmp_path, "otra-vez.csv")
    assert "budget_item_unknown" not in report.findings_by_code()
    assert _open_unknown() == []
    # Nothing left to review: the same request is refused with a message.
    again = client.post(REVIEW, {"items": ids}, follow=True).content.decode()
    assert "Las partidas elegidas ya estaban revisadas." in again


def test_editing_a_partida_renames_and_reviews_it(as_user, demo, tmp_path):
    _import(tmp_path)
    item = SpecificItem.objects.get(key="33401")
    url = reverse("web:budget_item_edit", args=["IEEM", item.pk])
    client = as_user("planeacion")
    bad = client.post(url, {"name": "  ", "reviewed": "on"})
    assert bad.status_code == 400
    assert (
        client.post(url, {"name": "Servicios de capacitación", "reviewed": "on"}).status_code == 302
    )
    item.refresh_from_db()
    assert (item.name, item.unreviewed) == ("Servicios de capacitación", False)
    event = AuditEvent.objects.get(action="budget_item.update")
    assert event.before == {"name": "", "unreviewed": True}
    assert event.after == {"name": "Servicios de capacitación", "unreviewed": False}
    assert _open_unknown() == ["21101 Materiales de oficina"]
    # Saving it unchanged records nothing.
    client.post(url, {"name": "Servicios de capacitación", "reviewed": "on"})
    assert AuditEvent.objects.filter(action="budget_item.update").count() == 1


def test_the_first_fuente_brings_conacs_set_and_keys_are_unique(as_user, demo):
    client = as_user("planeacion")
    assert not FundingSource.objects.exists()
    response = client.post(SOURCE_CREATE, {"key": "18", "name": "Recursos propios"})
    assert response.status_code == 302
    keys = list(FundingSource.objects.values_list("key", flat=True))
    assert len(keys) == 11 and "18" in keys and "11" in keys
    assert AuditEvent.objects.filter(action="funding_source.create").count() == 11
    again = client.post(SOURCE_CREATE, {"key": "18", "name": "Otra"})
    assert again.status_code == 400
    assert "Ya existe la fuente 18." in again.content.decode()
    spaced = client.post(SOURCE_CREATE, {"key": "1 8", "name": "Otra"})
    assert "sin espacios" in spaced.content.decode()
    assert FundingSource.objects.count() == 11


def test_renaming_a_fuente_is_audited_and_keeps_its_key(as_user, demo):
    source = FundingSource.objects.create(institution=demo.institution, key="11", name="Fiscales")
    url = reverse("web:budget_source_edit", args=["IEEM", source.pk])
    client = as_user("planeacion")
    assert client.post(url, {"name": "Recursos fiscales"}).status_code == 302
    source.refresh_from_db()
    assert (source.key, source.name) == ("11", "Recursos fiscales")
    event = AuditEvent.objects.get(action="funding_source.update")
    assert (event.before, event.after) == ({"name": "Fiscales"}, {"name": "Recursos fiscales"})
    with pytest.raises(ValidationError):
        funding_source_update(
            actor=Actor.cli(), user=demo.users["planeacion"], source=source, name=""
        )
    with pytest.raises(PermissionDenied):
        funding_source_create(
            actor=Actor.cli(),
            user=demo.users["revisor"],
            institution=demo.institution,
            key="19",
            name="X",
        )
    with pytest.raises(PermissionDenied):
        specific_item_update(
            actor=Actor.cli(),
            user=demo.users["enlace_se"],
            item=SpecificItem.objects.create(
                institution=demo.institution,
                generic_id=cog_generic_pk(),
                key="21102",
                name="",
            ),
            name="X",
            reviewed=True,
        )


def cog_generic_pk() -> int:
    from rumbo.budget.models import GenericItem

    return GenericItem.objects.get(key="211").pk


@pytest.mark.parametrize("extra", [0, 30])
def test_the_page_query_count_does_not_grow(as_user, demo, extra, django_assert_num_queries):
    generic = cog_generic_pk()
    SpecificItem.objects.bulk_create(
        SpecificItem(institution=demo.institution, generic_id=generic, key=f"211{n:02d}")
        for n in range(1, extra + 2)
    )
    FundingSource.objects.create(institution=demo.institution, key="11", name="Fiscales")
    client = as_user("planeacion")
    with django_assert_num_queries(6):
        assert client.get(ITEMS).status_code == 200

from __future__ import annotations

import pytest

from rumbo.audit.services import Actor
from rumbo.institutions.models import Area, AreaAlias, Institution
from rumbo.institutions.services import acronym_key, area_resolve_many, split_area_label


def test_split_area_label_reads_name_and_acronym() -> None:
    s = split_area_label("  Secretaría Administrativa (SA) ")
    assert (s.name, s.acronym) == ("Secretaría Administrativa", "SA")
    assert split_area_label("Órganos Desconcentrados del 01 al 33").acronym == ""


def test_acronym_key_ignores_connective_and_case() -> None:
    assert acronym_key("DEAPyF") == acronym_key("DEAPYF") == acronym_key("DEAPF")
    assert acronym_key("DEOEyG") == acronym_key("DEOEG")


@pytest.mark.django_db
def test_spellings_of_one_area_resolve_to_one_canonical_area() -> None:
    inst = Institution.objects.create(code="X", name="Instituto X")
    labels = (
        ["Dirección Ejecutiva de Organización Electoral y Geoespacial (DEOEyG)"] * 6
        + ["Dirección Ejecutiva de Organización Electoral Geoespacial (DEOEG)"] * 3
        + ["Dirección Ejecutiva de Organización Electoral Geostadística (DEOEG)"] * 2
        + ["Unidad Técnica de Asuntos Jurídicos (UTAJ)"] * 6
        + ["Unidad Teórica de Asuntos Jurídicos (UTAJ)"]
        + ["Secretaría Administrativa (SA)", "Secretaría Ejecutiva (SE)"]
    )
    changes: list = []
    result = area_resolve_many(institution=inst, labels=labels, actor=Actor.cli(), changes=changes)
    assert Area.objects.filter(institution=inst).count() == 4
    deoe = result["Dirección Ejecutiva de Organización Electoral y Geoespacial (DEOEyG)"]
    assert deoe.kind == "new"
    assert deoe.area.name == "Dirección Ejecutiva de Organización Electoral y Geoespacial"
    assert deoe.area.code == "DEOEyG"
    for variant in (
        "Dirección Ejecutiva de Organización Electoral Geoespacial (DEOEG)",
        "Dirección Ejecutiva de Organización Electoral Geostadística (DEOEG)",
    ):
        assert result[variant].area == deoe.area
        assert result[variant].kind in ("alias", "fuzzy")
        assert result[variant].message
    teorica = result["Unidad Teórica de Asuntos Jurídicos (UTAJ)"]
    assert teorica.area.name == "Unidad Técnica de Asuntos Jurídicos"
    assert teorica.kind == "fuzzy"
    # Different areas never merge just because they share words.
    assert result["Secretaría Administrativa (SA)"].area != result["Secretaría Ejecutiva (SE)"].area
    # A second resolution finds every spelling through the stored aliases.
    again = area_resolve_many(institution=inst, labels=labels, actor=Actor.cli(), changes=[])
    assert {m.area.pk for m in again.values()} == {m.area.pk for m in result.values()}
    assert all(m.kind in ("exact", "alias") for m in again.values())
    assert AreaAlias.objects.filter(institution=inst).count() >= 3


@pytest.mark.django_db
def test_accents_and_case_do_not_create_new_areas() -> None:
    inst = Institution.objects.create(code="Y", name="Instituto Y")
    Area.objects.create(institution=inst, name="Dirección de Organización", code="DO")
    result = area_resolve_many(
        institution=inst, labels=["DIRECCION DE ORGANIZACION"], actor=Actor.cli(), changes=[]
    )
    match = result["DIRECCION DE ORGANIZACION"]
    assert match.area.code == "DO"
    assert match.kind == "alias"
    assert Area.objects.filter(institution=inst).count() == 1

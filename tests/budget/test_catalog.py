"""CONAC's Clasificador por Objeto del Gasto as shipped and loaded."""

from __future__ import annotations

from rumbo.budget.models import Chapter, Concept, GenericItem
from rumbo.budget.services import cog_load


def test_the_nine_chapters_and_known_entries(db):
    cog_load()
    assert list(Chapter.objects.values_list("key", "name")) == [
        ("1000", "Servicios personales"),
        ("2000", "Materiales y suministros"),
        ("3000", "Servicios generales"),
        ("4000", "Transferencias, asignaciones, subsidios y otras ayudas"),
        ("5000", "Bienes muebles, inmuebles e intangibles"),
        ("6000", "Inversión pública"),
        ("7000", "Inversiones financieras y otras provisiones"),
        ("8000", "Participaciones y aportaciones"),
        ("9000", "Deuda pública"),
    ]
    # The political parties' prerrogativas: entidades de interés público.
    item = GenericItem.objects.select_related("concept__chapter").get(key="447")
    assert item.name == "Ayudas sociales a entidades de interés público"
    assert (item.concept.key, item.concept.chapter.key) == ("4400", "4000")
    assert GenericItem.objects.get(key="211").name == (
        "Materiales, útiles y equipos menores de oficina"
    )
    assert Concept.objects.get(key="3700").name == "Servicios de traslado y viáticos"
    for generic in GenericItem.objects.select_related("concept"):
        assert generic.concept.key == generic.key[:2] + "00"


def test_loading_again_changes_nothing(db):
    cog_load()
    assert cog_load() == {"creados": 0, "actualizados": 0, "sin cambios": 426}

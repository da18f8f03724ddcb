from __future__ import annotations

import io
from pathlib import Path

import pytest

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.imports.paa import import_paa
from rumbo.imports.sipot_objectives import import_sipot_objectives
from rumbo.institutions.models import Area, AreaAlias, Institution
from rumbo.institutions.selectors import area_by_code
from rumbo.institutions.services import (
    acronym_key,
    area_resolve_many,
    area_update,
    split_area_label,
)
from rumbo.programs.models import AreaObjective, ProgramNode
from tests.imports.documents import FrIvRow, PaaActivity, fr_iv_document, paa_document


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


# ---------------------------------------------------------------- provisional siglas

DECEYEC = "Dirección Ejecutiva de Capacitación Electoral y Educación Cívica"


def import_small_paa(tmp_path: Path) -> None:
    path = paa_document(
        tmp_path / "paa.txt",
        area=DECEYEC,
        activities=[PaaActivity("070101", "Capacitar.", "Curso", 12, [1] * 12)],
    )
    import_paa(path, institution_code="IEEM", actor=Actor.cli())


def import_small_fr_iv(tmp_path: Path, *areas: str, name: str = "fr4.txt"):  # type: ignore[no-untyped-def]
    path = fr_iv_document(tmp_path / name, [FrIvRow(a) for a in areas])
    return import_sipot_objectives(path, institution_code="IEEM", actor=Actor.cli())


@pytest.mark.django_db
def test_siglas_made_up_from_a_paa_are_replaced_by_the_real_ones_of_a_fr_iv(
    tmp_path: Path,
) -> None:
    import_small_paa(tmp_path)
    area = Area.objects.get()
    # The PAA prints no acronym: the code is the initials of the name, provisional.
    assert (area.name, area.code, area.code_provisional) == (DECEYEC, "DECEEC", True)
    created = AuditEvent.objects.get(action="create", object_id=area.pk, object_repr__contains="(")
    assert created.after == {"name": DECEYEC, "code": "DECEEC", "code_provisional": True}

    report = import_small_fr_iv(tmp_path, f"{DECEYEC} (DECyEC)", f"{DECEYEC} (DECyEC)")
    area.refresh_from_db()
    assert (area.code, area.code_provisional) == ("DECyEC", False)
    assert Area.objects.count() == 1
    # The real siglas are the area's own: no «other spelling» finding.
    assert report.findings == []
    assert set(AreaObjective.objects.values_list("area_id", flat=True)) == {area.pk}
    assert ProgramNode.objects.get(key="07").area_id == area.pk
    event = AuditEvent.objects.get(action="area.update", object_id=area.pk)
    assert (event.before, event.after) == (
        {"code": "DECEEC", "code_provisional": True},
        {"code": "DECyEC", "code_provisional": False},
    )
    assert event.reason == (
        "Las siglas provisionales DECEEC, formadas con las iniciales del nombre al importar, "
        f"se reemplazaron por las siglas reales DECyEC, leídas en «{DECEYEC} (DECyEC)». "
        "DECEEC se conserva como otra grafía del área."
    )
    # The provisional siglas still lead to the area: by code, and as a spelling in a file.
    assert list(AreaAlias.objects.filter(area=area).values_list("alias", flat=True)) == ["DECEEC"]
    assert area_by_code(institution=area.institution, code="DECEEC") == area
    assert area_by_code(institution=area.institution, code="DECyEC") == area
    assert area_by_code(institution=area.institution, code="NADA") is None

    # Once real, the siglas stay: the same file changes nothing, another acronym is a spelling.
    again = import_small_fr_iv(tmp_path, f"{DECEYEC} (DECyEC)", f"{DECEYEC} (DECEyEC)")
    area.refresh_from_db()
    assert area.code == "DECyEC"
    assert AuditEvent.objects.filter(action="area.update").count() == 1
    assert [(f.code, f.line) for f in again.findings] == [("area_alias", 4)]
    assert again.findings[0].message == (
        f"Área escrita «{DECEYEC} (DECEyEC)»; se asignó a «{DECEYEC} (DECyEC)», su nombre canónico."
    )


@pytest.mark.django_db
def test_siglas_of_another_area_do_not_replace_provisional_ones(tmp_path: Path) -> None:
    import_small_paa(tmp_path)
    inst = Institution.objects.get(code="IEEM")
    Area.objects.create(institution=inst, name="Dirección de Cómputo", code="DECyEC")
    report = import_small_fr_iv(tmp_path, f"{DECEYEC} (DECyEC)")
    area = Area.objects.get(name=DECEYEC)
    assert (area.code, area.code_provisional) == ("DECEEC", True)
    assert [f.code for f in report.findings] == ["area_alias"]
    assert not AuditEvent.objects.filter(action="area.update").exists()


@pytest.mark.django_db
def test_a_document_that_confirms_the_initials_makes_them_real(tmp_path: Path) -> None:
    import_small_paa(tmp_path)
    report = import_small_fr_iv(tmp_path, f"{DECEYEC} (DECEEC)")
    area = Area.objects.get()
    assert (area.code, area.code_provisional) == ("DECEEC", False)
    assert report.findings == []
    event = AuditEvent.objects.get(action="area.update")
    assert event.reason == (
        "Se confirmaron las siglas DECEEC, que se habían formado con las iniciales del nombre "
        f"al importar: el documento las trae en «{DECEYEC} (DECEEC)»."
    )
    assert not AreaAlias.objects.exists()


@pytest.mark.django_db
def test_siglas_written_by_a_person_are_real(tmp_path: Path) -> None:
    import_small_paa(tmp_path)
    area = Area.objects.get()
    area_update(actor=Actor.cli(), area=area, name=area.name, code="DECE")
    area.refresh_from_db()
    assert (area.code, area.code_provisional) == ("DECE", False)
    event = AuditEvent.objects.get(action="area.update")
    assert (event.before, event.after) == (
        {"code": "DECEEC", "code_provisional": True},
        {"code": "DECE", "code_provisional": False},
    )
    assert area_by_code(institution=area.institution, code="DECEEC") == area
    # A later document's acronym no longer replaces them: it is another spelling.
    report = import_small_fr_iv(tmp_path, f"{DECEYEC} (DECyEC)")
    area.refresh_from_db()
    assert area.code == "DECE"
    assert [f.code for f in report.findings] == ["area_alias"]


@pytest.mark.django_db
def test_the_migration_marks_only_siglas_an_import_made_up() -> None:
    from importlib import import_module

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    migration = import_module("rumbo.institutions.migrations.0002_area_code_provisional")
    inst = Institution.objects.create(code="V", name="Viejo")

    def area(name: str, code: str) -> Area:
        return Area.objects.create(institution=inst, name=name, code=code)

    made_up = area("Dirección de Organización", "DO")
    numbered = area("Dirección de Operación", "DO2")
    printed = area("Secretaría Ejecutiva", "SE")
    AreaAlias.objects.create(institution=inst, area=printed, alias="Secretaría Ejecutiva (SE)")
    by_hand = area("Unidad de Informática", "UI")
    AuditEvent.objects.create(
        institution=inst,
        actor_label="planeacion",
        action="area.create",
        content_type=ContentType.objects.get_for_model(Area),
        object_id=by_hand.pk,
    )
    chosen = area("Contraloría General", "CONTRA")
    migration.mark_invented_codes(apps, None)
    provisional = set(Area.objects.filter(code_provisional=True).values_list("code", flat=True))
    assert provisional == {made_up.code, numbered.code}
    assert chosen.code not in provisional


@pytest.mark.django_db
def test_commands_still_find_an_area_by_its_former_provisional_siglas(tmp_path: Path) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from rumbo.institutions.models import Membership

    import_small_paa(tmp_path)
    import_small_fr_iv(tmp_path, f"{DECEYEC} (DECyEC)")
    area = Area.objects.get()
    assert area.code == "DECyEC"
    call_command(
        "rumbo_user", "create", "enlace_dec", "--institution", "IEEM", "--role", "enlace",
        "--area", "deceec", stdout=io.StringIO(),
    )  # fmt: skip
    user = get_user_model().objects.get(username="enlace_dec")
    assert Membership.objects.get(user=user).area == area

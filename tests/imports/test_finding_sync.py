"""Findings are re-evaluated by the object they concern, whatever the file is called."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.imports.base import ImportReport
from rumbo.imports.models import FindingStatus, ImportRun, QualityFinding
from rumbo.imports.paa import import_paa
from rumbo.imports.sipot_objectives import import_sipot_objectives
from rumbo.institutions.models import Institution
from rumbo.programs.models import Activity
from tests.imports.documents import FrIvRow, PaaActivity, fr_iv_document, paa_document

pytestmark = pytest.mark.django_db

WRONG = [2] * 11 + [1]  # adds up to 23, not 24
RIGHT = [2] * 12


def paa(tmp_path: Path, name: str, months: list[int], year: int = 2031) -> ImportReport:
    path = paa_document(
        tmp_path / name,
        year=year,
        activities=[
            PaaActivity("070101", "Rendir informes.", "Informe", 24, months),
            PaaActivity("070102", "Celebrar sesiones.", "Sesión", 12, [1] * 12),
        ],
    )
    return import_paa(path, institution_code="PRUEBA", actor=Actor.cli())


def sums() -> list[tuple[str, str, str]]:
    """(file, status, object) of every sum_mismatch finding, oldest first."""
    return [
        (f.source_file, f.status, f.object_label)
        for f in QualityFinding.objects.filter(code="sum_mismatch").order_by("pk")
    ]


def test_a_corrected_document_under_another_name_resolves_the_finding(tmp_path: Path) -> None:
    first = paa(tmp_path, "a.txt", WRONG)
    assert first.findings_by_code() == {"sum_mismatch": 1}
    (finding,) = QualityFinding.objects.all()
    activity = Activity.objects.get(key="070101")
    assert (finding.kind, finding.year, finding.concerns) == ("paa", 2031, activity)

    second = paa(tmp_path, "a_v2.txt", RIGHT)
    assert second.findings == [] and second.findings_closed == 1
    assert second.updated == {"programa": 1, "actividad": 1}  # its source file, its months
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED
    assert (
        finding.resolution_comment == "Resuelto al importar a_v2.txt: ya no aparece (era de a.txt)."
    )
    assert finding.resolved_by is None and finding.resolved_at is not None
    event = AuditEvent.objects.get(action="finding.resolved")
    assert (event.object_id, event.before["status"], event.after["status"]) == (
        finding.pk, "open", "resolved"
    )  # fmt: skip
    assert event.reason == "Importación paa de a_v2.txt"
    assert "hallazgos ya no presentes (cerrados): 1" in second.to_text()

    # Wrong again under a third name: the same finding, open again — one, not two.
    third = paa(tmp_path, "a_v3.txt", WRONG)
    assert third.findings_reopened == 1 and third.findings_closed == 0
    assert sums() == [("a_v3.txt", "open", "Actividad 070101")]
    finding.refresh_from_db()
    assert (finding.resolved_at, finding.resolution_comment) == (None, "")
    assert AuditEvent.objects.filter(action="finding.reopen", object_id=finding.pk).count() == 1
    assert "volvieron a aparecer (reabiertos): 1" in third.to_text()


def test_a_still_wrong_document_under_another_name_keeps_one_open_finding(
    tmp_path: Path,
) -> None:
    paa(tmp_path, "a.txt", WRONG)
    (finding,) = QualityFinding.objects.all()
    line = finding.source_line
    report = paa(tmp_path, "otro nombre.txt", WRONG)
    assert report.findings_by_code() == {"sum_mismatch": 1}
    assert (report.findings_closed, report.findings_reopened) == (0, 0)
    assert sums() == [("otro nombre.txt", "open", "Actividad 070101")]
    finding.refresh_from_db()
    assert finding.source_line == line
    assert not AuditEvent.objects.filter(action__startswith="finding.").exists()


def test_an_accepted_finding_stays_accepted_under_another_name(tmp_path: Path) -> None:
    paa(tmp_path, "a.txt", WRONG)
    finding = QualityFinding.objects.get()
    finding.status = FindingStatus.ACCEPTED
    finding.resolution_comment = "El área confirma el calendario."
    finding.save()
    paa(tmp_path, "b.txt", WRONG)
    assert sums() == [("b.txt", "accepted", "Actividad 070101")]
    # Not produced any more: an accepted finding is not closed either.
    report = paa(tmp_path, "c.txt", RIGHT)
    assert report.findings_closed == 0
    assert sums() == [("b.txt", "accepted", "Actividad 070101")]


def test_a_finding_resolved_by_a_person_keeps_its_status_when_it_reappears(
    tmp_path: Path,
) -> None:
    paa(tmp_path, "a.txt", WRONG)
    QualityFinding.objects.update(status=FindingStatus.RESOLVED, resolution_comment="Corregido.")
    report = paa(tmp_path, "b.txt", WRONG)
    assert (report.findings_closed, report.findings_reopened) == (0, 0)
    assert sums() == [("b.txt", "resolved", "Actividad 070101")]


def test_another_program_year_is_another_object(tmp_path: Path) -> None:
    paa(tmp_path, "a.txt", WRONG, year=2031)
    report = paa(tmp_path, "a_2032.txt", RIGHT, year=2032)
    assert report.findings_closed == 0
    assert sums() == [("a.txt", "open", "Actividad 070101")]


def test_findings_stored_once_per_file_name_are_merged(tmp_path: Path) -> None:
    """Before findings were matched by object, each file name kept its own copy."""
    paa(tmp_path, "a.txt", WRONG)
    original = QualityFinding.objects.get()
    copy = QualityFinding.objects.get(pk=original.pk)
    copy.pk = None
    copy.source_file = "a_v2.txt"
    copy.fingerprint = "stored with the file name in it"
    copy.save()
    QualityFinding.objects.filter(pk=original.pk).update(fingerprint="also the old formula")

    report = paa(tmp_path, "a_v3.txt", WRONG)
    assert report.findings_closed == 1
    kept = QualityFinding.objects.get(status=FindingStatus.OPEN)
    assert (kept.pk, kept.source_file) == (copy.pk, "a_v3.txt")
    original.refresh_from_db()
    assert original.status == FindingStatus.RESOLVED
    assert original.resolution_comment == (
        f"Resuelto al importar a_v3.txt: es el mismo hallazgo que el n.º {copy.pk}, que se "
        "conserva."
    )
    # The next import finds the survivor by its new fingerprint: nothing changes.
    again = paa(tmp_path, "a_v3.txt", WRONG)
    assert (again.findings_closed, again.findings_reopened) == (0, 0)
    assert QualityFinding.objects.count() == 2


# ---------------------------------------------------------------- findings without an object


def fr_iv(tmp_path: Path, name: str, first_area: str, year: int = 2031) -> ImportReport:
    path = fr_iv_document(
        tmp_path / name,
        [FrIvRow(first_area), FrIvRow("Dirección de Organización (DO)")],
        year=year,
    )
    return import_sipot_objectives(path, institution_code="IEEM", actor=Actor.cli())


def test_a_finding_without_object_is_bound_to_its_file_and_ejercicio(tmp_path: Path) -> None:
    # A row without its area cannot be stored: its finding concerns the file, line 3.
    first = fr_iv(tmp_path, "fr4.txt", "")
    assert [(f.code, f.line, f.obj) for f in first.findings] == [("empty_required", 3, None)]
    finding = QualityFinding.objects.get()
    assert (finding.content_type, finding.object_label) == (None, "Fila 1")

    # The same file again keeps it; another ejercicio's file does not touch it.
    assert fr_iv(tmp_path, "fr4.txt", "").findings_closed == 0
    assert fr_iv(tmp_path, "fr4-2032.txt", "", year=2032).findings_closed == 0
    assert QualityFinding.objects.filter(status=FindingStatus.OPEN).count() == 2

    # A corrected file for the same ejercicio replaces the old file's rows and findings.
    fixed = fr_iv(tmp_path, "fr4 corregido.txt", "Secretaría Ejecutiva (SE)")
    assert fixed.findings == [] and fixed.findings_closed == 1
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED
    assert finding.resolution_comment == (
        "Resuelto al importar fr4 corregido.txt: ya no aparece (era de fr4.txt)."
    )
    other = QualityFinding.objects.get(year=2032)
    assert other.status == FindingStatus.OPEN


def test_findings_of_another_kind_are_not_touched(tmp_path: Path) -> None:
    paa(tmp_path, "a.txt", WRONG)
    fr_iv(tmp_path, "b.txt", "Secretaría Ejecutiva (SE)")
    assert sums() == [("a.txt", "open", "Actividad 070101")]


# ---------------------------------------------------------------- stored before this rule


def test_the_migration_gives_each_finding_the_kind_of_its_import() -> None:
    from importlib import import_module

    fill_kind = import_module("rumbo.imports.migrations.0002_finding_import_kind").fill_kind
    inst = Institution.objects.create(code="VIEJO", name="Viejo")
    ImportRun.objects.create(
        institution=inst, kind="pgd", source_file="plan.txt", sha256="0", actor="cli"
    )
    ImportRun.objects.create(
        institution=inst, kind="paa", source_file="paa.txt", sha256="0", actor="cli"
    )
    common = {"institution": inst, "severity": "warning", "code": "unparsed_line"}
    plan = QualityFinding.objects.create(
        **common, source_file="plan.txt", message="x", fingerprint="1"
    )
    program = QualityFinding.objects.create(
        **common, source_file="paa.txt", message="x", fingerprint="2"
    )
    loose = QualityFinding.objects.create(
        **common, source_file="suelto.txt", message="x", fingerprint="3"
    )
    fill_kind(apps, None)
    assert [QualityFinding.objects.get(pk=f.pk).kind for f in (plan, program, loose)] == [
        "pgd",
        "paa",
        "",
    ]
    assert ContentType.objects.get_for_model(QualityFinding)  # the app registry was used

"""Correcting an imported fr. IV row in Rumbo (the IECM sample), and re-importing after it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from rumbo.audit.models import AuditEvent
from rumbo.audit.services import Actor
from rumbo.imports.models import FindingStatus, QualityFinding
from rumbo.imports.sipot_objectives import import_sipot_objectives
from rumbo.imports.sipot_objectives.corrections import area_objective_update
from rumbo.institutions.models import Area, Institution
from rumbo.programs.models import AreaObjective
from tests.factories import AreaFactory, InstitutionFactory, UserFactory
from tests.imports.test_sipot_objectives import data_lines, edited

pytestmark = pytest.mark.django_db

GOOD_LINK = "https://www.iecm.mx/web/iecm/2024/programa-operativo-anual.pdf"
UNIT = 7  # column of «Unidad de medida» in the sample (by position, as the file is)


@pytest.fixture
def iecm(sipot_iv_file: Path) -> Institution:
    institution = Institution.objects.create(
        code="IECM", name="Instituto Electoral de la Ciudad de México", web_domains=["iecm.mx"]
    )
    import_sipot_objectives(sipot_iv_file, institution_code="IECM", actor=Actor.cli())
    return institution


@pytest.fixture
def planeacion():  # type: ignore[no-untyped-def]
    return UserFactory(username="planeacion_iecm")


def findings_of(row: AreaObjective) -> dict[str, QualityFinding]:
    found = QualityFinding.objects.filter(
        content_type=ContentType.objects.get_for_model(AreaObjective), object_id=row.pk
    )
    by_code = {f.code: f for f in found}
    assert len(by_code) == found.count()  # one finding per code on these rows
    return by_code


def row(number: int) -> AreaObjective:
    return AreaObjective.objects.select_related("area").get(row_number=number)


def test_row_1_of_the_sample_has_the_defects_the_file_has(iecm, sipot_iv_file: Path) -> None:
    # Read from the file without the importer: row 1 is line 12, a frequency as unit, a link
    # to the mistyped iccm.mx domain, and a meta that repeats its indicator.
    line, cells = data_lines(sipot_iv_file)[0]
    assert line == 12 and cells[UNIT].strip() == "Trimestral" and "iccm.mx" in cells[8]
    assert cells[5].strip() == cells[6].strip()
    first = row(1)
    assert first.unit == "Trimestral" and first.source_line == 12
    assert set(findings_of(first)) == {
        "unit_is_frequency",
        "suspicious_link",
        "meta_not_quantified",
    }
    assert all(f.status == FindingStatus.OPEN for f in findings_of(first).values())


def test_a_correction_resolves_what_it_fixes_and_leaves_the_rest_open(iecm, planeacion) -> None:
    result = area_objective_update(
        actor=Actor.for_user(planeacion),
        row=row(1),
        unit="Porcentaje",
        hyperlink=GOOD_LINK,
        reason="Unidad y enlace confirmados con la Secretaría Ejecutiva",
    )
    assert result.changed
    assert result.before == {
        "unit": "Trimestral",
        "hyperlink": "https://www.iccm.mx/web/portal/gob/2024/IECM_AJULUG-006-2024.pdf",
    }
    assert result.after == {"unit": "Porcentaje", "hyperlink": GOOD_LINK}
    stored = row(1)
    assert (stored.unit, stored.hyperlink) == ("Porcentaje", GOOD_LINK)
    assert stored.correction["imported"]["unit"] == "Trimestral"

    findings = findings_of(stored)
    for code in ("unit_is_frequency", "suspicious_link"):
        assert findings[code].status == FindingStatus.RESOLVED, code
        assert findings[code].resolved_by == planeacion
        assert "confirmados con la Secretaría Ejecutiva" in findings[code].resolution_comment
    # The meta still repeats the indicator: that finding still fires and stays open.
    assert findings["meta_not_quantified"].status == FindingStatus.OPEN
    assert [f.code for f in result.still_open] == ["meta_not_quantified"]
    assert sorted(stored.correction["findings"]) == sorted(
        [findings["unit_is_frequency"].pk, findings["suspicious_link"].pk]
    )

    update = AuditEvent.objects.get(action="area_objective.update")
    assert update.actor == planeacion and update.object_id == stored.pk
    assert update.before == result.before and update.after == result.after
    assert update.reason == "Unidad y enlace confirmados con la Secretaría Ejecutiva"
    resolved = AuditEvent.objects.filter(action="finding.resolved")
    assert sorted(e.object_id for e in resolved) == sorted(stored.correction["findings"])
    assert all(e.before["status"] == "open" and e.after["status"] == "resolved" for e in resolved)


def test_a_correction_that_fixes_nothing_leaves_findings_open(iecm, planeacion) -> None:
    result = area_objective_update(
        actor=Actor.for_user(planeacion),
        row=row(1),
        unit="Trimestral o mensual",  # still a frequency
        reason="Precisión de la unidad",
    )
    assert result.changed and not result.resolved
    assert all(f.status == FindingStatus.OPEN for f in findings_of(row(1)).values())


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"reason": "  "}, "reason", "motivo"),
        ({"unit": ""}, "unit", "obligatoria"),
        ({"goal": " "}, "goal", "obligatoria"),
        ({"hyperlink": "www.iecm.mx/poa.pdf"}, "hyperlink", "mal formado"),
        ({"hyperlink": "https://www.iccm.mx/poa.pdf"}, "hyperlink", "iecm.mx"),
    ],
)
def test_invalid_corrections_are_refused_and_write_nothing(
    iecm, planeacion, changes: dict, field: str, fragment: str
) -> None:
    before = AuditEvent.objects.count()
    kwargs = {"reason": "Corrección", **changes}
    with pytest.raises(ValidationError) as exc:
        area_objective_update(actor=Actor.for_user(planeacion), row=row(1), **kwargs)
    assert fragment in " ".join(exc.value.message_dict[field])
    assert AuditEvent.objects.count() == before
    assert row(1).unit == "Trimestral" and row(1).correction == {}


def test_an_area_of_another_institution_is_refused(iecm, planeacion) -> None:
    other = AreaFactory(institution=InstitutionFactory(code="OTRO"))
    with pytest.raises(ValidationError) as exc:
        area_objective_update(
            actor=Actor.for_user(planeacion), row=row(1), area=other, reason="Área"
        )
    assert "area" in exc.value.message_dict


def test_saving_the_same_values_changes_nothing(iecm, planeacion) -> None:
    result = area_objective_update(
        actor=Actor.for_user(planeacion), row=row(1), unit=" Trimestral ", reason="Sin cambio"
    )
    assert not result.changed
    assert not AuditEvent.objects.filter(action__startswith=("area_objective")).exists()
    assert row(1).correction == {}


def test_reimporting_the_same_file_keeps_the_correction(
    iecm, planeacion, sipot_iv_file: Path
) -> None:
    se = Area.objects.get(institution=iecm, name="Secretaría Ejecutiva")
    area_objective_update(
        actor=Actor.for_user(planeacion),
        row=row(1),
        area=se,
        unit="Porcentaje",
        hyperlink=GOOD_LINK,
        reason="Corrección acordada",
    )
    resolved = {c: f.pk for c, f in findings_of(row(1)).items() if f.status == "resolved"}
    total = QualityFinding.objects.count()

    report = import_sipot_objectives(sipot_iv_file, institution_code="IECM", actor=Actor.cli())
    stored = row(1)
    assert (stored.unit, stored.hyperlink, stored.area_id) == ("Porcentaje", GOOD_LINK, se.pk)
    assert report.extra["correcciones_conservadas"] == [1]
    assert "correcciones_reemplazadas" not in report.extra
    assert not report.updated  # nothing overwritten, nothing else changed
    assert "Correcciones hechas en Rumbo que se conservaron" in report.to_text()
    assert "se corrigieron): fila 1." in report.to_text()
    # The resolved findings stay resolved; the import opened none for the corrected cells.
    after = findings_of(stored)
    assert {c: after[c].pk for c in resolved} == resolved
    assert all(after[c].status == FindingStatus.RESOLVED for c in resolved)
    assert after["meta_not_quantified"].status == FindingStatus.OPEN
    assert QualityFinding.objects.count() == total
    assert report.findings_closed == 0


def test_a_changed_file_row_wins_visibly_and_reopens_the_findings(
    iecm, planeacion, sipot_iv_file: Path, tmp_path: Path
) -> None:
    area_objective_update(
        actor=Actor.for_user(planeacion),
        row=row(1),
        unit="Porcentaje",
        hyperlink=GOOD_LINK,
        reason="Corrección acordada",
    )
    link_finding = findings_of(row(1))["suspicious_link"]
    # The source was changed on row 1 (its unit), but its link is still mistyped.
    fixed = edited(tmp_path, sipot_iv_file, sipot_iv_file.name, {12: {UNIT: "Informe"}})

    report = import_sipot_objectives(fixed, institution_code="IECM", actor=Actor.cli())
    stored = row(1)
    assert stored.unit == "Informe" and "iccm.mx" in stored.hyperlink
    assert stored.correction == {}
    assert report.extra["correcciones_reemplazadas"] == [1]
    assert "que el archivo reemplazó" in report.to_text()
    assert "resuelto): fila 1." in report.to_text()
    update = AuditEvent.objects.get(action="update", object_id=stored.pk)
    assert update.before["unit"] == "Porcentaje" and update.after["unit"] == "Informe"
    assert update.before["hyperlink"] == GOOD_LINK
    assert update.reason.startswith("Importación sipot-objetivos")
    # The link finding is the same one, open again; the unit finding is gone for good.
    findings = findings_of(stored)
    assert findings["suspicious_link"].pk == link_finding.pk
    assert findings["suspicious_link"].status == FindingStatus.OPEN
    assert findings["unit_is_frequency"].status == FindingStatus.RESOLVED
    assert AuditEvent.objects.filter(action="finding.reopen", object_id=link_finding.pk).exists()


def test_a_corrected_row_the_file_drops_is_reported(
    iecm, planeacion, sipot_iv_file: Path, tmp_path: Path
) -> None:
    area_objective_update(
        actor=Actor.for_user(planeacion), row=row(139), unit="Porcentaje", reason="Unidad"
    )
    last = data_lines(sipot_iv_file)[-1][0]
    lines = sipot_iv_file.read_text(encoding="utf-8").split("\n")
    shorter = tmp_path / sipot_iv_file.name
    shorter.write_text("\n".join(lines[: last - 1] + lines[last:]), encoding="utf-8")

    report = import_sipot_objectives(shorter, institution_code="IECM", actor=Actor.cli())
    assert report.extra["correcciones_eliminadas"] == [139]
    assert "ya no trae y se eliminaron (el historial guarda sus valores): fila 139." in (
        report.to_text().replace("\n", " ")
    )
    assert AuditEvent.objects.filter(action="delete", before__key="139").exists()

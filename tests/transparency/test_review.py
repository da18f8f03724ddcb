"""«Revisar antes de descargar» on the demo's real files: the IECM fr. IV sample (imported
rows that republish the file's defects) and the IEEM PAA (fr. IV rows derived from
activities, 34 of them without a unit or a meta)."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.db.models import Q

from rumbo.audit.services import Actor
from rumbo.imports.paa import import_paa
from rumbo.imports.sipot_objectives import import_sipot_objectives
from rumbo.imports.sipot_objectives.corrections import area_objective_update
from rumbo.institutions.models import Institution
from rumbo.programs.models import Activity, AreaObjective, UnitOfMeasure
from rumbo.programs.services import activity_update
from rumbo.transparency.checker import check_file, read_table
from rumbo.transparency.fixes import Fix
from rumbo.transparency.formats import definition_for
from rumbo.transparency.generate import build_sipot, csv_lines
from rumbo.transparency.review import format_review
from rumbo.transparency.selectors import ReportPeriod
from tests.imports.test_sipot_objectives import data_lines

pytestmark = pytest.mark.django_db

TODAY = date(2025, 1, 31)  # after every period of 2024
YEAR_2024 = ReportPeriod(2024)
LINK = 8  # «Hipervínculo» column of the sample, by position


@pytest.fixture
def iecm(sipot_iv_file: Path) -> Institution:
    """IECM as the demo has it: its registered domain, then the sample imported."""
    institution = Institution.objects.create(
        code="IECM", name="Instituto Electoral de la Ciudad de México", web_domains=["iecm.mx"]
    )
    import_sipot_objectives(sipot_iv_file, institution_code="IECM", actor=Actor.cli())
    return institution


@pytest.fixture
def ieem(paa_file: Path) -> Institution:
    institution = Institution.objects.create(
        code="IEEM", name="Instituto Electoral del Estado de México", web_domains=["ieem.org.mx"]
    )
    import_paa(paa_file, institution_code="IEEM", year=2024, actor=Actor.cli())
    return institution


def test_the_iecm_review_lists_the_rows_with_a_mistyped_domain(
    iecm: Institution, sipot_iv_file: Path
) -> None:
    review = format_review(format_id="fr-iv", institution=iecm, period=YEAR_2024, today=TODAY)
    first_data_row = definition_for("fr-iv", on=YEAR_2024.start).first_data_row
    # Expected from the file itself: the data rows whose link is not on iecm.mx, at their
    # position in the XLSX download, fixed on the page of the imported row.
    rows = data_lines(sipot_iv_file)
    wrong = [i for i, (_, cells) in enumerate(rows) if "//www.iecm.mx/" not in cells[LINK]]
    assert len(wrong) == 67
    pks = dict(AreaObjective.objects.values_list("row_number", "pk"))
    errors = [f for f in review.findings if f.is_error]
    assert {f.finding.code for f in errors} == {"suspicious_link"}
    assert [f.row for f in errors] == [first_data_row + i for i in wrong]
    assert [f.fix for f in errors] == [Fix("area_objective", (pks[i + 1],)) for i in wrong]
    assert errors[0].record == f"Fila {wrong[0] + 1} de los objetivos importados"
    assert errors[0].column == "Hipervínculo al documento del programa (I)"
    assert (review.errors, review.failing_rows, review.data_rows) == (67, 67, 139)
    warnings = Counter(f.finding.code for f in review.findings if not f.is_error)
    assert warnings == {"unit_is_frequency": 139, "meta_not_quantified": 136, "duplicate_row": 1}


def test_after_correcting_the_iecm_rows_the_format_passes(iecm: Institution) -> None:
    actor = Actor.cli()
    review = format_review(format_id="fr-iv", institution=iecm, period=YEAR_2024, today=TODAY)
    to_fix = {f.fix.args[0] for f in review.findings if f.is_error and f.fix}
    for row in AreaObjective.objects.filter(pk__in=to_fix):
        area_objective_update(
            actor=actor,
            row=row,
            hyperlink=re.sub(r"^https://www\.[a-z]+\.mx/", "https://www.iecm.mx/", row.hyperlink),
            reason="Dominio mal escrito en el archivo",
        )
    for format_id in ("fr-iv", "cdmx-121-iv"):
        after = format_review(format_id=format_id, institution=iecm, period=YEAR_2024, today=TODAY)
        assert after.errors == 0 and after.passes, format_id
        # The downloaded file itself passes the checker, not only the review's CSV.
        export = build_sipot(
            format_id=format_id, institution="IECM", year=2024, fmt="xlsx", today=str(TODAY)
        )
        result = check_file(
            name=export.filename, content=export.content, format_id=format_id, institution=iecm
        )
        assert not result.has_errors, format_id


def test_the_ieem_review_points_each_failing_row_at_its_activity(ieem: Institution) -> None:
    review = format_review(format_id="fr-iv", institution=ieem, period=YEAR_2024, today=TODAY)
    without_unit = set(
        Activity.objects.filter(program__year=2024, unit__isnull=True).values_list("key", flat=True)
    )
    without_target = set(
        Activity.objects.filter(program__year=2024, annual_target__isnull=True).values_list(
            "key", flat=True
        )
    )
    # 33 activities without a unit; two without an annual target (090501, also without a
    # unit, and 041002, whose line cannot tell a blank annual from a lost month): 35 errors.
    assert (len(without_unit), len(without_target)) == (33, 2)
    errors = [f for f in review.findings if f.is_error]
    assert {f.finding.code for f in errors} == {"empty_required"}
    by_column: dict[str, set[Fix]] = {}
    for f in errors:
        by_column.setdefault(f.column, set()).add(f.fix)
    unit = "Unidad de medida por cada meta (H)"
    goal = "Meta(s) por cada indicador (G)"
    # The meta is the target and its unit («4,060 Reporte»): without a target it is empty.
    assert by_column[unit] == {Fix("activity", (2024, k)) for k in without_unit}
    assert by_column[goal] == {Fix("activity_calendar", (2024, k)) for k in without_target}
    assert review.errors == 35 and review.failing_rows == len(without_unit | without_target) == 34


def test_after_completing_the_ieem_activities_the_formats_pass(ieem: Institution) -> None:
    actor = Actor.cli()
    unit = UnitOfMeasure.objects.get_or_create(
        institution=ieem, normalized="informe", defaults={"name": "Informe"}
    )[0]
    incomplete = Q(unit__isnull=True) | Q(annual_target__isnull=True)
    for activity in Activity.objects.filter(incomplete, program__year=2024):
        activity_update(
            actor=actor,
            activity=activity,
            unit=activity.unit or unit,
            annual_target=1 if activity.annual_target is None else activity.annual_target,
            reason="Unidad que faltaba en el PAA",
        )
    for format_id in ("fr-iv", "cdmx-121-iv", "cdmx-121-xxii"):
        review = format_review(format_id=format_id, institution=ieem, period=YEAR_2024, today=TODAY)
        assert review.errors == 0, (format_id, review.findings[:3])


def test_a_period_not_yet_closed_says_when_to_download(iecm: Institution) -> None:
    review = format_review(
        format_id="fr-iv", institution=iecm, period=ReportPeriod(2024, 4), today=date(2024, 12, 1)
    )
    late = [f for f in review.findings if f.finding.code == "date_out_of_period"]
    assert late and all("termina el 31/12/2024" in f.hint for f in late)


def test_csv_lines_number_rows_as_the_checker_does() -> None:
    definition = definition_for("fr-iv", on=YEAR_2024.start)
    width = len(definition.columns)
    data = [["uno"] * width, ["dos\nlíneas"] * width, ["tres\r\nmás"] + ["x"] * (width - 1)]
    data.append(["cuatro"] * width)
    content, starts = csv_lines(definition, data)
    table = read_table(name="x.csv", content=content)
    assert starts == [number for number, _ in table.rows[1:]]
    assert starts == [2, 3, 4 + width, 6 + width]  # a break per cell, then one per record
    assert io.BytesIO(content).read(3) == "\ufeff".encode()


def test_indicator_rows_point_at_the_ficha_or_the_mir_row(demo) -> None:  # type: ignore[no-untyped-def]
    from rumbo.indicators.models import Indicator, IndicatorVariable, MirRow

    Indicator.objects.update(definition="")
    Indicator.objects.filter(pk=demo.design.ind_c1.pk).update(definition="Mide avance.")
    # No medios de verificación on C1, nor sources on its indicator's variables.
    MirRow.objects.filter(pk=demo.design.c1.pk).update(verification="")
    IndicatorVariable.objects.filter(indicator=demo.design.ind_c1).update(source="")
    review = format_review(
        format_id="fr-v", institution=demo.institution, period=YEAR_2024, today=TODAY
    )
    fixes = {(f.column.split(" (")[0], f.fix) for f in review.findings if f.is_error}
    design = demo.design.design.pk
    assert ("Fuente de información", Fix("mir_row", (design, demo.design.c1.pk))) in fixes
    empty_definition = {
        fix for column, fix in fixes if column.startswith("Definición del indicador")
    }
    others = Indicator.objects.exclude(pk=demo.design.ind_c1.pk).values_list("pk", flat=True)
    assert empty_definition == {Fix("indicator", (pk,)) for pk in others}

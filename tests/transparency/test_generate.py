from __future__ import annotations

import csv
import io
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rumbo.monitoring.models import ProgressEntry
from rumbo.transparency.checker import check_file
from rumbo.transparency.formats import definition_for
from rumbo.transparency.generate import ExportError, build_sipot
from tests.factories import ActivityFactory, AreaObjectiveFactory, Demo, measure_indicator

from .conftest import TODAY

pytestmark = pytest.mark.django_db

FORMAT_IDS = ["fr-iv", "fr-v", "fr-vi", "cdmx-121-iv", "cdmx-121-xxii"]


def _xlsx_rows(content: bytes) -> list[list[object]]:
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_xlsx_has_the_sipot_layout(published: Demo, format_id: str) -> None:
    export = build_sipot(
        format_id=format_id, institution="IEEM", year=2024, fmt="xlsx", today=TODAY
    )
    assert export.filename == f"IEEM-{format_id}-2024.xlsx"
    definition = definition_for(format_id, on=published.program.created_at.date())
    rows = _xlsx_rows(export.content)
    assert rows[0][0] == "Instituto Electoral del Estado de México"
    assert rows[1][0] == definition.legal_basis
    assert rows[2][0] == definition.title
    assert rows[3][0] == "Periodo que se informa: del 01/01/2024 al 31/12/2024"
    header = rows[definition.header_row - 1]
    assert header == definition.headers
    data = rows[definition.first_data_row - 1 :]
    assert data and all(r[0] == 2024 for r in data)
    assert {r[1] for r in data} == {"01/01/2024"} and {r[2] for r in data} == {"31/12/2024"}


def test_fr_iv_copies_the_institutions_objectives(published: Demo) -> None:
    export = build_sipot(format_id="fr-iv", institution="IEEM", year=2024, fmt="csv", today=TODAY)
    header, *data = _csv_rows(export.content)
    assert header[:4] == [
        "Ejercicio",
        "Fecha de inicio del periodo que se informa",
        "Fecha de término del periodo que se informa",
        "Denominación del área",
    ]
    assert len(data) == 3
    row = dict(zip(header, data[0], strict=True))
    assert row["Denominación del área"] == "Secretaría Ejecutiva"
    assert row["Meta(s) por cada indicador"] == "90 %"
    assert row["Fecha de actualización"] == "31/01/2025"
    assert row["Fecha de validación"] == "31/01/2025"


def test_fr_iv_without_objectives_derives_one_row_per_activity(published: Demo) -> None:
    other = published.other_institution
    other.web_domains = ["iecm.mx"]
    other.save()
    # IECM has no program in the demo: the file has only the «no information» row.
    export = build_sipot(format_id="fr-iv", institution="IECM", year=2024, fmt="csv", today=TODAY)
    header, only = _csv_rows(export.content)
    assert dict(zip(header, only, strict=True))["Nota"].startswith(
        "En el periodo que se informa no se generó información"
    )
    AreaObjectiveFactory.reset_sequence()
    from rumbo.programs.models import AreaObjective

    AreaObjective.objects.all().delete()
    export = build_sipot(format_id="fr-iv", institution="IEEM", year=2024, fmt="csv", today=TODAY)
    header, *data = _csv_rows(export.content)
    assert len(data) == 5  # the five activities
    first = dict(zip(header, data[0], strict=True))
    assert first["Indicadores asociados"] == "Atención de solicitudes de información pública"
    assert first["Meta(s) por cada indicador"] == "4,060 Reporte"
    assert first["Unidad de medida por cada meta"] == "Reporte"
    assert first["Descripción breve y clara de cada objetivo"] == (
        "Coordinar las actividades de las áreas del Instituto."
    )
    assert first["Hipervínculo al documento del programa"] == "https://ieem.org.mx"


def test_indicators_publish_only_approved_results(published: Demo) -> None:
    d = published.design
    measure_indicator(d.ind_c1, 1, "3", "4")  # T1 closes in March: approved
    measure_indicator(d.ind_c1, 3, "4", "4")  # T3 closes in September: not approved
    export = build_sipot(format_id="fr-vi", institution="IEEM", year=2024, fmt="csv", today=TODAY)
    header, *data = _csv_rows(export.content)
    rows = {
        r[header.index("Nombre del indicador")]: dict(zip(header, r, strict=True)) for r in data
    }
    c1 = rows[d.ind_c1.name]
    assert c1["Avance de las metas"] == "75"
    assert c1["Metas ajustadas, en su caso"] == ""
    assert "Metas ajustadas: el programa aún no está aprobado" in c1["Nota"]
    assert "Avance: resultado aprobado del periodo Trimestre 1 (ene–mar) de 2024." in c1["Nota"]
    assert c1["Frecuencia de medición"] == "Trimestral"
    assert c1["Sentido del indicador"] in ("Ascendente", "Descendente")
    # Quarter 1 alone: the same result; nothing of later quarters leaks.
    q1 = build_sipot(
        format_id="fr-v", institution="IEEM", year=2024, quarter=1, fmt="csv", today=TODAY
    )
    header, *data = _csv_rows(q1.content)
    assert {r[1] for r in data} == {"01/01/2024"} and {r[2] for r in data} == {"31/03/2024"}


def test_an_approved_meta_adjustment_fills_metas_ajustadas(published: Demo) -> None:
    """fr. V / fr. VI: «Metas programadas» is the meta the Consejo approved (version 1),
    «Metas ajustadas» the one an approved adjustment set. ind_c1 is quarterly with metas
    80, 85, 90, 95 and no annual meta, so its meta is the last period's: 95."""
    from datetime import date

    from rumbo.adjustments.services import Proposal, adjustment_approve, adjustment_request
    from rumbo.audit.services import Actor
    from rumbo.programs.lifecycle import program_approve

    d = published.design
    users = published.users
    program_approve(
        actor=Actor.for_user(users["planeacion"]),
        program=published.program,
        agreement="IEEM/CG/01/2024",
        approved_on=date(2024, 1, 15),
    )

    def c1_row(fmt: str) -> dict[str, str]:
        export = build_sipot(format_id=fmt, institution="IEEM", year=2024, fmt="csv", today=TODAY)
        header, *data = _csv_rows(export.content)
        rows = {
            r[header.index("Nombre del indicador")]: dict(zip(header, r, strict=True)) for r in data
        }
        return rows[d.ind_c1.name]

    before = c1_row("fr-v")
    assert (before["Metas programadas"], before["Metas ajustadas, en su caso"]) == ("95", "")
    assert "sin adecuaciones aprobadas" in before["Nota"]
    request = adjustment_request(
        actor=Actor.for_user(users["enlace_se"]),
        program=published.program,
        proposal=Proposal(kind="meta_indicador", indicator=d.ind_c1, targets={"4": "87.5"}),
        justification="El cuarto trimestre coincide con la jornada electoral.",
    )
    adjustment_approve(actor=Actor.for_user(users["planeacion"]), adjustment=request)
    for fmt in ("fr-v", "fr-vi"):
        after = c1_row(fmt)
        assert (after["Metas programadas"], after["Metas ajustadas, en su caso"]) == ("95", "87.5")
        assert f"adecuación {request.number} aprobada" in after["Nota"]
        assert "versión 2" in after["Nota"]


def test_a_mir_approved_after_its_program_publishes_the_meta_its_approval_froze(
    published: Demo,
) -> None:
    """«Metas programadas» of an indicator whose MIR was approved after the program is the
    meta its MIR's approval froze (version 2, not version 1, which did not hold it);
    before that approval the note says its MIR is not approved yet."""
    from datetime import date

    from rumbo.adjustments.services import Proposal, adjustment_approve, adjustment_request
    from rumbo.audit.services import Actor
    from rumbo.indicators.lifecycle import mir_approve
    from rumbo.indicators.services import indicator_update
    from rumbo.programs.lifecycle import program_approve
    from tests.indicators.test_lifecycle import new_mir

    planeacion = Actor.for_user(published.users["planeacion"])
    program_approve(
        actor=planeacion,
        program=published.program,
        agreement="IEEM/CG/01/2024",
        approved_on=date(2024, 1, 15),
    )
    mir, indicator = new_mir(published)  # trimestral, metas 10, 20, 30, 40: its meta is 40

    def row() -> dict[str, str]:
        export = build_sipot(
            format_id="fr-v", institution="IEEM", year=2024, fmt="csv", today=TODAY
        )
        header, *data = _csv_rows(export.content)
        rows = {
            r[header.index("Nombre del indicador")]: dict(zip(header, r, strict=True)) for r in data
        }
        return rows[indicator.name]

    before = row()
    assert (before["Metas programadas"], before["Metas ajustadas, en su caso"]) == ("40", "")
    assert "la MIR del indicador aún no está aprobada" in before["Nota"]
    indicator_update(actor=planeacion, indicator=indicator, data={"targets": {"4": "45"}})
    mir_approve(
        actor=planeacion, mir=mir, agreement="IEEM/CG/30/2024", approved_on=date(2024, 3, 8)
    )
    request = adjustment_request(
        actor=Actor.for_user(published.users["enlace_otra"]),
        program=published.program,
        proposal=Proposal(kind="meta_indicador", indicator=indicator, targets={"4": "50"}),
        justification="Se suman pláticas en el cuarto trimestre.",
    )
    adjustment_approve(actor=planeacion, adjustment=request)
    after = row()
    assert (after["Metas programadas"], after["Metas ajustadas, en su caso"]) == ("45", "50")
    assert "versión 3" in after["Nota"]


def test_poa_publishes_achieved_only_for_approved_months(published: Demo) -> None:
    full = published.activity_full
    for month in range(1, 10):
        ProgressEntry.objects.create(activity=full, month=month, achieved=Decimal(300))
    q2 = build_sipot(
        format_id="cdmx-121-xxii", institution="IEEM", year=2024, quarter=2, fmt="csv", today=TODAY
    )
    header, *data = _csv_rows(q2.content)
    row = next(
        dict(zip(header, r, strict=True))
        for r in data
        if r[header.index("Clave de la actividad")] == "010101"
    )
    assert row["Meta anual programada"] == "4060"
    assert row["Meta programada en el periodo"] == "1020"
    assert row["Meta alcanzada en el periodo"] == "900"
    assert row["Porcentaje de avance en el periodo"] == "88.24"
    q3 = build_sipot(
        format_id="cdmx-121-xxii", institution="IEEM", year=2024, quarter=3, fmt="csv", today=TODAY
    )
    header, *data = _csv_rows(q3.content)
    row = next(
        dict(zip(header, r, strict=True))
        for r in data
        if r[header.index("Clave de la actividad")] == "010101"
    )
    assert row["Meta alcanzada en el periodo"] == ""
    assert "julio, agosto, septiembre" in row["Nota"]


def test_poa_percentage_rounds_half_up_like_the_semaforo(published: Demo) -> None:
    """2,469 of 20,000 is exactly 12.345 %: the semáforo rounds half up to 12.35, and fr.
    XXII b) must print the same figure (half-even would give 12.34)."""
    activity = ActivityFactory(
        node=published.project,
        key="010199",
        annual_target=Decimal(20000),
        months=[0, 0, 0, 0, 0, 20000, 0, 0, 0, 0, 0, 0],
    )
    ProgressEntry.objects.create(activity=activity, month=6, achieved=Decimal(2469))
    q2 = build_sipot(
        format_id="cdmx-121-xxii", institution="IEEM", year=2024, quarter=2, fmt="csv", today=TODAY
    )
    header, *data = _csv_rows(q2.content)
    row = next(
        dict(zip(header, r, strict=True))
        for r in data
        if r[header.index("Clave de la actividad")] == "010199"
    )
    assert row["Meta programada en el periodo"] == "20000"
    assert row["Meta alcanzada en el periodo"] == "2469"
    assert row["Porcentaje de avance en el periodo"] == "12.35"


@pytest.mark.parametrize("format_id", FORMAT_IDS)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("quarter", [None, 2])
def test_generated_formats_pass_the_checker_with_zero_findings(
    published: Demo, format_id: str, fmt: str, quarter: int | None
) -> None:
    measure_indicator(published.design.ind_c1, 1)
    export = build_sipot(
        format_id=format_id, institution="IEEM", year=2024, quarter=quarter, fmt=fmt, today=TODAY
    )
    result = check_file(
        name=export.filename,
        content=export.content,
        format_id=format_id,
        institution=published.institution,
    )
    assert result.findings == []
    assert result.data_rows > 0


def test_xlsx_converts_with_libreoffice(published: Demo, tmp_path: Path) -> None:
    export = build_sipot(format_id="fr-vi", institution="IEEM", year=2024, fmt="xlsx", today=TODAY)
    source = tmp_path / export.filename
    source.write_bytes(export.content)
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # UTF-8
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    converted = (tmp_path / export.filename.replace(".xlsx", ".csv")).read_text(encoding="utf-8")
    assert "Indicadores de resultados" in converted
    assert published.design.ind_c1.name in converted


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"format_id": "fr-xx"}, "formato «fr-xx» desconocido"),
        ({"fmt": "pdf"}, "formato de archivo «pdf»"),
        ({"quarter": 5}, "trimestre inválido: 5"),
        ({"institution": "NADA"}, "no existe la institución NADA"),
        ({"year": 1900}, "año fuera de rango"),
    ],
)
def test_bad_arguments_are_refused(published: Demo, kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    args = {"format_id": "fr-iv", "institution": "IEEM", "year": 2024, "fmt": "csv", **kwargs}
    with pytest.raises(ExportError, match=message):
        build_sipot(**args)


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_query_count_does_not_grow_with_the_data(
    published: Demo,
    format_id: str,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            build_sipot(format_id=format_id, institution="IEEM", year=2024, fmt="xlsx", today=TODAY)
        return len(ctx.captured_queries)

    before = count()
    for _ in range(5):
        AreaObjectiveFactory(institution=published.institution, area=published.area_se)
    from tests.factories import ActivityFactory

    for n in range(4):
        ActivityFactory(node=published.project, key=f"0199{n:02d}")
    measure_indicator(published.design.ind_a11, 2)
    # fr. V / VI: + the approved baselines and the approved meta adjustments (2 queries).
    expected = {"fr-iv": 2, "cdmx-121-iv": 2, "fr-v": 8, "fr-vi": 8, "cdmx-121-xxii": 10}
    assert before == expected[format_id]
    with django_assert_num_queries(expected[format_id]):
        build_sipot(format_id=format_id, institution="IEEM", year=2024, fmt="xlsx", today=TODAY)


def test_derived_fr_iv_query_count_does_not_grow(
    published: Demo,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    from rumbo.programs.models import AreaObjective
    from tests.factories import ActivityFactory

    AreaObjective.objects.all().delete()
    for n in range(6):
        ActivityFactory(node=published.project, key=f"0188{n:02d}")
    with django_assert_num_queries(6):
        export = build_sipot(
            format_id="fr-iv", institution="IEEM", year=2024, fmt="csv", today=TODAY
        )
    assert len(_csv_rows(export.content)) == 1 + 5 + 6


@pytest.mark.django_db
@pytest.mark.parametrize("format_id", ["fr-iv", "fr-v", "fr-vi", "cdmx-121-iv", "cdmx-121-xxii"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_period_without_information_gets_the_sipot_row_and_passes_the_checker(
    format_id: str, fmt: str
) -> None:
    from rumbo.transparency.checker import check_file
    from tests.factories import InstitutionFactory

    empty = InstitutionFactory(code="NUEVO", name="Instituto Nuevo")
    file = build_sipot(format_id=format_id, institution="NUEVO", year=2024, quarter=2, fmt=fmt)
    result = check_file(name=file.filename, content=file.content, format_id=format_id)
    assert result.data_rows == 1
    assert [f.as_dict() for f in result.findings] == []
    text = file.content.decode("utf-8-sig") if fmt == "csv" else ""
    if fmt == "csv":
        assert "En el periodo que se informa no se generó información: la institución" in text
        assert "01/04/2024,30/06/2024" in text and empty.name in text


@pytest.mark.django_db
def test_a_row_with_only_dates_and_no_nota_is_still_incomplete() -> None:
    from rumbo.transparency.checker import check_file
    from tests.factories import InstitutionFactory

    InstitutionFactory(code="NUEVO", name="Instituto Nuevo")
    file = build_sipot(format_id="fr-v", institution="NUEVO", year=2024, fmt="csv")
    text = file.content.decode("utf-8-sig")
    stripped = text.replace(
        "En el periodo que se informa no se generó información: la institución no tiene "
        "indicadores de una Matriz de Indicadores para Resultados registrados para el ejercicio.",
        "",
    )
    assert stripped != text
    result = check_file(name="x.csv", content=stripped.encode(), format_id="fr-v")
    assert {f.code for f in result.findings} == {"empty_required"}

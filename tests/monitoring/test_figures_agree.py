"""Every face shows the same figure, and that figure is right.

For every month of the demo data (IEEM 2024, loaded by ``rumbo demo``: 318 activities, 13
areas, captures approved, sent, returned and in draft) and for randomly generated
programs, the figures are computed once here with plain SQL (``figures_reference``) and
compared, to the last digit, with: the monthly report as JSON (CLI), XLSX cells and PDF
text; the dashboard's data; the capture grid; the API progress endpoint; the open-data
progress dataset; and fr. XXII b). A rule changed in one place and not another fails here.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from rumbo.accounts.tokens import token_create
from rumbo.audit.services import Actor
from rumbo.institutions.models import Area
from rumbo.monitoring.dashboard import program_dashboard
from rumbo.monitoring.models import ActivityBands, PeriodReport, ProgressEntry
from rumbo.monitoring.selectors import area_month_grid
from rumbo.programs.models import AnnualProgram
from rumbo.reports.builders import build_report
from rumbo.reports.monthly import monthly_report, monthly_report_json
from rumbo.transparency.selectors import ReportPeriod, poa_rows
from tests.factories import (
    ActivityFactory,
    AnnualProgramFactory,
    AreaFactory,
    InstitutionFactory,
    ProgramNodeFactory,
    UnitOfMeasureFactory,
)

from .figures_reference import Ref, Reference, number, summarise

D = Decimal
# Every test uses the test database (without the mark the module fixture below would reach
# the development database).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_program(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The demo data, loaded once for the module inside a transaction rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("rumbo_demo", stdout=io.StringIO())
        yield AnnualProgram.objects.get(institution__code="IEEM", year=2024)
        transaction.set_rollback(True)


def _json_refs(refs: dict[str, Ref]) -> dict[str, dict[str, object]]:
    return {
        key: {
            "programmed_month": number(r.programmed_month),
            "programmed_to_date": number(r.programmed_to_date),
            "achieved_month": number(r.achieved_month),
            "achieved_to_date": number(r.achieved_to_date),
            "percent": number(r.percent),
            "light": r.light,
            "state": r.state,
        }
        for key, r in refs.items()
    }


def _summary_json(refs: list[Ref]) -> dict[str, object]:
    s = summarise(refs)
    return {
        "activities": s.activities,
        "lights": s.lights,
        "average_compliance": number(s.average_compliance),
        "on_track": number(s.on_track),
    }


def _check_report_json(data: dict, refs: dict[str, Ref], area_codes: dict[int, str]) -> None:
    fields = ("programmed_month", "programmed_to_date", "achieved_month", "achieved_to_date",
              "percent", "light", "state")  # fmt: skip
    got = {a["key"]: {f: a[f] for f in fields} for a in data["activities"]}
    assert got == _json_refs(refs)
    by_area: dict[str, list[Ref]] = {}
    for r in refs.values():
        by_area.setdefault(area_codes.get(r.area_id) or "", []).append(r)
    areas = {
        a["code"] or "": {
            k: a[k] for k in ("activities", "lights", "average_compliance", "on_track")
        }
        for a in data["areas"]
    }
    assert areas == {code: _summary_json(rs) for code, rs in by_area.items()}
    totals = {
        k: data["totals"][k] for k in ("activities", "lights", "average_compliance", "on_track")
    }
    assert totals == _summary_json(list(refs.values()))


def _check_dashboard(program: AnnualProgram, month: int, refs: dict[str, Ref]) -> None:
    dash = program_dashboard(program=program, month=month, today=date(2024, 12, 31))
    expected = summarise(list(refs.values()))
    s = dash.summary
    assert {k.value: v for k, v in s.lights.items()} == expected.lights
    assert s.average_compliance == expected.average_compliance
    assert s.on_track == expected.on_track
    for area in dash.areas:
        mine = summarise([r for r in refs.values() if r.area_id == area.area_id])
        assert area.summary.average_compliance == mine.average_compliance, area.code
        assert {k.value: v for k, v in area.summary.lights.items()} == mine.lights, area.code


def _check_grid(program: AnnualProgram, reference: Reference, month: int, refs: dict[str, Ref]):
    areas = Area.objects.filter(pk__in={r.area_id for r in refs.values()} - {None})
    for area in areas:
        grid = area_month_grid(program=program, area=area, month=month)
        for row in grid.rows:
            ref = refs[row.activity.key]
            assert row.cumulative_programmed == ref.programmed_to_date, row.activity.key
            before = sum(
                (v for m, v in reference.entries.get(row.activity.pk, {}).items() if m < month),
                D(0),
            )
            assert row.achieved_before == before, (row.activity.key, month)


def test_every_face_agrees_on_the_demo_for_every_month(demo_program: AnnualProgram) -> None:
    program = demo_program
    reference = Reference(program.pk)
    area_codes = dict(
        Area.objects.filter(institution=program.institution).values_list("pk", "code")
    )
    for month in range(1, 13):
        refs = reference.at(month)
        report = monthly_report(institution="IEEM", year=2024, month=month)
        _check_report_json(monthly_report_json(report), refs, area_codes)
        _check_dashboard(program, month, refs)
        _check_grid(program, reference, month, refs)
        for code in {area_codes[r.area_id] for r in refs.values() if r.area_id}:
            one = monthly_report(institution="IEEM", year=2024, month=month, area=code)
            scoped = {k: r for k, r in refs.items() if area_codes.get(r.area_id) == code}
            _check_report_json(monthly_report_json(one), scoped, area_codes)


def test_the_october_institution_compliance_is_one_number_everywhere(
    demo_program: AnnualProgram,
) -> None:
    """The institution's October compliance: CLI JSON, XLSX, dashboard and open data."""
    refs = Reference(demo_program.pk).at(10)
    expected = summarise(list(refs.values())).average_compliance
    assert expected is not None
    cli = json.loads(build_report(kind="monthly", institution="IEEM", year=2024, month=10,
                                  fmt="json").content)  # fmt: skip
    assert cli["totals"]["average_compliance"] == number(expected)
    dash = program_dashboard(program=demo_program, month=10, today=date(2024, 12, 31))
    assert dash.summary.average_compliance == expected
    xlsx = build_report(kind="monthly", institution="IEEM", year=2024, month=10, fmt="xlsx")
    ws = load_workbook(io.BytesIO(xlsx.content), data_only=True)["Resumen"]
    total_rows = [row for row in ws.iter_rows(values_only=True) if row[0] == "Total"]
    assert len(total_rows) == 1
    assert round(D(str(total_rows[0][10])) * 100, 2) == expected  # 0.9556 → 95.56 %


def test_report_xlsx_cells_and_pdf_text_match_the_reference(
    demo_program: AnnualProgram, tmp_path: Path
) -> None:
    refs = Reference(demo_program.pk).at(7)
    xlsx = build_report(kind="monthly", institution="IEEM", year=2024, month=7, fmt="xlsx")
    ws = load_workbook(io.BytesIO(xlsx.content), data_only=True)["Avance"]
    seen = 0
    for row in ws.iter_rows(values_only=True):
        if row[0] in refs:
            r = refs[row[0]]
            assert (None if row[8] is None else D(str(row[8]))) == r.achieved_to_date, row[0]
            pct = None if row[9] is None else round(D(str(row[9])) * 100, 2)
            assert pct == r.percent, row[0]
            seen += 1
    assert seen == len(refs)
    # The PDF of one area prints each activity's percent as es-MX text.
    ucs = {k: r for k, r in refs.items() if r.key.startswith("08")}
    pdf = build_report(
        kind="monthly", institution="IEEM", year=2024, month=7, area="UCS", fmt="pdf"
    )
    path = tmp_path / "ucs.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    for r in ucs.values():
        if r.percent is not None:
            # es-MX as the report prints it: 1,234.5 (no trailing zeros), then « %».
            assert f"{r.percent.normalize():,f} %" in text, r.key
    # A month without an entry erases nothing: 080104 keeps what it achieved before July
    # (it has no entry in July).
    assert refs["080104"].achieved_to_date is not None and refs["080104"].achieved_to_date > 0
    assert refs["080104"].light != "gris"


def test_api_progress_endpoint_agrees(demo_program: AnnualProgram, client: Client) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="planeacion")
    _, token = token_create(actor=Actor.cli(), user=user, name="acuerdo de cifras")
    reference = Reference(demo_program.pk)
    by_month = {m: reference.at(m) for m in range(1, 13)}
    keys = [k for k in reference.keys.values() if k.startswith(("01", "08"))]
    for key in keys:
        response = client.get(
            f"/api/v1/institutions/IEEM/programs/2024/activities/{key}/progress",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 200, response.content
        for month in response.json()["months"]:
            ref = by_month[month["month"]][key]
            assert month["cumulative_programmed"] == number(ref.programmed_to_date), key
            assert month["cumulative_achieved"] == number(ref.achieved_to_date), (key, month)
            assert month["cumulative_ratio"] == number(ref.percent), (key, month)
            assert month["cumulative_semaforo"] == ref.light, (key, month)
            assert month["figure_state"] == ref.state, (key, month)


def test_open_data_progress_dataset_agrees(demo_program: AnnualProgram, client: Client) -> None:
    reference = Reference(demo_program.pk)
    response = client.get("/datos/IEEM/2024/descargas/avance.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    got = {(r["actividad_clave"], int(r["mes"])): r for r in rows}
    expected = {
        (key, m): ref
        for m in range(1, 13)
        for key, ref in reference.at(m).items()
        if ref.state == "oficial"
    }
    assert set(got) == set(expected)

    def cell(value: Decimal | None) -> str:
        return "" if value is None else str(number(value))

    for pair, ref in expected.items():
        row = got[pair]
        assert row["programado_acumulado"] == cell(ref.programmed_to_date), pair
        assert row["alcanzado_acumulado"] == cell(ref.achieved_to_date), pair
        assert row["cumplimiento"] == cell(ref.percent), pair


def test_fr_xxii_agrees(demo_program: AnnualProgram) -> None:
    reference = Reference(demo_program.pk)
    for quarter in (1, 2, 3, 4):
        first, last = 3 * quarter - 2, 3 * quarter
        end = reference.at(last)
        before = reference.at(first - 1) if first > 1 else None
        rows = poa_rows(institution=demo_program.institution,
                        period=ReportPeriod(2024, quarter), today=date(2025, 1, 15))  # fmt: skip
        assert {r["key"] for r in rows} == set(end)
        for row in rows:
            ref = end[row["key"]]
            prior = before[row["key"]] if before else None
            programmed = ref.programmed_to_date
            if programmed is not None and prior is not None:
                programmed -= prior.programmed_to_date or 0
            assert row["programmed"] == programmed, (quarter, row["key"])
            if ref.state != "oficial":
                assert row["achieved"] is None and row["percent"] is None
                continue
            achieved = ref.achieved_to_date - (prior.achieved_to_date if prior else 0)
            assert row["achieved"] == achieved, (quarter, row["key"])
            expected = (
                (achieved / programmed * 100).quantize(D("0.01"), rounding="ROUND_HALF_UP")
                if programmed
                else None
            )
            assert row["percent"] == expected, (quarter, row["key"])


# ------------------------------------------------------------------ random programs

quantities = st.decimals(min_value=0, max_value=500, places=2, allow_nan=False)
months_st = st.dictionaries(st.integers(1, 12), quantities, max_size=12)  # missing = unknown
capture_states = st.sampled_from(["borrador", "enviado", "aprobado", "devuelto"])


@st.composite
def programs(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 6))
    activities = []
    for _ in range(n):
        activities.append(
            {
                "area": draw(st.integers(0, 1)),
                "inherit": draw(st.booleans()),  # responsible area from the node
                "targets": draw(months_st),
                "entries": draw(st.dictionaries(st.integers(1, 12), quantities, max_size=12)),
                "bands": draw(
                    st.none()
                    | st.sampled_from([(85, 95, 105, 115), (50, 60, 140, 150), (0, 0, 100, 100)])
                ),
                "unit": draw(st.integers(0, 2)),
            }
        )
    captures = [
        draw(st.dictionaries(st.integers(1, 12), capture_states, max_size=12)) for _ in range(2)
    ]
    return activities, captures


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=programs(), month=st.integers(1, 12))
def test_random_programs_agree_everywhere(spec, month: int) -> None:  # type: ignore[no-untyped-def]
    activities, captures = spec
    with transaction.atomic():
        inst = InstitutionFactory(code="RND")
        areas = [AreaFactory(institution=inst, code=f"A{i}") for i in range(2)]
        units = [
            UnitOfMeasureFactory(institution=inst, name=n) for n in ("Pieza", "Evento", "Reporte")
        ]
        program = AnnualProgramFactory(institution=inst, year=2024)
        nodes = [
            ProgramNodeFactory(program=program, key=f"0{i + 1}", area=areas[i]) for i in range(2)
        ]
        # Entries only where the area captured the month (an entry creates its capture).
        for i, spec_a in enumerate(activities):
            node = nodes[spec_a["area"]]
            activity = ActivityFactory(
                node=node,
                key=f"0{spec_a['area'] + 1}{i:04d}",
                area=None if spec_a["inherit"] else areas[spec_a["area"]],
                unit=units[spec_a["unit"]],
                months=[spec_a["targets"].get(m) for m in range(1, 13)],
            )
            for m, q in spec_a["entries"].items():
                captures[spec_a["area"]].setdefault(m, "borrador")
                ProgressEntry.objects.create(activity=activity, month=m, achieved=q)
            if spec_a["bands"]:
                ActivityBands.objects.create(activity=activity, **dict(zip(
                    ("yellow_low", "green_low", "green_high", "yellow_high"), spec_a["bands"],
                    strict=True)))  # fmt: skip
        for i, states in enumerate(captures):
            for m, state in states.items():
                PeriodReport.objects.create(program=program, area=areas[i], month=m, state=state)
        refs = Reference(program.pk).at(month)
        codes = {a.pk: a.code for a in areas}
        report = monthly_report(institution="RND", year=2024, month=month)
        _check_report_json(monthly_report_json(report), refs, codes)
        _check_dashboard(program, month, refs)
        _check_grid(program, Reference(program.pk), month, refs)
        transaction.set_rollback(True)


def test_open_data_and_open_api_show_the_report_s_official_total(
    demo_program: AnnualProgram, client: Client
) -> None:
    """The public only sees official figures: for every month, the open-data page, its
    chart and the open API show the summary of exactly the official activities, which is
    the report's «Total de cifras en estado oficial» row."""
    reference = Reference(demo_program.pk)
    api = client.get("/api/v1/open/institutions/IEEM/programs/2024/progress").json()
    months = {m["month"]: m for m in api["months"]}
    for month in range(1, 13):
        official = [r for r in reference.at(month).values() if r.state == "oficial"]
        expected = summarise(official)
        got = months[month]
        assert got["activities"] == expected.activities, month
        assert got["average_compliance"] == number(expected.average_compliance), month
        assert got["on_track"] == number(expected.on_track), month
        if official:
            assert got["lights"] == expected.lights, month
        report = monthly_report(institution="IEEM", year=2024, month=month)
        from rumbo.monitoring.figures import FigureState

        row = report.by_state[FigureState.OFFICIAL]
        assert row.average_compliance == expected.average_compliance, month
    page = client.get("/datos/IEEM/2024/avance/")
    assert page.status_code == 200
    october = summarise([r for r in reference.at(10).values() if r.state == "oficial"])
    assert october.average_compliance is not None
    text = page.content.decode()
    assert f"{october.average_compliance.normalize():,f} %" in text

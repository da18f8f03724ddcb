"""The national comparison («Comparativo nacional»): its four figures against hand-worked
values, published and approved figures only, the page and the API saying the same, and a
constant number of queries whatever the number of institutions."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from rumbo.monitoring.models import MonitoringPolicy, PeriodReport, PeriodState, ProgressEntry
from rumbo.opendata.models import ProgramMonthSummary
from rumbo.opendata.services import publication_publish, publication_withdraw
from rumbo.opendata.summary import summary_rebuild
from rumbo.programs.models import AnnualProgram, MonthlyTarget
from tests.factories import (
    ActivityFactory,
    AreaFactory,
    Demo,
    InstitutionFactory,
    ProgramNodeFactory,
)

from .conftest import publish

pytestmark = pytest.mark.django_db

URL = "/api/v1/open/comparison/2024"


def _report(program: AnnualProgram, area, month: int, state: str, sent: str | None) -> None:  # type: ignore[no-untyped-def]
    PeriodReport.objects.create(
        program=program,
        area=area,
        month=month,
        state=state,
        submitted_at=datetime.fromisoformat(f"{sent}T18:00:00").replace(tzinfo=UTC)
        if sent
        else None,
    )


def _entries(demo: Demo, values: dict[tuple[str, int], str]) -> None:
    by_key = {
        a.key: a
        for a in (
            demo.activity_full,
            demo.activity_fraction,
            demo.activity_missing,
            demo.activity_mismatch,
            demo.activity_otra,
        )
    }
    for (key, month), achieved in values.items():
        ProgressEntry.objects.create(activity=by_key[key], month=month, achieved=Decimal(achieved))


@pytest.fixture
def compared(demo: Demo) -> Demo:
    """IEEM 2024 (published through the service) and IECM 2024 (approved January, never
    published). Close day 10 (the default).

    SE: January approved, sent 05/02 (on time); February approved, sent 15/03 (late);
    March sent, not approved. DO: January approved, sent 01/02; nothing since. 020101
    (DO) is given 1 programmed in February, so February has a programmed activity of an
    area whose figure is not official."""
    se, do = demo.area_se, demo.area_otra
    MonthlyTarget.objects.filter(activity=demo.activity_otra, month=2).update(quantity=Decimal(1))
    _report(demo.program, se, 1, PeriodState.APPROVED, "2024-02-05")
    _report(demo.program, se, 2, PeriodState.APPROVED, "2024-03-15")
    _report(demo.program, se, 3, PeriodState.SUBMITTED, "2024-04-05")
    _report(demo.program, do, 1, PeriodState.APPROVED, "2024-02-01")
    _entries(
        demo,
        {
            ("010101", 1): "300",
            ("010101", 2): "400",
            ("010101", 3): "9999",  # March is only sent: never public
            ("010103", 1): "1",
            ("010104", 1): "1",
        },
    )
    iecm = demo.other_institution
    area = AreaFactory(institution=iecm, code="DEOE", name="Dirección de Organización")
    iecm_program = AnnualProgram.objects.create(institution=iecm, year=2024, name="PAA IECM")
    node = ProgramNodeFactory(program=iecm_program, key="1", area=area)
    ActivityFactory(node=node, key="1.1", annual_target=Decimal(12))
    _report(iecm_program, area, 1, PeriodState.APPROVED, "2024-02-02")
    publication_publish(
        user=demo.users["planeacion"], program=demo.program, reason="Publicación de prueba."
    )
    return demo


# Hand-worked (docs/figures.md, bands 80–90–110–120):
# January — public: SE (all four) and DO (020101). 010101 300 of 340 = 88.24 % (yellow);
# 010102 nothing programmed (grey); 010103 and 010104 1 of 1 = 100 % (green); 020101
# nothing programmed to date (grey). Average (88.24 + 100 + 100) ÷ 3 = 96.08; on track
# 2 ÷ 3 = 66.67; both captures sent by 10/02: 100; programmed in January: 010101, 010103,
# 010104, all public: 100.
# February — public: SE only (DO has no February capture). 010101 700 of 680 = 102.94 %
# (green, capped at 100); 010103 1 of 2 = 50 % (red); 010104 1 of 2 (no February entry
# adds 0) = 50 % (red); 010102 grey. Average (100 + 50 + 50) ÷ 3 = 66.67; on track
# 1 ÷ 3 = 33.33; SE sent February on 15/03, after the 10th: 0; programmed in February:
# 010101, 010103, 010104 and 020101 — three public of four: 75.
# March — SE's capture is only sent, DO never captured: null. April–December: null.
EXPECTED = {
    1: {
        "average_compliance": 96.08,
        "on_track_share": 66.67,
        "timeliness": 100,
        "completeness": 100,
    },
    2: {
        "average_compliance": 66.67,
        "on_track_share": 33.33,
        "timeliness": 0,
        "completeness": 75,
    },
}
NULL = dict.fromkeys(("average_compliance", "on_track_share", "timeliness", "completeness"))


def test_api_answers_the_hand_worked_figures(anon, compared: Demo) -> None:
    body = anon.get(URL).json()
    assert body["year"] == 2024
    # IECM approved January but does not publish its program: absent.
    assert [i["code"] for i in body["institutions"]] == ["IEEM"]
    ieem = body["institutions"][0]
    assert ieem["name"] == "Instituto Electoral del Estado de México"
    assert [m["month"] for m in ieem["months"]] == list(range(1, 13))
    for m in ieem["months"]:
        figures = {k: v for k, v in m.items() if k != "month"}
        assert figures == EXPECTED.get(m["month"], NULL), m["month"]


def test_a_year_nobody_publishes_is_empty(anon, compared: Demo) -> None:
    assert anon.get("/api/v1/open/comparison/2023").json() == {"year": 2023, "institutions": []}


def test_the_close_day_changes_timeliness(anon, compared: Demo) -> None:
    """The policy's close day (its service tells the summary): February sent on 15/03 is on
    time when the window closes on the 20th."""
    from rumbo.audit.services import Actor
    from rumbo.monitoring.policy import policy_update

    policy_update(
        actor=Actor.for_user(compared.users["planeacion"]),
        institution=compared.institution,
        close_day=20,
        evidence_max_mb=10,
    )
    months = anon.get(URL).json()["institutions"][0]["months"]
    assert months[1]["timeliness"] == 100


def test_withdrawing_removes_the_institution(anon, compared: Demo) -> None:
    publication_withdraw(
        user=compared.users["planeacion"], program=compared.program, reason="Retiro de prueba."
    )
    assert anon.get(URL).json()["institutions"] == []
    assert not ProgramMonthSummary.objects.exists()


def test_page_shows_the_same_figures(anon, compared: Demo) -> None:
    response = anon.get(reverse("opendata:comparison", args=[2024]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-institution="IEEM"' in html and 'data-institution="IECM"' not in html
    assert reverse("opendata:progress", args=["IEEM", 2024]) in html  # the drill-down
    assert '<td class="num" data-month="1">96.08 %</td>' in html
    assert '<td class="num" data-month="2">66.67 %</td>' in html
    assert "9999" not in html
    for slug, jan, feb in (
        ("en-meta", "66.67 %", "33.33 %"),
        ("puntualidad", "100 %", "0 %"),
        ("completitud", "100 %", "75 %"),
    ):
        html = anon.get(reverse("opendata:comparison", args=[2024]), {"cifra": slug}).content
        text = html.decode()
        assert f'data-month="1">{jan}</td>' in text, slug
        assert f'data-month="2">{feb}</td>' in text, slug
        assert 'data-month="3"><span aria-label="sin capturas aprobadas">—</span>' in text


def test_latest_redirects_to_the_newest_published_year(anon, compared: Demo) -> None:
    response = anon.get(reverse("opendata:comparison_latest"))
    assert response.status_code == 302
    assert response["Location"] == reverse("opendata:comparison", args=[2024])


def _more_institutions(n: int) -> None:
    """``n`` more published institutions, each with a program, activities and approvals."""
    for i in range(n):
        inst = InstitutionFactory(code=f"OPLE{i}", name=f"Organismo {i}")
        MonitoringPolicy.objects.get_or_create(institution=inst)
        area = AreaFactory(institution=inst, code=f"A{i}")
        program = AnnualProgram.objects.create(institution=inst, year=2024, name=f"PAA {i}")
        node = ProgramNodeFactory(program=program, key="1", area=area)
        for k in range(3):
            ActivityFactory(node=node, key=f"1.{k}")
        for month in (1, 2):
            _report(program, area, month, PeriodState.APPROVED, "2024-03-01")
        publish(program)
    summary_rebuild()


@pytest.mark.parametrize("extra", [0, 4])
def test_constant_queries(anon, compared: Demo, django_assert_num_queries, extra: int) -> None:
    """One institution or five: the API reads the summary once, the page once more for
    the years it offers."""
    _more_institutions(extra)
    with django_assert_num_queries(1):
        body = anon.get(URL).json()
    assert len(body["institutions"]) == 1 + extra
    with django_assert_num_queries(2):
        response = anon.get(reverse("opendata:comparison", args=[2024]))
    assert response.content.decode().count("data-institution=") == 1 + extra


def test_the_bench_measures_the_current_database(compared: Demo) -> None:
    """``bench/comparison.py``'s ``measure()`` runs on any set-up database (here the test
    one) and reads what the API answers."""
    from bench.comparison import measure

    results = measure(rounds=1)
    assert [r["name"] for r in results] == ["comparison_data", "comparison_api"]
    for r in results:
        assert (r["year"], r["institutions"], r["rows"], r["budget_seconds"]) == (2024, 1, 12, 0.3)
        assert r["seconds"] > 0 and r["baseline_seconds"] > 0

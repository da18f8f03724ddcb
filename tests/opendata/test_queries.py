"""Every public page, download and endpoint runs a pinned number of queries, the same
whatever the size of the program, its approved months and its published MIRs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.indicators.models import Indicator, IndicatorTarget, Level, Mir, MirRow
from rumbo.monitoring.models import PeriodReport, PeriodState, ProgressEntry
from rumbo.opendata.models import Publication, PublicationKind
from tests.factories import ActivityFactory, AreaFactory, ProgramNodeFactory, measure_indicator

from .conftest import World, approve_and_adjust
from .test_exposure import public_urls

pytestmark = pytest.mark.django_db

# Each face that shows targets reads the approved baseline (version 1) once, with
# rumbo.programs.versions (baseline_months / baseline_snapshot): +1 for the program (page,
# downloads, endpoint: 7 → 8), the indicators (7 → 8) and the progress downloads (their
# original programmed: 11 → 12); the progress page and endpoint show no activity's target
# (11). The version in force and its date ride on the publication's query (no query).
PROGRAM, PROGRESS, INDICATORS = 8, 11, 8
PROGRESS_DOWNLOAD = PROGRESS + 1
# The budget: the publication, then rumbo.budget.figures (the nodes, the lines).
BUDGET = 4
PINNED = {
    "/datos/": 1,
    "/datos/IEEM/": 1,
    "/datos/IEEM/2024/": PROGRAM,
    "/datos/IEEM/2024/avance/": PROGRESS,
    "/datos/IEEM/2024/indicadores/": INDICATORS,
    "/datos/IEEM/2024/descargas/": 2,
    **{f"/datos/IEEM/2024/descargas/programa.{f}": PROGRAM for f in ("csv", "json", "xlsx")},
    **{
        f"/datos/IEEM/2024/descargas/avance.{f}": PROGRESS_DOWNLOAD for f in ("csv", "json", "xlsx")
    },
    **{f"/datos/IEEM/2024/descargas/indicadores.{f}": INDICATORS for f in ("csv", "json", "xlsx")},
    **{f"/datos/IEEM/2024/descargas/presupuesto.{f}": BUDGET for f in ("csv", "json", "xlsx")},
    **{
        f"/datos/diccionario/{d}.{f}": 0
        for d in ("programa", "avance", "indicadores", "presupuesto")
        for f in ("csv", "json")
    },
    "/api/v1/open/institutions": 1,
    "/api/v1/open/institutions/IEEM": 1,
    "/api/v1/open/institutions/IEEM/programs/2024": PROGRAM,
    "/api/v1/open/institutions/IEEM/programs/2024/progress": PROGRESS,
    "/api/v1/open/institutions/IEEM/programs/2024/indicators": INDICATORS,
    "/api/v1/open/institutions/IEEM/programs/2024/datasets": 2,
    # The national comparison reads the program × month summary once (the page once more:
    # the years it offers), whatever the number of institutions (test_comparison.py).
    "/datos/comparativo/2024/": 2,
    "/api/v1/open/comparison/2024": 1,
}


def test_every_public_url_is_pinned() -> None:
    assert set(PINNED) == set(public_urls())


@pytest.mark.parametrize("url", sorted(PINNED))
def test_pinned_query_count(anon, world: World, django_assert_num_queries, url: str) -> None:
    with django_assert_num_queries(PINNED[url]):
        assert anon.get(url).status_code == 200


def _grow(world: World) -> None:
    """Three more areas, each with a subprogram of five activities, approved for six
    months with entries; one more published MIR with four measured indicators."""
    demo = world.demo
    program = demo.program
    for n in range(3):
        area = AreaFactory(institution=demo.institution, name=f"Área extra {n}", code=f"X{n}")
        node = ProgramNodeFactory(program=program, key=f"9{n}", name=f"Extra {n}", area=area)
        for k in range(5):
            activity = ActivityFactory(
                node=node,
                key=f"9{n}0{k}",
                description=f"Actividad extra {n}.{k}",
                annual_target=Decimal(12),
                months=[1] * 12,
            )
            for month in range(1, 7):
                ProgressEntry.objects.create(activity=activity, month=month, achieved=1)
        for month in range(1, 7):
            PeriodReport.objects.create(
                program=program, area=area, month=month, state=PeriodState.APPROVED
            )
    mir = Mir.objects.get(pk=world.unpublished_mir.pk)
    for i in range(4):
        row = MirRow.objects.create(
            mir=mir, level=Level.COMPONENTE, summary=f"Componente {i} entregado", order=10 + i
        )
        indicator = Indicator.objects.create(
            row=row,
            name=f"Indicador extra {i}",
            formula="a / b * 100",
            formula_type="porcentaje",
            kind="gestion",
            frequency="mensual",
            area=demo.area_otra,
        )
        for period in range(1, 13):
            IndicatorTarget.objects.create(indicator=indicator, period=period, value=10)
        measure_indicator(indicator, 4)
    Publication.objects.create(
        program=program,
        kind=PublicationKind.MIR,
        mir=mir,
        published_at=program.created_at,
        published_by_label="x",
    )


def test_counts_do_not_grow_with_the_data(anon, world: World) -> None:
    def counts() -> dict[str, int]:
        out = {}
        for url in PINNED:
            with CaptureQueriesContext(connection) as ctx:
                assert anon.get(url).status_code == 200
            out[url] = len(ctx.captured_queries)
        return out

    before = counts()
    _grow(world)
    after = counts()
    assert after == before
    # and the growth is visible: more areas publish January
    progress = anon.get("/api/v1/open/institutions/IEEM/programs/2024/progress").json()
    assert len(progress["months"][0]["areas"]) == 4


@pytest.mark.parametrize("grown", [False, True], ids=["small", "grown"])
def test_an_approved_and_adjusted_program_keeps_the_pins(
    anon, world: World, monkeypatch: pytest.MonkeyPatch, grown: bool
) -> None:
    """The baseline is read once, not per activity or indicator: the same pins hold for
    an approved program with adjustments (three versions), small or grown before its
    approval (so its version 1 holds 15 more activities and 4 more indicators)."""
    if grown:
        _grow(world)
    approve_and_adjust(world.demo, monkeypatch)
    for url, pinned in PINNED.items():
        with CaptureQueriesContext(connection) as ctx:
            assert anon.get(url).status_code == 200
        assert len(ctx.captured_queries) == pinned, url
    program = anon.get("/api/v1/open/institutions/IEEM/programs/2024").json()
    assert program["version"] == 3
    originals = [a for a in program["activities"] if a["original_annual_target"] is not None]
    assert len(originals) == (20 if grown else 5)  # every activity is in version 1

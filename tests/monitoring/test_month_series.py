"""The dashboard's month series, computed in one pass (``figures.month_summaries``,
``ProgramFigures.ahead``), equals the figures computed month by month from scratch.

The straightforward computation is written here from docs/figures.md — every month's
programmed and achieved to date summed again from January, the state from the area's
captures, the percent, the light and the averages — never by calling
``rumbo.monitoring.figures`` or ``rumbo.core.semaforo``. Random programs draw their
quantities from a short list half of the time so that equal inputs repeat (the one-pass
computation grades each distinct input once).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rumbo.core.semaforo import Bands
from rumbo.monitoring.dashboard import program_dashboard
from rumbo.monitoring.figures import activity_figure, activity_series, month_summaries
from rumbo.monitoring.models import ActivityBands, PeriodReport, ProgressEntry
from tests.factories import (
    ActivityFactory,
    AnnualProgramFactory,
    AreaFactory,
    InstitutionFactory,
    ProgramNodeFactory,
)

D = Decimal
HUNDRED = D(100)
DEFAULT = (D(80), D(90), D(110), D(120))
BANDS = [
    DEFAULT,
    (D(85), D(95), D(105), D(115)),
    (D(50), D(60), D(140), D(150)),
    (D(0), D(0), D(100), D(100)),
]


def _round(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def _mean(values: list[Decimal]) -> Decimal | None:
    return _round(sum(values, D(0)) / len(values)) if values else None


# ------------------------------------------------------------ the straightforward figures


def straight_figure(
    month: int,
    targets: dict[int, Decimal],
    entries: dict[int, Decimal],
    captures: dict[int, str],
    bands: tuple[Decimal, ...],
) -> dict[str, object]:
    """One activity at ``month``, from scratch (docs/figures.md)."""
    known = [q for m, q in targets.items() if m <= month]
    programmed = sum(known, D(0)) if known else None
    annual = sum(targets.values(), D(0)) if targets else None
    if month not in captures:
        state, achieved = "pendiente", None
    else:
        approved = all(captures.get(m) == "aprobado" for m in range(1, month + 1))
        state = "oficial" if approved else "preliminar"
        achieved = sum((v for m, v in entries.items() if m <= month), D(0))
    light, capped = "gris", None
    if programmed and achieved is not None:
        exact = achieved / programmed * HUNDRED
        yl, gl, gh, yh = bands
        light = "verde" if gl <= exact <= gh else "amarillo" if yl <= exact <= yh else "rojo"
        capped = min(_round(exact), HUNDRED)
    expected_share = achieved_share = None
    if achieved is not None and annual:
        if programmed is not None:
            expected_share = _round(programmed / annual * HUNDRED)
        achieved_share = min(_round(achieved / annual * HUNDRED), HUNDRED)
    return {
        "state": state,
        "light": light,
        "capped": capped,
        "programmed": programmed,
        "achieved": achieved,
        "annual": annual,
        "expected_share": expected_share,
        "achieved_share": achieved_share,
    }


def straight_summary(figures: list[dict[str, object]]) -> dict[str, object]:
    lights = {"verde": 0, "amarillo": 0, "rojo": 0, "gris": 0}
    states = {"oficial": 0, "preliminar": 0, "pendiente": 0}
    for f in figures:
        lights[f["light"]] += 1  # type: ignore[index]
        states[f["state"]] += 1  # type: ignore[index]
    graded = len(figures) - lights["gris"]
    return {
        "lights": lights,
        "states": states,
        "average_compliance": _mean([f["capped"] for f in figures if f["capped"] is not None]),  # type: ignore[misc]
        "on_track": _round(D(lights["verde"]) / graded * HUNDRED) if graded else None,
        "expected_year_share": _mean(
            [f["expected_share"] for f in figures if f["expected_share"] is not None]  # type: ignore[misc]
        ),
        "achieved_year_share": _mean(
            [f["achieved_share"] for f in figures if f["achieved_share"] is not None]  # type: ignore[misc]
        ),
    }


def summary_fields(summary) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "lights": {k.value: v for k, v in summary.lights.items()},
        "states": {k.value: v for k, v in summary.states.items()},
        "average_compliance": summary.average_compliance,
        "on_track": summary.on_track,
        "expected_year_share": summary.expected_year_share,
        "achieved_year_share": summary.achieved_year_share,
    }


# --------------------------------------------------------------------------- strategies

# Half of the quantities from a short list, so that equal inputs repeat across activities.
quantities = st.sampled_from([D(0), D(1), D(5), D("2.5"), D(10), D(12)]) | st.decimals(
    min_value=0, max_value=500, places=2, allow_nan=False
)
capture_states = st.sampled_from(["borrador", "enviado", "aprobado", "devuelto"])


@st.composite
def programs(draw):  # type: ignore[no-untyped-def]
    activities = [
        {
            "area": draw(st.integers(0, 1)),
            "targets": draw(st.dictionaries(st.integers(1, 12), quantities, max_size=12)),
            "entries": draw(st.dictionaries(st.integers(1, 12), quantities, max_size=12)),
            "bands": draw(st.integers(0, len(BANDS) - 1)),
        }
        for _ in range(draw(st.integers(1, 8)))
    ]
    captures = [
        draw(st.dictionaries(st.integers(1, 12), capture_states, max_size=12)) for _ in range(2)
    ]
    for a in activities:  # an entry exists only where its area captured the month
        for m in a["entries"]:
            captures[a["area"]].setdefault(m, "borrador")
    return activities, captures


# ------------------------------------------------------------------- the pure function


@settings(max_examples=300, deadline=None)
@given(spec=programs(), until=st.integers(0, 12))
def test_month_summaries_equal_the_figures_computed_month_by_month(spec, until: int) -> None:  # type: ignore[no-untyped-def]
    activities, captures = spec
    series = [
        activity_series(
            targets=a["targets"],
            achieved=a["entries"],
            captures=captures[a["area"]],
            # A new Bands object for each activity: equal bands are graded alike.
            bands=Bands(*BANDS[a["bands"]]),
        )
        for a in activities
    ]
    got = month_summaries(series, until)
    assert len(got) == until + 1
    assert got[0].activities == 0
    for m in range(1, until + 1):
        straight = [
            straight_figure(m, a["targets"], a["entries"], captures[a["area"]], BANDS[a["bands"]])
            for a in activities
        ]
        assert summary_fields(got[m]) == straight_summary(straight), m
        # And the same as the module's own figure of each activity at that month.
        for a, f in zip(activities, straight, strict=True):
            figure = activity_figure(
                month=m,
                targets=a["targets"],
                achieved=a["entries"],
                captures=captures[a["area"]],
                bands=Bands(*BANDS[a["bands"]]),
            )
            assert (figure.light.value, figure.state.value, figure.capped_percent) == (
                f["light"],
                f["state"],
                f["capped"],
            )


def test_a_worked_example() -> None:
    """docs/figures.md's example: targets 10 a month; January 8 (approved), February
    approved without an entry, March 12 sent."""
    captures = {1: "aprobado", 2: "aprobado", 3: "enviado"}
    one = activity_series(
        targets=dict.fromkeys(range(1, 13), D(10)), achieved={1: D(8), 3: D(12)}, captures=captures
    )
    months = month_summaries([one], 4)
    average = [months[m].average_compliance for m in range(1, 5)]
    assert average == [D("80.00"), D("40.00"), D("66.67"), None]
    # The calendar's pace: 10, 20, 30 of 120; nothing known in April.
    expected = [months[m].expected_year_share for m in range(1, 5)]
    assert expected == [D("8.33"), D("16.67"), D("25.00"), None]
    # Achieved of the year: 8, 8 and 20 of 120.
    achieved = [months[m].achieved_year_share for m in range(1, 4)]
    assert achieved == [D("6.67"), D("6.67"), D("16.67")]
    assert [months[m].lights for m in (2, 4)] == [
        {"verde": 0, "amarillo": 0, "rojo": 1, "gris": 0},
        {"verde": 0, "amarillo": 0, "rojo": 0, "gris": 1},
    ]


# ------------------------------------------------------------------ through the database


def _later(activities, captures, month: int, later: int) -> tuple[Decimal | None, Decimal | None]:  # type: ignore[no-untyped-def]
    """The calendar's pace and the projected share at ``later`` (docs/figures.md: each
    activity known at ``month`` keeps its capped compliance — the calendar's pace when
    nothing is programmed yet — over what its calendar programs until ``later``)."""
    paces, reached = [], []
    for a in activities:
        now = straight_figure(
            month, a["targets"], a["entries"], captures[a["area"]], BANDS[a["bands"]]
        )
        annual, done = now["annual"], now["achieved"]
        if done is None or not annual:
            continue
        ahead = sum((q for m, q in a["targets"].items() if m <= later), D(0))
        paces.append(_round(ahead / annual * HUNDRED))
        pace = (now["capped"] if now["capped"] is not None else HUNDRED) / HUNDRED
        value = done + pace * (ahead - (now["programmed"] or D(0)))
        reached.append(min(_round(value / annual * HUNDRED), HUNDRED))
    return _mean(paces), _mean(reached)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=programs(), month=st.integers(1, 12))
def test_the_dashboard_months_equal_the_straightforward_ones(spec, month: int) -> None:  # type: ignore[no-untyped-def]
    activities, captures = spec
    with transaction.atomic():
        inst = InstitutionFactory(code="SER")
        areas = [AreaFactory(institution=inst, code=f"S{i}") for i in range(2)]
        program = AnnualProgramFactory(institution=inst, year=2024)
        nodes = [
            ProgramNodeFactory(program=program, key=f"0{i + 1}", area=areas[i]) for i in range(2)
        ]
        for i, a in enumerate(activities):
            activity = ActivityFactory(
                node=nodes[a["area"]],
                key=f"0{a['area'] + 1}{i:04d}",
                months=[a["targets"].get(m) for m in range(1, 13)],
            )
            for m, q in a["entries"].items():
                ProgressEntry.objects.create(activity=activity, month=m, achieved=q)
            if a["bands"]:
                edges = ("yellow_low", "green_low", "green_high", "yellow_high")
                ActivityBands.objects.create(
                    activity=activity, **dict(zip(edges, BANDS[a["bands"]], strict=True))
                )
        for i, states in enumerate(captures):
            for m, state in states.items():
                PeriodReport.objects.create(program=program, area=areas[i], month=m, state=state)

        board = program_dashboard(program=program, month=month, today=date(2024, 12, 31))

        for f in board.months:
            if f.month > month:
                assert (f.expected_share, f.projected_share) == _later(
                    activities, captures, month, f.month
                ), f.month
                assert f.achieved_share is f.average_compliance is f.on_track is None
                continue
            straight = straight_summary(
                [
                    straight_figure(f.month, a["targets"], a["entries"], captures[a["area"]], b)
                    for a, b in ((a, BANDS[a["bands"]]) for a in activities)
                ]
            )
            got = (f.expected_share, f.achieved_share, f.average_compliance, f.on_track)
            assert got == (
                straight["expected_year_share"],
                straight["achieved_year_share"],
                straight["average_compliance"],
                straight["on_track"],
            ), f.month
        transaction.set_rollback(True)

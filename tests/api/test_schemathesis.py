"""Property-based run over the whole API (schemathesis, in-process WSGI, on the demo data).

Every operation gets generated requests twice: with generated path parameters (mostly
unknown objects) and with the demo's real ones (IEEM, 2024, 010101, a real plan and
finding, area SE, January, the demo design, its MIR, rows and indicators, and an item of
each kind of the design), in positive and negative modes. No response may be a server
error, and every response must be one the operation declares, with a body matching its
schema.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from rumbo.api.urls import api
from rumbo.design.models import (
    Alternative,
    PopulationFigure,
    Risk,
    ScheduleAction,
    Stakeholder,
    TreeNode,
)
from rumbo.indicators.api import common as mirs_api
from rumbo.indicators.models import Measurement
from tests.factories import Demo

MAX_EXAMPLES = 10  # per operation, mode and kind of path parameters
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def real_path_parameters(demo: Demo) -> dict[str, Any]:
    finding = demo.institution.quality_findings.order_by("pk").first()
    assert finding is not None
    return {
        "code": "IEEM",
        "year": 2024,
        "key": demo.activity_full.key,
        "plan_id": demo.plan_new.pk,
        "finding_id": finding.pk,
        "area": "SE",
        "month": 1,
        "mir_id": demo.design.mir.pk,
        "design_id": demo.design.design.pk,
        "row_id": demo.design.c1.pk,  # has an actividad: never deleted
        "indicator_id": demo.design.ind_c1.pk,  # measured (below): never deleted
        "period": 1,
        "kind": "arbol",
        "item_id": _tree_core(demo).pk,  # others hang from it: never deleted
    }


def _tree_core(demo: Demo) -> TreeNode:
    return TreeNode.objects.get(design=demo.design.design, tree="problema", role="central")


def item_variants(demo: Demo, fixed: dict[str, Any]) -> list[dict[str, Any]]:
    """The design's item operations get one more variant per kind of item, each with an
    item of that kind (a generated DELETE may remove it: nothing else uses it; the tree's
    core, which cannot be deleted, is the shared ``item_id``)."""
    design = demo.design.design
    items: dict[str, Any] = {
        "involucrado": Stakeholder.objects.filter(design=design).last(),
        "alternativa": Alternative.objects.filter(design=design, chosen=False).first(),
        "poblacion": PopulationFigure.objects.filter(design=design).first(),
        "riesgo": Risk.objects.filter(design=design).last(),
        "accion": ScheduleAction.objects.filter(design=design).last(),
    }
    variants = []
    for kind, item in items.items():
        assert item is not None, kind
        variant = {**fixed, "kind": kind}
        if "item_id" in fixed:
            variant["item_id"] = item.pk
        variants.append(variant)
    return variants


@pytest.fixture
def first_quarter_open(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Indicator captures are judged on a day when the first quarter's window is open, so
    generated measurements reach the formula; a measured second quarter keeps the
    indicator from being deleted by a generated DELETE."""
    monkeypatch.setattr(mirs_api, "today", lambda: date(2024, 4, 5))
    Measurement.objects.create(
        indicator=demo.design.ind_c1,
        period=2,
        values={"realizadas": "17", "programadas": "20"},
        value=Decimal(85),
    )


@pytest.fixture
def published(demo: Demo) -> None:
    """The demo program and its MIR are open data, so the open endpoints answer with data."""
    from tests.opendata.conftest import publish

    publish(demo.program, mirs=[demo.design.mir])


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Calling the WSGI app fires request_started/finished, whose handler would close the
    test's connection (it sits in the test's transaction); Django's test client unhooks
    it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection", "first_quarter_open", "published")
def test_no_server_error_and_every_response_declared(
    demo: Demo, tokens: dict[str, str], record_property: Any
) -> None:
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    headers = {"Authorization": f"Bearer {tokens['planeacion']}"}
    real = real_path_parameters(demo)
    examples = 0
    operations = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        names = {p.name for p in operation.path_parameters}
        fixed = {k: v for k, v in real.items() if k in names}
        variants: list[dict[str, Any] | None] = [None, fixed] if fixed else [None]
        if "kind" in names:
            variants += item_variants(demo, fixed)
        free = {p.name for p in operation.iter_parameters()}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for path_parameters in variants:
                if mode is GenerationMode.NEGATIVE and not free - set(path_parameters or {}):
                    continue  # an anonymous /open/ operation with nothing left to break
                strategy = operation.as_strategy(mode, path_parameters=path_parameters)

                @settings(
                    max_examples=MAX_EXAMPLES,
                    derandomize=True,
                    database=None,
                    deadline=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
                @given(case=strategy)
                def run(case: Any) -> None:
                    nonlocal examples
                    examples += 1
                    response = case.call(app=application, headers=headers)
                    case.validate_response(response, checks=CHECKS, headers=headers)

                run()
    elapsed = time.monotonic() - started
    record_property("schemathesis", f"{operations} operations, {examples} examples, {elapsed:.1f}s")
    print(f"schemathesis: {operations} operations, {examples} examples, {elapsed:.1f} s")
    # 31 paths; the activity, a MIR row, a design and a design item have two methods each,
    # an indicator three; plus six anonymous open-data operations; plus the approved
    # program's eight (approve, two version reads, five on adjustment requests); plus a
    # MIR's four moves (review, return, approve, close); plus the review's four observation
    # operations (list, write, answer, resolve); plus the national comparison (open data);
    # plus a program's budget and its physical-financial figures
    assert operations == 62
    assert examples > operations * 2 * MAX_EXAMPLES // 2

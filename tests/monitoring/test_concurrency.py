"""Simultaneous first saves of monthly progress, with real threads (PostgreSQL): no 500 —
each one saved (200) or told that someone saved first (409)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from rumbo.monitoring import api as progress_api
from rumbo.monitoring.models import PeriodReport, ProgressEntry
from tests.factories import Demo
from tests.threads import needs_postgres, run_together

pytestmark = pytest.mark.django_db(transaction=True)

PROGRAM = "/api/v1/institutions/IEEM/programs/2024"
JAN_OPEN = date(2024, 2, 5)  # January's capture window: 1–10 February 2024


def test_sixty_simultaneous_first_saves(
    demo: Demo, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_postgres()
    monkeypatch.setattr(progress_api, "today", lambda: JAN_OPEN)
    activities = [
        demo.activity_full,
        demo.activity_fraction,
        demo.activity_missing,
        demo.activity_mismatch,
        demo.activity_otra,
    ]

    def prepare(i: int) -> tuple[Client, dict[str, str]]:
        return Client(), {"Authorization": f"Bearer {tokens['planeacion']}"}

    def save(i: int, prepared: tuple[Client, dict[str, str]]) -> tuple[int, Any]:
        client, headers = prepared
        activity = activities[i % len(activities)]
        response = client.put(
            f"{PROGRAM}/activities/{activity.key}/progress/1",
            {"achieved": str(i), "justification": f"Escritor {i}", "version": None},
            content_type="application/json",
            headers=headers,
        )
        return response.status_code, response.json()

    answers = run_together(60, prepare, save)
    statuses = Counter(status for status, _ in answers)
    assert set(statuses) <= {200, 201, 409}, statuses
    # Twelve first saves of each activity's January: one saved, eleven told it was first
    # saved by someone else, with what is stored.
    entries = {e.activity_id: e for e in ProgressEntry.objects.filter(month=1)}
    assert len(entries) == statuses[200] == len(activities)
    for i, (status, body) in enumerate(answers):
        entry = entries[activities[i % len(activities)].pk]
        if status == 200:
            assert body["achieved"] == i and entry.achieved == i
        else:
            assert body["current_version"] == 1 and body["submitted_version"] is None
            assert Decimal(body["current"]["achieved"]) == entry.achieved
    assert PeriodReport.objects.filter(program=demo.program, month=1).count() == 2  # SE, DO

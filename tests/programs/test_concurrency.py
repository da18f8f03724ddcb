"""Concurrent edits of one activity through the API, with real threads (PostgreSQL): every
change answered 200 is in the database; every other one is a 409 — none silently lost."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from rumbo.programs.models import Activity, MonthlyTarget
from tests.factories import Demo
from tests.threads import needs_postgres, run_together

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/institutions/IEEM/programs/2024/activities/010101"


def _client(token: str) -> tuple[Client, dict[str, str]]:
    return Client(), {"Authorization": f"Bearer {token}"}


def test_twelve_writers_each_of_their_own_month(demo: Demo, tokens: dict[str, str]) -> None:
    needs_postgres()

    def read(i: int) -> tuple[Client, dict[str, str], dict[str, Any]]:
        client, headers = _client(tokens["planeacion"])
        return client, headers, client.get(URL, headers=headers).json()

    def write(i: int, read_: tuple[Client, dict[str, str], dict[str, Any]]) -> tuple[int, Any]:
        client, headers, body = read_
        months = list(body["monthly_targets"])
        months[i] = 1000 + i  # month i + 1, this writer's own
        response = client.patch(
            URL,
            {"monthly_targets": months, "version": body["version"]},
            content_type="application/json",
            headers=headers,
        )
        return response.status_code, response.json()

    answers = run_together(12, read, write)
    assert {status for status, _ in answers} <= {200, 409}, answers
    stored = dict(
        MonthlyTarget.objects.filter(activity=demo.activity_full).values_list("month", "quantity")
    )
    won = [i for i, (status, _) in enumerate(answers) if status == 200]
    for i in won:  # every change answered 200 is stored
        assert stored[i + 1] == Decimal(1000 + i)
    for i, (status, body) in enumerate(answers):
        if status == 409:  # ... and every other one was told what is stored instead
            assert body["current_version"] > body["submitted_version"]
            assert stored[i + 1] != Decimal(1000 + i)
    # All read version 1: exactly one of them may win it.
    assert len(won) == 1
    assert Activity.objects.get(pk=demo.activity_full.pk).version == 2


def test_twenty_writers_of_one_field(demo: Demo, tokens: dict[str, str]) -> None:
    needs_postgres()

    def read(i: int) -> tuple[Client, dict[str, str], int]:
        client, headers = _client(tokens["planeacion"])
        return client, headers, client.get(URL, headers=headers).json()["version"]

    def write(i: int, read_: tuple[Client, dict[str, str], int]) -> tuple[int, Any]:
        client, headers, version = read_
        response = client.patch(
            URL,
            {"description": f"Escritor {i}", "version": version},
            content_type="application/json",
            headers=headers,
        )
        return response.status_code, response.json()

    answers = run_together(20, read, write)
    assert {status for status, _ in answers} <= {200, 409}, answers
    winners = [i for i, (status, _) in enumerate(answers) if status == 200]
    assert len(winners) == 1  # at most one wins each version; all read version 1
    final = Activity.objects.get(pk=demo.activity_full.pk)
    assert final.description == f"Escritor {winners[0]}"
    assert final.version == 2
    for status, body in answers:
        if status == 409:
            assert body["current"]["description"] == final.description

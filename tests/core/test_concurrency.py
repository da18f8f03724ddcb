"""Writers at the same moment: a database clash (deadlock, serialization failure, «database
is locked») is retried where safe and otherwise answered 409 — by the API and the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, OperationalError, transaction

from rumbo.core.concurrency import SavedAtOnce, is_clash, retry_on_conflict
from rumbo.monitoring import api as progress_api
from tests.factories import Demo


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__("deadlock detected")
        self.sqlstate = sqlstate


def _pg(sqlstate: str) -> OperationalError:
    exc = OperationalError("deadlock detected")
    exc.__cause__ = _PgError(sqlstate)
    return exc


def test_what_is_a_clash() -> None:
    assert is_clash(OperationalError("database is locked"))
    assert is_clash(_pg("40P01"))  # deadlock_detected
    assert is_clash(_pg("40001"))  # serialization_failure
    assert not is_clash(_pg("53300"))  # too_many_connections: an outage, not a clash
    assert not is_clash(OperationalError("no such table: x"))
    assert not is_clash(IntegrityError("UNIQUE constraint failed"))
    assert not is_clash(ValueError("database is locked"))


def test_a_clash_is_retried_then_answered_as_a_conflict() -> None:
    calls: list[int] = []

    @retry_on_conflict
    def twice_locked() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return "guardado"

    assert twice_locked() == "guardado" and len(calls) == 3

    @retry_on_conflict(attempts=2)
    def always_locked() -> None:
        calls.append(1)
        raise _pg("40P01")

    calls.clear()
    with pytest.raises(SavedAtOnce):
        always_locked()
    assert len(calls) == 2

    @retry_on_conflict
    def other_error() -> None:
        raise OperationalError("no such table: x")

    with pytest.raises(OperationalError):
        other_error()


def test_inside_an_outer_transaction_nothing_is_retried(transactional_db) -> None:
    calls: list[int] = []

    @retry_on_conflict
    def locked() -> None:
        calls.append(1)
        raise OperationalError("database is locked")

    with pytest.raises(SavedAtOnce), transaction.atomic():
        locked()
    assert calls == [1]


def _locked(**_: Any) -> Any:
    raise OperationalError("database is locked")


def test_the_api_answers_a_clash_with_409(api, demo: Demo, monkeypatch) -> None:
    monkeypatch.setattr(progress_api, "today", lambda: date(2024, 2, 5))
    monkeypatch.setattr(progress_api, "progress_save", _locked)
    response = api(
        "put",
        "/institutions/IEEM/programs/2024/activities/010101/progress/1",
        json={"achieved": "340", "version": None},
    )
    assert response.status_code == 409
    assert response.json() == {
        "message": "Otra persona guardó al mismo tiempo; no se guardó nada de lo tuyo. "
        "Vuelve a intentarlo."
    }


def test_other_database_errors_are_not_a_conflict(api, demo: Demo, monkeypatch) -> None:
    """A database error that is not a clash is no 409: the API answers its JSON 503."""
    monkeypatch.setattr(progress_api, "today", lambda: date(2024, 2, 5))

    def broken(**_: Any) -> Any:
        raise OperationalError("no such table: x")

    monkeypatch.setattr(progress_api, "progress_save", broken)
    response = api(
        "put",
        "/institutions/IEEM/programs/2024/activities/010101/progress/1",
        json={"achieved": "340", "version": None},
    )
    assert response.status_code == 503
    assert response.json()["message"].startswith("La base de datos no está disponible")


def test_a_page_answers_a_clash_with_a_409_page(as_user, demo: Demo, monkeypatch) -> None:
    from rumbo.programs import services

    monkeypatch.setattr(services, "activity_update", _locked)
    client = as_user("planeacion")
    response = client.post(
        "/i/IEEM/programa/2024/actividad/010101/editar/",
        {"description": "Otra", "unit": "", "area": "", "reason": "", "version": "1"},
    )
    assert response.status_code == 409
    assert "Otra persona guardó al mismo tiempo" in response.content.decode()

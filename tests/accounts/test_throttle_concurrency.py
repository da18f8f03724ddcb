"""40 wrong passwords at once for one user name from one address: at most 5 reach the
password check (issue 16, finding 3). Real threads, each with its own connection, on the
database the suite runs on (run it with DATABASE_URL=postgres://… for PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection, connections
from django.test import Client

from rumbo.accounts.models import LoginAttempt
from rumbo.accounts.throttle import MAX_FAILURES_PER_PAIR
from tests.factories import UserFactory

THREADS = 40


class CountingBackend(ModelBackend):
    """Django's backend, counting the password checks it is asked for."""

    checks = 0
    lock = threading.Lock()

    def authenticate(self, request: Any, username: Any = None, password: Any = None, **kw: Any):
        with CountingBackend.lock:
            CountingBackend.checks += 1
        return super().authenticate(request, username=username, password=password, **kw)


@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_wrong_passwords_let_at_most_five_reach_the_check(settings):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads cannot share SQLite's in-memory test database (shared-cache locks)")
    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.CountingBackend"]
    CountingBackend.checks = 0
    UserFactory(username="ana")
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def guess(i: int) -> None:
        try:
            client = Client()
            barrier.wait()
            response = client.post(
                "/cuenta/entrar/",
                {"username": "ana", "password": f"adivina-{i}"},
                REMOTE_ADDR="198.51.100.40",
            )
            statuses.append(response.status_code)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, errors
    assert len(statuses) == THREADS
    assert CountingBackend.checks <= MAX_FAILURES_PER_PAIR
    assert statuses.count(200) == CountingBackend.checks  # checked and refused
    assert statuses.count(429) == THREADS - CountingBackend.checks
    assert LoginAttempt.objects.filter(username="ana").count() == CountingBackend.checks

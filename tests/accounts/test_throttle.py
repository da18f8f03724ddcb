"""Login throttling: by user name (5) and by address (30) within 15 minutes; no sleeping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rumbo.accounts import throttle
from rumbo.accounts.models import LoginAttempt
from rumbo.accounts.throttle import login_blocked, login_record
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def fail(username: str, ip: str, *, minutes_ago: float, n: int = 1) -> None:
    for _ in range(n):
        attempt = LoginAttempt.objects.create(username=username, ip_address=ip, succeeded=False)
        attempt.created_at = timezone.now() - timedelta(minutes=minutes_ago)
        attempt.save(update_fields=["created_at"])


def test_policy_numbers():
    assert throttle.MAX_FAILURES_PER_USERNAME == 5
    assert throttle.MAX_FAILURES_PER_ADDRESS == 30
    assert throttle.WINDOW.total_seconds() == 15 * 60


def test_five_failures_for_a_user_name_block_it_until_the_oldest_leaves_the_window():
    fail("ana", "10.0.0.1", minutes_ago=10)
    fail("ana", "10.0.0.2", minutes_ago=2, n=3)
    assert login_blocked(username="ana", ip_address="10.0.0.9") is None
    fail("ana", "10.0.0.3", minutes_ago=1)
    block = login_blocked(username=" ANA ", ip_address="10.0.0.9")
    assert block is not None
    assert block.minutes == 5  # the failure of 10 minutes ago leaves the window in 5
    assert block.message == "Demasiados intentos fallidos. Intenta de nuevo en 5 minutos."
    # Another user name from another address is not affected.
    assert login_blocked(username="beto", ip_address="10.0.0.9") is None


def test_old_failures_stop_counting_and_a_success_clears_nothing():
    fail("ana", "10.0.0.1", minutes_ago=16, n=10)
    assert login_blocked(username="ana", ip_address="10.0.0.1") is None
    fail("ana", "10.0.0.1", minutes_ago=1, n=5)
    login_record(username="ana", ip_address="10.0.0.1", succeeded=True)
    assert login_blocked(username="ana", ip_address="10.0.0.1") is not None


def test_thirty_failures_from_one_address_block_every_user_name_there():
    for i in range(29):
        fail(f"u{i}", "10.0.0.7", minutes_ago=14.5)
    assert login_blocked(username="nuevo", ip_address="10.0.0.7") is None
    fail("otro", "10.0.0.7", minutes_ago=0)
    block = login_blocked(username="nuevo", ip_address="10.0.0.7")
    assert block is not None and block.minutes == 1
    assert block.message.endswith("en 1 minuto.")
    assert login_blocked(username="nuevo", ip_address="10.0.0.8") is None


def test_record_normalises_the_user_name():
    attempt = login_record(username="  Ana ", ip_address=None, succeeded=False)
    assert attempt.username == "ana"


def login(client, username: str, password: str, ip: str = "10.1.1.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_the_login_page_refuses_the_sixth_attempt_without_checking_the_password(client, demo):
    for _ in range(5):
        response = login(client, "planeacion", "equivocada")
        assert response.status_code == 200
        assert "Demasiados" not in response.content.decode()
    assert LoginAttempt.objects.filter(username="planeacion", succeeded=False).count() == 5

    response = login(client, "planeacion", PASSWORD)  # even the right password
    assert response.status_code == 429
    assert "Demasiados intentos fallidos. Intenta de nuevo en 15 minutos." in (
        response.content.decode()
    )
    assert int(response["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session
    assert LoginAttempt.objects.count() == 5  # blocked attempts are not recorded

    # Once the failures are older than the window, the right password works again.
    LoginAttempt.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    response = login(client, "planeacion", PASSWORD)
    assert response.status_code == 302
    assert LoginAttempt.objects.filter(succeeded=True).count() == 1


def test_a_successful_login_is_recorded_with_its_address(client, demo):
    response = login(client, "enlace_se", PASSWORD, ip="192.0.2.5")
    assert response.status_code == 302
    attempt = LoginAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.succeeded) == (
        "enlace_se",
        "192.0.2.5",
        True,
    )


def test_an_empty_form_is_not_counted(client, demo):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert response.status_code == 200
    assert not LoginAttempt.objects.exists()

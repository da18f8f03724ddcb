"""Login throttling (docs/security.md): by user name and address within 15 minutes; no
rule blocks a person's correct password at an address they use because of others'
failures; the admin login goes through the same throttle. No sleeping: attempts are
back-dated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rumbo.accounts import throttle
from rumbo.accounts.models import LoginAttempt
from rumbo.accounts.throttle import login_begin, login_blocked, login_record
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def attempt(username: str, ip: str, *, minutes_ago: float, n: int = 1, ok: bool = False) -> None:
    for _ in range(n):
        row = LoginAttempt.objects.create(username=username, ip_address=ip, succeeded=ok)
        row.created_at = timezone.now() - timedelta(minutes=minutes_ago)
        row.save(update_fields=["created_at"])


def fail(username: str, ip: str, *, minutes_ago: float, n: int = 1) -> None:
    attempt(username, ip, minutes_ago=minutes_ago, n=n)


def test_policy_numbers():
    assert throttle.MAX_FAILURES_PER_PAIR == 5
    assert throttle.MAX_FAILURES_PER_USERNAME == 20
    assert throttle.MAX_FAILURES_PER_ADDRESS == 30
    assert throttle.WINDOW.total_seconds() == 15 * 60
    assert throttle.KNOWN_ADDRESS_DAYS == 30


# --- rule 1: a user name from one address ---------------------------------------------------


def test_five_failures_of_a_user_name_from_an_address_block_that_pair_until_the_oldest_leaves():
    fail("ana", "10.0.0.1", minutes_ago=10)
    fail("ana", "10.0.0.1", minutes_ago=2, n=3)
    fail("ana", "10.0.0.2", minutes_ago=2, n=3)  # another address: not the same pair
    assert login_blocked(username="ana", ip_address="10.0.0.1") is None
    fail("ana", "10.0.0.1", minutes_ago=1)
    block = login_blocked(username=" ANA ", ip_address="10.0.0.1")
    assert block is not None
    assert block.minutes == 5  # the failure of 10 minutes ago leaves the window in 5
    assert block.message == "Demasiados intentos fallidos. Intenta de nuevo en 5 minutos."
    # The same user name from elsewhere, and another user name from here, may try.
    assert login_blocked(username="ana", ip_address="10.0.0.9") is None
    assert login_blocked(username="beto", ip_address="10.0.0.1") is None


def test_old_failures_stop_counting_and_a_success_clears_nothing():
    fail("ana", "10.0.0.1", minutes_ago=16, n=10)
    assert login_blocked(username="ana", ip_address="10.0.0.1") is None
    fail("ana", "10.0.0.1", minutes_ago=1, n=5)
    login_record(username="ana", ip_address="10.0.0.1", succeeded=True)
    assert login_blocked(username="ana", ip_address="10.0.0.1") is not None


# --- rule 2: a user name from many addresses ------------------------------------------------


def test_twenty_failures_of_a_user_name_block_it_except_where_its_owner_signed_in_before():
    attempt("ana", "10.0.0.50", minutes_ago=60 * 24 * 3, ok=True)  # her office, 3 days ago
    attempt("ana", "10.0.0.60", minutes_ago=60 * 24 * 31, ok=True)  # 31 days ago: forgotten
    for i in range(19):
        fail("ana", f"203.0.113.{i}", minutes_ago=12)
    assert login_blocked(username="ana", ip_address="198.51.100.1") is None
    fail("ana", "203.0.113.99", minutes_ago=1)
    block = login_blocked(username="ana", ip_address="198.51.100.1")
    assert block is not None and block.minutes == 3
    assert login_blocked(username="ana", ip_address="10.0.0.60") is not None
    # The attacker's failures elsewhere do not lock her out of her own office.
    assert login_blocked(username="ana", ip_address="10.0.0.50") is None
    # There, the pair rule still holds.
    fail("ana", "10.0.0.50", minutes_ago=1, n=5)
    assert login_blocked(username="ana", ip_address="10.0.0.50") is not None


# --- rule 3: many user names from one address -----------------------------------------------


def test_thirty_failures_from_an_address_block_user_names_that_never_signed_in_there():
    attempt("beto", "10.0.0.7", minutes_ago=60 * 24, ok=True)  # beto works here
    for i in range(29):
        fail(f"u{i}", "10.0.0.7", minutes_ago=14.5)
    assert login_blocked(username="nuevo", ip_address="10.0.0.7") is None
    fail("otro", "10.0.0.7", minutes_ago=0)
    block = login_blocked(username="nuevo", ip_address="10.0.0.7")
    assert block is not None and block.minutes == 1
    assert block.message.endswith("en 1 minuto.")
    assert login_blocked(username="nuevo", ip_address="10.0.0.8") is None
    assert login_blocked(username="beto", ip_address="10.0.0.7") is None


def login(client, username: str, password: str, ip: str = "10.1.1.1", url: str = ""):
    return client.post(
        url or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_after_thirty_failures_from_an_address_a_colleague_there_signs_in(client, demo):
    # enlace_se has signed in from the office before; someone there then tries 30 names.
    assert login(client, "enlace_se", PASSWORD, ip="10.2.2.2").status_code == 302
    client.logout()
    for i in range(30):
        assert login(client, f"victima{i}", "adivina", ip="10.2.2.2").status_code == 200
    assert login(client, "otra", "adivina", ip="10.2.2.2").status_code == 429
    response = login(client, "enlace_se", PASSWORD, ip="10.2.2.2")
    assert response.status_code == 302 and signed_in(client)


# --- the login page and the admin login -----------------------------------------------------


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
    assert not signed_in(client)
    assert LoginAttempt.objects.count() == 5  # refused attempts are not recorded

    # From another address the right password works.
    response = login(client, "planeacion", PASSWORD, ip="10.1.1.2")
    assert response.status_code == 302 and signed_in(client)
    client.logout()

    # Once the failures are older than the window, the right password works here too.
    LoginAttempt.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    response = login(client, "planeacion", PASSWORD)
    assert response.status_code == 302
    assert LoginAttempt.objects.filter(succeeded=True).count() == 2


def test_a_successful_login_is_recorded_with_its_address(client, demo):
    response = login(client, "enlace_se", PASSWORD, ip="192.0.2.5")
    assert response.status_code == 302
    row = LoginAttempt.objects.get()
    assert (row.username, row.ip_address, row.succeeded) == ("enlace_se", "192.0.2.5", True)


def test_an_empty_form_is_not_counted(client, demo):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "ana", "password": ""})
    assert response.status_code == 200
    assert not LoginAttempt.objects.exists()


def test_behind_a_trusted_proxy_each_client_is_throttled_by_its_own_address(client, settings):
    settings.RUMBO_TRUSTED_PROXIES = ["10.9.9.9"]
    UserFactory(username="ana")

    def via_proxy(client_ip: str, password: str):
        return client.post(
            reverse("login"),
            {"username": "ana", "password": password},
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR=client_ip,
        )

    for _ in range(5):
        assert via_proxy("198.51.100.7", "adivina").status_code == 200
    assert via_proxy("198.51.100.7", PASSWORD).status_code == 429
    assert via_proxy("192.0.2.44", PASSWORD).status_code == 302
    assert set(LoginAttempt.objects.values_list("ip_address", flat=True)) == {
        "198.51.100.7",
        "192.0.2.44",
    }


ADMIN_LOGIN = "/admin/login/"


def test_the_admin_login_is_throttled_too(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for _ in range(25):
        response = login(client, "root", "adivina", url=ADMIN_LOGIN)
        assert response.status_code == 200
    response = login(client, "root", PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 200
    assert "Demasiados intentos fallidos" in response.content.decode()
    assert not signed_in(client)
    assert LoginAttempt.objects.filter(username="root", succeeded=False).count() == 5
    # Once the window passes, the admin login works.
    LoginAttempt.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    response = login(client, "root", PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 302 and signed_in(client)
    assert LoginAttempt.objects.filter(username="root", succeeded=True).count() == 1


def test_a_block_earned_on_one_login_holds_on_the_other(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for _ in range(5):
        assert login(client, "root", "adivina").status_code == 200
    response = login(client, "root", PASSWORD, url=ADMIN_LOGIN)
    assert "Demasiados intentos fallidos" in response.content.decode()
    assert not signed_in(client)

    LoginAttempt.objects.all().delete()
    for _ in range(5):
        assert login(client, "root", "adivina", url=ADMIN_LOGIN).status_code == 200
    assert login(client, "root", PASSWORD).status_code == 429
    assert not signed_in(client)


def test_a_right_password_of_a_non_staff_user_on_the_admin_counts_as_right(client):
    UserFactory(username="ana")
    response = login(client, "ana", PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 200 and not signed_in(client)  # not staff: refused
    assert LoginAttempt.objects.get().succeeded is True


# --- the reservation ------------------------------------------------------------------------


def test_begin_reserves_a_failure_and_refuses_once_the_limit_is_reserved():
    reserved = [login_begin(username="Ana", ip_address="10.3.3.3") for _ in range(5)]
    assert all(isinstance(r, LoginAttempt) for r in reserved)
    assert LoginAttempt.objects.filter(username="ana", succeeded=False).count() == 5
    refused = login_begin(username="ana", ip_address="10.3.3.3")
    assert isinstance(refused, throttle.Block)
    assert LoginAttempt.objects.count() == 5  # the refused one left no row

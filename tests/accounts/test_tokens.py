"""API tokens: shown once, stored hashed, expiring, refused when expired, revoked or for
inactive users."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rumbo.accounts.models import ApiToken
from rumbo.accounts.tokens import (
    TokenRefused,
    token_authenticate,
    token_create,
    token_revoke,
    token_revoke_all,
    token_verify,
)
from rumbo.audit.models import AuditEvent
from rumbo.audit.selectors import object_history
from rumbo.audit.services import Actor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_secret_is_returned_once_and_only_its_hash_is_stored() -> None:
    user = UserFactory(username="ana")
    token, raw = token_create(actor=Actor.cli(), user=user, name=" Script  de carga ")
    assert raw.startswith("rumbo_") and len(raw) > 40
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:12]
    assert token.name == "Script de carga"
    stored = ApiToken.objects.values_list("prefix", "key_hash", "name").get()
    assert raw not in "".join(stored)
    event = object_history(token).get()
    assert event.action == "token.create"
    assert raw not in str(event.after)


def test_two_tokens_differ() -> None:
    user = UserFactory(username="ana")
    _, first = token_create(actor=Actor.cli(), user=user)
    _, second = token_create(actor=Actor.cli(), user=user)
    assert first != second


def test_authenticate_returns_the_user_and_refuses_the_rest(django_assert_num_queries) -> None:
    user = UserFactory(username="ana")
    _, raw = token_create(actor=Actor.cli(), user=user)
    with django_assert_num_queries(2):  # the lookup, then the first last-use stamp
        assert token_authenticate(raw) == user
    with django_assert_num_queries(1):  # used a moment ago: no update
        assert token_authenticate(raw) == user
    with django_assert_num_queries(0):
        assert token_authenticate("") is None
        assert token_authenticate("sin-prefijo") is None
        assert token_authenticate("rumbo_" + "a" * 500) is None
    assert token_authenticate(raw + "x") is None
    assert token_authenticate(raw.upper()) is None


def test_last_use_is_stamped_at_most_once_a_minute() -> None:
    user = UserFactory(username="ana")
    token, raw = token_create(actor=Actor.cli(), user=user)
    token_authenticate(raw)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=2)


def test_revoked_tokens_and_inactive_users_are_refused() -> None:
    user = UserFactory(username="ana")
    token, raw = token_create(actor=Actor.cli(), user=user)
    token_revoke(actor=Actor.cli(), token=token)
    token_revoke(actor=Actor.cli(), token=token)  # idempotent
    assert token_authenticate(raw) is None
    assert list(object_history(token).values_list("action", flat=True)) == [
        "token.revoke",
        "token.create",
    ]
    other, raw_other = token_create(actor=Actor.cli(), user=UserFactory(username="beto"))
    other.user.is_active = False
    other.user.save()
    assert token_authenticate(raw_other) is None


def test_inactive_users_get_no_token() -> None:
    user = UserFactory(username="ana", is_active=False)
    with pytest.raises(ValidationError):
        token_create(actor=Actor.cli(), user=user)
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


def test_revoked_at_is_now() -> None:
    token, _ = token_create(actor=Actor.cli(), user=UserFactory(username="ana"))
    before = timezone.now()
    revoked = token_revoke(actor=Actor.cli(), token=token)
    assert revoked.revoked_at is not None and revoked.revoked_at >= before


def test_a_token_expires_after_ninety_days_unless_told_otherwise() -> None:
    user = UserFactory(username="ana")
    before = timezone.now()
    token, _ = token_create(actor=Actor.cli(), user=user)
    assert before + timedelta(days=90) <= token.expires_at <= timezone.now() + timedelta(days=90)
    short, _ = token_create(actor=Actor.cli(), user=user, days=7)
    assert short.expires_at - short.created_at == pytest.approx(
        timedelta(days=7), abs=timedelta(seconds=5)
    )
    assert object_history(short).get().after["expires_at"] == short.expires_at.isoformat()
    for bad in (0, -1, 731):
        with pytest.raises(ValidationError) as caught:
            token_create(actor=Actor.cli(), user=user, days=bad)
        assert caught.value.message_dict == {
            "days": ["La vigencia es un número entero de días entre 1 y 730."]
        }
    assert ApiToken.objects.count() == 2


def test_an_expired_token_is_refused_with_its_date() -> None:
    user = UserFactory(username="ana")
    token, raw = token_create(actor=Actor.cli(), user=user)
    expired = timezone.make_aware(timezone.datetime(2024, 3, 5, 12, 0))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=expired)
    assert token_authenticate(raw) is None
    with pytest.raises(TokenRefused) as caught:
        token_verify(raw)
    assert caught.value.message.startswith("El token venció el 05/03/2024")
    token.refresh_from_db()
    assert token.last_used_at is None and token.state == "vencido"


def test_a_revoked_token_says_so_and_an_unknown_one_says_nothing() -> None:
    token, raw = token_create(actor=Actor.cli(), user=UserFactory(username="ana"))
    assert token.state == "vigente"
    token_revoke(actor=Actor.cli(), token=token)
    with pytest.raises(TokenRefused) as caught:
        token_verify(raw)
    assert caught.value.message.startswith("El token fue revocado el ")
    assert token_verify("rumbo_" + "x" * 40) is None


def test_revoke_all_revokes_the_live_tokens_of_one_user_each_audited() -> None:
    ana, beto = UserFactory(username="ana"), UserFactory(username="beto")
    first, _ = token_create(actor=Actor.cli(), user=ana)
    second, _ = token_create(actor=Actor.cli(), user=ana)
    token_revoke(actor=Actor.cli(), token=first)
    other, _ = token_create(actor=Actor.cli(), user=beto)
    revoked = token_revoke_all(actor=Actor.cli(), user=ana)
    assert [t.pk for t in revoked] == [second.pk]  # first was revoked already
    assert not ApiToken.objects.filter(user=ana, revoked_at__isnull=True).exists()
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None
    assert AuditEvent.objects.filter(action="token.revoke").count() == 2  # first, then second

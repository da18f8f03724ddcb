"""API tokens: shown once, stored hashed, refused when revoked or for inactive users."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rumbo.accounts.models import ApiToken
from rumbo.accounts.tokens import token_authenticate, token_create, token_revoke
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

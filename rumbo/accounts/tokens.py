"""API tokens: create (the secret is shown once), authenticate a bearer token, revoke.

Only the SHA-256 of a token is stored. A presented token is hashed and looked up by that
hash (a unique index), so no secret is ever compared character by character.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rumbo.audit.services import Actor, audit_record
from rumbo.core.text import clean

from .models import ApiToken

TOKEN_PREFIX = "rumbo_"  # noqa: S105 - a public marker, not a secret
PREFIX_LENGTH = 12  # what is stored in clear to recognise a token: "rumbo_" + 6 characters
MAX_TOKEN_LENGTH = 200  # anything longer is not ours: refuse before hashing
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _snapshot(token: ApiToken) -> dict[str, Any]:
    return {
        "user": token.user.get_username(),
        "name": token.name,
        "prefix": token.prefix,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


@transaction.atomic
def token_create(*, actor: Actor, user: AbstractBaseUser, name: str = "") -> tuple[ApiToken, str]:
    """A new token for the user; returns it and its secret, which is never stored."""
    if not user.is_active:
        raise ValidationError({"user": "El usuario está inactivo."})
    label = clean(name)
    if len(label) > 100:
        raise ValidationError({"name": "El nombre admite hasta 100 caracteres."})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,  # type: ignore[misc]  # AUTH_USER_MODEL is Django's User
        name=label,
        prefix=raw[:PREFIX_LENGTH],
        key_hash=token_hash(raw),
    )
    audit_record(
        actor=actor,
        institution_id=None,
        action="token.create",
        obj=token,
        after=_snapshot(token),
    )
    return token, raw


def token_authenticate(raw: str) -> AbstractBaseUser | None:
    """The active user owning this unrevoked token, or None (1 query; +1 at most once a minute)."""
    raw = (raw or "").strip()
    if not raw or len(raw) > MAX_TOKEN_LENGTH or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke the token from now on (idempotent: revoking twice changes nothing)."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = _snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        institution_id=None,
        action="token.revoke",
        obj=token,
        before=before,
        after=_snapshot(token),
    )
    return token

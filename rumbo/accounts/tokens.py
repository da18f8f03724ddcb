"""API tokens: create (the secret is shown once), authenticate a bearer token, revoke.

Only the SHA-256 of a token is stored. A presented token is hashed and looked up by that
hash (a unique index), so no secret is ever compared character by character. Every token
expires (``DEFAULT_DAYS`` after its creation unless its creator chose otherwise, at most
``MAX_DAYS``); an expired or revoked token is refused with a message saying which.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
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
DEFAULT_DAYS = 90
MAX_DAYS = 730

REFUSED_EXPIRED = (
    "El token venció el {date}: crea uno nuevo (rumbo token create o «Mis tokens de la API»)."
)
REFUSED_REVOKED = "El token fue revocado el {date}: crea uno nuevo si aún lo necesitas."


class TokenRefused(Exception):
    """A token that exists but may no longer be used; ``message`` says why, in Spanish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _snapshot(token: ApiToken) -> dict[str, Any]:
    return {
        "user": token.user.get_username(),
        "name": token.name,
        "prefix": token.prefix,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


def _date(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


@transaction.atomic
def token_create(
    *, actor: Actor, user: AbstractBaseUser, name: str = "", days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token for the user, valid ``days`` (default ``DEFAULT_DAYS``); returns it and
    its secret, which is never stored."""
    if not user.is_active:
        raise ValidationError({"user": "El usuario está inactivo."})
    label = clean(name)
    if len(label) > 100:
        raise ValidationError({"name": "El nombre admite hasta 100 caracteres."})
    days = DEFAULT_DAYS if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            {"days": f"La vigencia es un número entero de días entre 1 y {MAX_DAYS}."}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,  # type: ignore[misc]  # AUTH_USER_MODEL is Django's User
        name=label,
        prefix=raw[:PREFIX_LENGTH],
        key_hash=token_hash(raw),
        expires_at=timezone.now() + timedelta(days=days),
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
    """The active user owning this valid token, or None (1 query; +1 at most once a minute)."""
    try:
        return token_verify(raw)
    except TokenRefused:
        return None


def token_verify(raw: str) -> AbstractBaseUser | None:
    """The active user owning this token; None when it is not a token of ours (or its user
    is inactive); ``TokenRefused`` when it expired or was revoked."""
    raw = (raw or "").strip()
    if not raw or len(raw) > MAX_TOKEN_LENGTH or not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused(REFUSED_REVOKED.format(date=_date(token.revoked_at)))
    if token.expires_at <= now:
        raise TokenRefused(REFUSED_EXPIRED.format(date=_date(token.expires_at)))
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


@transaction.atomic
def token_revoke_all(*, actor: Actor, user: AbstractBaseUser) -> list[ApiToken]:
    """Revoke every token of the user still in force (each audited); returns them."""
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("pk")  # type: ignore[misc]  # AUTH_USER_MODEL is Django's User
    return [token_revoke(actor=actor, token=token) for token in live]

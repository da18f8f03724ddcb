"""Writing audit events. Every service that changes data calls one of these in its transaction."""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who performs a change: a user of the web/API, or an operator at the command line."""

    user: AbstractBaseUser | None
    label: str

    @classmethod
    def cli(cls) -> Actor:
        try:
            name = getpass.getuser()
        except Exception:  # pragma: no cover - no passwd entry in some containers
            name = "desconocido"
        return cls(user=None, label=f"cli:{name}")

    @classmethod
    def for_user(cls, user: AbstractBaseUser | AnonymousUser) -> Actor:
        if not user.is_authenticated:
            return cls(user=None, label="anónimo")
        return cls(user=user, label=user.get_username())


@dataclass(frozen=True)
class Change:
    action: str
    obj: models.Model | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    object_repr: str = ""


def audit_record_many(
    *, actor: Actor, institution_id: int | None, changes: Iterable[Change], reason: str = ""
) -> int:
    """Store one event per change in a single bulk insert; returns how many were written."""
    content_types: dict[type, ContentType] = {}
    events = []
    for change in changes:
        ct = None
        object_id = None
        if change.obj is not None:
            model = type(change.obj)
            if model not in content_types:
                content_types[model] = ContentType.objects.get_for_model(model)
            ct = content_types[model]
            object_id = change.obj.pk
        events.append(
            AuditEvent(
                institution_id=institution_id,
                actor=actor.user if actor.user is not None and actor.user.pk else None,  # type: ignore[misc]  # AUTH_USER_MODEL is the default User
                actor_label=actor.label,
                action=change.action,
                content_type=ct,
                object_id=object_id,
                object_repr=(change.object_repr or str(change.obj or ""))[:255],
                before=change.before,
                after=change.after,
                reason=reason,
            )
        )
    AuditEvent.objects.bulk_create(events, batch_size=500)
    return len(events)


def audit_record(
    *,
    actor: Actor,
    institution_id: int | None,
    action: str,
    obj: models.Model | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    audit_record_many(
        actor=actor,
        institution_id=institution_id,
        changes=[Change(action=action, obj=obj, before=before, after=after)],
        reason=reason,
    )

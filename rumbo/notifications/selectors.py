"""Reads of a user's avisos."""

from __future__ import annotations

from typing import Any

from .models import Notification, NotificationPreference

PAGE_SIZE = 100


def notifications_for(*, user: Any, limit: int = PAGE_SIZE) -> list[Notification]:
    """The user's avisos, newest first (one query)."""
    return list(Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")[:limit])


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def email_enabled(*, user: Any) -> bool:
    """Whether the user gets avisos by e-mail (on without a preference)."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.email_enabled if preference else True

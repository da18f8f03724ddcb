"""The one way to tell people something: ``notify``. In the app at once (in the caller's
transaction, so a rolled-back action leaves no aviso), by e-mail after the commit, to
those with an address and e-mail on. Idempotent by (recipient, key): a second call with
the same key creates and sends nothing. A mail server that fails does not break the
action: the failure is logged and the e-mail stays owed (``email_pending``), retried by
``email_retry`` (`rumbo notify`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from rumbo.audit.services import Actor, audit_record
from rumbo.institutions.models import Institution

from .models import Notification, NotificationPreference

logger = logging.getLogger(__name__)

RETRY_DAYS = 3
"""How far back `rumbo notify` retries e-mails that could not be sent."""


def _one_line(text: str, limit: int) -> str:
    return " ".join(str(text).split())[:limit]


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str,
    url: str,
    key: str,
    institution: Institution | None = None,
) -> list[Notification]:
    """One aviso per recipient who has none with ``key``; e-mail after the commit.

    Returns the avisos created (none when every recipient already had this key)."""
    users = {u.pk: u for u in recipients if u is not None and u.pk is not None}
    if not users:
        return []
    had = set(
        Notification.objects.filter(key=key, recipient_id__in=users).values_list(
            "recipient_id", flat=True
        )
    )
    new = [u for pk, u in users.items() if pk not in had]
    if not new:
        return []
    off = email_off_ids([u.pk for u in new])
    rows = [
        Notification(
            recipient=u,
            institution=institution,
            kind=kind,
            title=_one_line(title, 200),
            body=body.strip(),
            url=url,
            key=key,
            email_pending=bool(u.email) and u.pk not in off,
        )
        for u in new
    ]
    # Two callers at once: the unique key keeps one row per recipient; the e-mail is
    # claimed once (email_send), so neither sends twice.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if any(r.email_pending for r in rows):
        pending = list(
            Notification.objects.filter(
                key=key, recipient_id__in=[r.recipient_id for r in rows if r.email_pending]
            )
            .filter(email_pending=True)
            .values_list("pk", flat=True)
        )
        transaction.on_commit(partial(email_send, pending))
    return rows


def email_off_ids(user_ids: Iterable[int]) -> set[int]:
    """Those of ``user_ids`` who turned e-mail off (e-mail is on without a preference)."""
    return set(
        NotificationPreference.objects.filter(
            user_id__in=list(user_ids), email_enabled=False
        ).values_list("user_id", flat=True)
    )


# --- e-mail --------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    """``RUMBO_BASE_URL`` + path; the bare path when the base is not set."""
    base = getattr(settings, "RUMBO_BASE_URL", "")
    return f"{base}{path}" if base and path.startswith("/") else path


def email_message(notification: Notification) -> EmailMessage:
    """The e-mail of an aviso: Spanish subject and plain text, the link and how to stop."""
    user = notification.recipient
    name = user.get_full_name() or user.get_username()
    lines = [f"Hola, {name}:", "", notification.body]
    if notification.url:
        lines += ["", f"Ábrelo en Rumbo: {absolute_url(notification.url)}"]
    lines += [
        "",
        "--",
        "Rumbo" + (f" · {notification.institution.name}" if notification.institution else ""),
        "Para dejar de recibir avisos por correo, desactívalos en «Avisos»: "
        f"{absolute_url(reverse('web:notifications'))} (los seguirás viendo en Rumbo).",
    ]
    return EmailMessage(
        subject=f"Rumbo: {_one_line(notification.title, 180)}",
        body="\n".join(lines) + "\n",
        to=[user.email],
    )


def _claim(pk: int) -> Notification | None:
    """The aviso whose e-mail this caller sends now, or None (already sent or claimed)."""
    if not Notification.objects.filter(pk=pk, email_pending=True).update(email_pending=False):
        return None
    notification = Notification.objects.select_related("recipient", "institution").get(pk=pk)
    user = notification.recipient
    if not user.email or not user.is_active or user.pk in email_off_ids([user.pk]):
        return None  # e-mail turned off (or the address removed) since: not owed any more
    return notification


def email_send(ids: Iterable[int]) -> tuple[int, int]:
    """Send the owed e-mails of these avisos: (sent, failed). A failure is logged and the
    e-mail stays owed."""
    sent = failed = 0
    for pk in ids:
        notification = _claim(pk)
        if notification is None:
            continue
        try:
            email_message(notification).send()
        except Exception:  # any mail server failure: the action that notified went through
            logger.exception("could not e-mail notification %s", pk)
            Notification.objects.filter(pk=pk).update(email_pending=True)
            failed += 1
        else:
            Notification.objects.filter(pk=pk).update(emailed_at=timezone.now())
            sent += 1
    return sent, failed


def email_owed(*, now: datetime, days: int = RETRY_DAYS) -> list[int]:
    """The avisos of the last ``days`` whose e-mail is still owed."""
    return list(
        Notification.objects.filter(
            email_pending=True, created_at__gte=now - timedelta(days=days)
        ).values_list("pk", flat=True)
    )


def email_retry(*, now: datetime, days: int = RETRY_DAYS) -> tuple[int, int]:
    """Send again the e-mails of the last ``days`` that failed: (sent, failed)."""
    return email_send(email_owed(now=now, days=days))


# --- the recipient's own actions ------------------------------------------------------------


def notification_read(notification: Notification) -> None:
    """Mark one aviso read (its recipient opened it)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )


def notifications_read_all(*, user: Any) -> int:
    """Mark every unread aviso of ``user`` read; how many were."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def email_preference_set(*, actor: Actor, user: Any, enabled: bool) -> NotificationPreference:
    """Turn a user's avisos by e-mail on or off (audited)."""
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    if preference.email_enabled == enabled:
        return preference
    before = {"email_enabled": preference.email_enabled}
    preference.email_enabled = enabled
    preference.save()
    audit_record(
        actor=actor,
        institution_id=None,
        action="notifications.email_preference",
        obj=preference,
        before=before,
        after={"email_enabled": enabled},
    )
    return preference

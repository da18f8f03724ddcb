"""Reads of the audit trail: the history of one object, and an institution's whole log."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEvent


def object_history(obj: models.Model) -> QuerySet[AuditEvent]:
    """Every event recorded on the object (including its deletion), newest first (1 query).

    ``ContentType.objects.get_for_model`` is cached per process, so it costs no query
    after the first call.
    """
    content_type = ContentType.objects.get_for_model(type(obj))
    return (
        AuditEvent.objects.filter(content_type=content_type, object_id=obj.pk)
        .select_related("actor", "content_type")
        .order_by("-created_at", "-id")
    )


def institution_log(
    *,
    institution_id: int,
    start: date | None = None,
    end: date | None = None,
    actor: str = "",
    action_prefix: str = "",
    object_text: str = "",
) -> QuerySet[AuditEvent]:
    """The institution's audit events, newest first, filtered (one query when evaluated).

    ``start``/``end``: local dates, both inclusive. ``actor``: part of the actor's label
    (username or ``cli:…``); ``action_prefix``: e.g. ``progress.``; ``object_text``: part of
    the object's description. Empty filters are ignored.
    """
    events = AuditEvent.objects.filter(institution_id=institution_id)
    tz = timezone.get_current_timezone()
    if start:
        events = events.filter(created_at__gte=datetime.combine(start, time.min, tzinfo=tz))
    if end:
        events = events.filter(
            created_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
        )
    if actor.strip():
        events = events.filter(actor_label__icontains=actor.strip())
    if action_prefix.strip():
        events = events.filter(action__startswith=action_prefix.strip())
    if object_text.strip():
        events = events.filter(object_repr__icontains=object_text.strip())
    return events.select_related("content_type", "actor").order_by("-created_at", "-id")

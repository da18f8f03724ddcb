"""Reads of the audit trail: the history of one object, newest first."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import AuditEvent


def object_history(obj: models.Model) -> QuerySet[AuditEvent]:
    """Every event recorded on the object (including its deletion), newest first (1 query).

    ``ContentType.objects.get_for_model`` is cached per process, so it costs no query
    after the first call.
    """
    content_type = ContentType.objects.get_for_model(type(obj))
    return (
        AuditEvent.objects.filter(content_type=content_type, object_id=obj.pk)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )

"""Reads of the audit trail of monitoring objects: the history of an activity's progress.

An activity's history is what the audit log recorded on the activity itself (targets,
calendar, description, its own semáforo bands), on each of its monthly progress entries
(capture and corrections) and on the review's observations of it, newest first. One query
whatever its length (two with the count of a paginated list); the content types are cached
per process.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from rumbo.audit.models import AuditEvent
from rumbo.programs.models import Activity, ActivityObservation

from .models import ProgressEntry


def activity_history(*, activity: Activity) -> QuerySet[AuditEvent]:
    """Audit events of the activity, its progress entries and its observations, newest
    first (1 query)."""
    activity_type = ContentType.objects.get_for_model(Activity)
    entry_type = ContentType.objects.get_for_model(ProgressEntry)
    observation_type = ContentType.objects.get_for_model(ActivityObservation)
    entry_ids = ProgressEntry.objects.filter(activity_id=activity.pk).values("pk")
    observation_ids = ActivityObservation.objects.filter(activity_id=activity.pk).values("pk")
    return (
        AuditEvent.objects.filter(
            Q(content_type=activity_type, object_id=activity.pk)
            | Q(content_type=entry_type, object_id__in=entry_ids)
            | Q(content_type=observation_type, object_id__in=observation_ids)
        )
        .select_related("actor", "content_type")
        .order_by("-created_at", "-id")
    )

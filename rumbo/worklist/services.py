"""The one write of «Mis pendientes»: remembering when a person looked at it.

It is the person's own bookkeeping, like Django's ``last_login``, not a change to the
institution's data: nothing to authorise beyond being signed in, and no audit event.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .models import Visit

# Views closer than this belong to the same visit: a reload keeps «desde tu última visita».
VISIT_GAP = timedelta(hours=1)


def visit_record(*, user_id: int, now: datetime) -> datetime | None:
    """Note a view of the page at ``now``; return when the previous visit was (None: the
    first). Two queries, no transaction of its own (a concurrent first view is ignored)."""
    visit = Visit.objects.filter(user_id=user_id).first()
    if visit is None:
        Visit.objects.bulk_create(
            [Visit(user_id=user_id, seen_at=now, previous_seen_at=None)], ignore_conflicts=True
        )
        return None
    if now - visit.seen_at >= VISIT_GAP:
        visit.previous_seen_at = visit.seen_at
    visit.seen_at = now
    visit.save(update_fields=["seen_at", "previous_seen_at"])
    return visit.previous_seen_at

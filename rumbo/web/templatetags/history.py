"""The change history of an object as people read it: who, when, what, before → after.

``{% load history %}{% history events %}`` renders ``web/_history.html`` from the events of
``rumbo.audit.selectors.object_history`` (or ``monitoring.history.activity_history``); the
wording and formatting are the bitácora's (``rumbo.audit.display``). It never queries (the
actor and content type are joined there; the objects are the page's own: not linked).
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from rumbo.audit.display import EventView, event_views
from rumbo.audit.models import AuditEvent

register = template.Library()


def history_entries(events: Iterable[AuditEvent]) -> list[EventView]:
    return event_views(events, link=False)


@register.inclusion_tag("web/_history.html")
def history(events: Iterable[AuditEvent], heading: str = "Historial de cambios") -> dict:
    return {"entries": history_entries(events), "heading": heading}

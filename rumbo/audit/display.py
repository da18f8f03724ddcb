"""An audit event as people read it: the one place that formats the audit trail.

The bitácora page, its XLSX and PDF exports and an object's history (the activity page,
the capture grid, a transparency row) all show events through ``event_views``:

- the action by its Spanish label (``labels.register_actions``), never ``period.approve``;
- who: «Planeación IEEM (planeacion)», and ``cli:root`` as «Línea de comandos (root)»;
- each changed field by its label (registered, else the model field's ``verbose_name``),
  with the values as the pages show them: numbers es-MX without trailing zeros
  (``"20.0000"`` → «20»), months by name, dates dd/mm/aaaa, Sí/No, stored codes by their
  label (the model field's ``choices`` or ``labels.register_values``), a JSON object as
  «campo: valor» lines;
- the object linked to its page while it exists, with its current state where its app
  says one (an export: «Listo», not the «En cola» of when it was requested) — one query
  per kind of object on the page (``labels.register_object_pages``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

from rumbo.core.numbers import format_mx
from rumbo.core.periods import MONTH_NAMES

from . import labels
from .models import AuditEvent

NOTHING = "—"
CLI_PREFIX = "cli:"
MONTHS_KEY = "monthly_targets"  # a list of twelve month values: shown month by month
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_NUMBER_FIELDS = (models.DecimalField, models.IntegerField, models.FloatField)


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str
    # A creation's value: «Campo: valor», no «— →» (there was nothing before).
    created: bool = False

    @property
    def text(self) -> str:
        """«Campo: antes → después», or «Campo: valor» for a creation's value."""
        if self.created:
            return f"{self.label}: {self.after}"
        return f"{self.label}: {self.before} → {self.after}"


@dataclass
class EventView:
    """One event, every part already text (the page, the exports and the history show it
    as it is)."""

    event: AuditEvent
    when: str
    who: str
    action: str
    object_label: str
    object_type: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    url: str = ""
    state: str = ""


# --- who, when, what -------------------------------------------------------------------------


def actor_text(label: str, full_name: str = "") -> str:
    """``cli:root`` → «Línea de comandos (root)»; a user with a name → «Nombre (usuario)»."""
    if label.startswith(CLI_PREFIX):
        return f"Línea de comandos ({label[len(CLI_PREFIX) :]})"
    return f"{full_name} ({label})" if full_name else label


def action_text(action: str, model: type[models.Model] | None = None) -> str:
    """The action's Spanish label; an unregistered one as stored (a test forbids them)."""
    return labels.action_label(action, _model_label(model)) or action


def when_text(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"


# --- fields and values -----------------------------------------------------------------------


def _model_field(model: type[models.Model] | None, key: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _model_label(model: type[models.Model] | None) -> str:
    return model._meta.label_lower if model is not None else ""


def _own_verbose_name(found: models.Field | None) -> str:
    """The field's ``verbose_name`` when the model gave one (Django's default, the name
    with spaces, is English)."""
    if found is None or found.is_relation:
        return ""
    name = str(found.verbose_name)
    return "" if name == found.name.replace("_", " ") else name


def known_field(key: str, model: type[models.Model] | None = None) -> bool:
    """Whether the key has a Spanish label (registered or the model's)."""
    return bool(
        labels.field_label(key, _model_label(model)) or _own_verbose_name(_model_field(model, key))
    )


def field_text(key: str, model: type[models.Model] | None = None) -> str:
    registered = labels.field_label(key, _model_label(model))
    if registered:
        return registered
    own = _own_verbose_name(_model_field(model, key))
    return capfirst(own) if own else key.replace("_", " ").capitalize()


def _number(value: Any) -> str | None:
    try:
        return format_mx(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def _number_text(value: Any) -> str:
    if value is None or value == "":
        return NOTHING
    return _number(value) or str(value)


def _choice(key: str, found: models.Field | None, value: Any) -> str | None:
    if found is not None and found.choices:
        own = {str(k): str(v) for k, v in found.flatchoices}
        if str(value) in own:
            return own[str(value)]
    return labels.value_labels(key).get(str(value))


def _kind(key: str, found: models.Field | None) -> str | None:
    kind = labels.value_kind(key)
    if kind:
        return kind
    if isinstance(found, _NUMBER_FIELDS) and not found.is_relation:
        return "number"
    if isinstance(found, models.DateField):
        return "date"
    return None


def _month(value: Any) -> str | None:
    try:
        month = int(value)
    except (TypeError, ValueError):
        return None
    return MONTH_NAMES[month - 1] if 1 <= month <= 12 else None


def _date_text(value: str) -> str | None:
    try:
        if _DATE.match(value):
            return f"{date.fromisoformat(value):%d/%m/%Y}"
        if _DATETIME.match(value):
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if timezone.is_naive(moment):
                return f"{moment:%d/%m/%Y %H:%M}"
            return when_text(moment)
    except ValueError:
        return None
    return None


def _mapping_text(value: Mapping[str, Any], model: type[models.Model] | None) -> str:
    """«Campo: valor» lines in the order of their labels (PostgreSQL's jsonb keeps no order
    of its own: the same event must read the same on either database)."""
    lines = sorted(f"{field_text(k, model)}: {value_text(v, k, model)}" for k, v in value.items())
    return "\n".join(lines) if lines else NOTHING


def _scalar_text(value: Any, key: str, model: type[models.Model] | None) -> str:
    found = _model_field(model, key)
    chosen = _choice(key, found, value)
    if chosen is not None:
        return chosen
    kind = _kind(key, found)
    shown: str | None = None
    if kind == "text":
        return str(value)
    if kind == "actor":
        return actor_text(str(value))
    if kind == "month":
        shown = _month(value)
    elif kind == "number" or isinstance(value, int | float | Decimal):
        shown = _number(value)
    elif isinstance(value, str):
        shown = _date_text(value)
    return shown if shown is not None else str(value)


def value_text(value: Any, key: str = "", model: type[models.Model] | None = None) -> str:
    """A stored (JSON) value as the pages show it; «—» when empty."""
    if value is None or value == "" or value == [] or value == {}:
        return NOTHING
    if isinstance(value, bool):
        return "Sí" if value else "No"
    if isinstance(value, Mapping):
        return _mapping_text(value, model)
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v, key, model) for v in value)
    return _scalar_text(value, key, model)


def _month_changes(before: Any, after: Any) -> list[FieldChange]:
    old = before if isinstance(before, list) and len(before) == 12 else [None] * 12
    new = after if isinstance(after, list) and len(after) == 12 else [None] * 12
    return [
        FieldChange(f"Meta de {MONTH_NAMES[i]}", _number_text(old[i]), _number_text(new[i]))
        for i in range(12)
        if old[i] != new[i]
    ]


def field_changes(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    model: type[models.Model] | None = None,
) -> list[FieldChange]:
    """Per changed key, before → after (a deletion's values → «—»); a creation's values
    alone, its empty ones left out; the calendar month by month («Meta de mayo: — → 1»)."""
    created = not isinstance(before, Mapping) or not before
    old_values = before if isinstance(before, Mapping) else {}
    new_values = after if isinstance(after, Mapping) else {}
    keys = [*old_values, *(k for k in new_values if k not in old_values)]
    changes: list[FieldChange] = []
    for key in keys:
        old, new = old_values.get(key), new_values.get(key)
        if old == new:
            continue
        if key == MONTHS_KEY:
            changes.extend(_month_changes(old, new))
            continue
        shown = value_text(new, key, model)
        if created and shown == NOTHING:
            continue
        changes.append(
            FieldChange(field_text(key, model), value_text(old, key, model), shown, created)
        )
    return changes


# --- whole events ----------------------------------------------------------------------------


def _model_of(event: AuditEvent) -> type[models.Model] | None:
    """The event's model (its content type must be joined: ``select_related``)."""
    content_type = event.content_type if event.content_type_id else None
    return content_type.model_class() if content_type is not None else None


def _object_pages(events: list[AuditEvent]) -> dict[tuple[str, int], labels.ObjectPage]:
    """What the owning apps say of the events' objects now: one query per kind."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        model = _model_of(event)
        if model is not None and event.object_id is not None:
            wanted[_model_label(model)].add(event.object_id)
    pages: dict[tuple[str, int], labels.ObjectPage] = {}
    for model_label, ids in wanted.items():
        resolver = labels.object_resolver(model_label)
        if resolver is None:
            continue
        for pk, page in resolver(sorted(ids)).items():
            pages[(model_label, pk)] = page
    return pages


def _who(event: AuditEvent) -> str:
    actor = event.actor if event.actor_id else None
    return actor_text(event.actor_label, actor.get_full_name() if actor is not None else "")


def event_views(events: Iterable[AuditEvent], *, link: bool = True) -> list[EventView]:
    """The events as people read them. Join ``actor`` and ``content_type`` beforehand;
    ``link``: ask the owning apps for the objects' pages and states (one query per kind
    of object), else none."""
    rows = list(events)
    pages = _object_pages(rows) if link else {}
    views = []
    for event in rows:
        model = _model_of(event)
        page = pages.get((_model_label(model), event.object_id or 0), labels.ObjectPage())
        views.append(
            EventView(
                event=event,
                when=when_text(event.created_at),
                who=_who(event),
                action=action_text(event.action, model),
                object_label=page.label or event.object_repr or NOTHING,
                object_type=capfirst(str(model._meta.verbose_name)) if model is not None else "",
                reason=event.reason,
                changes=field_changes(event.before, event.after, model),
                url=page.url,
                state=page.state,
            )
        )
    return views


def changes_text(view: EventView) -> str:
    """The changes as lines «Campo: antes → después» (exports)."""
    return "\n".join(c.text for c in view.changes)

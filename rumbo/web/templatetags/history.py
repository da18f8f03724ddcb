"""The change history of an object as people read it: who, when, what, before → after.

``{% load history %}{% history events %}`` renders ``web/_history.html`` from the events of
``rumbo.audit.selectors.object_history``; it never queries (the actor is joined there).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone

from rumbo.audit.models import AuditEvent
from rumbo.core.numbers import format_mx
from rumbo.core.periods import MONTH_NAMES

register = template.Library()

ACTIONS = {
    "activity.create": "Creó la actividad",
    "activity.update": "Modificó la actividad",
    "activity.calendar": "Cambió el calendario",
    "activity.delete": "Eliminó la actividad",
    "activity.import": "Importó la actividad",
    "progress.create": "Capturó el avance del mes",
    "progress.update": "Corrigió el avance del mes",
    "bands.set_activity": "Fijó el semáforo propio de la actividad",
    "bands.clear_activity": "Quitó el semáforo propio de la actividad",
    "bands.set_indicator": "Fijó el semáforo propio del indicador",
    "bands.clear_indicator": "Quitó el semáforo propio del indicador",
    "period.submit": "Envió la captura a revisión",
    "period.approve": "Aprobó la captura",
    "period.return": "Devolvió la captura con observaciones",
    "period.reopen": "Reabrió la captura",
    "opendata.publish": "Publicó como datos abiertos",
    "opendata.withdraw": "Retiró de los datos abiertos",
    "area_objective.update": "Corrigió la fila",
    "observation.create": "Escribió una observación de revisión",
    "observation.answer": "Respondió la observación de revisión",
    "observation.resolve": "Marcó atendida la observación de revisión",
}
FIELDS = {
    "key": "Clave",
    "description": "Descripción",
    "node": "Nivel",
    "area": "Área responsable",
    "unit": "Unidad de medida",
    "annual_target": "Cantidad anual",
    "monthly_targets": "Calendario",
    "lines_of_action": "Líneas de acción",
    "month": "Mes",
    "achieved": "Cantidad alcanzada",
    "comment": "Comentario",
    "justification": "Justificación",
    "version": "Versión",
    "state": "Estado",
    "yellow_low": "Amarillo desde (%)",
    "green_low": "Verde desde (%)",
    "green_high": "Verde hasta (%)",
    "yellow_high": "Amarillo hasta (%)",
    "objective": "Objetivo",
    "indicator": "Indicadores asociados",
    "goal": "Meta",
    "hyperlink": "Hipervínculo",
    "responsible": "Área responsable de la información",
    "note": "Nota",
    "text": "Observación",
    "answer": "Respuesta del área",
    "activity": "Actividad",
}
MONTHS_KEY = "monthly_targets"
NOTHING = "—"


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    event: AuditEvent
    who: str
    when: str
    action: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def show_value(value: Any) -> str:
    """A stored (JSON) value for people: numbers es-MX, lists joined, empty as «—»."""
    if value is None or value == "" or value == []:
        return NOTHING
    if isinstance(value, bool):
        return "Sí" if value else "No"
    if isinstance(value, int | float | Decimal):
        return format_mx(value)
    if isinstance(value, list | tuple):
        return ", ".join(show_value(v) for v in value)
    return str(value)


def _month_changes(before: Any, after: Any) -> list[FieldChange]:
    old = before if isinstance(before, list) and len(before) == 12 else [None] * 12
    new = after if isinstance(after, list) and len(after) == 12 else [None] * 12
    return [
        FieldChange(MONTH_NAMES[i].capitalize(), show_value(old[i]), show_value(new[i]))
        for i in range(12)
        if old[i] != new[i]
    ]


def field_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[FieldChange]:
    """Per changed field, before → after; the calendar month by month («Mayo: — → 1»)."""
    before = before or {}
    after = after or {}
    known = [k for k in FIELDS if k in before or k in after]
    other = sorted(k for k in {*before, *after} if k not in FIELDS)
    changes: list[FieldChange] = []
    for key in [*known, *other]:
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key == MONTHS_KEY:
            changes.extend(_month_changes(old, new))
        else:
            changes.append(FieldChange(FIELDS.get(key, key), show_value(old), show_value(new)))
    return changes


def history_entries(events: Iterable[AuditEvent]) -> list[HistoryEntry]:
    entries = []
    for event in events:
        actor = event.actor
        name = actor.get_full_name() if actor is not None else ""
        who = f"{name} ({event.actor_label})" if name else event.actor_label
        entries.append(
            HistoryEntry(
                event=event,
                who=who,
                when=timezone.localtime(event.created_at).strftime("%d/%m/%Y %H:%M"),
                action=ACTIONS.get(event.action, event.action),
                reason=event.reason,
                changes=field_changes(event.before, event.after),
            )
        )
    return entries


@register.inclusion_tag("web/_history.html")
def history(events: Iterable[AuditEvent], heading: str = "Historial de cambios") -> dict:
    return {"entries": history_entries(events), "heading": heading}

"""The risk matrix (riesgos) and the cronograma (actions × months) of a design."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from rumbo.audit.services import Actor
from rumbo.core.text import whole_number
from rumbo.indicators.models import Level, MirRow
from rumbo.programs.models import Activity

from ..models import ProgramDesign, Risk, ScheduleAction, Treatment
from .common import (
    choice,
    create_item,
    delete_item,
    line,
    lock_item,
    merged,
    order,
    paragraph,
    raise_if,
    score,
    update_item,
)

# --- risks -----------------------------------------------------------------------------------

RISK_FIELDS = (
    "risk",
    "cause",
    "effect",
    "probability",
    "impact",
    "owner",
    "controls",
    "treatment",
    "treatment_actions",
    "follow_up",
    "order",
)


def _clean_risk(values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = {
        "risk": paragraph(errors, values, "risk", required="Describe el riesgo."),
        "cause": paragraph(errors, values, "cause"),
        "effect": paragraph(errors, values, "effect"),
        "probability": score(errors, values, "probability", label="la probabilidad", required=True),
        "impact": score(errors, values, "impact", label="el impacto", required=True),
        "owner": line(errors, values, "owner", max_length=255),
        "controls": paragraph(errors, values, "controls"),
        "treatment": choice(
            errors,
            values,
            "treatment",
            Treatment.values,
            "Escoge evitar, reducir, compartir o aceptar.",
        ),
        "treatment_actions": paragraph(errors, values, "treatment_actions"),
        "follow_up": paragraph(errors, values, "follow_up"),
        "order": order(errors, values),
    }
    raise_if(errors)
    return cleaned


@transaction.atomic
def risk_create(*, actor: Actor, design: ProgramDesign, data: Mapping[str, Any]) -> Risk:
    """``data``: the ``RISK_FIELDS``; probability and impact 1–5 (see ``design.risk``).

    Without a treatment, the risk is to be reduced (the model's default)."""
    data = {**data, "treatment": data.get("treatment") or Treatment.REDUCE}
    values = _clean_risk(merged(None, RISK_FIELDS, data))
    return create_item(
        actor=actor,
        design=design,
        model=Risk,
        values=values,
        action="risk.create",
        fields=RISK_FIELDS,
    )


@transaction.atomic
def risk_update(
    *, actor: Actor, risk: Risk, changes: Mapping[str, Any], version: int | None = None
) -> bool:
    lock_item(risk)
    values = _clean_risk(merged(risk, RISK_FIELDS, changes))
    return update_item(
        actor=actor,
        design=risk.design,
        obj=risk,
        values=values,
        action="risk.update",
        fields=RISK_FIELDS,
        version=version,
        sent=changes,
    )


@transaction.atomic
def risk_delete(*, actor: Actor, risk: Risk, reason: str = "") -> None:
    delete_item(
        actor=actor,
        design=risk.design,
        obj=risk,
        action="risk.delete",
        fields=RISK_FIELDS,
        reason=reason,
    )


# --- cronograma ------------------------------------------------------------------------------

SCHEDULE_FIELDS = (
    "number",
    "description",
    "months",
    "responsible",
    "component",
    "activity",
    "order",
)


def clean_months(errors: dict[str, str], raw: Any) -> list[int]:
    """Months 1–12, each once, sorted; given as ints or digit strings."""
    if raw is None or raw == "":
        return []
    if isinstance(raw, str | bytes) or not hasattr(raw, "__iter__"):
        errors["months"] = "Los meses son una lista de números del 1 al 12."
        return []
    months: list[int] = []
    for item in raw:
        month = None if isinstance(item, bool) else whole_number(item)
        if month is None or not 1 <= month <= 12:
            errors["months"] = f"«{item}» no es un mes: usa números del 1 al 12."
            return []
        months.append(month)
    if len(set(months)) != len(months):
        errors["months"] = "Cada mes se indica una sola vez."
        return []
    return sorted(months)


def _clean_schedule(design: ProgramDesign, values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    component = values.get("component")
    if component is not None and (
        not isinstance(component, MirRow)
        or component.mir.design_id != design.pk
        or component.level not in (Level.COMPONENTE, Level.ACTIVIDAD)
    ):
        errors["component"] = "Escoge un componente o una actividad de la MIR de este diseño."
    activity = values.get("activity")
    if activity is not None and (
        not isinstance(activity, Activity) or activity.program_id != design.node.program_id
    ):
        errors["activity"] = "Escoge una actividad del programa anual de este diseño."
    cleaned = {
        "number": line(errors, values, "number", max_length=20),
        "description": paragraph(errors, values, "description", required="Describe la acción."),
        "months": clean_months(errors, values.get("months")),
        "responsible": line(errors, values, "responsible", max_length=255),
        "component": component,
        "activity": activity,
        "order": order(errors, values),
    }
    raise_if(errors)
    return cleaned


@transaction.atomic
def schedule_action_create(
    *, actor: Actor, design: ProgramDesign, data: Mapping[str, Any]
) -> ScheduleAction:
    """``data``: number, description, months [1–12], responsible, component, activity, order."""
    values = _clean_schedule(design, merged(None, SCHEDULE_FIELDS, data))
    return create_item(
        actor=actor,
        design=design,
        model=ScheduleAction,
        values=values,
        action="schedule_action.create",
        fields=SCHEDULE_FIELDS,
    )


@transaction.atomic
def schedule_action_update(
    *,
    actor: Actor,
    action: ScheduleAction,
    changes: Mapping[str, Any],
    version: int | None = None,
) -> bool:
    lock_item(action)
    values = _clean_schedule(action.design, merged(action, SCHEDULE_FIELDS, changes))
    return update_item(
        actor=actor,
        design=action.design,
        obj=action,
        values=values,
        action="schedule_action.update",
        fields=SCHEDULE_FIELDS,
        version=version,
        sent=changes,
    )


@transaction.atomic
def schedule_action_delete(*, actor: Actor, action: ScheduleAction, reason: str = "") -> None:
    delete_item(
        actor=actor,
        design=action.design,
        obj=action,
        action="schedule_action.delete",
        fields=SCHEDULE_FIELDS,
        reason=reason,
    )

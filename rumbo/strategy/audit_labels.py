"""How the bitácora names the strategy app's actions (``rumbo.audit.labels``)."""

from __future__ import annotations

from rumbo.audit.labels import register_actions, register_object_url

from .models import (
    GeneralProgram,
    LineOfAction,
    Policy,
    StrategicObjective,
    StrategicPlan,
    SwotItem,
)

_ELEMENTS = {
    "policy": ("la política general", "una política general"),
    "general_program": ("el programa general", "un programa general"),
    "objective": ("el objetivo", "un objetivo"),
    "line_of_action": ("la línea de acción", "una línea de acción"),
    "swot_item": ("el elemento del FODA", "un elemento del FODA"),
}


def register() -> None:
    actions = {"plan.create": "Creó el plan", "plan.update": "Modificó el plan"}
    for prefix, (the, one) in _ELEMENTS.items():
        actions[f"{prefix}.create"] = f"Agregó {one}"
        actions[f"{prefix}.update"] = f"Modificó {the}"
        actions[f"{prefix}.delete"] = f"Eliminó {the}"
    register_actions(actions)
    register_object_url(StrategicPlan, "web:plan", "institution__code", "pk")
    for model in (Policy, GeneralProgram, StrategicObjective, LineOfAction, SwotItem):
        register_object_url(model, "web:plan", "plan__institution__code", "plan_id")

"""How the bitácora names the design app's actions and fields (``rumbo.audit.labels``)."""

from __future__ import annotations

from rumbo.audit.labels import register_actions, register_fields, register_object_url

from .models import Alternative, PopulationFigure, Risk, ScheduleAction, Stakeholder, TreeNode

_ITEMS = {
    "design": ("el diseño del programa", "el diseño del programa"),
    "tree_node": ("un elemento del árbol", "un elemento del árbol"),
    "stakeholder": ("un involucrado", "un involucrado"),
    "alternative": ("una alternativa", "una alternativa"),
    "population_figure": ("un dato de población", "un dato de población"),
    "risk": ("un riesgo", "un riesgo"),
    "schedule_action": ("una acción del cronograma", "una acción del cronograma"),
}


def register() -> None:
    actions = {"program.from_design": "Creó las actividades del programa desde el diseño"}
    for prefix, (one, _) in _ITEMS.items():
        actions[f"{prefix}.create"] = f"Agregó {one}" if prefix != "design" else "Creó el diseño"
        actions[f"{prefix}.update"] = f"Modificó {one}"
        actions[f"{prefix}.delete"] = f"Eliminó {one}"
    register_actions(actions)
    register_fields(
        {
            "activities_created": "Actividades creadas",
            "nodes_created": "Niveles creados",
            "already_linked": "Ya vinculadas",
            "mir_links": "Vínculos con la MIR",
            "simulated_calendars": "Calendarios simulados",
            "months_simulated": "Meses simulados",
            "months": "Meses",
            "actions": "Acciones",
            "findings": "Hallazgos",
            "actor": "Actor",
        }
    )
    for model in (Alternative, PopulationFigure, Risk, ScheduleAction, Stakeholder, TreeNode):
        register_object_url(
            model, "web:design", "design__node__program__institution__code", "design_id"
        )

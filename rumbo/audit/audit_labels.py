"""The audit app's own labels: the generic verbs of importers and commands, its own
actions, and keys every app's events share (see ``labels``)."""

from __future__ import annotations

from .labels import register_actions, register_fields, register_value_kind


def register() -> None:
    register_actions(
        {
            # importers, the demo and a few services record a bare verb on the object
            "create": "Creó",
            "update": "Modificó",
            "delete": "Eliminó",
            "maintenance.run": "Ejecutó el mantenimiento",
            "database.restore": "Restauró la base de datos",
        }
    )
    register_fields(
        {
            "key": "Clave",
            "code": "Clave",
            "name": "Nombre",
            "description": "Descripción",
            "title": "Título",
            "text": "Texto",
            "month": "Mes",
            "year": "Año",
            "state": "Estado",
            "version": "Versión",
            "comment": "Comentario",
            "note": "Nota",
            "order": "Orden",
            "area": "Área",
            "role": "Rol",
            "user": "Usuario",
            "username": "Usuario",
            "reason": "Motivo",
            "label": "Descripción",
            "tasks": "Tareas",
            "done": "Hecho",
            "file": "Archivo",
            "source": "Origen",
        }
    )
    register_value_kind("month", ["month"])
    register_value_kind("text", ["year", "baseline_year", "key", "code"])  # never «2,024»

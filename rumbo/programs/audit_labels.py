"""How the bitácora names the programs app's actions and fields (``rumbo.audit.labels``)."""

from __future__ import annotations

from rumbo.audit.labels import (
    register_actions,
    register_fields,
    register_object_url,
    register_value_kind,
)

from .models import Activity, ActivityObservation, AnnualProgram, ProgramNode


def register() -> None:
    register_actions(
        {
            "program.create": "Creó el programa anual",
            "program.copy": "Copió el programa al año siguiente",
            "program.review": "Envió el programa a revisión",
            "program.return": "Devolvió el programa a formulación",
            "program.approve": "Aprobó el programa",
            "program.close": "Cerró el programa",
            "node.create": "Agregó un nivel al programa",
            "unit.create": "Agregó una unidad de medida",
            "unit.update": "Renombró la unidad de medida",
            "activity.create": "Creó la actividad",
            "activity.update": "Modificó la actividad",
            "activity.calendar": "Cambió el calendario",
            "activity.delete": "Eliminó la actividad",
            "observation.create": "Escribió una observación de revisión",
            "observation.answer": "Respondió la observación de revisión",
            "observation.resolve": "Marcó atendida la observación de revisión",
        }
    )
    register_fields(
        {
            "node": "Nivel",
            "unit": "Unidad de medida",
            "annual_target": "Cantidad anual",
            "monthly_targets": "Calendario",
            "lines_of_action": "Líneas de acción",
            "level_names": "Nombres de los niveles",
            "activity": "Actividad",
            "answer": "Respuesta del área",
            "agreement": "Acuerdo",
            "agreement_date": "Fecha del acuerdo",
            "beneficiaries": "Beneficiarios",
        }
    )
    register_fields({"text": "Observación"}, model="programs.activityobservation")
    register_value_kind("number", ["annual_target"])
    code, year = "program__institution__code", "program__year"
    register_object_url(Activity, "web:activity", code, year, "key")
    register_object_url(AnnualProgram, "web:program", "institution__code", "year")
    register_object_url(ProgramNode, "web:program_section", code, year, "pk")
    register_object_url(
        ActivityObservation,
        "web:activity",
        "activity__program__institution__code",
        "activity__program__year",
        "activity__key",
    )

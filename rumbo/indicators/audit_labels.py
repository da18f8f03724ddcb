"""How the bitácora names the indicators app's actions and fields (``rumbo.audit.labels``)."""

from __future__ import annotations

from rumbo.audit.labels import (
    register_actions,
    register_fields,
    register_object_url,
    register_value_kind,
)

from .models import Indicator, Measurement, Mir, MirRow, ProgramDesign

DESIGN_CODE = "node__program__institution__code"  # a ProgramDesign's institution
INDICATOR_CODE = f"row__mir__design__{DESIGN_CODE}"


def register() -> None:
    register_actions(
        {
            "mir.create": "Creó la MIR",
            "mir.review": "Envió la MIR a revisión",
            "mir.return": "Devolvió la MIR a formulación",
            "mir.approve": "Aprobó la MIR",
            "mir.close": "Cerró la MIR",
            "mir.simulated": "Cargó mediciones simuladas (demostración)",
            "mir_row.create": "Agregó una fila a la MIR",
            "mir_row.update": "Modificó una fila de la MIR",
            "mir_row.delete": "Eliminó una fila de la MIR",
            "activity.mir_link": "Vinculó la actividad con la MIR",
            "indicator.create": "Creó el indicador",
            "indicator.update": "Modificó el indicador",
            "indicator.delete": "Eliminó el indicador",
            "bands.set_indicator": "Fijó el semáforo propio del indicador",
            "bands.clear_indicator": "Quitó el semáforo propio del indicador",
            "measurement.create": "Capturó la medición del indicador",
            "measurement.update": "Corrigió la medición del indicador",
        }
    )
    register_fields(
        {
            "mir_row": "Fila de la MIR",
            "indicator": "Indicador",
            "design": "Diseño del programa",
            "measurements_simulated": "Mediciones simuladas",
            "values": "Valores de las variables",
            "period": "Periodo",
            "value": "Valor",
            "area_id": "Área responsable",
            "summary": "Resumen narrativo",
            "verification": "Medios de verificación",
            "assumptions": "Supuestos",
            "level": "Nivel",
        }
    )
    register_fields({"value": "Meta"}, model="indicators.indicatortarget")
    register_value_kind("number", ["value", "baseline_value", "period"])
    register_object_url(Indicator, "web:indicator", INDICATOR_CODE, "pk")
    register_object_url(
        Measurement,
        "web:indicator_measure",
        f"indicator__{INDICATOR_CODE}",
        "indicator_id",
        "period",
    )
    register_object_url(Mir, "web:mir", f"design__{DESIGN_CODE}", "design_id")
    register_object_url(MirRow, "web:mir", f"mir__design__{DESIGN_CODE}", "mir__design_id")
    register_object_url(ProgramDesign, "web:design", DESIGN_CODE, "pk")

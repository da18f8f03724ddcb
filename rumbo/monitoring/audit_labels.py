"""How the bitácora names the monitoring app's actions and fields (``rumbo.audit.labels``)."""

from __future__ import annotations

from django.urls import reverse

from rumbo.audit.labels import (
    ObjectPage,
    register_actions,
    register_fields,
    register_object_pages,
    register_object_url,
    register_value_kind,
    register_values,
)
from rumbo.core.periods import MONTH_NAMES

from .models import Evidence, MessageKind, PeriodReport, PeriodState, ProgressEntry


def progress_entry_pages(ids: list[int]) -> dict[int, ObjectPage]:
    """A month's progress: its activity's page, named «clave · mes» (the recorded name
    carries the figure of that moment). One query."""
    rows = ProgressEntry.objects.filter(pk__in=ids).values_list(
        "pk",
        "activity__program__institution__code",
        "activity__program__year",
        "activity__key",
        "month",
    )
    return {
        pk: ObjectPage(
            url=reverse("web:activity", args=[code, year, key]),
            label=f"{key} · {MONTH_NAMES[month - 1]}",
        )
        for pk, code, year, key, month in rows
    }


def period_report_pages(ids: list[int]) -> dict[int, ObjectPage]:
    """An area's month: its capture page, named «Captura SE · enero 2024» (the recorded name
    carries the state of that moment). One query."""
    rows = PeriodReport.objects.filter(pk__in=ids).values_list(
        "pk", "program__institution__code", "program__year", "area__code", "month", "state"
    )
    return {
        pk: ObjectPage(
            url=reverse("web:capture_grid", args=[code, year, area, month]),
            label=f"Captura {area} · {MONTH_NAMES[month - 1]} {year}",
            state=PeriodState(state).label,
        )
        for pk, code, year, area, month, state in rows
    }


def register() -> None:
    register_actions(
        {
            "progress.create": "Capturó el avance del mes",
            "progress.update": "Corrigió el avance del mes",
            "period.submit": "Envió la captura a revisión",
            "period.approve": "Aprobó la captura",
            "period.return": "Devolvió la captura con observaciones",
            "period.reopen": "Reabrió la captura",
            "period.message": "Escribió en la conversación de la captura",
            "window.extend": "Concedió una prórroga de captura",
            "bands.set_institution": "Cambió el semáforo de la institución",
            "bands.set_activity": "Fijó el semáforo propio de la actividad",
            "bands.clear_activity": "Quitó el semáforo propio de la actividad",
            "evidence.add": "Adjuntó una evidencia",
            "evidence.remove": "Quitó una evidencia",
            "program.simulated": "Cargó avances simulados (demostración)",
        }
    )
    register_fields({"entry": "Avance mensual (número interno)"}, model="monitoring.evidence")
    # A post of a capture's conversation (recorded on the capture).
    register_fields(
        {"text": "Mensaje", "kind": "Tipo de mensaje", "role": "Rol de quien escribe"},
        model="monitoring.periodreport",
    )
    register_values("kind", dict(MessageKind.choices))
    # "policy.update" is also the strategy's (a política general): this one is the
    # institution's monitoring policy.
    register_actions(
        {"policy.update": "Cambió la política de seguimiento"},
        model="monitoring.monitoringpolicy",
    )
    register_fields(
        {
            "achieved": "Cantidad alcanzada",
            "justification": "Justificación",
            "yellow_low": "Amarillo desde (%)",
            "green_low": "Verde desde (%)",
            "green_high": "Verde hasta (%)",
            "yellow_high": "Amarillo hasta (%)",
            "until": "Hasta",
            "close_day": "Día de cierre de la captura",
            "evidence_max_mb": "Tamaño máximo de una evidencia (MB)",
            "progress_simulated": "Avances simulados",
            "original_name": "Archivo",
            "size": "Tamaño (bytes)",
            "sha256": "Huella SHA-256",
            "content_type": "Tipo de archivo",
            "submitted_at": "Enviada",
            "decided_at": "Decidida",
        }
    )
    register_value_kind(
        "number", ["achieved", "yellow_low", "green_low", "green_high", "yellow_high"]
    )
    register_object_pages("monitoring.progressentry", progress_entry_pages)
    register_object_url(
        Evidence,
        "web:activity",
        "entry__activity__program__institution__code",
        "entry__activity__program__year",
        "entry__activity__key",
    )
    register_object_pages("monitoring.periodreport", period_report_pages)

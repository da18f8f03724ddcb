"""How the bitácora names the exports' actions and fields, and what it says of an export
now (``rumbo.audit.labels``)."""

from __future__ import annotations

from rumbo.audit.labels import (
    ObjectPage,
    register_actions,
    register_fields,
    register_object_pages,
    register_values,
)

from .models import ExportJob
from .registry import KINDS


def export_states(ids: list[int]) -> dict[int, ObjectPage]:
    """Each export's description and its state now (one query). No link: an export's page
    is its requester's only."""
    rows = ExportJob.objects.filter(pk__in=ids).only("pk", "label", "state")
    return {job.pk: ObjectPage(label=job.label, state=job.get_state_display()) for job in rows}


def register() -> None:
    register_actions(
        {
            "export.request": "Solicitó una exportación",
            "export.orphaned": "Marcó fallida una exportación abandonada",
        }
    )
    register_fields(
        {
            "kind": "Tipo",
            "params": "Parámetros",
            "background": "En segundo plano",
            "fmt": "Formato de archivo",
            "format_id": "Formato de transparencia",
            "quarter": "Trimestre",
            "mir": "MIR",
        }
    )
    register_values("fmt", {"csv": "CSV", "xlsx": "Excel (XLSX)", "pdf": "PDF", "json": "JSON"})
    register_values("kind", {name: spec.title for name, spec in KINDS.items()})
    register_object_pages("jobs.exportjob", export_states)

"""What every page, report and download says of a program whose monthly progress was
simulated by the demonstration (``rumbo demo``: ``AnnualProgram.progress_simulated``)."""

from __future__ import annotations

from rumbo.programs.models import AnnualProgram

SIMULATED_PROGRESS_NOTE = (
    "Datos simulados: el avance mensual de este programa lo generó la demostración de Rumbo"
    " (rumbo demo); no son cifras reales."
)


def progress_simulated_note(program: AnnualProgram) -> str:
    """The notice for a program whose progress is simulated; empty otherwise."""
    return SIMULATED_PROGRESS_NOTE if program.progress_simulated else ""

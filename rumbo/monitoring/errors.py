"""Domain conflicts of the capture cycle: distinct classes so the API can answer 409.

Each carries a Spanish ``message`` fit for a person. ``StaleVersion`` also carries the
stored (``current``) and the submitted version so a page can show both.
"""

from __future__ import annotations

from typing import Any


class MonitoringConflict(Exception):
    """A write refused because of the state of the cycle, not because of bad input."""

    default_message = "La operación entra en conflicto con el estado de la captura."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class PeriodLocked(MonitoringConflict):
    """The month's capture of that area was sent or approved; reopen it first."""

    default_message = "El periodo está enviado o aprobado; no admite cambios."


class WindowClosed(MonitoringConflict):
    """The capture window of that month is closed for that area."""

    default_message = "La ventana de captura de ese mes está cerrada."


class StaleVersion(MonitoringConflict):
    """Someone else saved the record after this user opened it (optimistic lock)."""

    default_message = "Otra persona modificó el registro mientras lo editabas."

    def __init__(self, *, current: Any, submitted: Any, message: str | None = None) -> None:
        self.current = current
        self.submitted = submitted
        super().__init__(
            message
            or (
                "Otra persona modificó el registro mientras lo editabas "
                f"(versión guardada {current}, versión enviada {submitted}). "
                "Recarga para ver los cambios."
            )
        )

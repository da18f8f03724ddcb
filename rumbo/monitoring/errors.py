"""Domain conflicts of the capture cycle: distinct classes so the API can answer 409.

Each carries a Spanish ``message`` fit for a person. ``StaleVersion`` also carries the
stored (``current``) and the submitted version so a page can show both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from rumbo.core import versions
from rumbo.core.errors import Conflict


class MonitoringConflict(Conflict):
    """A write refused because of the state of the cycle, not because of bad input."""

    default_message = "La operación entra en conflicto con el estado de la captura."


class PeriodLocked(MonitoringConflict):
    """The month's capture of that area was sent or approved; reopen it first."""

    default_message = "El periodo está enviado o aprobado; no admite cambios."


class WindowClosed(MonitoringConflict):
    """The capture window of that month is closed for that area."""

    default_message = "La ventana de captura de ese mes está cerrada."


class StaleVersion(MonitoringConflict, versions.StaleVersion):
    """Someone else saved the entry or moved the period after this user opened it: the
    core rule (``rumbo.core.versions.StaleVersion``, the same 409 body) with the capture's
    own message, which names the achieved values when both sides have one."""

    def __init__(
        self,
        *,
        current: Any,
        submitted: Any,
        current_values: dict[str, Any] | None = None,
        submitted_values: dict[str, Any] | None = None,
        message: str | None = None,
    ) -> None:
        current_values = current_values or {}
        submitted_values = submitted_values or {}
        if message is None:
            message = "Otra persona modificó el registro mientras lo editabas"
            if "achieved" in current_values and "achieved" in submitted_values:
                message += (
                    f": guardó {current_values['achieved']} (versión {current}); "
                    f"tú enviaste {submitted_values['achieved']}"
                    f" sobre la versión {submitted if submitted is not None else 'nueva'}."
                )
            else:
                sent = submitted if submitted is not None else "ninguna: creabas uno nuevo"
                message += f" (versión guardada {current}, versión enviada {sent})."
            message += " Recarga para ver los cambios."
        versions.StaleVersion.__init__(
            self,
            current=current,
            submitted=submitted,
            current_values=current_values,
            submitted_values=submitted_values,
            message=message,
        )


@dataclass(frozen=True)
class RowError:
    """One problem of one row of a grid save: which activity and month, which field."""

    index: int
    key: str
    month: int
    field: str
    message: str
    conflict: MonitoringConflict | None = None


class GridRejected(ValidationError):
    """A grid save refused as a whole; ``rows`` says what is wrong in which row."""

    def __init__(self, rows: list[RowError]) -> None:
        self.rows = rows
        by_field: dict[str, list[str]] = {}
        for row in rows:
            by_field.setdefault(f"{row.key}.{row.field}", []).append(row.message)
        super().__init__(by_field)

    @property
    def conflicts(self) -> list[MonitoringConflict]:
        return [r.conflict for r in self.rows if r.conflict is not None]

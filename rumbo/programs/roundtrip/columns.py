"""The columns of the «Actividades» sheet: one definition shared by the writer and reader."""

from __future__ import annotations

from dataclasses import dataclass

from rumbo.core.periods import MONTH_LABELS
from rumbo.core.text import normalize
from rumbo.programs.models import DEFAULT_LEVEL_NAMES, AnnualProgram

SHEET_ACTIVITIES = "Actividades"
SHEET_CATALOGUES = "Catálogos"
SHEET_INSTRUCTIONS = "Instrucciones"

KEY = "Clave actividad"
DESCRIPTION = "Descripción"
AREA = "Área (siglas)"
UNIT = "Unidad de medida"
ANNUAL = "Cantidad anual"
LINES = "Líneas de acción"


@dataclass(frozen=True)
class Layout:
    """The column headers of one program's sheet, in order."""

    node_levels: tuple[str, ...]  # level names of the grouping levels (not the activity)

    @classmethod
    def for_program(cls, program: AnnualProgram) -> Layout:
        names = list(program.level_names or DEFAULT_LEVEL_NAMES)
        return cls(node_levels=tuple(names[:-1]) or ("Nivel 1",))

    @property
    def node_headers(self) -> list[str]:
        return [f"Clave {name}" for name in self.node_levels]

    @property
    def context_headers(self) -> list[str]:
        """Read-only columns: the names of the grouping levels (ignored on upload)."""
        return [f"Nombre ({name})" for name in self.node_levels]

    @property
    def editable_headers(self) -> list[str]:
        return [
            *self.node_headers,
            KEY,
            DESCRIPTION,
            AREA,
            UNIT,
            ANNUAL,
            *MONTH_LABELS,
            LINES,
        ]

    @property
    def headers(self) -> list[str]:
        return [*self.editable_headers, *self.context_headers]


def header_key(text: object) -> str:
    """How headers are matched: accent-, case- and spacing-insensitive."""
    return normalize(str(text)) if text is not None else ""
